"""Thin HTTP views: each calls one service or selector."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.accounts.selectors import account_roles
from lms.signed_in_page_cache import signed_in_page_cacheable

from .models import CourseIndexPage, CoursePage, LessonPage
from .search import search_learning_content
from .selectors import (
    course_for_lesson_cached,
    course_learner_view,
    dashboard_for,
    learning_next_for,
    live_lesson_cached,
)
from .services import (
    LearningError,
    enrollment_create,
    enrollment_withdraw,
    lesson_complete,
    lesson_visit,
    lesson_visit_due,
)


def lesson_serve(request, lesson: LessonPage, default_serve):
    """Serve a lesson: enrolled learners, visitors of open-preview courses and editors only;
    a locked lesson of a sequential course is refused here, on the server."""
    course = course_for_lesson_cached(lesson)
    view = course_learner_view(course=course, user=request.user)
    if not view.is_enrolled and not course.open_preview and not account_roles(request.user).opens_admin:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        messages.info(request, _("Hãy ghi danh khoá học để đọc bài này."))
        return redirect(course.url)
    if view.is_enrolled and view.locked(lesson):
        return TemplateResponse(
            request,
            "courses/lesson_locked.html",
            {"page": lesson, "course": course, "view": view, "next_lesson": view.next_lesson},
            status=403,
        )
    if view.is_enrolled:
        lesson_visit(user=request.user, lesson=lesson, course=course, enrollment=view.enrollment)
    if request.user.is_authenticated and type(lesson) is LessonPage:  # a quiz's page shows its attempts, timed
        signed_in_page_cacheable(request, until=lesson_visit_due(view.enrollment, lesson))
    context = lesson.get_context(request, course=course, view=view)
    return TemplateResponse(request, lesson.get_template(request), context)


@require_POST
@login_required
def course_enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrollment_create(user=request.user, course=course)
    except LearningError as error:
        messages.error(request, str(error))
        return redirect(course.url)
    messages.success(request, _("Bạn đã ghi danh khoá học “%(title)s”.") % {"title": course.title})
    view = course_learner_view(course=course, user=request.user)
    return redirect(view.next_lesson.url if view.next_lesson else course.url)


@require_POST
@login_required
def course_withdraw(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrollment_withdraw(user=request.user, course=course)
        messages.success(request, _("Bạn đã huỷ ghi danh. Tiến độ được giữ nếu bạn học lại."))
    except LearningError as error:
        messages.error(request, str(error))
    return redirect(course.url)


@login_required
def course_continue(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    view = course_learner_view(course=course, user=request.user)
    return redirect(view.next_lesson.url if view.is_enrolled and view.next_lesson else course.url)


@require_POST
@login_required
def lesson_mark_done(request, lesson_id: int):
    lesson = live_lesson_cached(lesson_id)
    if lesson is None:
        raise Http404
    try:
        result = lesson_complete(user=request.user, lesson=lesson)
    except LearningError as error:
        messages.error(request, str(error))
        return redirect(lesson.get_url(request))
    if result.course_newly_completed:
        return redirect("course_completed", course_id=result.enrollment.course_id)
    _previous, following = result.outline.neighbours(lesson)
    return redirect((following or result.course).get_url(request))  # the request's site root paths


@login_required
def course_completed(request, course_id: int):
    """The moment of completion: congratulations, the certificate's status, what to learn next.
    A course not completed yet sends the learner back to it."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    view = course_learner_view(course=course, user=request.user)
    if not view.is_completed:
        return redirect(course.url)
    context = {"course": course, "view": view, "next_steps": learning_next_for(course=course, user=request.user)}
    return render(request, "courses/course_completed.html", context)


@login_required
def my_learning(request):
    context = {
        "dashboard": dashboard_for(user=request.user),
        "catalogue": CourseIndexPage.objects.live().first(),
        "today": timezone.localdate(),
    }
    signed_in_page_cacheable(request)
    return render(request, "courses/my_learning.html", context)


def search(request):
    query = request.GET.get("q", "").strip()
    hits = search_learning_content(query=query) if query else []
    return render(request, "courses/search_results.html", {"query": query, "hits": hits})
