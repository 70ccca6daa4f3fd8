"""A commune coordinator follows up an assignment on a 360 px phone: the assignments list → edit the
due date (a past date asks first, naming how many become overdue) → send reminders now to the
previewed learners; the real worker sends exactly to them."""

import re

import pytest

from cms.services import site_home_ensure
from courses.assignments import assignment_create
from courses.services import lesson_complete
from lms.orgunits.models import MembershipSource
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from tests.browser.page_checks import PageChecks
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course, make_province_tree
from tests.fixtures.worker import sent_mail, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"
PHONE = {"width": 360, "height": 740}


def learner(unit, email, name, **fields):
    from django.utils import timezone

    user = UserFactory(email=email, full_name=name, password=PASSWORD, **fields)
    membership = membership_declare(user=user, unit=unit, source=MembershipSource.IMPORT)
    membership.confirmed_at = timezone.now()
    membership.save()
    return user


@pytest.mark.django_db(transaction=True)
def test_list_edit_due_date_with_confirmation_and_send_reminders_now(
    chromium, live_server, admin_user, celery_worker_process
):
    from datetime import date

    site_home_ensure()
    units = make_province_tree()
    course = make_course("Chuyển đổi số cơ sở", index=make_catalogue(), modules=1, lessons_per_module=2)
    coordinator = UserFactory(email="dieuphoi.xa@example.vn", full_name="Phan Văn Điều", password=PASSWORD)
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["commune_a"])
    commune = units["commune_a"]
    lan = learner(commune, "lan.nhac@example.vn", "Hà Thị Lan")
    minh = learner(commune, "minh.nhac@example.vn", "Trần Văn Minh")
    quang = learner(commune, "quang.nhac@example.vn", "Lê Quang", reminder_emails=False)
    binh = learner(commune, "binh.nhac@example.vn", "Ngô Bình")
    assignment = assignment_create(
        actor=coordinator,
        title="Phổ cập chuyển đổi số",
        plan_reference="Kế hoạch số 77/KH-UBND",
        courses=[course],
        units=[commune],
        due_date=date(2099, 12, 31),
    )
    lessons = course_lessons(course)
    lesson_complete(user=minh, lesson=lessons[0])  # in progress
    for lesson in lessons:
        lesson_complete(user=binh, lesson=lesson)  # completed: neither overdue nor reminded
    base = live_server.url

    context = chromium.new_context(locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    checks = PageChecks(page, base)
    try:
        page.goto(base + "/accounts/login/")
        page.get_by_label("Email").fill(coordinator.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(base + "/")

        # The dashboard leads to the assignments list: the plan, the assignment and its counts.
        page.goto(base + "/coordinate/")
        page.get_by_role("link", name="Các đợt giao khoá học").click()
        page.wait_for_url(base + "/coordinate/assignments/")
        checks()
        assert page.get_by_role("heading", name="Kế hoạch số 77/KH-UBND").is_visible()
        card = page.locator(f'[data-assignment="{assignment.pk}"]')
        counts = {
            name: card.locator(f'[data-count="{name}"]').inner_text()
            for name in ("assigned", "completed", "in_progress", "not_started", "overdue")
        }
        assert counts == {"assigned": "4", "completed": "1", "in_progress": "1", "not_started": "2", "overdue": "0"}

        # Edit the due date to one already past: the page asks first, naming who becomes overdue.
        card.get_by_role("link", name="Sửa / gia hạn").click()
        page.wait_for_url(re.compile(r".*/assignments/\d+/edit/$"))
        checks()
        page.get_by_label("Hạn hoàn thành (dd/mm/yyyy)").fill("01/01/2020")
        page.get_by_role("button", name="Lưu", exact=True).click()
        warning = page.locator("[data-confirm-past-due]")
        warning.wait_for()
        assert "3 người học chưa hoàn thành sẽ bị tính là quá hạn ngay lập tức" in warning.inner_text()
        checks()
        assignment.refresh_from_db()
        assert assignment.due_date == date(2099, 12, 31)  # nothing saved before the confirmation
        page.get_by_role("button", name="Vẫn dùng hạn 01/01/2020").click()
        page.wait_for_url(base + "/coordinate/assignments/")
        assert "Đã lưu đợt giao" in page.content()
        assert card.locator("[data-due]").inner_text().startswith("01/01/2020")
        assert card.locator('[data-count="overdue"]').inner_text() == "3"

        # Send reminders now: the preview lists the learners who will get one.
        card.get_by_role("link", name="Gửi nhắc nhở ngay").click()
        page.wait_for_url(re.compile(r".*/assignments/\d+/remind/$"))
        checks()
        previewed = set(page.locator("[data-recipient]").evaluate_all("rows => rows.map(r => r.dataset.recipient)"))
        assert previewed == {lan.email, minh.email}  # not the completed one, not the one who opted out
        assert page.locator("[data-recipient-count]").get_attribute("data-recipient-count") == "2"
        assert "1 người học chưa hoàn thành đã tắt email nhắc hạn" in page.content()
        page.get_by_role("button", name="Gửi cho 2 người").click()
        page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
        page.get_by_text("Đã gửi 2 email nhắc nhở.").wait_for(timeout=120_000)
        checks()

        # Every reminder the worker wrote to any of this unit's learners (the completed one got
        # only their completion e-mails).
        ours = {lan.email, minh.email, quang.email, binh.email}
        reminder = re.compile(r"(Quá hạn|Sắp đến hạn|Nhắc học): Chuyển đổi số cơ sở")

        def reminders():
            mails = sent_mail(celery_worker_process.mail_dir)
            return [m for m in mails if m["To"] in ours and reminder.search(m["Subject"])] or None

        mails = wait_for(reminders, timeout=30)
        assert sorted(m["To"] for m in mails) == sorted(previewed), [(m["To"], m["Subject"]) for m in mails]
        assert all("Quá hạn: Chuyển đổi số cơ sở" in m["Subject"] for m in mails)
        others = [m["Subject"] for m in sent_mail(celery_worker_process.mail_dir) if m["To"] == binh.email]
        assert all(not reminder.search(subject) for subject in others), others
    finally:
        context.close()

    # The same list reads on a desktop too.
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base + "/accounts/login/")
        page.get_by_label("Email").fill(coordinator.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(base + "/")
        page.goto(base + "/coordinate/assignments/")
        PageChecks(page, base)()
    finally:
        context.close()
