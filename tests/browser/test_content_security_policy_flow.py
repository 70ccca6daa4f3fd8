"""The Content-Security-Policy in a real browser: the site's pages run with no violation (the
language menu still switches, from its static script), and the Wagtail page editor works under the
admin's policy — a lesson's body block added and the page published, no violation reported."""

import re

import pytest
from playwright.sync_api import expect

from cms.services import site_home_ensure
from courses.models import LessonPage
from courses.services import enrollment_create
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"


def _violations(page):
    found = []
    page.on(
        "console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None
    )
    return found


def test_site_pages_and_the_page_editor_work_under_the_policy(chromium, live_server):
    site_home_ensure()
    course = make_course("Chữ ký số", index=make_catalogue(), modules=1, lessons_per_module=1)
    lesson = course_lessons(course)[0]
    learner = UserFactory(email="hocvien.csp@example.vn", password=PASSWORD)
    enrollment_create(user=learner, course=course)
    admin = UserFactory(email="quantri.csp@example.vn", password=PASSWORD, is_superuser=True, is_staff=True)
    base = live_server.url
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = _violations(page)
    try:
        # A visitor, then a learner: home, catalogue, course, lesson, search.
        for path in ["/", "/khoa-hoc/", course.url, "/search/?q=k%C3%BD", "/verify/"]:
            response = page.goto(base + path)
            assert response.headers["content-security-policy"].startswith("default-src 'self'")
        page.select_option("#language-select", "en")  # the static script submits the form
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.select_option("#language-select", "vi")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        page.goto(base + "/accounts/login/")
        page.get_by_label("Email").fill(learner.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(base + "/")
        for path in ["/learn/", course.url, lesson.url, "/learn/certificates/", "/accounts/profile/"]:
            page.goto(base + path)
        assert violations == []
        context.clear_cookies()

        # The administrator edits the lesson in Wagtail's page editor and publishes it.
        page.goto(base + "/admin/")
        page.wait_for_url(re.compile(r"/accounts/login/"))
        page.get_by_label("Email").fill(admin.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(base + "/admin/")
        response = page.goto(base + f"/admin/pages/{lesson.pk}/edit/")
        assert "'unsafe-inline'" in response.headers["content-security-policy"]
        page.locator("input[name=title]").fill("Bài 1: chữ ký số là gì")
        textboxes = page.locator("[data-contentpath=body] [role=textbox]")
        existing = textboxes.count()
        page.locator("#body-root .c-sf-add-button").first.click()
        page.get_by_role("option", name="Đoạn văn").click()
        expect(textboxes).to_have_count(existing + 1)  # the new block is in place before typing into it
        textboxes.first.press_sequentially("Nội dung sửa dưới CSP.")
        expect(page.locator("[data-contentpath=body] [role=textbox]").first).to_contain_text("Nội dung sửa dưới CSP.")
        expect(page.locator("input[name^='body-'][name$='-value'][value*='Nội dung sửa']")).to_have_count(1)
        page.locator("footer .w-dropdown--dropdown-button .w-dropdown__toggle").click()
        page.locator("button[name=action-publish]").click()
        page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
        assert violations == []
        edited = LessonPage.objects.get(pk=lesson.pk)
        assert edited.title == "Bài 1: chữ ký số là gì" and edited.live and not edited.has_unpublished_changes
        assert "Nội dung sửa dưới CSP." in str(edited.body.raw_data)
        page.goto(base + edited.url)  # the public page with Wagtail's userbar (and its checker) for staff
        expect(page.locator("wagtail-userbar")).to_have_count(1)
        expect(page.get_by_text("Nội dung sửa dưới CSP.")).to_be_visible()
        page.wait_for_timeout(500)
        assert violations == []
    finally:
        context.close()
