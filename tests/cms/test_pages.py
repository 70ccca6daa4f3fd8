import re

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import ContentPage, HomePage
from cms.services import site_home_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return site_home_ensure()


def test_home_page_is_vietnamese_with_landmarks_skip_link_and_self_hosted_font(client, home):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in body
    assert 'class="skip-link" href="#main"' in body
    assert '<main id="main"' in body and "<header" in body and "<footer" in body
    assert "Đăng nhập" in body and "Đăng ký" in body
    # Nothing loads from off the site (a CSRF token may contain "cdn" by chance: look at URLs only).
    assets = re.findall(r'<(?:script|link|img|source|iframe)\b[^>]*?(?:src|href)="([^"]+)"', body)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets), assets


def test_language_switch_shows_english_and_remembers_it(client, home):
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body or "Log in" in body


def test_browser_language_does_not_override_vietnamese_default(client, home):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in body


def test_menu_shows_pages_marked_for_menus(client, home):
    page = home.add_child(instance=ContentPage(title="Giới thiệu", slug="gioi-thieu", show_in_menus=True))
    body = client.get("/").content.decode()
    assert f'href="{page.url}"' in body


class TestPageTypes(WagtailPageTestCase):
    def setUp(self):
        self.home = site_home_ensure()

    def test_content_page_can_be_created_under_home(self):
        self.assertCanCreateAt(HomePage, ContentPage)
        self.assertCanNotCreateAt(Page, ContentPage)

    def test_pages_render(self):
        page = self.home.add_child(instance=ContentPage(title="Trợ giúp", slug="tro-giup"))
        self.assertPageIsRenderable(self.home)
        self.assertPageIsRenderable(page)
