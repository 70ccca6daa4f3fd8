"""Scores read the same everywhere: whole percents, one decimal when needed, cut rather than rounded
(``quizzes.scores.score_display``) — on the review, the learner's attempts table, the admin report,
the coordinator's learner page and the certificate."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from certificates.services import _score_text
from courses.services import enrollment_create
from quizzes.scores import score_display
from quizzes.services import attempt_start, attempt_submit
from tests.factories import UserFactory, make_course, make_quiz

pytestmark = pytest.mark.django_db

STATEMENT = {"type": "true_false", "text": "Chữ ký số có giá trị như chữ ký tay.", "answer": True}


@pytest.mark.parametrize(
    "value, vi, en",
    [
        (Decimal("100.00"), "100", "100"),
        (Decimal("70.00"), "70", "70"),
        (Decimal("1.82"), "1,8", "1.8"),
        (Decimal("66.67"), "66,6", "66.6"),
        (Decimal("69.96"), "69,9", "69.9"),  # a failing score never reads as the pass mark
        (Decimal("0.04"), "0", "0"),
        (87.5, "87,5", "87.5"),
        (None, "", ""),
    ],
)
def test_score_display(value, vi, en):
    with translation.override("vi"):
        assert score_display(value) == vi
    with translation.override("en"):
        assert score_display(value) == en


def test_the_certificate_prints_the_score_the_vietnamese_way_whatever_the_language():
    with translation.override("en"):
        assert _score_text(Decimal("66.67")) == "66,6%"
    assert _score_text(None) is None


@pytest.fixture
def two_of_three(client, admin_user):
    """A learner who answered two statements of three right: 66.67 % stored."""
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[STATEMENT] * 3, questions_per_page=3, shuffle_questions=False)
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    data = MultiValueDict({"q0": ["true"], "q1": ["true"], "q2": ["false"]})
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, page=0, data=data)
    assert attempt.score_pct == Decimal("66.67")
    return quiz, attempt, learner


def test_learner_pages_show_the_score_once_formatted(client, two_of_three):
    quiz, attempt, learner = two_of_three
    client.force_login(learner)
    review = client.get(reverse("quiz_review", args=[attempt.pk])).content.decode()
    assert "Điểm: 66,6% (điểm đạt 70%)" in review
    page = client.get(quiz.url).content.decode()
    assert "66,6%" in page and "66,67" not in page


def test_staff_pages_show_the_score_the_same_way(client, admin_user, two_of_three):
    quiz, attempt, learner = two_of_three
    client.force_login(admin_user)
    report = client.get(reverse("quiz_report", args=[quiz.pk])).content.decode()
    assert "66,6%" in report and "66,67" not in report


@pytest.mark.parametrize("distinct", [2, 5])
def test_grading_stores_each_answers_own_fraction_and_mark(distinct):
    """Marks are stored one UPDATE per distinct (fraction, mark) — or one bulk update when partial
    credit makes many distinct pairs (quizzes.services._answers_store_marks): each answer keeps its own."""
    from quizzes.models import AttemptAnswer
    from quizzes.services import _answers_store_marks

    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[STATEMENT] * 5, questions_per_page=5, shuffle_questions=False)
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    data = MultiValueDict({f"q{slot}": ["true"] for slot in range(5)})
    attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, page=0, data=data)
    answers = list(AttemptAnswer.objects.filter(attempt=attempt).order_by("slot"))
    wanted = {answer.pk: ((answer.slot % distinct) / 4, (answer.slot % distinct) / 2) for answer in answers}
    for answer in answers:
        answer.fraction, answer.mark = wanted[answer.pk]
    _answers_store_marks(answers)
    stored = {a.pk: (a.fraction, a.mark) for a in AttemptAnswer.objects.filter(attempt=attempt)}
    assert stored == wanted
