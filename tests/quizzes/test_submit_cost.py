"""A quiz submit is one short write transaction (issue 12): the attempt is submitted and graded in
one UPDATE, the quiz lesson completed without a savepoint of its own, the learner's pages retired
with one bump after the commit (nothing in the submit reads them before), and a class submitting
the same quiz queues one statistics refresh."""

from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.datastructures import MultiValueDict

from courses.models import Enrollment, LessonProgress
from courses.services import enrollment_create
from lms import page_cache
from lms.page_cache import _cache
from lms.signed_in_page_cache import _learner_key
from quizzes import statistics_cache
from quizzes.models import Attempt, AttemptState
from quizzes.services import attempt_start, attempt_submit
from quizzes.tasks import refresh_statistics
from tests.factories import QUESTION_SPECS, UserFactory, make_course, make_quiz

pytestmark = pytest.mark.django_db

TF = QUESTION_SPECS["true_false"]  # answer: False


def right_answers(attempt):
    data = MultiValueDict()
    for entry in attempt.slots:
        data.setlist(f"q{entry['slot']}", ["false"])
    return data


def quiz_with_learner():
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[TF, {**TF, "text": "Câu 2"}], questions_per_page=2)
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    return course, quiz, learner


@pytest.mark.django_db(transaction=True)  # each unit of work commits, as in production
def test_a_passing_submit_grades_and_completes_the_quiz_lesson_in_few_statements():
    course, quiz, learner = quiz_with_learner()
    attempt = attempt_start(user=learner, quiz=quiz)
    generation = _learner_key(learner.pk)
    before = _cache().get(generation) or 0

    bumps = []
    real_bump = page_cache.generation_bump
    with (
        CaptureQueriesContext(connection) as context,
        patch.object(
            page_cache, "generation_bump", lambda key: bumps.append((key, connection.in_atomic_block)) or real_bump(key)
        ),
    ):
        submitted = attempt_submit(
            attempt_id=attempt.pk, user=learner, sequence=attempt.sequence, page=0, data=right_answers(attempt)
        )

    assert submitted.state == AttemptState.GRADED and submitted.passed
    statements = [q["sql"] for q in context.captured_queries]
    savepoints = [  # the database cache backend's own (the embedded settings) aside
        sql
        for sql, following in zip(statements, statements[1:], strict=False)
        if sql.startswith("SAVEPOINT") and "hocso_cache" not in following
    ]
    assert not savepoints, statements
    attempt_updates = [sql for sql in statements if sql.startswith('UPDATE "quizzes_attempt"')]
    assert len(attempt_updates) == 1, attempt_updates  # submitted and graded in one UPDATE
    version_reads = [sql for sql in statements if sql.startswith('SELECT "quizzes_questionversion"')]
    assert len(version_reads) == 1, version_reads  # the page saved reads them; grading, with the answers
    learner_bumps = [in_transaction for key, in_transaction in bumps if key == generation]
    assert learner_bumps == [False], bumps  # four rows of theirs written, nothing read them: one bump, after
    assert _cache().get(generation) == before + 1
    stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.state == AttemptState.GRADED and stored.submitted_at and stored.graded_at
    assert stored.sequence == attempt.sequence + 1
    assert LessonProgress.objects.get(enrollment__user=learner, lesson=quiz).completed_at is not None
    assert Enrollment.objects.get(user=learner, course=course).progress_pct == 50  # the quiz: 1 of 2 lessons


def test_a_submit_whose_lesson_cannot_complete_is_still_graded_and_kept():
    """An editor trying a quiz they are not enrolled on: the lesson refuses before writing anything,
    and the submit's transaction goes on and commits."""
    _course, quiz, _learner = quiz_with_learner()
    editor = UserFactory()
    attempt = attempt_start(user=editor, quiz=quiz)
    submitted = attempt_submit(
        attempt_id=attempt.pk, user=editor, sequence=attempt.sequence, page=0, data=right_answers(attempt)
    )
    assert submitted.passed and not submitted.course_completed
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.GRADED
    assert not LessonProgress.objects.filter(lesson=quiz).exists()


def test_a_class_submitting_one_quiz_queues_one_statistics_refresh(monkeypatch):
    published = []
    monkeypatch.setattr(refresh_statistics, "apply_async", lambda *args, **kwargs: published.append(kwargs["args"]))
    quiz_id = 987_654
    statistics_cache._refresh_started(quiz_id)

    assert all(statistics_cache.quiz_statistics_enqueue(quiz_id=quiz_id) for _ in range(5))
    assert published == [[quiz_id]]

    statistics_cache.quiz_statistics_refresh(quiz_id=quiz_id)  # the task starts: a later grade queues again
    statistics_cache.quiz_statistics_enqueue(quiz_id=quiz_id)
    assert published == [[quiz_id], [quiz_id]]


def test_a_refresh_the_broker_refused_does_not_hold_back_the_next(monkeypatch):
    def refused(*args, **kwargs):
        raise ConnectionError("broker down")

    quiz_id = 987_655
    statistics_cache._refresh_started(quiz_id)
    monkeypatch.setattr(refresh_statistics, "apply_async", refused)
    assert statistics_cache.quiz_statistics_enqueue(quiz_id=quiz_id) is False
    published = []
    monkeypatch.setattr(refresh_statistics, "apply_async", lambda *args, **kwargs: published.append(kwargs["args"]))
    assert statistics_cache.quiz_statistics_enqueue(quiz_id=quiz_id) is True
    assert published == [[quiz_id]]


def test_a_pass_mark_published_a_moment_ago_grades_the_next_submit():
    """The quiz comes from the content cache: publishing retires it at once."""
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[TF, {**TF, "text": "Câu 2"}], questions_per_page=2, pass_mark_pct=40)

    def half_right(learner):
        enrollment_create(user=learner, course=course)
        attempt = attempt_start(user=learner, quiz=quiz)
        data = MultiValueDict(
            {f"q{entry['slot']}": ["false" if entry["slot"] == 0 else "true"] for entry in attempt.slots}
        )
        return attempt_submit(attempt_id=attempt.pk, user=learner, sequence=attempt.sequence, page=0, data=data)

    assert half_right(UserFactory()).passed  # 50 % against 40 %: the quiz is now in the cache
    quiz.pass_mark_pct = 60
    quiz.save_revision().publish()
    second = half_right(UserFactory())
    assert second.score_pct == 50 and second.passed is False


@pytest.mark.django_db
def test_the_summary_submit_reads_nothing_before_the_service_and_keeps_its_answers(client):
    """The summary's submit leaves every check to the service: someone else's attempt is a 404 (and
    untouched), a submit again of an ended attempt opens its review without a second grading."""
    _course, quiz, learner = quiz_with_learner()
    attempt = attempt_start(user=learner, quiz=quiz)
    url = f"/quiz/attempt/{attempt.pk}/summary/"

    client.force_login(UserFactory())
    assert client.post(url, {"sequence": attempt.sequence}).status_code == 404
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.IN_PROGRESS

    client.force_login(learner)
    from quizzes.services import attempt_save_page

    saved = attempt_save_page(
        attempt_id=attempt.pk, user=learner, page=0, sequence=attempt.sequence, data=right_answers(attempt)
    )
    with CaptureQueriesContext(connection) as context:
        response = client.post(url, {"sequence": saved.sequence})
    assert response.status_code == 302 and response["Location"].endswith(f"/quiz/attempt/{attempt.pk}/review/")
    attempt_reads = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith("SELECT") and f'"quizzes_attempt"."id" = {attempt.pk}' in q["sql"]
    ]
    assert len(attempt_reads) == 1, attempt_reads  # the service's lock only
    graded = Attempt.objects.get(pk=attempt.pk)
    assert graded.state == AttemptState.GRADED and graded.passed

    again = client.post(url, {"sequence": saved.sequence}, follow=True)
    assert again.redirect_chain[0][0].endswith(f"/quiz/attempt/{attempt.pk}/review/")
    assert "đã kết thúc" not in again.content.decode()  # no error: the review says what happened
    assert Attempt.objects.get(pk=attempt.pk).graded_at == graded.graded_at  # not graded twice


def test_a_page_never_saved_counts_its_questions_unanswered():
    """Grading reads the versions with the answers; a page never saved has no answers, and its
    questions still count, for nothing."""
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[TF, {**TF, "text": "Câu 2"}], questions_per_page=1)
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    from quizzes.services import attempt_save_page

    first_page_only = MultiValueDict({f"q{attempt.slots[0]['slot']}": ["false"]})
    saved = attempt_save_page(
        attempt_id=attempt.pk, user=learner, page=0, sequence=attempt.sequence, data=first_page_only
    )
    submitted = attempt_submit(attempt_id=attempt.pk, user=learner, sequence=saved.sequence)
    assert submitted.state == AttemptState.GRADED and submitted.score_pct == 50
