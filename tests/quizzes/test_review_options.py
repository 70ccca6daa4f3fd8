"""The review-option matrix: for every item (score, right/wrong, specific feedback, general
feedback, right answer) and every moment (immediately, open, done, closed), what the learner sees
on the quiz page (its attempts table and grade), on the review page and in the "graded" e-mail.

One attempt is set up per moment: a single-choice question answered wrong (with its own feedback)
and an essay a grader graded, so the learner is e-mailed. Each case opens exactly one item at one
moment; the item must show exactly when that moment is now, and nothing else may show.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from courses.services import enrollment_create
from quizzes.models import Attempt, AttemptAnswer, QuizPage, ReviewItem, ReviewMoment
from quizzes.notifications import attempt_graded_notify
from quizzes.scores import score_display
from quizzes.services import answer_grade_manually, attempt_start, attempt_submit
from tests.factories import UserFactory, make_course, make_quiz

pytestmark = pytest.mark.django_db

SINGLE = {
    "type": "single",
    "text": "Lề trái của văn bản hành chính?",
    "options": [
        {"text": "RIGHT-OPTION", "fraction": 1, "feedback": "FB-SPECIFIC-RIGHT"},
        {"text": "WRONG-OPTION", "fraction": 0, "feedback": "FB-SPECIFIC-WRONG"},
    ],
    "general_feedback": "FB-GENERAL",
}
ESSAY = {"type": "essay", "text": "Trình bày quy trình ký số."}

# Which moments are "now" in each situation (open and done can hold together).
SITUATIONS = {
    ReviewMoment.IMMEDIATELY: {ReviewMoment.IMMEDIATELY},
    ReviewMoment.OPEN: {ReviewMoment.OPEN},
    ReviewMoment.DONE: {ReviewMoment.OPEN, ReviewMoment.DONE},
    ReviewMoment.CLOSED: {ReviewMoment.CLOSED},
}
# What proves an item is shown, on the review page.
REVIEW_MARKERS = {
    ReviewItem.MARKS: ['data-review="score"', 'data-review="mark"'],
    ReviewItem.CORRECTNESS: ['data-review="correctness"'],
    ReviewItem.SPECIFIC_FEEDBACK: ["FB-SPECIFIC-WRONG"],
    ReviewItem.GENERAL_FEEDBACK: ["FB-GENERAL"],
    ReviewItem.RIGHT_ANSWER: ['data-review="right_answer"'],
}


def graded_attempt(client, admin_user, situation):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(
        course=course, questions=[SINGLE, ESSAY], questions_per_page=2, shuffle_answers=False, pass_mark_pct=100
    )
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    data = MultiValueDict({"q0": ["1"], "q1": ["Bước 1: mở tệp. Bước 2: ký."]})  # the wrong option
    attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, page=0, data=data)
    essay = AttemptAnswer.objects.get(attempt=attempt, slot=1)
    answer_grade_manually(actor=admin_user, answer_id=essay.pk, mark=0.5, comment="Thiếu bước kiểm tra.")

    now = timezone.now()
    submitted = now - timedelta(seconds=30) if situation == ReviewMoment.IMMEDIATELY else now - timedelta(minutes=10)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=submitted)
    settings = {"max_attempts": 1 if situation == ReviewMoment.DONE else 3}
    if situation == ReviewMoment.CLOSED:
        settings["close_at"] = now - timedelta(minutes=1)
    QuizPage.objects.filter(pk=quiz.pk).update(**settings)
    client.force_login(learner)
    return quiz, Attempt.objects.get(pk=attempt.pk)


def show_only(quiz, item, moment):
    QuizPage.objects.filter(pk=quiz.pk).update(review_options={item: [moment]})


@pytest.mark.parametrize("situation", list(SITUATIONS), ids=[m.value for m in SITUATIONS])
def test_each_item_shows_exactly_at_its_moment_everywhere(client, admin_user, situation):
    quiz, attempt = graded_attempt(client, admin_user, situation)
    assert attempt.state == "graded" and attempt.score_pct is not None
    score = f"{score_display(attempt.score_pct)}%"  # 25% (not 25,00%)
    assert score == "25%"
    review_url = reverse("quiz_review", args=[attempt.pk])
    now_moments = SITUATIONS[situation]
    for item in ReviewItem:
        for moment in ReviewMoment:
            show_only(quiz, item, moment)
            expected = moment in now_moments
            case = f"{item.value} at {moment.value}, now {situation.value}"

            review = client.get(review_url).content.decode()
            for shown_item, markers in REVIEW_MARKERS.items():
                for marker in markers:
                    should = expected and shown_item == item
                    assert (marker in review) == should, f"review page, {marker}: {case}"

            page = client.get(QuizPage.objects.get(pk=quiz.pk).url).content.decode()
            marks_shown = expected and item == ReviewItem.MARKS
            assert (score in page) == marks_shown, f"quiz page attempts table: {case}"
            assert ("Điểm của bạn" in page) == marks_shown, f"quiz page grade: {case}"
            assert "FB-" not in page and "RIGHT-OPTION" not in page, f"quiz page never shows feedback: {case}"

            mail.outbox.clear()
            Attempt.objects.filter(pk=attempt.pk).update(graded_notice_pending=True)
            assert attempt_graded_notify(attempt_id=attempt.pk)
            (message,) = mail.outbox
            assert (score in message.body) == marks_shown, f"graded e-mail: {case}"
            assert "FB-" not in message.body and "RIGHT-OPTION" not in message.body, f"e-mail: {case}"
            assert review_url in message.body


def test_the_grader_comment_and_the_essay_wait_hide_marks_until_graded(client, admin_user):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[SINGLE, ESSAY], questions_per_page=2, shuffle_answers=False)
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    data = MultiValueDict({"q0": ["0"], "q1": ["Bài làm."]})
    attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, page=0, data=data)
    client.force_login(learner)
    review = client.get(reverse("quiz_review", args=[attempt.pk])).content.decode()
    assert "chờ người chấm" in review and 'data-review="score"' not in review
    assert "chờ chấm" in client.get(quiz.url).content.decode()
    assert not mail.outbox
    essay = AttemptAnswer.objects.get(attempt=attempt, slot=1)
    answer_grade_manually(actor=admin_user, answer_id=essay.pk, mark=1, comment="Tốt.")
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.graded_notice_pending


def test_the_demo_defaults_never_give_the_key_away_while_attempts_remain(client, admin_user):
    """A blank first attempt with attempts left: a score and right/wrong, no feedback, no key."""
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[SINGLE], shuffle_answers=False, max_attempts=3)  # default options
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, page=0, data=MultiValueDict())
    client.force_login(learner)
    review = client.get(reverse("quiz_review", args=[attempt.pk])).content.decode()
    assert 'data-review="score"' in review
    for secret in ("FB-GENERAL", "FB-SPECIFIC", 'data-review="right_answer"', "RIGHT-OPTION"):
        assert secret not in review
