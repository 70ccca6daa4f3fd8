"""What every public page carries in its head and footer: a title that names the site once, a meta
description, an icon (``/favicon.ico`` too), a dialable ``tel:`` link; and no list inside a paragraph
on the sign-up page (the Nu HTML checker's errors of issue 13)."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from wagtail.models import Site

from cms.models import ContentPage, SiteSettings
from cms.selectors import page_description, phone_dialable
from cms.services import site_home_ensure
from tests.factories import course_lessons, make_course

pytestmark = pytest.mark.django_db

TAGLINE = "Nền tảng học kỹ năng số cho cán bộ và người dân"


@pytest.fixture
def home():
    return site_home_ensure()


def title_of(body: str) -> str:
    return re.search(r"<title>(.*?)</title>", body, re.S).group(1)


def description_of(body: str) -> str | None:
    found = re.findall(r'<meta name="description" content="([^"]*)">', body)
    assert len(found) <= 1, found
    return found[0] if found else None


def test_home_title_names_the_site_once_with_its_tagline(client, home):
    title = title_of(client.get("/").content.decode())
    assert title.count("Học Số") == 1, title
    assert title == f"Học Số · {TAGLINE}"


def test_other_pages_end_their_title_with_the_site_name(client, home):
    page = home.add_child(instance=ContentPage(title="Giới thiệu", slug="gioi-thieu"))
    assert title_of(client.get(page.url).content.decode()) == "Giới thiệu · Học Số"
    assert title_of(client.get("/verify/").content.decode()) == "Xác minh chứng chỉ · Học Số"


def test_every_public_page_has_a_meta_description(client, home):
    course = make_course(open_preview=True)  # its lessons are public
    lesson = course_lessons(course)[0]
    urls = ["/", "/khoa-hoc/", course.url, lesson.url, "/verify/", "/accounts/signup/", "/search/?q=ký"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert description_of(response.content.decode()), url


def test_the_description_is_the_page_own_before_the_tagline(client, home):
    assert description_of(client.get("/").content.decode()) == home.intro
    assert description_of(client.get("/verify/").content.decode()) == TAGLINE  # not a CMS page
    course = make_course(summary="Ký số văn bản <b>an toàn</b>, đúng Nghị định 30.")
    assert description_of(client.get(course.url).content.decode()) == "Ký số văn bản an toàn, đúng Nghị định 30."
    page = home.add_child(
        instance=ContentPage(title="Trợ giúp", slug="tro-giup", summary="Tóm tắt", search_description="Mô tả riêng")
    )
    assert description_of(client.get(page.url).content.decode()) == "Mô tả riêng"


def test_a_long_summary_is_cut_to_a_snippet():
    page = ContentPage(title="Dài", summary="chữ " * 100)
    assert len(page_description(page)) <= 160


def test_favicon_is_linked_and_answers_at_the_root(client, home):
    body = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in body
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/img/favicon.ico"
    icon = Path(finders.find("img/favicon.ico")).read_bytes()  # WhiteNoise serves it (not in tests)
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.parametrize(
    "typed, dialled",
    [
        ("0236 3 822 000", "02363822000"),
        ("+84 236.3822.000", "+842363822000"),
        ("(024) 3822 1234", "02438221234"),
        ("1900 1234 (máy lẻ 12)", "19001234"),
    ],
)
def test_phone_numbers_are_dialled_without_spaces(typed, dialled):
    assert phone_dialable(typed) == dialled


def test_footer_phone_link_has_no_spaces_but_reads_as_typed(client, home):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.contact_phone = "0236 3 822 000"
    settings.save()
    body = client.get("/").content.decode()
    assert '<a href="tel:02363822000">0236 3 822 000</a>' in body
    assert not re.search(r'href="tel:[^"]*\s', body)


def test_signup_help_list_is_not_inside_a_paragraph(client, home):
    body = client.get("/accounts/signup/").content.decode()
    assert "<ul>" in body  # Django's password rules
    paragraphs = re.findall(r"<p\b[^>]*>(.*?)</p>", body, re.S)
    assert not [p for p in paragraphs if "<ul" in p or "<li" in p]
