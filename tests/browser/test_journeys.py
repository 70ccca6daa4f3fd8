"""The learner's journeys end to end (issue 13): Debian's Chromium through Playwright, the live server,
a real Celery worker process (it renders, signs and e-mails the certificate).

- a citizen on a 360 × 740 phone and on a 1366 × 768 desktop: search without an account → a course →
  read a lesson in preview → sign up → confirm the e-mail → back on the course → enrol → lessons →
  fail, then pass the final quiz → the completion page (the certificate's status turns to issued by
  itself) → the "certificate issued" e-mail → the PDF from "Chứng chỉ của tôi" → its QR code scanned
  with zbarimg → the verification page it opens, on the live server;
- a civil servant confirmed in a commune: a coordinator assigns a course with a deadline, the learner
  finds it under "Được giao" with its due date, completes it, and the assignment is completed;
- a keyboard-only pass: a lesson and a quiz with Tab, Enter and Space, the focus always visible.

On every page visited: axe-core (WCAG 2.2 AA) without violation, no horizontal scroll, no request
to another host, and on the verification and personal-data pages every value ≥ 40 % of the window
(``tests.browser.page_checks``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from certificates.demo import issuer_key_ensure
from certificates.models import Certificate, CertificateStatus
from cms.services import site_home_ensure
from coordination.services import membership_confirm_and_assign
from courses.assignment_status import assignment_status
from courses.assignments import assignment_create
from courses.models import AssignmentStatus, Enrollment
from courses.services import enrollment_create
from lms.accounts.models import User
from lms.orgunits.models import MembershipSource
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from quizzes.models import Attempt
from tests.browser.page_checks import PageChecks
from tests.factories import (
    QUESTION_SPECS,
    UserFactory,
    course_lessons,
    make_catalogue,
    make_course,
    make_province_tree,
    make_quiz,
)
from tests.fixtures.worker import sent_mail, wait_for
from tests.services import require

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "Hoc-so-an-toan-2026"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
CITIZEN_COURSE = "Dịch vụ công trực tuyến cho người dân"
NEXT_COURSE = "Định danh điện tử VNeID"
ASSIGNED_COURSE = "Văn bản điện tử và chữ ký số"
TRUE_FALSE = QUESTION_SPECS["true_false"]  # "Chữ ký số bảo đảm tính bí mật…": the answer is "Sai"


def new_page(chromium, viewport):
    context = chromium.new_context(locale="vi-VN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")


def open_account_menu_item(page, name):
    page.get_by_role("navigation", name="Tài khoản").locator("summary").click()
    page.get_by_role("navigation", name="Tài khoản").get_by_role("link", name=name).click()


def submit_attempt(page, lands_on):
    page.get_by_role("button", name="Kết thúc bài làm…").click()
    page.wait_for_url(re.compile(r"/summary/$"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    page.wait_for_url(lands_on)


def qr_url_of(pdf_path) -> str:
    """The URL in the QR code of the PDF's first page: rendered at 150 dpi, scanned by zbarimg."""
    require(shutil.which("pdftoppm") and shutil.which("zbarimg"), "poppler-utils and zbar-tools are not installed")
    png_prefix = pdf_path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf_path), str(png_prefix)], check=True)
    [png] = sorted(png_prefix.parent.glob(png_prefix.name + "*.png"))
    scan = ["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(png)]
    scanned = subprocess.run(scan, capture_output=True, text=True)
    assert scanned.returncode == 0, f"no QR code found in {png}: {scanned.stderr}"
    return scanned.stdout.strip()


@pytest.fixture
def citizen_course():
    site_home_ensure()
    issuer_key_ensure()
    index = make_catalogue()
    course = make_course(
        CITIZEN_COURSE, index=index, modules=1, lessons_per_module=2, open_preview=True, audience="citizens"
    )
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["single"], TRUE_FALSE], questions_per_page=2)
    make_course(NEXT_COURSE, index=index, modules=1, lessons_per_module=1, audience="citizens")
    return course, quiz


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-360", "desktop-1366"])
@pytest.mark.django_db(transaction=True)
def test_citizen_from_search_to_a_verified_certificate(
    chromium, live_server, celery_worker_process, citizen_course, viewport, tmp_path
):
    course, quiz = citizen_course
    base = live_server.url
    email = f"lo.thi.mai.{viewport['width']}@example.vn"
    page = new_page(chromium, viewport)
    check = PageChecks(page, base)
    try:
        # Without an account: the header's search, a course, a lesson read in preview.
        page.goto(base + "/")
        check()
        page.goto(base + course.get_parent().url)  # the catalogue
        expect(page.get_by_role("link", name=CITIZEN_COURSE, exact=True)).to_be_visible()
        check()
        page.get_by_role("search").get_by_role("searchbox").fill("dịch vụ công")
        page.get_by_role("search").get_by_role("searchbox").press("Enter")
        page.wait_for_url(re.compile(r"/search/\?q="))
        check()
        page.get_by_role("link", name=CITIZEN_COURSE, exact=True).click()
        page.wait_for_url(base + course.url)
        check()
        page.get_by_role("link", name="Đọc thử bài đầu tiên").click()
        first_lesson = course_lessons(course)[0]
        page.wait_for_url(base + first_lesson.url)
        expect(page.get_by_text("Bạn đang đọc thử.")).to_be_visible()
        check()

        # Sign up from the course; the e-mail's link confirms the address and leads back to the course.
        page.goto(base + course.url)
        page.get_by_role("link", name="Đăng nhập để ghi danh").click()
        page.wait_for_url(re.compile(r"/accounts/login/\?next="))
        check()
        page.locator("main").get_by_role("link", name="đăng ký").click()
        page.wait_for_url(re.compile(r"/accounts/signup/\?next="))
        check()
        page.get_by_label("Họ và tên").fill("Lò Thị Mai")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
        page.get_by_label("Mật khẩu (nhập lại)").fill(PASSWORD)
        page.get_by_label("Tôi đã đọc và đồng ý với thông báo xử lý dữ liệu cá nhân").check()
        page.get_by_role("button", name="Đăng ký").click()
        page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
        check()
        [message] = [message for message in mail.outbox if email in message.to]
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
        assert link.startswith(base + "/"), link
        page.goto(link)
        check()
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_url(base + course.url)
        check()

        # Enrol (it opens the first lesson), read the lessons, mark them done.
        page.get_by_role("button", name="Ghi danh khoá học").click()
        lessons = course_lessons(course)
        for lesson in lessons[:-1]:
            page.wait_for_url(base + lesson.url)
            check()
            page.get_by_role("button", name="Đánh dấu đã học xong").click()
        page.wait_for_url(base + quiz.url)
        check()

        # The final quiz: failed first, then passed.
        page.get_by_role("button", name="Bắt đầu làm bài").click()
        page.wait_for_url(re.compile(r"/quiz/attempt/\d+/"))
        check()
        page.get_by_label("15–20 mm").check()
        page.get_by_label("Đúng", exact=True).check()
        page.get_by_role("button", name="Kết thúc bài làm…").click()
        page.wait_for_url(re.compile(r"/summary/$"))
        check()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Nộp bài và kết thúc").click()
        page.wait_for_url(re.compile(r"/review/$"))
        expect(page.get_by_text("Chưa đạt").first).to_be_visible()
        check()
        page.goto(base + quiz.url)
        check()
        page.get_by_role("button", name="Làm lại").click()
        page.wait_for_url(re.compile(r"/quiz/attempt/\d+/"))
        page.get_by_label("30–35 mm").check()
        page.get_by_label("Sai", exact=True).check()
        submit_attempt(page, re.compile(rf"/learn/course/{course.pk}/completed/$"))
        user = User.objects.get(email=email)
        assert [a.passed for a in Attempt.objects.filter(user=user, quiz=quiz).order_by("number")] == [False, True]

        # The completion page: the worker issues the certificate, the page shows it without a reload.
        expect(page.get_by_role("heading", level=1)).to_have_text("Chúc mừng! Bạn đã hoàn thành khoá học")
        expect(page.get_by_role("link", name=NEXT_COURSE)).to_be_visible()  # what to learn next
        check()
        expect(page.locator(".certificate-status-label")).to_have_text("Đã cấp", timeout=90_000)
        expect(page.locator(".certificate-download")).to_be_visible()
        check()
        certificate = Certificate.objects.get(user=user)
        assert certificate.status == CertificateStatus.ISSUED, celery_worker_process.log_text()[-3000:]
        page.goto(base + course.url)  # the course says it is done and leads to the certificate
        expect(page.get_by_text("Đã hoàn thành", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Xem chứng chỉ")).to_be_visible()
        check()
        page.goto(base + "/learn/")
        expect(page.locator("section[aria-labelledby='done-heading']")).to_contain_text(CITIZEN_COURSE)
        check()

        # The "certificate issued" e-mail, sent by the worker process.
        def issued_mail():
            return [m for m in sent_mail(celery_worker_process.mail_dir) if email in m["To"]]

        [issued] = wait_for(issued_mail, timeout=60) or [None]
        assert issued is not None, celery_worker_process.log_text()[-3000:]
        subject = str(issued["Subject"]).strip()
        assert subject == f"[Học Số] Chứng chỉ “{CITIZEN_COURSE}” đã sẵn sàng", subject
        body = issued.get_content()
        assert certificate.code_display in body
        assert f"{base}/verify/{certificate.code_display}/" in body, body
        assert f"{base}/certificates/{certificate.code_display}/download/" in body, body

        # "Chứng chỉ của tôi" → the PDF → its QR code → the verification page on the live server.
        open_account_menu_item(page, "Chứng chỉ của tôi")
        page.wait_for_url(base + "/learn/certificates/")
        check()
        card = page.locator("article.card").filter(has_text=CITIZEN_COURSE)
        expect(card).to_contain_text("Đã cấp")
        with page.expect_download() as download_info:
            card.get_by_role("link", name="Tải PDF").click()
        pdf = tmp_path / "chung-chi.pdf"
        download_info.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        qr = qr_url_of(pdf)
        assert urlsplit(qr).netloc == urlsplit(base).netloc, (qr, base)
        assert qr == f"{base}/verify/{certificate.code_display}/", qr
        page.goto(qr)
        expect(page.get_by_role("heading", name="Chứng chỉ hợp lệ")).to_be_visible()
        expect(page.locator(".data-list dd", has_text="Lò Thị Mai")).to_have_count(1)
        check(values_wide=True)

        # "Dữ liệu của tôi": readable too.
        open_account_menu_item(page, "Dữ liệu của tôi")
        page.wait_for_url(base + "/accounts/my-data/")
        check(values_wide=True)
        assert len(check.visited) >= 20, check.visited
    finally:
        page.context.close()


@pytest.mark.django_db(transaction=True)
def test_civil_servant_completes_a_course_assigned_with_a_deadline(chromium, live_server, celery_worker_process):
    site_home_ensure()
    issuer_key_ensure()
    units = make_province_tree()
    administrator = UserFactory(email="quantri@example.vn", is_staff=True, is_superuser=True)
    coordinator = UserFactory(email="dieuphoi.tiendu@example.vn", full_name="Đỗ Thị Điều Phối")
    coordinator_scope_grant(actor=administrator, user=coordinator, unit=units["commune_a"])
    learner = UserFactory(email="cong.chuc@example.vn", full_name="Hoàng Văn Công", password=PASSWORD)
    # The learner declares the commune, its coordinator confirms it.
    membership = membership_declare(user=learner, unit=units["commune_a"], source=MembershipSource.SELF)
    membership_confirm_and_assign(actor=coordinator, membership=membership)
    course = make_course(ASSIGNED_COURSE, index=make_catalogue(), modules=1, lessons_per_module=2, is_public=False)
    due = timezone.localdate() + timedelta(days=30)
    assignment = assignment_create(
        actor=coordinator,
        title="Bồi dưỡng chuyển đổi số 2026",
        plan_reference="Kế hoạch số 12/KH-UBND",
        courses=[course],
        units=[units["commune_a"]],
        due_date=due,
    )
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.assignment_id == assignment.pk
    base = live_server.url
    page = new_page(chromium, DESKTOP)  # an office PC
    check = PageChecks(page, base)
    try:
        log_in(page, base, learner.email)
        # The home leads to the assigned course and says when it is due.
        expect(page.locator(".learner-home")).to_contain_text(f"Được giao · hạn {due:%d/%m/%Y}")
        check()
        open_account_menu_item(page, "Học tập của tôi")
        page.wait_for_url(base + "/learn/")
        check()
        assigned = page.locator("section[aria-labelledby='assigned-heading'] article.card").filter(
            has_text=ASSIGNED_COURSE
        )
        expect(assigned).to_have_count(1)
        expect(assigned).to_contain_text(f"Hạn hoàn thành: {due:%d/%m/%Y}")
        expect(assigned).to_contain_text("Kế hoạch số 12/KH-UBND")
        assigned.get_by_role("link", name="Bắt đầu học").click()
        for lesson in course_lessons(course):
            page.wait_for_url(base + lesson.url)
            check()
            page.get_by_role("button", name="Đánh dấu đã học xong").click()
        page.wait_for_url(re.compile(rf"/learn/course/{course.pk}/completed/$"))
        check()
        expect(page.locator(".certificate-status-label")).to_have_text("Đã cấp", timeout=90_000)

        enrollment.refresh_from_db()
        assert enrollment.completed_at is not None
        today = timezone.localdate()
        assert assignment_status(enrollment=enrollment, today=today, due=due) == AssignmentStatus.COMPLETED
        page.goto(base + "/learn/")
        check()
        done = page.locator("section[aria-labelledby='done-heading'] article.card").filter(has_text=ASSIGNED_COURSE)
        expect(done).to_have_count(1)
        expect(page.locator("section[aria-labelledby='assigned-heading']")).not_to_contain_text(ASSIGNED_COURSE)
    finally:
        page.context.close()


# The focused element: what it is, and whether a focus indicator is drawn around it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', label,
    name: (el.getAttribute('aria-label') || label || el.innerText || el.value || '').trim().slice(0, 60),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
    focusVisible: el.matches(':focus-visible'),
    size: box.width > 0 && box.height > 0,
  };
}"""


def tab_to(page, wanted, *, max_steps=60):
    """Press Tab until the focused element's name is ``wanted``; every element focused on the way
    shows a focus indicator (an outline or a ring)."""
    seen = []
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused is not None, f"Tab left the page's controls after {[f['name'] for f in seen]}"
        seen.append(focused)
        assert focused["size"] and focused["focusVisible"] and (focused["outline"] or focused["shadow"]), (
            f"no visible focus indicator on {focused} at {page.url}"
        )
        if focused["name"] == wanted:
            return focused
    raise AssertionError(f"{wanted!r} not reached with Tab on {page.url}; focused: {[f['name'] for f in seen]}")


@pytest.mark.django_db(transaction=True)
def test_a_lesson_and_a_quiz_with_the_keyboard_only(chromium, live_server):
    site_home_ensure()
    course = make_course("Tin học văn phòng cơ bản", index=make_catalogue(), modules=1, lessons_per_module=1)
    single = {**QUESTION_SPECS["single"], "options": [QUESTION_SPECS["single"]["options"][i] for i in (1, 0, 2)]}
    quiz = make_quiz(
        course=course, questions=[single, QUESTION_SPECS["multiple"]], questions_per_page=2, shuffle_answers=False
    )
    learner = UserFactory(email="banphim@example.vn", full_name="Vũ Thị Bàn Phím", password=PASSWORD)
    enrollment_create(user=learner, course=course)
    [lesson, _quiz] = course_lessons(course)
    base = live_server.url
    page = new_page(chromium, DESKTOP)
    check = PageChecks(page, base)
    try:
        log_in(page, base, learner.email)
        check()
        page.goto(base + lesson.url)
        check()
        # The skip link first, then into the lesson: Enter on the button marks it done, opening the quiz.
        tab_to(page, "Bỏ qua, đến nội dung chính")
        page.keyboard.press("Enter")
        tab_to(page, "Đánh dấu đã học xong")
        page.keyboard.press("Enter")
        page.wait_for_url(base + quiz.url)
        check()
        tab_to(page, "Bắt đầu làm bài")
        page.keyboard.press("Space")
        page.wait_for_url(re.compile(r"/quiz/attempt/\d+/"))
        check()
        # Radios and checkboxes take Space.
        tab_to(page, "30–35 mm")
        page.keyboard.press("Space")
        tab_to(page, "Quốc hiệu và Tiêu ngữ")
        page.keyboard.press("Space")
        tab_to(page, "Số, ký hiệu")
        page.keyboard.press("Space")
        expect(page.get_by_label("30–35 mm")).to_be_checked()
        expect(page.get_by_label("Số, ký hiệu")).to_be_checked()
        tab_to(page, "Kết thúc bài làm…")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/summary/$"))
        check()
        page.once("dialog", lambda dialog: dialog.accept())  # the browser's own "submit?" dialog
        tab_to(page, "Nộp bài và kết thúc")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"/learn/course/{course.pk}/completed/$"))
        check()
        attempt = Attempt.objects.get(user=learner, quiz=quiz)
        assert attempt.passed and float(attempt.score_pct) == 100
    finally:
        page.context.close()
