"""Attempts belong to an enrolment cycle: recertification gets its own attempts and grade."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from courses.services import LearningError, enrollment_create, lesson_complete
from lms.accounts.personal_data import personal_data_collect
from lms.accounts.services import editor_role_grant
from lms.audit.services import SYSTEM
from quizzes.demo import demo_attempt_pass
from quizzes.models import Attempt, AttemptState
from quizzes.selectors import course_final_score, quiz_grade_for_user, quiz_learner_state
from quizzes.services import QuizError, attempt_start, attempt_submit, quiz_override_set
from tests.factories import UserFactory, course_lessons, make_course, make_quiz
from tests.fixtures.jobs import quiz_report_csv

from .test_attempts import answers_for

pytestmark = pytest.mark.django_db


def _expire(user, course) -> Enrollment:
    """The learner's validity ends and they enrol again: a new cycle."""
    Enrollment.objects.filter(user=user, course=course).update(completed_at=timezone.now() - timedelta(days=400))
    renewed = enrollment_create(user=user, course=course)
    assert renewed.cycle == 2
    return renewed


@pytest.fixture
def passed_once(learner):
    """A 12-month course with a one-attempt quiz (1 h between attempts), completed in cycle 1."""
    course = make_course(modules=1, lessons_per_module=1, validity_months=12)
    quiz = make_quiz(course=course, max_attempts=1, attempt_delay_minutes=60)
    first_enrollment = enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    first = demo_attempt_pass(user=learner, quiz=quiz)
    first_enrollment.refresh_from_db()
    assert first.cycle == 1 and first.score_pct == 100 and first_enrollment.completed_at is not None
    return course, quiz, first_enrollment, first


def test_recertification_allows_the_new_cycles_attempt_and_grades_it_on_its_own(learner, passed_once):
    course, quiz, first_enrollment, first = passed_once
    with pytest.raises(QuizError, match="hết 1 lượt"):
        attempt_start(user=learner, quiz=quiz)  # cycle 1: the one attempt is used
    renewed = _expire(learner, course)
    state = quiz_learner_state(quiz=quiz, user=learner)
    assert state.cycle == 2 and state.attempts == [] and state.attempts_left == 1 and state.grade is None
    assert state.earlier == [first]
    with pytest.raises(LearningError, match="đạt bài kiểm tra"):
        lesson_complete(user=learner, lesson=quiz)  # cycle 1's pass does not count in cycle 2

    second = attempt_start(user=learner, quiz=quiz)  # neither the limit nor the delay of cycle 1 applies
    assert (second.cycle, second.number) == (2, 1)
    second = attempt_submit(
        attempt_id=second.pk, user=learner, sequence=0, page=0, data=answers_for(second, correct=False)
    )
    assert second.state == AttemptState.GRADED and second.score_pct < 70
    assert quiz_grade_for_user(quiz=quiz, user=learner, cycle=2) == second.score_pct
    assert quiz_grade_for_user(quiz=quiz, user=learner, cycle=1) == 100
    assert course_final_score(enrollment=renewed) == second.score_pct
    assert course_final_score(enrollment=first_enrollment) == 100
    renewed.refresh_from_db()
    assert renewed.completed_at is None  # failed in cycle 2: not recertified
    with pytest.raises(QuizError, match="hết 1 lượt"):
        attempt_start(user=learner, quiz=quiz, now=timezone.now() + timedelta(hours=2))

    # An override gives one more attempt in this cycle; the delay counts from cycle 2's attempt.
    quiz_override_set(
        actor=UserFactory(is_superuser=True), quiz=quiz, user=learner, extra_minutes=0, extra_attempts=1, reason="Ốm"
    )
    with pytest.raises(QuizError, match="làm lại sau"):
        attempt_start(user=learner, quiz=quiz)
    third = attempt_start(user=learner, quiz=quiz, now=timezone.now() + timedelta(hours=2))
    assert (third.cycle, third.number) == (2, 2)


def test_passing_the_new_cycle_recertifies_and_the_first_cycle_stays_in_history_and_reports(
    client, learner, admin_user, passed_once
):
    course, quiz, _first_enrollment, first = passed_once
    renewed = _expire(learner, course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    second = demo_attempt_pass(user=learner, quiz=quiz)
    assert (second.cycle, second.number) == (2, 1)
    renewed.refresh_from_db()
    assert renewed.completed_at is not None and renewed.cycle == 2

    client.force_login(learner)
    page = client.get(quiz.url).content.decode()
    assert reverse("quiz_review", args=[second.pk]) in page
    assert "Các lần làm ở đợt học trước" in page and reverse("quiz_review", args=[first.pk]) in page
    review = client.get(reverse("quiz_review", args=[first.pk]))
    assert review.status_code == 200 and "Xem lại lần làm 1" in review.content.decode()
    assert "(đợt học 2)" in client.get(reverse("quiz_review", args=[second.pk])).content.decode()
    rows = personal_data_collect(user=learner)["quiz_attempts"]["rows"]
    assert sorted((row["cycle"], row["number"]) for row in rows) == [(1, 1), (2, 1)]

    client.force_login(admin_user)
    html = client.get(reverse("quiz_report", args=[quiz.pk])).content.decode()
    assert html.count(learner.email) == 2
    report = quiz_report_csv(client, quiz).removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(report)))
    assert sorted((row["đợt"], row["lần"]) for row in rows) == [("1", "1"), ("2", "1")]


def test_a_leftover_attempt_of_an_earlier_cycle_is_abandoned_not_resumed(learner):
    course = make_course(modules=1, lessons_per_module=1, validity_months=12)
    quiz = make_quiz(course=course)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    demo_attempt_pass(user=learner, quiz=quiz)
    leftover = attempt_start(user=learner, quiz=quiz)  # a retry started and never finished
    assert (leftover.cycle, leftover.number) == (1, 2)
    _expire(learner, course)
    fresh = attempt_start(user=learner, quiz=quiz)
    assert fresh.pk != leftover.pk and (fresh.cycle, fresh.number) == (2, 1)
    leftover.refresh_from_db()
    assert leftover.state == AttemptState.ABANDONED


def test_the_database_allows_number_1_again_only_in_another_cycle(learner, passed_once):
    _course, quiz, _enrollment, first = passed_once
    fields = {"user": learner, "quiz": quiz, "layout": first.layout, "started_at": timezone.now()}
    Attempt.objects.create(cycle=2, number=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(cycle=1, number=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():  # one in progress per cycle
        Attempt.objects.create(cycle=2, number=2, **fields)


def test_an_editor_without_an_enrolment_tries_the_quiz_in_cycle_1(db):
    editor = UserFactory()
    editor_role_grant(actor=SYSTEM, user=editor)
    quiz = make_quiz(course=make_course(modules=1, lessons_per_module=1, validity_months=12))
    attempt = attempt_start(user=editor, quiz=quiz)
    assert (attempt.cycle, attempt.number) == (1, 1)


def test_the_migration_puts_existing_attempts_into_their_cycle(learner, passed_once):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    backfill = importlib.import_module("quizzes.migrations.0003_attempt_cycle_backfill").attempts_to_their_cycle
    course, quiz, _enrollment, first = passed_once
    _expire(learner, course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    second = demo_attempt_pass(user=learner, quiz=quiz)
    other = make_quiz(course=make_course("Khoá khác", modules=1, lessons_per_module=1))
    elsewhere = attempt_start(user=learner, quiz=other)  # another course: stays in cycle 1
    Attempt.objects.filter(pk=second.pk).update(number=2)  # before, numbers ran across cycles
    Attempt.objects.update(cycle=1)  # as 0002 left every existing attempt
    backfill(apps, SimpleNamespace(connection=connection))  # it only reads the connection's alias
    cycles = dict(Attempt.objects.values_list("pk", "cycle"))
    assert cycles == {first.pk: 1, second.pk: 2, elsewhere.pk: 1}
