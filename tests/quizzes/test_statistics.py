"""Quiz statistics against values computed by hand, and their cache kept by the worker."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from courses.services import enrollment_create
from lms.accounts.services import editors_group
from lms.jobs.models import BackgroundJob
from lms.orgunits.services import coordinator_scope_grant
from quizzes.models import Attempt, QuizStatistics
from quizzes.services import attempt_start, attempt_submit
from quizzes.statistics import question_statistics, quiz_statistics_compute
from quizzes.statistics_cache import (
    quiz_statistics_cached,
    quiz_statistics_enqueue,
    quiz_statistics_refresh,
    quiz_statistics_sweep,
)
from tests.factories import QUESTION_SPECS, UserFactory, make_course, make_province_tree, make_quiz, place
from tests.fixtures.jobs import run_jobs

pytestmark = pytest.mark.django_db

TF = QUESTION_SPECS["true_false"]  # answer: False


def tf(text):
    return {**TF, "text": text, "name": text}


def three_question_quiz():
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(
        course=course, questions=[tf("Q1"), tf("Q2"), tf("Q3")], questions_per_page=3, shuffle_answers=False
    )
    return course, quiz


def answer_table(course, quiz, table, users=None):
    """One learner per row: 1 = right ("false"), 0 = wrong ("true") for Q1, Q2, Q3."""
    for index, row in enumerate(table):
        user = users[index] if users else UserFactory()
        enrollment_create(user=user, course=course)
        attempt = attempt_start(user=user, quiz=quiz)
        data = MultiValueDict()
        for entry in attempt.slots:
            data.setlist(f"q{entry['slot']}", ["false" if row[entry["slot"]] else "true"])
        attempt_submit(attempt_id=attempt.pk, user=user, sequence=0, page=0, data=data)


def test_facility_and_discrimination_match_hand_computed_values():
    course, quiz = three_question_quiz()
    answer_table(course, quiz, [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 1)])
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


def test_quiz_level_figures_match_hand_computed_values():
    course, quiz = three_question_quiz()
    answer_table(course, quiz, [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 0)])  # a perfect Guttman scale
    summary = quiz_statistics_compute(quiz=quiz).summary
    # Scores 100, 66.67, 33.33, 0 → mean 50, median 50, sample SD √((50² + 16.67² + 16.67² + 50²)/3) = 43.03.
    assert summary.attempts == 4
    assert summary.mean == pytest.approx(50.0, abs=0.01)
    assert summary.median == pytest.approx(50.0, abs=0.01)
    assert summary.standard_deviation == pytest.approx(43.03, abs=0.01)
    # Cronbach's α = k/(k−1)·(1 − Σ item variances / total variance) = 1.5 · (1 − 0.8333/1.6667) = 0.75.
    assert summary.cronbach_alpha == pytest.approx(75.0, abs=0.01)
    # Standard error of measurement = SD · √(1 − α) = 43.03 · 0.5.
    assert summary.standard_error == pytest.approx(21.52, abs=0.01)


def test_a_quiz_without_graded_attempts_has_empty_figures():
    _course, quiz = three_question_quiz()
    figures = quiz_statistics_compute(quiz=quiz)
    assert figures.summary.attempts == 0 and figures.summary.mean is None and figures.questions == []


def test_grading_queues_a_refresh_and_the_cache_tracks_new_attempts(django_capture_on_commit_callbacks):
    course, quiz = three_question_quiz()
    with django_capture_on_commit_callbacks() as callbacks:
        answer_table(course, quiz, [(1, 1, 1), (1, 0, 0)])
    assert any(
        getattr(c, "func", None) is quiz_statistics_enqueue and c.keywords == {"quiz_id": quiz.pk} for c in callbacks
    )

    assert quiz_statistics_cached(quiz=quiz).stale and not QuizStatistics.objects.exists()
    assert quiz_statistics_refresh(quiz_id=quiz.pk) is True
    cached = quiz_statistics_cached(quiz=quiz)
    assert (
        not cached.stale
        and cached.attempts_counted == 2
        and cached.figures.summary.mean == pytest.approx(66.665, abs=0.01)
    )
    assert quiz_statistics_refresh(quiz_id=quiz.pk) is False  # nothing changed: nothing computed

    answer_table(course, quiz, [(0, 0, 0)])
    cached = quiz_statistics_cached(quiz=quiz)
    assert cached.stale and cached.attempts_counted == 2 and cached.attempts_now == 3
    assert quiz_statistics_sweep() == 1  # the beat sweeper catches a lost refresh
    assert quiz_statistics_cached(quiz=quiz).figures.summary.attempts == 3
    assert quiz_statistics_sweep() == 0


def test_the_report_shows_quiz_statistics_to_editors_and_only_scoped_attempts_to_coordinators(client, admin_user):
    units = make_province_tree()
    course, quiz = three_question_quiz()
    inside, outside = UserFactory(full_name="Người Trong Xã"), UserFactory(full_name="Người Ngoài Xã")
    place(inside, units["commune_a"])
    place(outside, units["commune_b"])
    answer_table(course, quiz, [(1, 1, 1), (0, 0, 0)], users=[inside, outside])
    quiz_statistics_refresh(quiz_id=quiz.pk)
    url = reverse("quiz_report", args=[quiz.pk])

    editor = UserFactory()
    editor.groups.add(editors_group())
    client.force_login(editor)
    body = client.get(url).content.decode()
    assert "Người Trong Xã" in body and "Người Ngoài Xã" in body
    assert 'data-report="quiz-statistics"' in body and "Chấm lại sau khi sửa câu hỏi" in body

    # A coordinator who also reaches the admin (not an editor) reads only the scope's attempts.
    coordinator = UserFactory()
    coordinator.user_permissions.add(Permission.objects.get(codename="access_admin"))
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["commune_a"])
    client.force_login(coordinator)
    body = client.get(url).content.decode()
    assert "Người Trong Xã" in body and "Người Ngoài Xã" not in body
    assert 'data-report="quiz-statistics"' not in body and "Chấm lại sau khi sửa câu hỏi" not in body
    question = quiz.slots.first().question
    response = client.post(url, {"action": "regrade", "question": question.pk, "reason": "x"})
    assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail's "permission denied"
    assert not BackgroundJob.objects.exists()


def test_regrade_runs_as_a_job_and_refreshes_the_grades(client):
    course, quiz = three_question_quiz()
    answer_table(course, quiz, [(1, 1, 1), (0, 0, 0)])
    editor = UserFactory()
    editor.groups.add(editors_group())
    client.force_login(editor)
    question = quiz.slots.first().question
    question.true_false_answer = True  # the key was wrong: "Đúng" is the right answer
    question.save()
    url = reverse("quiz_report", args=[quiz.pk])
    response = client.post(url, {"action": "regrade", "question": question.pk, "reason": "Sửa đáp án"})
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    (job,) = run_jobs()
    assert job.status == "done" and job.result == {"regraded": 2}
    assert sorted(float(score) for score in Attempt.objects.values_list("score_pct", flat=True)) == [33.33, 66.67]
