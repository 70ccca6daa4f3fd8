"""Issue 14, acceptance 3 — a coordinator follows up in one sitting, on a desktop: filter the learner list
→ page 2 keeps the filter → the Excel export holds exactly the filtered rows with status and due date →
extend the assignment's due date → send reminders now to the previewed recipients (the real worker
sends exactly to them)."""

import io
import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cms.services import site_home_ensure
from courses.assignments import assignment_create
from lms.orgunits.models import MembershipSource
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from tests.browser.page_checks import PageChecks
from tests.factories import UserFactory, make_catalogue, make_course, make_province_tree
from tests.fixtures.worker import sent_mail, wait_for

pytestmark = [pytest.mark.browser]
PASSWORD = "Hoc-so-an-toan-2026"
FILTERED = 103  # more than one page of 100
OTHERS = 3


def _learner(unit, index: int, *, group: str, name: str):
    user = UserFactory(email=f"{group}.{index}@example.vn", full_name=name, learner_group=group)
    membership = membership_declare(user=user, unit=unit, source=MembershipSource.IMPORT)
    membership.confirmed_at = timezone.now()
    membership.save()
    return user


@pytest.mark.django_db(transaction=True)
def test_filter_page_two_export_extend_and_remind(chromium, live_server, admin_user, celery_worker_process):
    site_home_ensure()
    units = make_province_tree()
    commune = units["commune_a"]
    course = make_course("An toàn thông tin cơ bản", index=make_catalogue(), modules=1, lessons_per_module=1)
    coordinator = UserFactory(email="dieuphoi.loc@example.vn", full_name="Phan Thị Lọc", password=PASSWORD)
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=commune)
    for index in range(FILTERED):
        _learner(commune, index, group="cong_chuc", name=f"Công Chức Số {index:03d}")
    for index in range(OTHERS):
        _learner(commune, index, group="nguoi_dan", name=f"Người Dân Số {index}")
    due = timezone.localdate() + timedelta(days=20)
    assignment = assignment_create(
        actor=coordinator,
        title="Bảo đảm an toàn thông tin",
        plan_reference="Kế hoạch số 45/KH-UBND",
        courses=[course],
        units=[commune],
        due_date=due,
    )
    base = live_server.url
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    checks = PageChecks(page, base)
    try:
        page.goto(base + "/accounts/login/")
        page.get_by_label("Email").fill(coordinator.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(base + "/")

        # Filter the learner list to one learner group: two pages of it.
        page.goto(base + "/coordinate/")
        page.get_by_label("Nhóm", exact=True).select_option("cong_chuc")
        page.get_by_role("button", name="Lọc", exact=True).click()
        page.wait_for_url(re.compile(r".*group=cong_chuc.*"))
        checks()
        pager = page.locator("nav.pager")
        assert "1/2" in pager.inner_text()
        assert "Người Dân" not in page.locator("main").inner_text()

        # Page 2 keeps the filter.
        pager.get_by_role("link", name=re.compile("Trang sau")).click()
        page.wait_for_url(re.compile(r".*p=2.*"))
        assert "group=cong_chuc" in page.url
        assert "2/2" in page.locator("nav.pager").inner_text()
        listed = page.locator("main table").last.inner_text()
        assert "Công Chức Số" in listed and "Người Dân" not in listed
        assert page.get_by_label("Nhóm", exact=True).input_value() == "cong_chuc"

        # The Excel export holds exactly the filtered learners, with status and due date.
        page.get_by_role("button", name="Tải Excel").click()
        page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
        assert "Nhóm: Công chức" in page.locator("h1").inner_text()
        link = page.get_by_role("link", name=re.compile(r"^Tải hocso-hoc-vien-\d{8}-loc\.xlsx$"))
        link.wait_for(timeout=120_000)
        with page.expect_download() as download:
            link.click()
        with open(download.value.path(), "rb") as handle:
            book = load_workbook(io.BytesIO(handle.read()))
        rows = list(book["Người học"].iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        column = {name: header.index(name) for name in ("Họ và tên", "Nhóm", "Trạng thái", "Hạn hoàn thành")}
        assert len(body) == FILTERED
        assert all(row[column["Nhóm"]] == "Công chức" for row in body)
        assert all(row[column["Họ và tên"]].startswith("Công Chức Số") for row in body)
        assert {row[column["Trạng thái"]] for row in body} == {"chưa bắt đầu"}
        dues = {row[column["Hạn hoàn thành"]] for row in body}
        assert dues == {datetime.combine(due, datetime.min.time())}  # a real date, not text
        info = dict(book["Thông tin"].iter_rows(values_only=True))
        assert info["Nhóm"] == "Công chức"

        # Extend the assignment's due date.
        page.goto(base + "/coordinate/assignments/")
        card = page.locator(f'[data-assignment="{assignment.pk}"]')
        card.get_by_role("link", name="Sửa / gia hạn").click()
        page.wait_for_url(re.compile(r".*/assignments/\d+/edit/$"))
        checks()
        later = due + timedelta(days=30)
        page.get_by_label("Hạn hoàn thành (dd/mm/yyyy)").fill(later.strftime("%d/%m/%Y"))
        page.get_by_role("button", name="Lưu", exact=True).click()
        page.wait_for_url(base + "/coordinate/assignments/")
        assert card.locator("[data-due]").inner_text().startswith(later.strftime("%d/%m/%Y"))
        assignment.refresh_from_db()
        assert assignment.due_date == later

        # Send reminders now: the worker sends exactly to the previewed learners.
        card.get_by_role("link", name="Gửi nhắc nhở ngay").click()
        page.wait_for_url(re.compile(r".*/assignments/\d+/remind/$"))
        checks()
        count = int(page.locator("[data-recipient-count]").get_attribute("data-recipient-count"))
        assert count == FILTERED + OTHERS
        listed = "rows => rows.map(r => r.dataset.recipient)"
        previewed = set(page.locator("[data-recipient]").evaluate_all(listed))
        page.locator("nav.pager").get_by_role("link", name=re.compile("Trang sau")).click()  # the rest of the list
        page.wait_for_url(re.compile(r".*/remind/\?p=2$"))
        previewed |= set(page.locator("[data-recipient]").evaluate_all(listed))
        assert len(previewed) == count
        page.get_by_role("button", name=f"Gửi cho {len(previewed)} người").click()
        page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
        page.get_by_text(f"Đã gửi {len(previewed)} email nhắc nhở.").wait_for(timeout=120_000)
        reminder = re.compile(r"(Quá hạn|Sắp đến hạn|Nhắc học): An toàn thông tin cơ bản")

        def reminders():
            mails = [m for m in sent_mail(celery_worker_process.mail_dir) if reminder.search(m["Subject"])]
            return mails if len(mails) >= len(previewed) else None

        mails = wait_for(reminders, timeout=60)
        assert sorted(m["To"] for m in mails) == sorted(previewed)
    finally:
        context.close()
