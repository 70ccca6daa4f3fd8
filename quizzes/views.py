"""Thin views over the quiz services. The attempt page never receives correct answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from courses.selectors import course_for_lesson, course_for_lesson_cached, course_learner_view, enrollment_current

from .models import Attempt, AttemptState, QuizPage
from .selectors import attempt_navigation, attempt_page, attempt_review
from .services import (
    AttemptEnded,
    AttemptNotFound,
    QuizError,
    StaleSubmit,
    TimeUp,
    attempt_save_page,
    attempt_start,
    attempt_submit,
)


def _may_take(request, quiz: QuizPage) -> bool:
    if request.user.has_perm("wagtailadmin.access_admin"):
        return True
    view = course_learner_view(course=course_for_lesson(quiz), user=request.user)
    return view.is_enrolled and not view.locked(quiz)


@require_POST
@login_required
def quiz_start(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    if not _may_take(request, quiz):
        messages.error(request, _("Hãy ghi danh khoá học và hoàn thành các bài trước để làm bài kiểm tra."))
        return redirect(quiz.url)
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except QuizError as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    return redirect("quiz_attempt", attempt_id=attempt.pk)


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = Attempt.objects.select_related("quiz").filter(pk=attempt_id, user=request.user).first()
    if attempt is None:
        raise Http404
    return attempt


@never_cache
@login_required
def attempt_view(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if request.method == "POST":
        return _attempt_post(request, attempt)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("quiz_review", attempt_id=attempt.pk)
    page = _int(request.GET.get("page"), 0)
    view = attempt_page(attempt=attempt, page=page)
    seconds_left = int((attempt.deadline - timezone.now()).total_seconds()) if attempt.deadline else None
    return render(
        request,
        "quizzes/attempt.html",
        {"view": view, "attempt": attempt, "quiz": attempt.quiz, "seconds_left": seconds_left},
    )


def _attempt_post(request, attempt: Attempt):
    """Save the page, then go where the learner asked: previous, next, a page from the navigation
    panel, or the summary before submitting. Submitting happens only from the summary page (or when
    the timer runs out), never by a stray button on page 1 of 3."""
    page = _int(request.POST.get("page"), 0)
    sequence = _int(request.POST.get("sequence"), -1)
    action = request.POST.get("action", "next")
    try:
        if action == "submit" and (request.POST.get("confirmed") or request.POST.get("timeout")):
            submitted = attempt_submit(
                attempt_id=attempt.pk, user=request.user, sequence=sequence, page=page, data=request.POST
            )
            return _after_submit(request, submitted)
        attempt_save_page(attempt_id=attempt.pk, user=request.user, page=page, sequence=sequence, data=request.POST)
        if action in ("summary", "submit"):
            return redirect("quiz_summary", attempt_id=attempt.pk)
    except TimeUp as error:
        messages.warning(request, str(error))
        attempt.refresh_from_db()
        if attempt.state == AttemptState.IN_PROGRESS:
            return redirect(f"{reverse('quiz_attempt', args=[attempt.pk])}?page={page}")
        return redirect("quiz_review", attempt_id=attempt.pk)
    except StaleSubmit as error:
        messages.warning(request, str(error))
        return redirect(f"{reverse('quiz_attempt', args=[attempt.pk])}?page={page}")
    except QuizError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('quiz_attempt', args=[attempt.pk])}?page={page}")
    target = (
        page - 1 if action == "previous" else page + 1 if action == "next" else _int(action.removeprefix("page-"), page)
    )
    return redirect(f"{reverse('quiz_attempt', args=[attempt.pk])}?page={max(0, target)}")


@never_cache
@login_required
def attempt_summary(request, attempt_id: int):
    """Before the final submit: every question answered or not, flagged or not, and a confirmation."""
    if request.method == "POST":
        return _summary_submit(request, attempt_id)
    attempt = _own_attempt(request, attempt_id)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("quiz_review", attempt_id=attempt.pk)
    navigation = attempt_navigation(attempt=attempt)
    seconds_left = int((attempt.deadline - timezone.now()).total_seconds()) if attempt.deadline else None
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "navigation": navigation,
        "unanswered": sum(1 for item in navigation if not item.answered),
        "seconds_left": seconds_left,
    }
    return render(request, "quizzes/summary.html", context)


def _summary_submit(request, attempt_id: int):
    """The summary's final submit: nothing is read here (the service locks and checks the attempt).
    Someone else's attempt, or none, is a 404; one that had already ended opens its review."""
    try:
        submitted = attempt_submit(
            attempt_id=attempt_id, user=request.user, sequence=_int(request.POST.get("sequence"), -1)
        )
    except AttemptNotFound as error:
        raise Http404 from error
    except AttemptEnded:
        return redirect("quiz_review", attempt_id=attempt_id)
    except TimeUp as error:
        messages.warning(request, str(error))
    except QuizError as error:
        messages.error(request, str(error))
        return redirect("quiz_summary", attempt_id=attempt_id)
    else:
        return _after_submit(request, submitted)
    return redirect("quiz_review", attempt_id=attempt_id)


def _after_submit(request, attempt: Attempt):
    """A pass that completed the course leads to the completion page; otherwise to the review."""
    messages.success(request, _("Đã nộp bài."))
    if getattr(attempt, "course_completed", False):
        return redirect("course_completed", course_id=course_for_lesson_cached(attempt.quiz).pk)
    return redirect("quiz_review", attempt_id=attempt.pk)


@require_POST
@login_required
def attempt_autosave(request, attempt_id: int):
    """Save the page in the background (every minute, and before leaving it): answers the new
    sequence number the page must carry next, or why it could not save. Every learner's open
    attempt calls it each minute: only whose attempt it is is read here (the service locks it)."""
    if not Attempt.objects.filter(pk=attempt_id, user=request.user).exists():
        raise Http404
    try:
        saved = attempt_save_page(
            attempt_id=attempt_id,
            user=request.user,
            page=_int(request.POST.get("page"), 0),
            sequence=_int(request.POST.get("sequence"), -1),
            data=request.POST,
        )
    except QuizError as error:
        return JsonResponse({"saved": False, "message": str(error)}, status=409)
    return JsonResponse({"saved": True, "sequence": saved.sequence, "at": timezone.localtime().strftime("%H:%M")})


@never_cache
@login_required
def attempt_review_view(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.state == AttemptState.IN_PROGRESS:
        return redirect("quiz_attempt", attempt_id=attempt.pk)
    visible, items = attempt_review(attempt=attempt)
    course = course_for_lesson(attempt.quiz)
    enrollment = enrollment_current(user=request.user, course=course) if attempt.passed and course else None
    return render(
        request,
        "quizzes/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "visible": visible,
            "items": items,
            "course": course,
            "course_completed": enrollment is not None and enrollment.completed_at is not None,
        },
    )


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
