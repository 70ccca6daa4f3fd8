"""What the shared cache keeps for signed-in pages (routes, outlines, the site's shell, account
roles) is never visibly stale: every change a person makes shows on the next page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import SiteSettings
from cms.services import site_home_ensure
from courses.models import Enrollment, LessonProgress
from courses.services import enrollment_create, lesson_visit
from lms import page_cache
from lms.accounts.services import editors_group
from lms.orgunits.models import CoordinatorScope
from lms.orgunits.services import coordinator_scope_grant, coordinator_scope_withdraw
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course, make_province_tree

pytestmark = pytest.mark.django_db
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "content-cache"}}


@pytest.fixture
def world(settings):
    settings.CACHES = LOCAL_CACHE
    home = site_home_ensure()
    SiteSettings.for_site(home.get_site())
    course = make_course("Ký số từ xa", index=make_catalogue(), modules=1, lessons_per_module=2, open_preview=True)
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    return course, learner


def test_published_edits_show_at_once_to_signed_in_learners(client, world):
    course, learner = world
    first, second = course_lessons(course)
    client.force_login(learner)
    assert "Bài 1.2: Ký số từ xa" in client.get(course.url).content.decode()  # outline now cached
    second.title = "Ký bằng điện thoại"
    second.save_revision().publish()
    assert "Ký bằng điện thoại" in client.get(course.url).content.decode()
    assert "Ký bằng điện thoại" in client.get(first.url).content.decode()  # the lesson's "next" link

    second.unpublish()
    assert client.get(second.url).status_code == 404  # the cached route is gone with it
    assert "Ký bằng điện thoại" not in client.get(course.url).content.decode()


def test_a_moved_course_is_served_at_its_new_address(client, world):
    course, learner = world
    lesson = course_lessons(course)[0]
    client.force_login(learner)
    old_url = lesson.url
    assert client.get(old_url).status_code == 200
    course.move(course.get_parent().get_parent(), pos="last-child")
    lesson.refresh_from_db()
    assert lesson.url != old_url
    moved = client.get(old_url)  # Wagtail's automatic redirect, not the cached old route
    assert moved.status_code == 301 and moved["Location"] == lesson.url
    assert client.get(lesson.url).status_code == 200


def test_a_new_view_restriction_applies_at_once(client, world):
    course, _learner = world
    lesson = course_lessons(course)[0]
    assert client.get(lesson.url).status_code == 200  # open preview: anyone may read it
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(lesson.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_site_settings_show_at_once_on_signed_in_pages(client, world):
    course, learner = world
    client.force_login(learner)
    client.get(course.url)
    site_settings = SiteSettings.for_site(course.get_site())
    site_settings.site_name = "Học Số Bắc Ninh"
    site_settings.save()
    assert "Học Số Bắc Ninh" in client.get(course.url).content.decode()


def test_roles_in_the_account_menu_follow_grants_at_once(client, world, admin_user):
    course, learner = world
    client.force_login(learner)
    page = client.get(course.url).content.decode()
    assert "Điều phối đào tạo" not in page and "Trang quản trị" not in page
    unit = make_province_tree()["commune_a"]
    coordinator_scope_grant(actor=admin_user, user=learner, unit=unit)
    assert "Điều phối đào tạo" in client.get(course.url).content.decode()
    coordinator_scope_withdraw(actor=admin_user, scope=CoordinatorScope.objects.get(user=learner))
    assert "Điều phối đào tạo" not in client.get(course.url).content.decode()
    learner.groups.add(editors_group())
    assert "Trang quản trị" in client.get(course.url).content.decode()
    learner.groups.clear()
    assert "Trang quản trị" not in client.get(course.url).content.decode()


def test_a_cache_outage_only_means_fresh_reads(client, world, monkeypatch):
    course, learner = world

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("cache down")

    monkeypatch.setattr(page_cache, "_cache", lambda: Down())
    client.force_login(learner)
    for _ in range(2):
        response = client.get(course_lessons(course)[0].url)
        assert response.status_code == 200 and "Ký số từ xa" in response.content.decode()


def test_a_lesson_visit_is_one_short_write(world):
    course, learner = world
    lesson = course_lessons(course)[0]
    enrollment = Enrollment.objects.get(user=learner)
    with CaptureQueriesContext(connection) as context:
        assert lesson_visit(user=learner, lesson=lesson, course=course, enrollment=enrollment)
    skipped = ("SAVEPOINT", "RELEASE", "SET LOCAL synchronous_commit")  # the last: PostgreSQL's no-fsync commit
    statements = [q["sql"] for q in context.captured_queries if not q["sql"].startswith(skipped)]
    assert len(statements) <= 3 and not any(sql.startswith("SELECT") for sql in statements), statements
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=lesson).last_viewed_at is not None
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == lesson.pk
    # a second visit updates the same row (an upsert), never a duplicate
    lesson_visit(user=learner, lesson=lesson, course=course, enrollment=enrollment)
    assert LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).count() == 1


def test_another_process_publishing_retires_what_this_process_keeps(client, world):
    """The process keeps values in memory; a bump made elsewhere (another gunicorn process: here the
    shared cache's counter moved without this process's signals) retires them, as does a shared
    cache that lost every key (a Redis restart)."""
    from django.core.cache import cache

    from lms.page_cache import GENERATION_KEY

    course, learner = world
    client.force_login(learner)
    assert "Bài 1.2: Ký số từ xa" in client.get(course.url).content.decode()
    lesson = course_lessons(course)[1]
    type(lesson).objects.filter(pk=lesson.pk).update(title="Đổi ở tiến trình khác")  # no signal here
    assert "Bài 1.2: Ký số từ xa" in client.get(course.url).content.decode()  # kept: nobody bumped
    cache.incr(GENERATION_KEY)
    assert "Đổi ở tiến trình khác" in client.get(course.url).content.decode()

    type(lesson).objects.filter(pk=lesson.pk).update(title="Sau khi Redis khởi động lại")
    cache.clear()
    assert "Sau khi Redis khởi động lại" in client.get(course.url).content.decode()


def test_a_request_reads_the_content_and_roles_generations_in_one_round_trip(world):
    """Nearly every request reads the content's generation (its site) and the roles' (the account
    menu, the staff sign-in check): the first read brings both, so warm values cost one round trip."""
    from unittest import mock

    from lms.accounts.selectors import account_roles

    _course, learner = world

    def one_request():
        token = page_cache._request_generations.set({})
        try:
            page_cache.content_cached("probe:site", lambda: "the site")
            return account_roles(learner)
        finally:
            page_cache._request_generations.reset(token)

    one_request()  # kept in the shared cache and in this process
    shared, asked = page_cache._cache(), []

    class Counted:  # the questions put to the shared cache
        def __getattr__(self, name):
            if name in ("get", "get_many", "set", "add", "incr"):
                asked.append(name)
            return getattr(shared, name)

    with mock.patch.object(page_cache, "_cache", Counted):
        roles = one_request()
    assert not roles.staff_roles
    assert asked == ["get_many"], asked


def test_links_are_built_from_the_site_root_paths_kept_with_the_content(client, world):
    """Every URL Wagtail builds reads its sites' root paths; a request takes them from the content
    cache (no question to the shared cache), and a change to a site shows at once."""
    from unittest import mock

    from django.urls import reverse
    from wagtail.models import Site

    from cms.routing import site_root_paths_cached

    course, learner = world
    first, second = course_lessons(course)
    client.force_login(learner)
    client.get(first.url)  # warm: the site, its root paths, the lesson and its course
    with mock.patch.object(Site, "get_site_root_paths", wraps=Site.get_site_root_paths) as asked:
        response = client.post(reverse("lesson_mark_done", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == second.url  # onwards to the next lesson
    assert asked.call_count == 0

    site = Site.objects.get(is_default_site=True)
    assert "hocso.example.vn" not in site_root_paths_cached()[0].root_url
    site.hostname = "hocso.example.vn"
    site.save()
    assert site_root_paths_cached()[0].root_url == "http://hocso.example.vn" + (
        f":{site.port}" if site.port not in (80, 443) else ""
    )
