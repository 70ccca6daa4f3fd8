"""An administrator manages the unit tree in the Wagtail admin of a real browser (issue 14,
acceptance 4): creates a unit under the province, renames it, merges it into another commune, and
uploads a units file with several bad rows and sees every one of them listed at once."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from cms.services import site_home_ensure
from lms.audit.models import AuditEntry
from lms.orgunits.models import Membership, OrgUnit
from lms.orgunits.services import membership_transfer
from tests.factories import UserFactory, make_province_tree

from .page_checks import WIDTHS

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"

BAD_FILE = (
    "code,name,kind,parent_code,valid_from,valid_to\n"
    "70,Tỉnh Thử Nghiệm,province,,01/01/2026,\n"
    "70.1,Sở Một,agency,99,01/01/2026,\n"  # row 3: no parent 99
    "70.2,,agency,70,31/02/2026,\n"  # row 4: no name, no such date
    "70.3,Xã Ba,village,70,01/01/2026,\n"  # row 5: unknown kind
    "09367,Xã Trùng Mã,commune,24,01/01/2026,\n"  # row 6: the code of a current unit
)


def login(page, base, email):
    page.goto(base + "/admin/")  # Wagtail's login is allauth's, behind the same form
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/admin/")


def no_error_messages(page):
    assert page.locator(".error-message, .help-critical").count() == 0, page.locator("main").inner_text()


def test_administrator_creates_renames_merges_a_unit_and_sees_every_bad_row_of_an_import(
    chromium, live_server, celery_worker_process
):
    site_home_ensure()  # the admin's dashboard links to the site's root page
    tree = make_province_tree()
    admin = UserFactory(email="quantri@example.vn", password=PASSWORD, is_staff=True, is_superuser=True)
    learner = UserFactory(email="hocvien.sapnhap@example.vn", full_name="Lê Thị Sáp Nhập")
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    try:
        login(page, base, admin.email)
        page.goto(base + "/admin/org-units/")
        expect(page.locator("h1")).to_contain_text("Đơn vị")
        province_row = page.locator("tr[data-unit-code='24']")
        expect(province_row).to_contain_text("Tỉnh Bắc Ninh")

        # Create: a commune under the province.
        province_row.get_by_role("link", name="Thêm đơn vị trực thuộc").click()
        page.wait_for_url(re.compile(r"/admin/org-units/new/\?parent="))
        expect(page.locator("main")).to_contain_text("Tỉnh Bắc Ninh")
        page.get_by_label("Mã đơn vị").fill("09400")
        page.get_by_label("Tên đơn vị").fill("Xã Hoàn Sơn")
        page.get_by_label("Loại").select_option("commune")
        page.get_by_label("Hiệu lực từ ngày").fill("01/07/2025")
        page.get_by_role("button", name="Thêm đơn vị").click()
        page.wait_for_url(re.compile(r"/admin/org-units/\d+/$"))
        no_error_messages(page)
        unit = OrgUnit.objects.get(code="09400")
        assert unit.get_parent().code == "24" and unit.valid_from == date(2025, 7, 1)
        membership_transfer(actor=admin, user=learner, unit=unit, on=date(2025, 8, 1))

        # Rename: in place, the old name kept in the history.
        rename = page.get_by_test_id("rename-form")
        rename.get_by_label("Tên mới").fill("Xã Hoàn Sơn Mới")
        rename.get_by_label("Có hiệu lực từ ngày").fill("01/09/2025")
        rename.get_by_label("Căn cứ").fill("Nghị quyết 12/NQ-HĐND")
        rename.get_by_role("button", name="Đổi tên").click()
        expect(page.locator(".messages")).to_contain_text("Đã đổi tên đơn vị")
        expect(page.locator("h1")).to_contain_text("Xã Hoàn Sơn Mới")
        history = page.get_by_test_id("rename-history")
        expect(history).to_contain_text("Xã Hoàn Sơn")
        expect(history).to_contain_text("01/09/2025")

        # Merge: into itself is refused with a clear message, into another commune moves its learner.
        merge = page.get_by_test_id("merge-form")
        merge.get_by_label("Mã đơn vị kế thừa").fill("09400")
        merge.get_by_role("button", name="Sáp nhập").click()
        expect(page.locator(".help-critical")).to_contain_text("Không thể sáp nhập đơn vị vào chính nó")
        assert OrgUnit.objects.get(pk=unit.pk).valid_to is None

        merge = page.get_by_test_id("merge-form")
        merge.get_by_label("Mã đơn vị kế thừa").fill("09367")
        merge.get_by_label("Căn cứ").fill("Nghị quyết 1656/NQ-UBTVQH15")
        merge.get_by_role("button", name="Sáp nhập").click()
        # It moves every member of the unit, so a worker does it; the job page follows it.
        page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
        expect(page.locator("[data-job-status='done']")).to_contain_text(
            "Đã sáp nhập vào “Xã Gia Bình”: chuyển 1 thành viên", timeout=60_000
        )
        page.get_by_role("link", name="Xem kết quả").click()
        expect(page.get_by_test_id("unit-successor")).to_contain_text("Xã Gia Bình")
        unit.refresh_from_db()
        assert unit.successor == tree["commune_b"] and unit.valid_to is not None
        assert Membership.objects.get(user=learner, end__isnull=True).unit == tree["commune_b"]
        assert AuditEntry.objects.get(action="orgunit.merge").actor == admin

        # The tree hides the retired unit unless asked, then shows it marked with its successor.
        page.goto(base + "/admin/org-units/")
        expect(page.locator("tr[data-unit-code='09400']")).to_have_count(0)
        page.get_by_label("Hiện cả đơn vị đã hết hiệu lực").check()
        page.get_by_role("button", name="Tìm", exact=True).click()
        retired = page.locator("tr[data-unit-code='09400']")
        expect(retired).to_have_class(re.compile("unit-retired"))
        expect(retired).to_contain_text("Đã hết hiệu lực")
        expect(retired).to_contain_text("Xã Gia Bình")
        # Accent-insensitive search.
        page.get_by_label("Tìm theo tên hoặc mã").fill("gia binh")
        page.get_by_role("button", name="Tìm", exact=True).click()
        expect(page.locator("tr[data-unit-code='09367']")).to_have_count(1)
        expect(page.locator("tr[data-unit-code='24']")).to_have_count(0)

        # Import: a file with several bad rows lists every one of them, and imports nothing.
        page.goto(base + "/admin/org-units/")
        page.get_by_role("link", name="Nhập từ tệp CSV/XLSX").click()
        page.get_by_label("Tệp danh mục đơn vị").set_input_files(
            {"name": "don-vi.csv", "mimeType": "text/csv", "buffer": BAD_FILE.encode()}
        )
        page.get_by_role("button", name="Kiểm tra và nhập").click()
        errors = page.get_by_test_id("import-error-rows")
        expect(errors.locator("tr[data-row]")).to_have_count(4)
        for row, fragment in [(3, "99"), (4, "thiếu tên"), (4, "31/02/2026"), (5, "village"), (6, "09367")]:
            expect(errors.locator(f"tr[data-row='{row}']")).to_contain_text(fragment)
        expect(page.get_by_test_id("import-errors")).to_contain_text("Không nhập đơn vị nào")
        assert not OrgUnit.objects.filter(code__startswith="70").exists()

        # The corrected file imports in one go.
        fixed = (
            "code,name,kind,parent_code,valid_from,valid_to\n"
            "70,Tỉnh Thử Nghiệm,province,,01/01/2026,\n"
            "70.1,Sở Một,agency,70,01/01/2026,\n"
        )
        page.get_by_label("Tệp danh mục đơn vị").set_input_files(
            {"name": "don-vi.csv", "mimeType": "text/csv", "buffer": fixed.encode()}
        )
        page.get_by_role("button", name="Kiểm tra và nhập").click()
        page.wait_for_url(base + "/admin/org-units/")
        expect(page.locator(".messages")).to_contain_text("2 mới")
        assert AuditEntry.objects.filter(action="orgunits.import").latest("id").actor == admin

        # The tree is usable on a phone: nothing wider than the window.
        page.set_viewport_size({"width": 360, "height": 800})
        page.goto(base + "/admin/org-units/?retired=on")
        widths = page.evaluate(WIDTHS)
        assert widths["scrollWidth"] <= widths["clientWidth"], widths
    finally:
        context.close()
