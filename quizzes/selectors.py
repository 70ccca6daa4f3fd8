"""Reads for quiz pages, attempt pages, reviews and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from courses.selectors import course_for_lesson, enrollment_current
from lms.orgunits.selectors import users_visible_to
from lms.page_cache import content_cached

from . import grading
from .models import (
    Attempt,
    AttemptAnswer,
    AttemptState,
    GradingMethod,
    QuestionCategory,
    QuestionVersion,
    QuizOverride,
    QuizPage,
    ReviewItem,
    ReviewMoment,
)
from .qtypes import qtype_for


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
    passed: bool = False  # passed in this cycle, or no attempt left


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
    done = (grade is not None and grade >= quiz.pass_mark_pct) or left == 0
    now = timezone.now()
    for attempt in every:  # what the review options hide is hidden in the attempts table too
        visible = review_visibility(attempt=attempt, now=now, done=done if attempt.cycle == cycle else True)
        attempt.marks_visible = visible[ReviewItem.MARKS]
    counted = [a for a in attempts if a.state == AttemptState.GRADED]
    if counted and not all(a.marks_visible for a in counted):
        grade = None  # the overall grade would tell what a hidden score is
    return QuizLearnerState(attempts, in_progress, grade, left, cycle=cycle, earlier=earlier, passed=done)


@dataclass
class QuestionOnPage:
    slot: int
    number: int | None  # None for a description (not a question)
    shown: dict
    response: object
    image: object = None
    flagged: bool = False


@dataclass
class NavigationItem:
    """One question in the attempt's navigation panel."""

    slot: int
    number: int
    page: int
    answered: bool
    flagged: bool


@dataclass
class AttemptPage:
    attempt: Attempt
    page: int
    page_count: int
    questions: list[QuestionOnPage] = field(default_factory=list)
    navigation: list[NavigationItem] = field(default_factory=list)

    @property
    def unanswered(self) -> int:
        return sum(1 for item in self.navigation if not item.answered)


def attempt_navigation(*, attempt: Attempt, versions: dict | None = None) -> list[NavigationItem]:
    """Every question of the attempt with its page, whether it is answered and flagged (descriptions
    left out): the panel on each page and the summary before submitting."""
    if versions is None:
        versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in attempt.slots])}
    saved = {a.slot: a for a in AttemptAnswer.objects.filter(attempt=attempt).only("slot", "response", "flagged")}
    items, number = [], 0
    for page_index, page in enumerate(attempt.layout["pages"]):
        for entry in page:
            payload = versions[entry["version_id"]].payload
            qtype = qtype_for(payload)
            if not qtype.graded:
                continue
            number += 1
            answer = saved.get(entry["slot"])
            answered = answer is not None and qtype.is_answered(payload, answer.response)
            items.append(NavigationItem(entry["slot"], number, page_index, answered, bool(answer and answer.flagged)))
    return items


def attempt_page(*, attempt: Attempt, page: int) -> AttemptPage:
    """One page of an in-progress attempt: question texts, shown rows, saved answers and flags, and
    the navigation panel — never a fraction, a feedback or a right answer."""
    pages = attempt.layout["pages"]
    page = min(max(page, 0), len(pages) - 1)
    entries = pages[page]
    versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in attempt.slots])}
    saved = {a.slot: a for a in AttemptAnswer.objects.filter(attempt=attempt, slot__in=[e["slot"] for e in entries])}
    view = AttemptPage(attempt, page, len(pages), navigation=attempt_navigation(attempt=attempt, versions=versions))
    numbers = {item.slot: item.number for item in view.navigation}
    image_ids = {versions[e["version_id"]].payload.get("image_id") for e in entries} - {None}
    images = {image.pk: image for image in get_image_model().objects.filter(pk__in=image_ids)} if image_ids else {}
    for entry in entries:
        payload = versions[entry["version_id"]].payload
        answer = saved.get(entry["slot"])
        view.questions.append(
            QuestionOnPage(
                slot=entry["slot"],
                number=numbers.get(entry["slot"]),
                shown=grading.question_public(payload, entry),
                response=_response_for_form(payload, entry, answer.response if answer else None),
                image=images.get(payload.get("image_id")),
                flagged=bool(answer and answer.flagged),
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


def review_visibility(*, attempt: Attempt, now=None, done: bool | None = None) -> dict[str, bool]:
    """Which review items (``ReviewItem``) the quiz's options allow now for this finished attempt.

    Moments: ``immediately`` (the first two minutes after submitting), ``open`` (later, while the
    quiz is open), ``done`` (the learner has passed or has no attempt left), ``closed`` (the quiz
    closed). An attempt still waiting for a grader shows no marks and no right/wrong.
    """
    quiz = attempt.quiz
    now = now or timezone.now()
    hidden = dict.fromkeys(ReviewItem.values, False)
    if attempt.state not in (AttemptState.GRADED, AttemptState.NEEDS_GRADING):
        return hidden
    closed = quiz.close_at is not None and now >= quiz.close_at
    immediately = attempt.submitted_at is not None and now <= attempt.submitted_at + timedelta(minutes=2)
    if done is None:
        done = _learner_done(quiz=quiz, user=attempt.user, cycle=attempt.cycle)
    moments = {
        ReviewMoment.IMMEDIATELY: immediately,
        ReviewMoment.OPEN: not immediately and not closed,
        ReviewMoment.DONE: done,
        ReviewMoment.CLOSED: closed,
    }
    options = quiz.review_options or {}
    visible = {item: any(moments.get(moment, False) for moment in options.get(item, [])) for item in ReviewItem.values}
    if attempt.state == AttemptState.NEEDS_GRADING:
        visible[ReviewItem.MARKS] = visible[ReviewItem.CORRECTNESS] = False
    return visible


def _learner_done(*, quiz: QuizPage, user, cycle: int) -> bool:
    """Passed, or no attempt left in this cycle: nothing left to gain from hiding the key."""
    grade = quiz_grade_for_user(quiz=quiz, user=user, cycle=cycle)
    if grade is not None and grade >= quiz.pass_mark_pct:
        return True
    if not quiz.max_attempts:
        return False
    override = QuizOverride.objects.filter(quiz=quiz, user=user).first()
    allowed = quiz.max_attempts + (override.extra_attempts if override else 0)
    return Attempt.objects.filter(quiz=quiz, user=user, cycle=cycle).count() >= allowed


@dataclass
class ReviewedQuestion:
    number: int
    text: str
    graded: bool
    response: str
    response_html: str  # an essay's answer, as written
    fraction: float | None  # shown only when "correctness" is visible
    mark: float | None  # shown only when "marks" is visible
    max_mark: float
    specific_feedback: list[str]
    general_feedback: str
    right_answer: str
    comment: str  # the grader's comment (with the marks)
    awaiting_grade: bool

    @property
    def correctness(self) -> str | None:
        """ "right", "partial" or "wrong" (``grading.correctness``); None when not shown."""
        return grading.correctness(self.fraction)


def attempt_review(*, attempt: Attempt, now=None) -> tuple[dict[str, bool], list[ReviewedQuestion]]:
    """The review of a finished attempt, holding only what the quiz's review options allow now."""
    visible = review_visibility(attempt=attempt, now=now)
    answers = {a.slot: a for a in AttemptAnswer.objects.filter(attempt=attempt)}
    versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in attempt.slots])}
    items = []
    number = 0
    for entry in attempt.slots:
        answer = answers.get(entry["slot"])
        payload = versions[answer.version_id if answer else entry["version_id"]].payload
        qtype = qtype_for(payload)
        response = answer.response if answer else None
        if qtype.graded:
            number += 1
        awaiting = qtype.manual and response is not None and (answer.fraction is None)
        fraction = None if answer is None else answer.fraction
        if answer is None and qtype.graded:
            fraction = 0.0
        items.append(
            ReviewedQuestion(
                number=number,
                text=payload["text"],
                graded=qtype.graded,
                response=grading.response_display(payload, response) if not qtype.manual else "",
                response_html=response or "" if qtype.manual else "",
                fraction=fraction if visible[ReviewItem.CORRECTNESS] and not awaiting else None,
                mark=(answer.mark if answer and answer.mark is not None else 0.0)
                if visible[ReviewItem.MARKS] and not awaiting and qtype.graded
                else None,
                max_mark=entry.get("mark", payload.get("default_mark", 1.0)),
                specific_feedback=grading.specific_feedback(payload, response)
                if visible[ReviewItem.SPECIFIC_FEEDBACK]
                else [],
                general_feedback=grading.general_feedback(payload) if visible[ReviewItem.GENERAL_FEEDBACK] else "",
                right_answer=grading.correct_answer_display(payload)
                if visible[ReviewItem.RIGHT_ANSWER] and qtype.graded and not qtype.manual
                else "",
                comment=(answer.comment if answer else "") if visible[ReviewItem.MARKS] else "",
                awaiting_grade=awaiting,
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


def quiz_cached(quiz_id: int) -> QuizPage | None:
    """The quiz page ``quiz_id`` (live or not: an attempt of a quiz unpublished since is still
    submitted), kept until content changes — its settings change only when it is published."""
    return content_cached(f"quiz:{quiz_id}", lambda: QuizPage.objects.filter(pk=quiz_id).first())


def quiz_lesson_rule(*, lesson, enrollment) -> str | None:
    """Registered lesson rule: a quiz lesson completes only when the quiz is passed."""
    if isinstance(lesson, QuizPage):
        quiz = lesson
    elif lesson.content_type_id != ContentType.objects.get_for_model(QuizPage).pk:
        return None  # a reading lesson (the content type is cached: no query)
    else:
        quiz = QuizPage.objects.filter(pk=lesson.pk).first()
        if quiz is None:
            return None
    grade = quiz_grade_for_user(quiz=quiz, user=enrollment.user_id, cycle=enrollment.cycle)
    if grade is None or grade < quiz.pass_mark_pct:
        return _("Bạn cần đạt bài kiểm tra (từ %(mark)s%%) để hoàn thành bài này.") % {"mark": quiz.pass_mark_pct}
    return None


def attempts_visible_to(*, viewer, quiz: QuizPage):
    """The quiz's finished attempts a staff member may read: every one for administrators and
    editors (they own the quiz), those of the learners in their scope for coordinators."""
    attempts = (
        Attempt.objects.filter(quiz=quiz, state__in=[AttemptState.GRADED, AttemptState.NEEDS_GRADING])
        .select_related("user")
        .order_by("-submitted_at", "-pk")
    )
    if sees_every_attempt(viewer=viewer):
        return attempts
    return attempts.filter(user__in=users_visible_to(viewer=viewer))


def sees_every_attempt(*, viewer) -> bool:
    """Administrators and editors (who own the quizzes) read every attempt, the quiz-wide
    statistics, and may regrade; everyone else only their scope's learners' attempts."""
    return viewer.is_superuser or viewer.has_perm("quizzes.view_attempt")


@dataclass
class AnswerToGrade:
    answer: AttemptAnswer
    quiz_title: str
    learner: str
    text: str
    grader_info: str
    response: str
    max_mark: float


def answers_awaiting_grade(*, limit: int = 50) -> list[AnswerToGrade]:
    """Essay answers of submitted attempts that no grader has graded yet, oldest first."""
    answers = (
        AttemptAnswer.objects.filter(
            attempt__state=AttemptState.NEEDS_GRADING,
            fraction__isnull=True,
            response__isnull=False,
            version__payload__type="essay",
        )
        .select_related("attempt__quiz", "attempt__user", "version")
        .order_by("attempt__submitted_at", "pk")[:limit]
    )
    queue = []
    for answer in answers:
        payload = answer.version.payload
        entry = next((e for e in answer.attempt.slots if e["slot"] == answer.slot), {})
        queue.append(
            AnswerToGrade(
                answer=answer,
                quiz_title=answer.attempt.quiz.title,
                learner=answer.attempt.user.full_name or answer.attempt.user.email,
                text=payload["text"],
                grader_info=payload.get("grader_info", ""),
                response=answer.response or "",
                max_mark=float(entry.get("mark", payload.get("default_mark", 1.0))),
            )
        )
    return queue


def answers_awaiting_grade_count() -> int:
    return AttemptAnswer.objects.filter(
        attempt__state=AttemptState.NEEDS_GRADING,
        fraction__isnull=True,
        response__isnull=False,
        version__payload__type="essay",
    ).count()


def category_with_descendants(*, category: QuestionCategory) -> set[int]:
    """The ids of a question category and every category under it (categories are few)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in QuestionCategory.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [category.pk]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found
