"""Issue 12's query budget: every page a learner or coordinator opens runs at most 12 SQL queries,
and the same number whatever the size of the data.

The shared cache is a local-memory one here, as Redis is in production: cache reads are not SQL
(the suite's embedded default, the database cache, would count them as queries). Each page is
requested once to warm the per-process and shared caches, then counted.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.services import site_home_ensure
from courses.services import enrollment_create, lesson_complete
from lms.orgunits.models import MembershipSource
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course, make_province_tree

pytestmark = pytest.mark.django_db
BUDGET = 12
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "query-budget"}}


def queries(client, url) -> tuple[int, list[str]]:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    statements = [q["sql"] for q in context.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    return len(statements), statements


def learner_in(course, lessons_done: int):
    user = UserFactory()
    enrollment_create(user=user, course=course)
    for lesson in course_lessons(course)[:lessons_done]:
        lesson_complete(user=user, lesson=lesson)
    return user


def confirmed_member(unit):
    user = UserFactory()
    membership = membership_declare(user=user, unit=unit, source=MembershipSource.IMPORT)
    membership.confirmed_at = timezone.now()
    membership.save()
    return user


def test_pages_run_at_most_twelve_queries_whatever_the_size(client, settings, admin_user):
    settings.CACHES = LOCAL_CACHE
    site_home_ensure()
    index = make_catalogue()
    units = make_province_tree()
    small = make_course("Khoá nhỏ", modules=1, lessons_per_module=2, index=index, open_preview=True)
    large = make_course("Khoá lớn", modules=4, lessons_per_module=5, index=index, open_preview=True)
    for n in range(6):
        make_course(f"Khoá phụ {n}", modules=1, lessons_per_module=1, index=index)
    setups = {}
    for name, course, unit, members in (("small", small, "commune_a", 2), ("large", large, "commune_b", 15)):
        for _ in range(members):
            learner = confirmed_member(units[unit])
            enrollment_create(user=learner, course=course)
            lesson_complete(user=learner, lesson=course_lessons(course)[0])
        coordinator = UserFactory()
        coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units[unit])
        setups[name] = (course, learner_in(course, 1), coordinator)

    client.get("/")  # the first visit creates the site's settings row (a one-off write)
    measured = {}
    for name, (course, viewer, coordinator) in setups.items():
        client.logout()
        lesson = course_lessons(course)[1]
        counts = {
            "anonymous home": queries(client, "/"),
            "anonymous catalogue": queries(client, index.url),
            "anonymous course": queries(client, course.url),
            "anonymous open-preview lesson": queries(client, lesson.url),
        }
        client.force_login(viewer)
        counts["home"] = queries(client, "/")
        counts["catalogue"] = queries(client, index.url)
        counts["course"] = queries(client, course.url)
        counts["lesson"] = queries(client, lesson.url)
        counts["my learning"] = queries(client, "/learn/")
        client.force_login(coordinator)
        counts["coordinator dashboard"] = queries(client, "/coordinate/")
        measured[name] = counts

    over = {
        f"{size} {page}": statements
        for size, counts in measured.items()
        for page, (count, statements) in counts.items()
        if count > BUDGET
    }
    assert not over, "\n\n".join(f"{name}: {len(s)}\n" + "\n".join(s) for name, s in over.items())
    small_counts = {page: count for page, (count, _s) in measured["small"].items()}
    large_counts = {page: count for page, (count, _s) in measured["large"].items()}
    assert small_counts == large_counts
