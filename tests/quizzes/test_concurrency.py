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
