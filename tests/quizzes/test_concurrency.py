"""Parallel submits on PostgreSQL: the attempt row lock and the sequence number decide."""

import threading

import pytest
from django.db import connection, connections
from django.utils.datastructures import MultiValueDict

from courses.services import enrollment_create
from quizzes.models import Attempt, AttemptAnswer, AttemptState
from quizzes.services import StaleSubmit, attempt_start, attempt_submit
from tests.factories import QUESTION_SPECS, UserFactory, make_course, make_quiz
from tests.services import require

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def run_in_threads(count, target):
    barrier = threading.Barrier(count)
    outcomes = []
    lock = threading.Lock()

    def worker(index):
        try:
            barrier.wait(timeout=30)
            result = target(index)
        except Exception as error:  # collected and asserted on below
            result = error
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def answers():
    data = MultiValueDict()
    data.setlist("q0", ["false"])
    return data


@pytest.fixture
def postgres():
    require(connection.vendor == "postgresql", "concurrency tests need PostgreSQL (DATABASE_URL)")


def test_twenty_parallel_submits_of_one_page_accept_exactly_one(postgres):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["true_false"]])
    user = UserFactory()
    enrollment_create(user=user, course=course)
    attempt = attempt_start(user=user, quiz=quiz)

    outcomes = run_in_threads(
        20, lambda i: attempt_submit(attempt_id=attempt.pk, user=user, sequence=0, page=0, data=answers())
    )
    accepted = [o for o in outcomes if isinstance(o, Attempt)]
    refused = [o for o in outcomes if isinstance(o, StaleSubmit)]
    assert len(accepted) == 1 and len(refused) == 19, outcomes
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.score_pct == 100 and attempt.sequence == 1
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1


def test_fifty_learners_submitting_at_once_are_all_graded(postgres):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["true_false"]])
    users = [UserFactory() for _ in range(50)]
    attempts = []
    for user in users:
        enrollment_create(user=user, course=course)
        attempts.append(attempt_start(user=user, quiz=quiz))

    outcomes = run_in_threads(
        50,
        lambda i: attempt_submit(attempt_id=attempts[i].pk, user=users[i], sequence=0, page=0, data=answers()),
    )
    assert all(isinstance(o, Attempt) for o in outcomes), [o for o in outcomes if not isinstance(o, Attempt)]
    assert Attempt.objects.filter(quiz=quiz, state=AttemptState.GRADED, passed=True).count() == 50


def test_a_submit_in_progress_locks_the_attempt_not_the_quiz_every_learner_shares(postgres):
    """While one learner's submit holds its attempt, another learner of the same quiz locks theirs
    at once (a lock over the attempt–quiz join would hold the quiz page's rows and queue the class)."""
    from django.db import transaction

    from quizzes.services import _locked_attempt

    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["true_false"]])
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        enrollment_create(user=user, course=course)
    mine, theirs = attempt_start(user=first, quiz=quiz), attempt_start(user=second, quiz=quiz)
    outcome = {}

    def the_other_learner():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                outcome["attempt"] = _locked_attempt(theirs.pk, second).pk
                with connection.cursor() as cursor:
                    cursor.execute("SELECT id FROM wagtailcore_page WHERE id = %s FOR UPDATE NOWAIT", [quiz.pk])
                outcome["quiz_page_free"] = True
        except Exception as error:  # asserted on below
            outcome["error"] = error
        finally:
            connections.close_all()

    with transaction.atomic():
        assert _locked_attempt(mine.pk, first).pk == mine.pk
        thread = threading.Thread(target=the_other_learner)
        thread.start()
        thread.join(timeout=30)
    assert outcome == {"attempt": theirs.pk, "quiz_page_free": True}, outcome
