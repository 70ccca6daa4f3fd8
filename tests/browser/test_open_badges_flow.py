"""On a 360 px phone: a learner downloads the Open Badges badge image of their certificate from
"Chứng chỉ của tôi", uploads it to the public verification page and reads "valid"; the employer
link they copy opens the same answer (issue 17, acceptance line 4)."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from certificates.demo import issuer_key_ensure
from certificates.models import Certificate
from certificates.services import certificate_issue
from cms.services import site_home_ensure
from courses.services import enrollment_create, lesson_complete
from tests.browser.page_checks import PageChecks
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course

pytestmark = [pytest.mark.browser]
PASSWORD = "Hoc-so-an-toan-2026"
PHONE = {"width": 360, "height": 740}
COURSE = "Dịch vụ công trực tuyến cho người dân"


@pytest.mark.django_db(transaction=True)
def test_a_learner_uploads_the_downloaded_badge_and_reads_valid(chromium, live_server, tmp_path):
    issuer_key_ensure()
    site_home_ensure()
    course = make_course(COURSE, index=make_catalogue(), modules=1, lessons_per_module=1)
    learner = UserFactory(email="mai.lo@example.vn", full_name="Lò Thị Mai", password=PASSWORD)
    enrollment = enrollment_create(user=learner, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    certificate = certificate_issue(certificate_id=Certificate.objects.get(enrollment=enrollment).pk)
    base = live_server.url

    context = chromium.new_context(locale="vi-VN", viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    checks = PageChecks(page, base)
    try:
        page.goto(base + "/accounts/login/")
        page.get_by_label("Email").fill(learner.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(base + "/")

        page.goto(base + "/learn/certificates/")
        page.get_by_text("Mang chứng chỉ sang nơi khác (Open Badges)").click()
        checks()
        with page.expect_download() as download:
            page.get_by_role("link", name="Tải ảnh huy hiệu (PNG)").click()
        assert download.value.suggested_filename == f"chung-chi-{certificate.code_display}-open-badges.png"
        badge = tmp_path / download.value.suggested_filename
        download.value.save_as(badge)
        assert Image.open(io.BytesIO(badge.read_bytes())).format == "PNG"
        employer_link = page.get_by_label("Liên kết gửi nhà tuyển dụng").input_value()
        assert employer_link == f"{base}/credentials/{certificate.credential.public_id}/"
        page.screenshot(path="var/screenshots/open-badges-360.png", full_page=True)

        context.clear_cookies()  # the verifier is anyone, not the learner
        page.goto(base + "/verify/")
        checks()
        page.get_by_label("Hoặc tải lên tệp chứng chỉ").set_input_files(str(badge))
        page.get_by_role("button", name="Kiểm tra").click()
        result = page.locator("#credential-result")
        expect(result).to_contain_text("Chứng chỉ Open Badges hợp lệ")
        expect(result).to_contain_text("Lò Thị Mai")
        expect(result).to_contain_text(COURSE)
        expect(result.get_by_role("link", name=certificate.code_display)).to_be_visible()
        checks()

        page.goto(employer_link)
        expect(page.locator("#credential-result")).to_contain_text("Chứng chỉ Open Badges hợp lệ")
        checks()
    finally:
        context.close()
