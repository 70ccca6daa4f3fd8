"""A province coordinator assigns a course to a commune; the learner sees it; the report follows."""

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from cms.services import site_home_ensure
from courses.models import Enrollment
from courses.services import lesson_complete
from lms.orgunits.models import MembershipSource
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course, make_province_tree

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"


def login(page, base, email):
    page.goto(base + "/accounts/logout/")
    if page.get_by_role("button", name="Đăng xuất").count():
        page.get_by_role("button", name="Đăng xuất").last.click()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")


@pytest.mark.django_db(transaction=True)
def test_assign_learner_sees_deadline_report_moves_to_completed_and_export_opens(
    page, live_server, admin_user, celery_worker_process
):
    from django.utils import timezone

    site_home_ensure()
    units = make_province_tree()
    course = make_course("Dịch vụ công trực tuyến", index=make_catalogue(), modules=1, lessons_per_module=1)
    coordinator = UserFactory(email="dieuphoi.tinh@example.vn", password=PASSWORD)
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["province"])
    learner = UserFactory(email="canbo.xa@example.vn", full_name="Hà Thị Lan", password=PASSWORD)
    membership = membership_declare(user=learner, unit=units["commune_a"], source=MembershipSource.IMPORT)
    membership.confirmed_at = timezone.now()
    membership.save()
    base = live_server.url

    login(page, base, coordinator.email)
    page.goto(base + "/coordinate/assignments/new/")
    page.get_by_label("Tên đợt giao").fill("Phổ cập dịch vụ công")
    page.get_by_label("Căn cứ (kế hoạch)").fill("Kế hoạch số 138/KH-UBND")
    page.get_by_role("group", name="Khoá học").get_by_label("Dịch vụ công trực tuyến").check()
    page.get_by_role("group", name="Đơn vị (gồm đơn vị trực thuộc)").get_by_label("Xã Tiên Du (09325)").check()
    page.get_by_label("Hạn hoàn thành (dd/mm/yyyy)").fill("31/12/2099")
    page.get_by_role("button", name="Giao").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))  # the worker enrols the learners; the page follows it
    page.get_by_text("Đã xong").wait_for(timeout=120_000)
    page.get_by_role("link", name="Về trang điều phối").click()
    page.wait_for_url(base + "/coordinate/")
    assert page.locator('[data-status="not_started"]').filter(has_text="Dịch vụ công trực tuyến").count() == 1

    login(page, base, learner.email)
    page.goto(base + "/learn/")
    assigned = page.locator("#assigned-heading").locator("xpath=..").inner_text()
    assert "Dịch vụ công trực tuyến" in assigned and "31/12/2099" in assigned
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    assert Enrollment.objects.get(user=learner).completed_at is not None

    login(page, base, coordinator.email)
    page.goto(base + "/coordinate/")
    assert page.locator('[data-status="completed"]').count() == 1
    page.get_by_role("button", name="Tải Excel").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    link = page.get_by_role("link", name=re.compile(r"^Tải hocso-hoc-vien-\d{8}\.xlsx$"))
    link.wait_for(timeout=120_000)
    with page.expect_download() as download:
        link.click()
    assert re.fullmatch(r"hocso-hoc-vien-\d{8}\.xlsx", download.value.suggested_filename)
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (rows[1][0], rows[1][1], rows[1][3]) == ("Hà Thị Lan", "canbo.xa@example.vn", "09325")
    assert rows[1][7] == "Dịch vụ công trực tuyến" and isinstance(rows[1][9], datetime)  # a real date
