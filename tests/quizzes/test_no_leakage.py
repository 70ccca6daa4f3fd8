"""While an attempt is in progress, no response carries correct answers or feedback."""

import re

import pytest

from courses.services import enrollment_create
from quizzes.models import Attempt
from tests.factories import QUESTION_SPECS, make_course, make_quiz

pytestmark = pytest.mark.django_db

FEEDBACK_MARK = re.compile(r"FB-[A-Z]+-[A-Z0-9-]+")
SECRETS = ["VNeIDsentinel", "4242.5", "4242,5", "correct", "fraction", "feedback", "accepted", "payload"]


@pytest.mark.parametrize("kind", list(QUESTION_SPECS))
def test_no_answer_key_or_feedback_in_any_in_progress_response(client, learner, kind):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS[kind]], questions_per_page=1)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    responses = [client.post(f"/quiz/{quiz.pk}/start/", follow=True)]
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    url = f"/quiz/attempt/{attempt.pk}/"
    responses.append(client.get(url))
    responses.append(client.post(url, {"page": 0, "sequence": 0, "action": "next", "q0": "0"}, follow=True))
    responses.append(client.post(url, {"page": 0, "sequence": 0, "action": "next"}, follow=True))  # stale
    responses.append(client.get(f"{url}review/", follow=True))  # redirects back to the attempt
    responses.append(client.get(quiz.url))
    for response in responses:
        assert response.status_code == 200
        body = response.content.decode()
        assert not FEEDBACK_MARK.findall(body), kind
        for secret in SECRETS:
            assert secret not in body.split("<main", 1)[1], (kind, secret)
    attempt.refresh_from_db()
    page = client.get(url).content.decode()
    payload = QUESTION_SPECS[kind]
    if kind == "matching":
        shown = re.findall(r'<option value="\d">([^<]+)</option>', page)[:3]
        assert shown != [pair["right"] for pair in payload["pairs"]]
    if kind == "ordering":
        shown = re.findall(r'<label for="q0_\d">([^<]+)</label>', page)
        assert shown and shown != payload["items"]
