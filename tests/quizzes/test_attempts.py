from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from courses.models import Enrollment
from courses.services import LearningError, enrollment_create, lesson_complete
from quizzes.demo import correct_form_values, demo_attempt_pass
from quizzes.models import Attempt, AttemptAnswer, AttemptState, QuestionCategory, QuestionVersion
from quizzes.services import QuizError, StaleSubmit, attempt_save_page, attempt_start, attempt_submit, quiz_regrade
from tests.factories import QUESTION_SPECS, course_lessons, make_course, make_quiz

pytestmark = pytest.mark.django_db


def answers_for(attempt, *, correct=True):
    versions = {
        v.pk: v.payload for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in attempt.slots])
    }
    data = MultiValueDict()
    if correct:
        for entry in attempt.slots:
            for key, values in correct_form_values(versions[entry["version_id"]], entry).items():
                data.setlist(key, values)
    return data


@pytest.fixture
def enrolled_quiz(learner):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course)
    enrollment_create(user=learner, course=course)
    return course, quiz


def test_attempt_lifecycle_sequence_resume_and_grading(learner, enrolled_quiz):
    course, quiz = enrolled_quiz
    attempt = attempt_start(user=learner, quiz=quiz)
    assert attempt.state == AttemptState.IN_PROGRESS and attempt.number == 1
    assert attempt_start(user=learner, quiz=quiz).pk == attempt.pk  # resume, not a new attempt
    data = answers_for(attempt)
    attempt = attempt_save_page(attempt_id=attempt.pk, user=learner, page=0, sequence=0, data=data)
    assert attempt.sequence == 1
    with pytest.raises(StaleSubmit):
        attempt_save_page(attempt_id=attempt.pk, user=learner, page=0, sequence=0, data=data)
    attempt_save_page(attempt_id=attempt.pk, user=learner, page=1, sequence=1, data=data)
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner, sequence=2, page=2, data=data)
    assert attempt.state == AttemptState.GRADED and attempt.score_pct == 100 and attempt.passed
    with pytest.raises(StaleSubmit):
        attempt_submit(attempt_id=attempt.pk, user=learner, sequence=2, page=2, data=data)


def test_passing_completes_the_quiz_lesson_and_the_course(learner, enrolled_quiz):
    course, quiz = enrolled_quiz
    lesson = course_lessons(course)[0]
    with pytest.raises(LearningError, match="đạt bài kiểm tra"):
        lesson_complete(user=learner, lesson=quiz)
    lesson_complete(user=learner, lesson=lesson)
    failed = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=failed.pk, user=learner, sequence=0, page=0, data=answers_for(failed, correct=False))
    assert Enrollment.objects.get(user=learner).completed_at is None
    demo_attempt_pass(user=learner, quiz=quiz)
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.completed_at is not None and enrollment.progress_pct == 100


def test_second_attempt_draws_a_new_random_selection(learner):
    course = make_course(modules=1, lessons_per_module=1)
    bank = QuestionCategory.objects.create(name="Ngân hàng ngẫu nhiên")
    from quizzes.services import question_create

    for n in range(6):
        question_create(category=bank, spec={**QUESTION_SPECS["true_false"], "text": f"Câu ngẫu nhiên {n}"})
    quiz = make_quiz(course=course, questions=[], random_from=(bank, 3))
    enrollment_create(user=learner, course=course)
    first = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=first.pk, user=learner, sequence=0)
    second = attempt_start(user=learner, quiz=quiz)
    picked = lambda attempt: {e["question_id"] for e in attempt.slots}  # noqa: E731
    assert len(picked(first)) == len(picked(second)) == 3
    assert picked(first).isdisjoint(picked(second))


def test_max_attempts_delay_and_open_close(learner):
    course = make_course(modules=1, lessons_per_module=1)
    now = timezone.now()
    quiz = make_quiz(course=course, max_attempts=1, open_at=now + timedelta(hours=1))
    with pytest.raises(QuizError, match="chưa mở"):
        attempt_start(user=learner, quiz=quiz, now=now)
    attempt = attempt_start(user=learner, quiz=quiz, now=now + timedelta(hours=2))
    attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, now=now + timedelta(hours=2))
    with pytest.raises(QuizError, match="hết 1 lượt"):
        attempt_start(user=learner, quiz=quiz, now=now + timedelta(hours=3))


def test_editing_a_question_keeps_grades_and_reviews_until_an_explicit_regrade(learner, admin_user, enrolled_quiz):
    from quizzes.models import Question
    from quizzes.selectors import attempt_review
    from quizzes.services import question_version_ensure

    course, quiz = enrolled_quiz
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, page=0, data=answers_for(attempt))
    score = attempt.score_pct
    true_false = Question.objects.get(qtype="true_false", category__name=f"Nhóm {course.pk}")
    true_false.true_false_answer = True  # the editor "fixes" the key
    true_false.save()
    question_version_ensure(question=true_false)
    attempt.refresh_from_db()
    assert attempt.score_pct == score
    _visible, items = attempt_review(attempt=attempt)
    assert any(item.response == "Sai" for item in items)  # the review still shows the frozen question
    assert quiz_regrade(actor=admin_user, quiz=quiz, question=true_false, reason="Sửa đáp án") == 1
    attempt.refresh_from_db()
    assert attempt.score_pct < score


def test_attempt_pages_only_for_the_owner(client, learner, enrolled_quiz):
    from tests.factories import UserFactory

    _course, quiz = enrolled_quiz
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(UserFactory())
    assert client.get(f"/quiz/attempt/{attempt.pk}/").status_code == 404
    assert client.get(f"/quiz/attempt/{attempt.pk}/review/").status_code == 404


def test_answers_saved_page_by_page_are_shown_again_on_resume(client, learner, enrolled_quiz):
    _course, quiz = enrolled_quiz
    client.force_login(learner)
    response = client.post(f"/quiz/{quiz.pk}/start/")
    attempt = Attempt.objects.get(user=learner)
    assert response["Location"] == f"/quiz/attempt/{attempt.pk}/"
    client.post(f"/quiz/attempt/{attempt.pk}/", {"page": 0, "sequence": 0, "action": "next", "q0": "1"})
    assert AttemptAnswer.objects.get(attempt=attempt, slot=0).response is not None
    body = client.get(f"/quiz/attempt/{attempt.pk}/?page=0").content.decode()
    assert 'value="1" checked' in body


def test_certificate_freezes_the_final_quiz_score(learner, enrolled_quiz, django_capture_on_commit_callbacks):
    from certificates.models import Certificate

    course, quiz = enrolled_quiz
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    with django_capture_on_commit_callbacks(execute=False):
        demo_attempt_pass(user=learner, quiz=quiz)
    certificate = Certificate.objects.get(enrollment__user=learner)
    assert certificate.frozen["score"] == "100%"
