"""A true/false review reads naturally: the learner's answer ("Sai"), then whether it was right in
other words ("chưa chính xác", never a second "sai"), then feedback that speaks of the statement."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from courses.services import enrollment_create
from quizzes.models import QuizPage, ReviewItem, ReviewMoment
from quizzes.services import attempt_start, attempt_submit
from tests.factories import UserFactory, make_course, make_quiz

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "courses" / "demo"
STATEMENT = {
    "type": "true_false",
    "text": "Số văn bản bắt đầu lại từ số 01 vào ngày 01 tháng 01 hằng năm.",
    "answer": True,
    "feedback": "Nhận định này đúng. Điều 15 Nghị định 30/2020/NĐ-CP.",
}


def submitted_statement(answer: str):
    """A learner's graded attempt at a one-statement quiz whose review shows everything at once."""
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[STATEMENT])
    QuizPage.objects.filter(pk=quiz.pk).update(review_options={item: [ReviewMoment.IMMEDIATELY] for item in ReviewItem})
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, page=0, data=MultiValueDict({"q0": [answer]}))
    return learner, attempt


def test_a_wrong_true_false_answer_reads_without_contradiction(client):
    learner, attempt = submitted_statement("false")
    client.force_login(learner)
    body = client.get(reverse("quiz_review", args=[attempt.pk])).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert "Bạn trả lời : Sai chưa chính xác" in text.replace(": ", " : ")
    assert "Đáp án đúng: Đúng" in text
    assert "Nhận định này đúng. Điều 15" in text
    assert '<span class="badge badge-wrong">chưa chính xác</span>' in body


def test_demo_true_false_feedback_speaks_of_the_statement_not_the_answer():
    """Feedback shown to every learner must not open with a bare "Đúng."/"Sai.", which reads as a
    verdict on the learner's answer."""
    found = 0
    for path in sorted(DEMO.glob("course_*.json")):
        text = path.read_text(encoding="utf-8")
        for question in re.findall(r'\{[^{}]*"type": "true_false"[^{}]*\}', text):
            feedback = json.loads(question).get("feedback", "")
            found += 1
            assert not re.match(r"(Đúng|Sai)\b", feedback), (path.name, feedback[:60])
    assert found >= 7


def test_an_answer_stored_at_0_9999999_before_the_rounding_is_reviewed_as_right(client):
    """Attempts graded before fractions were rounded hold 0.9999999 for three right options of
    33.33333 %: the review reads them right, on the same thresholds the grader rounds to."""
    from quizzes.grading import correctness
    from quizzes.models import AttemptAnswer

    assert [correctness(f) for f in (0.9999999, 1.0, 0.5, 0.0000001, 0.0, None)] == [
        "right",
        "right",
        "partial",
        "wrong",
        "wrong",
        None,
    ]
    learner, attempt = submitted_statement("true")
    AttemptAnswer.objects.filter(attempt=attempt).update(fraction=0.9999999, mark=0.9999999)
    client.force_login(learner)
    body = client.get(reverse("quiz_review", args=[attempt.pk])).content.decode()
    assert '<span class="badge badge-ok">chính xác</span>' in body and "đúng một phần" not in body
