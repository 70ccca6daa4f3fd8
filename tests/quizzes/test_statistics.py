"""Facility and discrimination indices against values computed by hand."""

import pytest
from django.utils.datastructures import MultiValueDict

from courses.services import enrollment_create
from quizzes.services import attempt_start, attempt_submit
from quizzes.statistics import question_statistics
from tests.factories import QUESTION_SPECS, UserFactory, make_course, make_quiz

pytestmark = pytest.mark.django_db

TF = QUESTION_SPECS["true_false"]  # answer: False


def tf(text):
    return {**TF, "text": text, "name": text}


def test_facility_and_discrimination_match_hand_computed_values():
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(
        course=course, questions=[tf("Q1"), tf("Q2"), tf("Q3")], questions_per_page=3, shuffle_answers=False
    )
    # 1 = right ("false"), 0 = wrong ("true"), per learner for Q1, Q2, Q3
    table = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 1)]
    for row in table:
        user = UserFactory()
        enrollment_create(user=user, course=course)
        attempt = attempt_start(user=user, quiz=quiz)
        data = MultiValueDict()
        for entry in attempt.slots:
            right = row[entry["slot"]]
            data.setlist(f"q{entry['slot']}", ["false" if right else "true"])
        attempt_submit(attempt_id=attempt.pk, user=user, sequence=0, page=0, data=data)
    stats = {s.name: s for s in question_statistics(quiz=quiz)}
    # Facility: mean score. Q1: 3/4, Q2: 2/4, Q3: 2/4.
    assert [stats[q].facility for q in ("Q1", "Q2", "Q3")] == [75.0, 50.0, 50.0]
    # Discrimination: Pearson r between the item and the mean of the other two items, ×100.
    # Q1: x=(1,1,1,0), rest=(1,.5,0,.5):  Sxy = 0                      → r = 0
    # Q2: x=(1,1,0,0), rest=(1,.5,.5,.5): Sxy = .25, Sxx = 1, Syy = .1875 → r = .5774
    # Q3: x=(1,0,0,1), rest=(1,1,.5,0):   Sxy = -.25, Sxx = 1, Syy = .6875 → r = -.3015
    assert stats["Q1"].discrimination == pytest.approx(0.0, abs=0.01)
    assert stats["Q2"].discrimination == pytest.approx(57.74, abs=0.01)
    assert stats["Q3"].discrimination == pytest.approx(-30.15, abs=0.01)
    assert dict(stats["Q1"].responses) == {"Sai": 3, "Đúng": 1}
