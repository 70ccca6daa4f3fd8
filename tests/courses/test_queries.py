"""Course and lesson pages run a constant number of SQL queries whatever the size.

The shared cache is a local-memory one, as Redis is in production (the suite's default database
cache would count its own reads as queries); see also tests/lms/test_query_budget.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.services import enrollment_create, lesson_complete
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course

pytestmark = pytest.mark.django_db
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "queries"}}


def count_queries(client, url) -> int:
    client.get(url)  # warm per-process caches (site root, content types)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def learner_in(course, lessons_done: int):
    user = UserFactory()
    enrollment_create(user=user, course=course)
    for lesson in course_lessons(course)[:lessons_done]:
        lesson_complete(user=user, lesson=lesson)
    return user


@pytest.mark.parametrize("sequential", [False, True])
def test_course_and_lesson_pages_have_constant_query_counts(
    client, settings, sequential, django_assert_max_num_queries
):
    settings.CACHES = LOCAL_CACHE
    settings.SIGNED_IN_PAGE_CACHE_SECONDS = 0  # the render's queries, not a learner's own copy's
    index = make_catalogue()
    small = make_course("Khoá nhỏ", modules=1, lessons_per_module=2, index=index, sequential=sequential)
    large = make_course("Khoá lớn", modules=6, lessons_per_module=8, index=index, sequential=sequential)
    for course in (small, large):
        for _ in range(3):
            learner_in(course, 1)
    client.get("/")  # the first visit creates the site's settings row (a one-off write)
    measured = {}
    for name, course in (("small", small), ("large", large)):
        viewer = learner_in(course, 1)
        for _ in range(20 if name == "large" else 0):
            learner_in(course, 0)
        client.force_login(viewer)
        lesson = course_lessons(course)[1]
        measured[name] = (count_queries(client, course.url), count_queries(client, lesson.url))
    assert measured["small"] == measured["large"], measured
    course_queries, lesson_queries = measured["large"]
    with django_assert_max_num_queries(course_queries):
        client.get(large.url)
    assert course_queries <= 12 and lesson_queries <= 12, measured


def test_anonymous_open_preview_lesson_query_count_is_constant(client, settings):
    settings.CACHES = LOCAL_CACHE
    index = make_catalogue()
    small = make_course("Xem thử nhỏ", modules=1, lessons_per_module=2, index=index, open_preview=True)
    large = make_course("Xem thử lớn", modules=5, lessons_per_module=9, index=index, open_preview=True)
    client.get("/")  # the first visit creates the site's settings row (a one-off write)
    counts = [count_queries(client, course_lessons(course)[1].url) for course in (small, large)]
    assert counts[0] == counts[1]
