"""A learner on a 360 px phone does the three signature-lab activities of a lesson — signs a
document with an e-mailed code, judges six signed documents, countersigns after the leader — and
the lesson counts as done (issue 16, acceptance line 3)."""

import re

import pytest
from django.core import mail

from cms.services import site_home_ensure
from courses.models import LessonProgress
from courses.services import enrollment_create
from signlab.models import CheckDocument, LabResult
from tests.browser.page_checks import PageChecks
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course
from tests.signlab.conftest import CHECK, COUNTERSIGN, SIGN, lab_body, last_code

pytestmark = [pytest.mark.browser]
PASSWORD = "Hoc-so-an-toan-2026"
PHONE = {"width": 360, "height": 740}


@pytest.mark.django_db(transaction=True)
def test_a_learner_completes_the_three_lab_activities_on_a_phone(chromium, live_server):
    site_home_ensure()
    course = make_course("Ký số văn bản điện tử", index=make_catalogue(), modules=1, lessons_per_module=2)
    lesson = course_lessons(course)[0].specific
    lesson.body = lab_body()
    lesson.save_revision().publish()
    learner = UserFactory(email="hoa.kyso@example.vn", full_name="Lương Thị Hoà", password=PASSWORD)
    enrollment_create(user=learner, course=course)
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
        page.goto(base + lesson.url)
        checks()
        assert page.get_by_role("link", name="Bắt đầu thực hành").count() == 3

        # 1. Sign: read the document, get a code, choose the place, sign.
        page.get_by_role("link", name="Bắt đầu thực hành").nth(0).click()
        page.wait_for_url(re.compile(rf".*/thuc-hanh-ky-so/{lesson.pk}/{SIGN}/$"))
        checks()
        with page.expect_download() as download:
            page.get_by_role("link", name="Tải văn bản (PDF)").click()
        assert download.value.suggested_filename.endswith(".pdf")
        page.get_by_role("button", name="Gửi mã xác nhận").click()
        page.get_by_text("Đã gửi mã xác nhận đến hoa.kyso@example.vn").wait_for()
        page.get_by_label("Khối chữ ký, dưới chức danh “GIÁM ĐỐC” (đúng thể thức)").check()
        page.get_by_label("Mã xác nhận (6 chữ số)").fill(last_code(mail.outbox))
        page.get_by_role("button", name="Ký số", exact=True).click()
        page.get_by_text("Ký số thành công").wait_for()
        checks()
        assert "Lương Thị Hoà" in page.locator(".signature-report").inner_text()
        assert "Văn bản không bị sửa sau khi ký" in page.content()

        # 2. Check documents: six files made for this learner, each judged.
        page.goto(base + lesson.url)
        page.get_by_role("link", name="Bắt đầu thực hành").nth(1).click()
        page.wait_for_url(re.compile(rf".*/thuc-hanh-ky-so/{lesson.pk}/{CHECK}/$"))
        checks()
        documents = list(CheckDocument.objects.filter(user=learner, block_id=CHECK, position__gt=0))
        assert len(documents) == 6
        for document in documents:
            page.locator(f'input[name="document-{document.position}"][value="{document.case}"]').check()
        page.get_by_role("button", name="Nộp bài").click()
        page.get_by_text("Bạn đánh giá đúng 6/6 văn bản: đạt.").wait_for()
        checks()

        # 3. Countersign after the leader.
        page.goto(base + lesson.url)
        page.get_by_role("link", name="Bắt đầu thực hành").nth(2).click()
        page.wait_for_url(re.compile(rf".*/thuc-hanh-ky-so/{lesson.pk}/{COUNTERSIGN}/$"))
        page.get_by_role("button", name="Gửi mã xác nhận").click()
        page.get_by_text("Đã gửi mã xác nhận").wait_for()
        page.get_by_label("Mã xác nhận (6 chữ số)").fill(last_code(mail.outbox))
        page.get_by_role("button", name="Ký số", exact=True).click()
        page.get_by_text("Ký số thành công").wait_for()
        checks()
        assert page.locator(".signature-report").count() == 2

        # The lesson counts as done.
        page.goto(base + lesson.url)
        page.get_by_text("Bạn đã hoàn thành bài này.").wait_for()
        checks()
    finally:
        context.close()
    assert LabResult.objects.filter(user=learner, passed=True).count() == 3
    assert LessonProgress.objects.filter(enrollment__user=learner, lesson=lesson, completed_at__isnull=False).exists()
