from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import (
    Enrollment,
    EnrollmentStatus,
    LearningPathCourse,
    LearningPathPage,
    LessonPage,
    LessonProgress,
    PathCompletion,
)
from courses.selectors import course_learner_view
from courses.services import (
    LearningError,
    LessonLocked,
    course_progress_recompute,
    enrollment_create,
    enrollment_withdraw,
    lesson_complete,
    lesson_visit,
)
from tests.factories import course_lessons, make_catalogue, make_course

pytestmark = pytest.mark.django_db


def test_marking_a_lesson_twice_counts_once(learner):
    course = make_course()
    enrollment_create(user=learner, course=course)
    first = course_lessons(course)[0]
    assert lesson_complete(user=learner, lesson=first).lesson_newly_completed
    again = lesson_complete(user=learner, lesson=first)
    assert not again.lesson_newly_completed
    assert LessonProgress.objects.filter(lesson=first, completed_at__isnull=False).count() == 1
    assert Enrollment.objects.get(user=learner).progress_pct == 25


def test_finishing_the_last_required_lesson_completes_once_with_one_event(client, learner, completion_events):
    course = make_course()
    enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    for lesson in lessons[:-1]:
        lesson_complete(user=learner, lesson=lesson)
    assert completion_events == []
    client.force_login(learner)
    url = f"/learn/lesson/{lessons[-1].pk}/done/"
    first, second = client.post(url), client.post(url)  # a double submit
    assert first.status_code == second.status_code == 302
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.status == EnrollmentStatus.COMPLETED and enrollment.progress_pct == 100
    assert enrollment.completed_at is not None
    assert [(event.kind, event.enrollment.pk) for event in completion_events] == [("course", enrollment.pk)]


def test_optional_lessons_do_not_block_completion(learner, completion_events):
    course = make_course(modules=1, lessons_per_module=3)
    lessons = course_lessons(course)
    LessonPage.objects.filter(pk=lessons[2].pk).update(is_required=False)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lessons[0])
    lesson_complete(user=learner, lesson=lessons[1])
    assert Enrollment.objects.get(user=learner).completed_at is not None
    assert len(completion_events) == 1


def test_marking_done_requires_enrolment(learner):
    course = make_course()
    with pytest.raises(LearningError, match="ghi danh"):
        lesson_complete(user=learner, lesson=course_lessons(course)[0])


def test_sequential_course_refuses_a_locked_lesson(client, learner):
    course = make_course(sequential=True)
    enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    with pytest.raises(LessonLocked):
        lesson_complete(user=learner, lesson=lessons[2])
    client.force_login(learner)
    response = client.get(lessons[2].url)
    body = response.content.decode()
    assert response.status_code == 403
    assert "Bài học chưa mở" in body
    assert "chỉ mở khi bạn đã hoàn thành các bài bắt buộc trước đó" in body
    assert "Nội dung bài 2.1" not in body  # the lesson's content is not sent
    assert client.get(lessons[0].url).status_code == 200
    lesson_complete(user=learner, lesson=lessons[0])
    lesson_complete(user=learner, lesson=lessons[1])
    assert client.get(lessons[2].url).status_code == 200


def test_continue_lands_on_the_next_unfinished_lesson(client, learner):
    course = make_course()
    enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    lesson_complete(user=learner, lesson=lessons[0])
    lesson_complete(user=learner, lesson=lessons[1])
    client.force_login(learner)
    response = client.get(f"/learn/course/{course.pk}/continue/")
    assert response["Location"] == lessons[2].url


def test_time_spent_is_counted_between_actions_and_long_gaps_are_ignored(learner, monkeypatch):
    course = make_course()
    enrollment = enrollment_create(user=learner, course=course)
    first, second = course_lessons(course)[:2]
    lesson_visit(user=learner, lesson=first, course=course)
    # lesson_visit reads the clock itself: stop it, so the gap is exactly what the test set.
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=now - timedelta(minutes=4))
    lesson_visit(user=learner, lesson=second, course=course)
    spent = LessonProgress.objects.get(enrollment=enrollment, lesson=first).time_spent_seconds
    assert spent == 4 * 60
    Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=now - timedelta(hours=3))
    lesson_visit(user=learner, lesson=first, course=course)
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=second).time_spent_seconds == 0


def test_reopening_the_same_lesson_within_a_minute_writes_nothing_and_loses_no_time(
    learner, monkeypatch, django_assert_num_queries
):
    """Last access is recorded at most once a minute per lesson (as Moodle does): a reload writes
    nothing, and the time meanwhile is counted by the next recorded action."""
    course = make_course()
    enrollment_create(user=learner, course=course)
    first, second = course_lessons(course)[:2]
    start = timezone.now()
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    lesson_visit(user=learner, lesson=first, course=course)
    clock["now"] = start + timedelta(seconds=30)
    enrollment = Enrollment.objects.get(user=learner)
    with django_assert_num_queries(0):
        assert lesson_visit(user=learner, lesson=first, course=course, enrollment=enrollment)
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=first).last_viewed_at == start
    clock["now"] = start + timedelta(seconds=75)  # another lesson: recorded, with all 75 s on the first
    lesson_visit(user=learner, lesson=second, course=course)
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=first).time_spent_seconds == 75
    clock["now"] = start + timedelta(seconds=75 + 61)  # the same lesson a minute later: recorded
    lesson_visit(user=learner, lesson=second, course=course)
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=second)
    assert progress.last_viewed_at == clock["now"] and progress.time_spent_seconds == 61


def test_withdraw_keeps_progress_and_reenrolling_resumes(learner):
    course = make_course()
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    enrollment_withdraw(user=learner, course=course)
    assert Enrollment.objects.get(user=learner).status == EnrollmentStatus.WITHDRAWN
    enrollment = enrollment_create(user=learner, course=course)
    assert enrollment.status == EnrollmentStatus.ACTIVE and enrollment.progress_pct == 25
    assert Enrollment.objects.count() == 1


def test_completed_course_cannot_be_withdrawn(learner):
    course = make_course(modules=1, lessons_per_module=1)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    with pytest.raises(LearningError, match="đã hoàn thành"):
        enrollment_withdraw(user=learner, course=course)


def test_private_course_and_prerequisites_refuse_self_enrolment(learner):
    basics = make_course("Kỹ năng số cơ bản", modules=1, lessons_per_module=1)
    advanced = make_course("Văn phòng điện tử nâng cao", modules=1, lessons_per_module=1)
    advanced.prerequisites.add(basics)
    advanced.save()
    with pytest.raises(LearningError, match="Kỹ năng số cơ bản"):
        enrollment_create(user=learner, course=advanced)
    enrollment_create(user=learner, course=basics)
    lesson_complete(user=learner, lesson=course_lessons(basics)[0])
    assert enrollment_create(user=learner, course=advanced).status == EnrollmentStatus.ACTIVE
    closed = make_course("Khoá nội bộ", is_public=False)
    with pytest.raises(LearningError, match="người được giao"):
        enrollment_create(user=learner, course=closed)


def test_recertification_starts_a_new_cycle_after_the_validity_period(learner):
    course = make_course(modules=1, lessons_per_module=1, validity_months=12)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    assert enrollment_create(user=learner, course=course).cycle == 1  # still valid
    Enrollment.objects.filter(user=learner).update(completed_at=timezone.now() - timedelta(days=400))
    renewed = enrollment_create(user=learner, course=course)
    assert renewed.cycle == 2 and renewed.completed_at is None
    assert Enrollment.objects.filter(user=learner, completed_at__isnull=False).count() == 1


def test_adding_a_required_lesson_later_changes_only_unfinished_enrolments(learner, password):
    from tests.factories import UserFactory

    course = make_course(modules=1, lessons_per_module=2)
    lessons = course_lessons(course)
    finished, halfway = learner, UserFactory()
    for user in (finished, halfway):
        enrollment_create(user=user, course=course)
    for lesson in lessons:
        lesson_complete(user=finished, lesson=lesson)
    lesson_complete(user=halfway, lesson=lessons[0])
    module = lessons[0].get_parent()
    module.add_child(instance=LessonPage(title="Bài mới bắt buộc", slug="bai-moi", body=[]))
    course_progress_recompute(course=course)
    done = Enrollment.objects.get(user=finished)
    assert done.completed_at is not None and done.progress_pct == 100
    assert Enrollment.objects.get(user=halfway).progress_pct == 33


def test_removing_the_last_missing_lesson_completes_through_the_recompute(learner, completion_events):
    course = make_course(modules=1, lessons_per_module=2)
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lessons[0])
    lessons[1].unpublish()
    course_progress_recompute(course=course)
    assert Enrollment.objects.get(user=learner).completed_at is not None
    assert len(completion_events) == 1


def test_completing_every_course_of_a_path_completes_the_path_once(learner, completion_events):
    index = make_catalogue()
    first = make_course("Dịch vụ công trực tuyến", modules=1, lessons_per_module=1, index=index)
    second = make_course("Công dân số", modules=1, lessons_per_module=1, index=index)
    path = LearningPathPage(title="Phổ cập kỹ năng số cơ bản", slug="pho-cap")
    path.path_courses = [
        LearningPathCourse(course=first, sort_order=0),
        LearningPathCourse(course=second, sort_order=1),
    ]
    index.add_child(instance=path)
    for course in (first, second):
        enrollment_create(user=learner, course=course)
        lesson_complete(user=learner, lesson=course_lessons(course)[0])
    assert PathCompletion.objects.filter(user=learner, path=path).count() == 1
    assert [event.kind for event in completion_events] == ["course", "course", "path"]


def test_per_module_progress(learner):
    course = make_course(modules=2, lessons_per_module=2)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    view = course_learner_view(course=course, user=learner)
    assert [(m.done, m.total, m.pct) for m in view.modules] == [(1, 2, 50), (0, 2, 0)]
