"""Time limits, frozen clock: the deadline − 1 s, and deadline + grace ± 1 s, for each overdue policy."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from courses.services import enrollment_create
from quizzes.models import AttemptAnswer, AttemptState
from quizzes.services import TimeUp, attempt_save_page, attempt_start, attempt_submit, attempts_close_overdue
from tests.factories import QUESTION_SPECS, make_course, make_quiz

pytestmark = pytest.mark.django_db
ONE = timedelta(seconds=1)
START = timezone.now().replace(microsecond=0) - timedelta(days=1)


def setup_attempt(learner, **settings):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(
        course=course,
        questions=[QUESTION_SPECS["true_false"], QUESTION_SPECS["single"]],
        questions_per_page=1,
        time_limit_minutes=10,
        **settings,
    )
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz, now=START)
    return quiz, attempt, attempt.deadline


def data(value="false"):
    form = MultiValueDict()
    form.setlist("q0", [value])
    return form


@pytest.mark.parametrize("policy", ["autosubmit", "grace", "abandon"])
def test_saving_one_second_before_the_deadline_is_accepted(learner, policy):
    _quiz, attempt, deadline = setup_attempt(learner, overdue_policy=policy, grace_minutes=5)
    assert deadline == START + timedelta(minutes=10)
    attempt = attempt_save_page(
        attempt_id=attempt.pk, user=learner, page=0, sequence=0, data=data(), now=deadline - ONE
    )
    assert attempt.state == AttemptState.IN_PROGRESS
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner, sequence=1, now=deadline - ONE)
    assert attempt.state == AttemptState.GRADED and attempt.submitted_at == deadline - ONE


def test_autosubmit_after_the_deadline_keeps_only_answers_saved_in_time(learner):
    _quiz, attempt, deadline = setup_attempt(learner, overdue_policy="autosubmit")
    attempt_save_page(attempt_id=attempt.pk, user=learner, page=0, sequence=0, data=data("false"), now=deadline - ONE)
    with pytest.raises(TimeUp, match="tự động nộp"):
        attempt_save_page(
            attempt_id=attempt.pk, user=learner, page=0, sequence=1, data=data("true"), now=deadline + ONE
        )
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.submitted_at == deadline
    assert AttemptAnswer.objects.get(attempt=attempt, slot=0).response is False


def test_autosubmit_by_the_sweeper_when_the_learner_never_comes_back(learner):
    _quiz, attempt, deadline = setup_attempt(learner, overdue_policy="autosubmit")
    assert attempts_close_overdue(now=deadline - ONE) == 0
    assert attempts_close_overdue(now=deadline + ONE) == 1
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.score_pct == 0


def test_grace_period_allows_submitting_but_not_answering(learner):
    _quiz, attempt, deadline = setup_attempt(learner, overdue_policy="grace", grace_minutes=5)
    attempt_save_page(attempt_id=attempt.pk, user=learner, page=0, sequence=0, data=data("false"), now=deadline - ONE)
    with pytest.raises(TimeUp, match="chỉ còn có thể nộp"):
        attempt_save_page(attempt_id=attempt.pk, user=learner, page=1, sequence=1, data=data(), now=deadline + ONE)
    grace_end = deadline + timedelta(minutes=5)
    attempt = attempt_submit(
        attempt_id=attempt.pk, user=learner, sequence=1, page=0, data=data("true"), now=grace_end - ONE
    )
    assert attempt.state == AttemptState.GRADED and attempt.submitted_at == deadline
    assert AttemptAnswer.objects.get(attempt=attempt, slot=0).response is False  # late answer ignored


def test_grace_period_over_abandons(learner):
    _quiz, attempt, deadline = setup_attempt(learner, overdue_policy="grace", grace_minutes=5)
    grace_end = deadline + timedelta(minutes=5)
    assert attempts_close_overdue(now=grace_end) == 1  # within grace (±0): still in progress
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS
    with pytest.raises(TimeUp, match="không được tính"):
        attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, now=grace_end + ONE)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.ABANDONED and attempt.score_pct is None


def test_abandon_policy_discards_an_unsubmitted_attempt(learner):
    _quiz, attempt, deadline = setup_attempt(learner, overdue_policy="abandon")
    with pytest.raises(TimeUp, match="không được tính"):
        attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, now=deadline + ONE)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.ABANDONED


def test_close_date_caps_the_deadline_and_override_adds_time(learner, admin_user):
    from quizzes.services import quiz_override_set

    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, time_limit_minutes=30, close_at=START + timedelta(minutes=20))
    enrollment_create(user=learner, course=course)
    assert attempt_start(user=learner, quiz=quiz, now=START).deadline == START + timedelta(minutes=20)
    other = make_quiz(course=make_course("Khoá khác", modules=1, lessons_per_module=1), time_limit_minutes=10)
    quiz_override_set(
        actor=admin_user, quiz=other, user=learner, extra_minutes=15, extra_attempts=0, reason="Khuyết tật"
    )
    assert attempt_start(user=learner, quiz=other, now=START).deadline == START + timedelta(minutes=25)
