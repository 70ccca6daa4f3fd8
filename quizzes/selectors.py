"""Reads for quiz pages, attempt pages, reviews and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from courses.selectors import course_for_lesson, enrollment_current

from . import grading
from .models import (
    Attempt,
    AttemptAnswer,
    AttemptState,
    GradingMethod,
    QuestionVersion,
    QuizOverride,
    QuizPage,
    ReviewMoment,
)


def attempt_cycle_for(*, quiz: QuizPage, user) -> int:
    """The enrolment cycle an attempt at ``quiz`` belongs to now: the cycle of the learner's
    current enrolment in the quiz's course, or 1 without one (an editor trying the quiz)."""
    course = course_for_lesson(quiz)
    enrollment = enrollment_current(user=user, course=course) if course is not None else None
    return enrollment.cycle if enrollment is not None else 1


@dataclass
class QuizLearnerState:
    attempts: list[Attempt]  # of the current cycle
    in_progress: Attempt | None
    grade: object
    attempts_left: int | None
    cycle: int = 1
    earlier: list[Attempt] = field(default_factory=list)  # of earlier cycles, still reviewable


def quiz_learner_state(*, quiz: QuizPage, user) -> QuizLearnerState:
    if not user.is_authenticated:
        return QuizLearnerState([], None, None, None)
    cycle = attempt_cycle_for(quiz=quiz, user=user)
    every = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("cycle", "number"))
    attempts = [a for a in every if a.cycle == cycle]
    in_progress = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    left = None
    if quiz.max_attempts:
        override = QuizOverride.objects.filter(quiz=quiz, user=user).first()
        left = max(0, quiz.max_attempts + (override.extra_attempts if override else 0) - len(attempts))
    grade = quiz_grade_for_user(quiz=quiz, user=user, cycle=cycle)
    earlier = [a for a in every if a.cycle < cycle]
    return QuizLearnerState(attempts, in_progress, grade, left, cycle=cycle, earlier=earlier)


@dataclass
class QuestionOnPage:
    slot: int
    number: int
    shown: dict
    response: object
    image: object = None


@dataclass
class AttemptPage:
    attempt: Attempt
    page: int
    page_count: int
    questions: list[QuestionOnPage] = field(default_factory=list)


def attempt_page(*, attempt: Attempt, page: int) -> AttemptPage:
    """One page of an in-progress attempt: question texts, shown rows and saved answers only."""
    pages = attempt.layout["pages"]
    page = min(max(page, 0), len(pages) - 1)
    entries = pages[page]
    versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in entries])}
    saved = dict(
        AttemptAnswer.objects.filter(attempt=attempt, slot__in=[e["slot"] for e in entries]).values_list(
            "slot", "response"
        )
    )
    view = AttemptPage(attempt, page, len(pages))
    image_ids = {v.payload.get("image_id") for v in versions.values()} - {None}
    images = {image.pk: image for image in get_image_model().objects.filter(pk__in=image_ids)} if image_ids else {}
    for entry in entries:
        payload = versions[entry["version_id"]].payload
        view.questions.append(
            QuestionOnPage(
                slot=entry["slot"],
                number=entry["slot"] + 1,
                shown=grading.question_public(payload, entry),
                response=_response_for_form(payload, entry, saved.get(entry["slot"])),
                image=images.get(payload.get("image_id")),
            )
        )
    return view


def _response_for_form(payload, entry, response):
    """Saved answers expressed in display positions, to pre-fill the form on resume."""
    if response is None:
        return None
    kind = payload["type"]
    if kind == "single":
        return entry["order"].index(response)
    if kind == "multiple":
        return [entry["order"].index(i) for i in response]
    if kind == "matching":
        return [entry["order"].index(r) if r is not None else None for r in response]
    if kind == "ordering":
        # rank (1-based) of each shown item in the learner's order
        return [response.index(item) + 1 for item in entry["order"]]
    return response


def review_visibility(*, attempt: Attempt, now=None) -> dict[str, bool]:
    """Which review parts the quiz's options allow now, for this finished attempt."""
    quiz = attempt.quiz
    now = now or timezone.now()
    if attempt.state not in (AttemptState.GRADED,):
        return {"score": False, "marks": False, "answers": False, "feedback": False}
    closed = quiz.close_at is not None and now >= quiz.close_at
    immediately = attempt.submitted_at is not None and now <= attempt.submitted_at + timezone.timedelta(minutes=2)

    def allowed(moment: str) -> bool:
        if moment == ReviewMoment.IMMEDIATELY:
            return True
        if moment == ReviewMoment.LATER:
            return not immediately or closed
        if moment == ReviewMoment.AFTER_CLOSE:
            return closed
        return False

    return {
        "score": allowed(quiz.review_score),
        "marks": allowed(quiz.review_marks),
        "answers": allowed(quiz.review_answers),
        "feedback": allowed(quiz.review_feedback),
    }


@dataclass
class ReviewItem:
    number: int
    text: str
    response: str
    fraction: float | None
    correct_answer: str
    feedback: list[str]


def attempt_review(*, attempt: Attempt, now=None) -> tuple[dict[str, bool], list[ReviewItem]]:
    visible = review_visibility(attempt=attempt, now=now)
    answers = {a.slot: a for a in AttemptAnswer.objects.filter(attempt=attempt)}
    versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in attempt.slots])}
    items = []
    for entry in attempt.slots:
        answer = answers.get(entry["slot"])
        payload = versions[answer.version_id if answer else entry["version_id"]].payload
        response = answer.response if answer else None
        items.append(
            ReviewItem(
                number=entry["slot"] + 1,
                text=payload["text"],
                response=grading.response_display(payload, response),
                fraction=(answer.fraction if answer else 0.0) if visible["marks"] else None,
                correct_answer=grading.correct_answer_display(payload) if visible["answers"] else "",
                feedback=grading.feedback_for(payload, response) if visible["feedback"] else [],
            )
        )
    return visible, items


def course_final_score(*, enrollment) -> object:
    """The learner's grade on the last quiz of the enrolment's course (by that quiz's grading
    method, attempts of this enrolment's cycle only), or None when the course has no quiz."""
    quiz = QuizPage.objects.live().descendant_of(enrollment.course).order_by("-path").first()
    if quiz is None:
        return None
    return quiz_grade_for_user(quiz=quiz, user=enrollment.user, cycle=enrollment.cycle)


def quiz_grade_for_user(*, quiz: QuizPage, user, cycle: int) -> Decimal | None:
    """The learner's quiz grade in one enrolment cycle by the quiz's grading method (graded attempts only)."""
    attempts = Attempt.objects.filter(quiz=quiz, user=user, cycle=cycle, state=AttemptState.GRADED).order_by("number")
    return _grade(quiz, [a.score_pct for a in attempts])


def course_final_scores(*, enrollments) -> dict[int, Decimal | None]:
    """``course_final_score`` for many enrolments at once: two queries per course, not per learner."""
    by_course: dict[int, list] = {}
    for enrollment in enrollments:
        by_course.setdefault(enrollment.course_id, []).append(enrollment)
    scores: dict[int, Decimal | None] = {}
    for members in by_course.values():
        quiz = QuizPage.objects.live().descendant_of(members[0].course).order_by("-path").first()
        if quiz is None:
            scores.update(dict.fromkeys((e.pk for e in members), None))
            continue
        attempts: dict[tuple[int, int], list] = {}
        for user_id, cycle, score in (
            Attempt.objects.filter(quiz=quiz, user_id__in={e.user_id for e in members}, state=AttemptState.GRADED)
            .order_by("number")
            .values_list("user_id", "cycle", "score_pct")
        ):
            attempts.setdefault((user_id, cycle), []).append(score)
        for enrollment in members:
            scores[enrollment.pk] = _grade(quiz, attempts.get((enrollment.user_id, enrollment.cycle), []))
    return scores


def _grade(quiz: QuizPage, scores: list) -> Decimal | None:
    """The quiz's grading method applied to the attempts' scores, in attempt order."""
    if not scores:
        return None
    method = quiz.grading_method
    if method == GradingMethod.HIGHEST:
        return max(scores)
    if method == GradingMethod.FIRST:
        return scores[0]
    if method == GradingMethod.LAST:
        return scores[-1]
    return (sum(scores) / len(scores)).quantize(Decimal("0.01"))


def quiz_lesson_rule(*, lesson, enrollment) -> str | None:
    """Registered lesson rule: a quiz lesson completes only when the quiz is passed."""
    quiz = QuizPage.objects.filter(pk=lesson.pk).first()
    if quiz is None:
        return None
    grade = quiz_grade_for_user(quiz=quiz, user=enrollment.user, cycle=enrollment.cycle)
    if grade is None or grade < quiz.pass_mark_pct:
        return _("Bạn cần đạt bài kiểm tra (từ %(mark)s%%) để hoàn thành bài này.") % {"mark": quiz.pass_mark_pct}
    return None
