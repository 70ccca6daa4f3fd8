"""The anonymous page cache: shared copies for visitors, fresh pages for everyone else, and a
published edit visible at once."""

import pytest
from django.core.cache import cache

from cms.models import SiteSettings
from cms.services import site_home_ensure
from lms.page_cache import GENERATION_KEY
from tests.factories import UserFactory, make_catalogue, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.delete(GENERATION_KEY)
    yield
    cache.clear()


@pytest.fixture
def course():
    home = site_home_ensure(hostname="testserver")
    SiteSettings.for_site(home.get_site())  # created once, as the first visit would
    return make_course("Ký số từ xa", index=make_catalogue(), modules=1, lessons_per_module=1)


def test_visitors_share_one_copy_until_a_publish(client, course):
    first = client.get(course.url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert "Cookie" in first["Vary"] and "csrftoken" not in first.cookies
    second = client.get(course.url)
    assert second["X-Page-Cache"] == "hit" and second.content == first.content

    course.title = "Ký số từ xa bằng điện thoại"
    course.save_revision().publish()
    fresh = client.get(course.url)
    assert fresh["X-Page-Cache"] == "miss" and "Ký số từ xa bằng điện thoại" in fresh.content.decode()
    catalogue = client.get(course.get_parent().url).content.decode()
    assert "Ký số từ xa bằng điện thoại" in catalogue  # the catalogue listing changed with it


def test_unpublish_and_move_make_stored_pages_stale(client, course):
    client.get(course.url)
    course.unpublish()
    assert client.get(course.url).status_code == 404
    home = client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    other = make_course("Dịch vụ công", index=course.get_parent(), modules=1, lessons_per_module=1)
    client.get("/")
    other.move(course.get_parent().get_parent(), pos="last-child")  # a move changes every URL under it
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert home.status_code == 200


def test_site_settings_change_every_page(client, course):
    client.get(course.url)
    site_settings = SiteSettings.for_site(course.get_site())
    site_settings.save()
    assert client.get(course.url)["X-Page-Cache"] == "miss"


def test_signed_in_visitors_and_flash_messages_always_get_a_fresh_page(client, course):
    client.get(course.url)
    user = UserFactory(full_name="Lê Văn Học")
    client.force_login(user)
    response = client.get(course.url)
    assert "X-Page-Cache" not in response and "Lê Văn Học" in response.content.decode()
    client.logout()
    client.cookies["messages"] = "x"
    assert "X-Page-Cache" not in client.get(course.url)


def test_each_language_has_its_own_copy(client, course):
    vietnamese = client.get(course.url)
    client.cookies["django_language"] = "en"
    english = client.get(course.url)
    assert english["X-Page-Cache"] == "miss" and english["Content-Language"] == "en"
    assert vietnamese.content != english.content
    assert client.get(course.url)["X-Page-Cache"] == "hit"


def test_only_wagtail_pages_are_stored(client, course):
    for url in ("/accounts/login/", "/search/?q=k%C3%BD", "/healthz"):
        response = client.get(url)
        assert "X-Page-Cache" not in response, url


def test_a_cache_outage_renders_pages_fresh(client, course, settings):
    settings.PAGE_CACHE_ALIAS = "missing-alias"
    response = client.get(course.url)
    assert response.status_code == 200 and "X-Page-Cache" not in response
