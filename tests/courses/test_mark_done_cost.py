"""Marking a lesson done is one short write transaction: the course and its outline come from the
content cache, and a course completes only on the outline the database holds (issue 12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.models import Enrollment, EnrollmentStatus, LessonProgress
from courses.selectors import course_outline, live_lesson_cached
from courses.services import enrollment_create, lesson_complete
from tests.factories import course_lessons, make_catalogue, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mark-done"}}


def test_marking_a_lesson_done_reads_one_page_and_writes_in_one_transaction(client, learner, local_cache):
    course = make_course("Chữ ký số", index=make_catalogue(), modules=1, lessons_per_module=4)
    first, second, third, _last = course_lessons(course)
    enrollment_create(user=learner, course=course)
    client.get("/")  # the first visit creates the site's settings row (a content change)
    client.force_login(learner)
    client.post(f"/learn/lesson/{first.pk}/done/")
    client.get(second.url)  # the content cache holds the course and its outline; the visit is recorded

    with CaptureQueriesContext(connection) as context:
        response = client.post(f"/learn/lesson/{second.pk}/done/")

    assert response.status_code == 302 and response["Location"] == third.url
    statements = [q["sql"] for q in context.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    pages = [sql for sql in statements if "wagtailcore_page" in sql]
    assert len(pages) == 1, pages  # the lesson itself: neither its course nor the outline is read again
    # the user, the lesson, the enrolment locked, the lessons done, then the writes: the time spent on
    # the lesson open before (none here: it is this one, a moment ago), the progress upsert, the enrolment
    assert len(statements) <= 7, statements
    writes = [sql for sql in statements if sql.startswith(("INSERT", "UPDATE"))]
    assert [sql.split()[0] for sql in writes][-2:] == ["INSERT", "UPDATE"], writes
    progress = LessonProgress.objects.get(enrollment__user=learner, lesson=second)
    assert progress.completed_at is not None and progress.first_viewed_at is not None
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.progress_pct == 50 and enrollment.last_lesson_id == second.pk


def test_a_lesson_never_visited_is_marked_done_with_its_first_view(learner, local_cache):
    course = make_course(modules=1, lessons_per_module=2)
    first, _second = course_lessons(course)
    enrollment_create(user=learner, course=course)
    assert lesson_complete(user=learner, lesson=first).lesson_newly_completed
    progress = LessonProgress.objects.get(enrollment__user=learner, lesson=first)
    assert progress.first_viewed_at == progress.last_viewed_at == progress.completed_at
    assert not lesson_complete(user=learner, lesson=first).lesson_newly_completed  # done once
    assert LessonProgress.objects.get(pk=progress.pk).completed_at == progress.completed_at


def test_a_stale_cached_outline_never_completes_a_course(learner, local_cache, monkeypatch):
    """The cached outline misses a required lesson (published a moment ago, its cache retirement not
    yet seen): marking the others done must not complete the course; the last one then does."""
    course = make_course(modules=1, lessons_per_module=3)
    lessons = course_lessons(course)
    stale = course_outline(course)
    stale.modules[0].lessons = stale.modules[0].lessons[:2]
    stale.lessons = stale.lessons[:2]
    monkeypatch.setattr(services, "course_outline_cached", lambda _course: stale)
    enrollment_create(user=learner, course=course)

    lesson_complete(user=learner, lesson=lessons[0])
    result = lesson_complete(user=learner, lesson=lessons[1])

    assert not result.course_newly_completed
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.status == EnrollmentStatus.ACTIVE and enrollment.progress_pct == 67
    assert lesson_complete(user=learner, lesson=lessons[2]).course_newly_completed


def test_a_lesson_unpublished_a_moment_ago_cannot_be_marked_done(client, learner, local_cache):
    """Marking done reads the lesson from the content cache: unpublishing retires it at once."""
    course = make_course(modules=1, lessons_per_module=3)
    first, second, _third = course_lessons(course)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    assert client.post(f"/learn/lesson/{first.pk}/done/").status_code == 302
    assert live_lesson_cached(second.pk) == second  # kept, as a request marking it done would keep it
    second.unpublish()
    assert client.post(f"/learn/lesson/{second.pk}/done/").status_code == 404
    assert not LessonProgress.objects.filter(lesson=second, completed_at__isnull=False).exists()
