"""While an attempt is in progress, no response carries correct answers or feedback."""

import itertools
import random
import re
from collections import Counter

import pytest

from courses.services import enrollment_create
from quizzes.grading import layout_entry_for
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


@pytest.mark.parametrize(("kind", "size"), [("matching", 2), ("matching", 3), ("ordering", 2), ("ordering", 4)])
def test_matching_and_ordering_are_shuffled_uniformly(kind, size):
    """Every order is equally likely — the written one too — so the layout tells nothing."""
    items = [f"mục {n}" for n in range(size)]
    payload = (
        {"type": kind, "pairs": [{"left": i, "right": i} for i in items]}
        if kind == "matching"
        else {
            "type": kind,
            "items": items,
        }
    )
    rng = random.Random(20261127)
    runs = 6000
    counts = Counter(tuple(layout_entry_for(payload, rng=rng, shuffle_answers=False)["order"]) for _ in range(runs))
    permutations = list(itertools.permutations(range(size)))
    assert set(counts) == set(permutations)  # the written order included
    expected = runs / len(permutations)
    chi2 = sum((counts[p] - expected) ** 2 / expected for p in permutations)
    # χ² critical values at p = 0.001: 1 d.f. 10.83, 5 d.f. 20.52, 23 d.f. 49.73
    assert chi2 < {2: 10.83, 6: 20.52, 24: 49.73}[len(permutations)], counts
