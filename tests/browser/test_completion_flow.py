"""On a 360 × 740 phone: a learner marks the last lesson done and lands on the completion page,
whose certificate status turns to "issued" without a reload once the certificate row is issued
(issue 13). The worker's rendering is stood in for by issuing the row; the real worker is covered
by tests/certificates/test_worker.py."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import Certificate, CertificateStatus
from cms.services import site_home_ensure
from courses.services import enrollment_create, lesson_complete
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"
WIDTH = 360


def no_horizontal_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, (page.url, width)


@pytest.mark.django_db(transaction=True)
def test_last_lesson_leads_to_the_completion_page_on_a_phone(chromium, live_server):
    site_home_ensure()
    index = make_catalogue()
    course = make_course("Dịch vụ công trực tuyến cho người dân", index=index, modules=1, lessons_per_module=2)
    make_course("Định danh điện tử VNeID", index=index)
    user = UserFactory(email="nguoidan@example.vn", full_name="Lò Thị Mai", password=PASSWORD)
    enrollment_create(user=user, course=course)
    first, last = course_lessons(course)
    lesson_complete(user=user, lesson=first)
    base = live_server.url
    context = chromium.new_context(locale="vi-VN", viewport={"width": WIDTH, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(base + course.url)
        page.get_by_role("link", name="Đăng nhập để ghi danh").click()
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(base + course.url)  # back on the course that asked

        page.get_by_role("link", name="Học tiếp").click()
        page.wait_for_url(base + last.url)
        page.get_by_role("button", name="Đánh dấu đã học xong").click()
        page.wait_for_url(re.compile(rf"/learn/course/{course.pk}/completed/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Chúc mừng! Bạn đã hoàn thành khoá học")
        status = page.locator(".certificate-status-label")
        expect(status).to_have_text("Đang tạo")
        expect(page.locator(".certificate-download")).to_be_hidden()
        expect(page.get_by_role("link", name="Định danh điện tử VNeID")).to_be_visible()
        no_horizontal_overflow(page)
        page.screenshot(path="var/screenshots/completion-360.png", full_page=True)

        certificate = Certificate.objects.get(enrollment__user=user)
        Certificate.objects.filter(pk=certificate.pk).update(
            status=CertificateStatus.ISSUED, issued_at=timezone.now(), pdf="certificates/mai.pdf"
        )
        expect(status).to_have_text("Đã cấp", timeout=20_000)  # polled, no reload
        expect(page.locator(".certificate-download")).to_be_visible()
        expect(page.locator(".certificate-download")).to_have_attribute(
            "href", f"/certificates/{certificate.code_display}/download/"
        )
        expect(page.locator(".certificate-verify")).to_have_attribute("href", f"/verify/{certificate.code_display}/")
        no_horizontal_overflow(page)

        page.goto(base + course.url)
        expect(page.get_by_text("Đã hoàn thành", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Xem chứng chỉ")).to_be_visible()
        assert page.get_by_role("link", name="Học tiếp").count() == 0
        no_horizontal_overflow(page)

        page.goto(base + index.url)  # the catalogue on a phone: courses first, filters behind a button
        expect(page.locator(".filters-toggle > summary")).to_be_visible()
        expect(page.get_by_label("Chủ đề")).to_be_hidden()
        expect(page.get_by_role("link", name="Định danh điện tử VNeID")).to_be_in_viewport()
        no_horizontal_overflow(page)
        page.goto(base + "/")
        expect(page.locator(".learner-home")).to_contain_text("Đã cấp")
        no_horizontal_overflow(page)
    finally:
        context.close()
