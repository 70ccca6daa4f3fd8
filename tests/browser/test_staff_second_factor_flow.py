"""Issue 15, acceptance 4: a coordinator without a second factor cannot reach /coordinate/ until
they enrol an authenticator app; enrolled, they get through; the next sign-in asks for the code.

The browser reads the secret from the enrolment page and computes the code as a phone app would
(allauth's own TOTP function, RFC 6238)."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from cms.services import site_home_ensure
from lms.orgunits.services import coordinator_scope_grant
from tests.browser.page_checks import PageChecks
from tests.factories import UserFactory, make_province_tree

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"


def code_from_app(secret: str) -> str:
    step = 30
    if step - time.time() % step < 3:  # as a person would, wait for a fresh code rather than type a dying one
        time.sleep(step - time.time() % step + 0.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // step))


def password_sign_in(page, base, email, next_path="/coordinate/"):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.mark.django_db(transaction=True)
def test_coordinator_enrols_an_authenticator_before_the_coordination_pages(page, live_server, admin_user, settings):
    settings.MFA_REQUIRED_ROLES = settings.MFA_REQUIRED_ROLES_PRODUCTION
    site_home_ensure()
    units = make_province_tree()
    coordinator = UserFactory(email="dieuphoi.mfa@example.vn", full_name="Vũ Thị Hoà", password=PASSWORD)
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["province"])
    base = live_server.url
    check = PageChecks(page, base)

    # Password alone: every staff screen leads to enrolment, with the reason, in Vietnamese.
    password_sign_in(page, base, coordinator.email)
    page.wait_for_url(re.compile(r".*/accounts/reauthenticate/.*"))
    reason = page.locator("#second-factor-required")
    assert "điều phối viên" in reason.inner_text()
    assert "chỉ mở khi tài khoản đã bật xác thực hai lớp" in reason.inner_text()
    check()
    page.goto(base + "/coordinate/")
    page.wait_for_url(re.compile(r".*/accounts/reauthenticate/.*"))
    assert "/coordinate/" not in page.url
    page.goto(base + "/learn/")  # learning stays open
    assert page.url == base + "/learn/"

    # Enrolment: the password again (allauth asks before a factor is added), then the app.
    page.goto(base + "/coordinate/")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(base + "/accounts/2fa/totp/activate/")
    assert page.get_by_role("heading", name="Bật ứng dụng xác thực").is_visible()
    assert page.get_by_role("img", name="Mã QR để quét bằng ứng dụng xác thực").is_visible()
    check()
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Mã trong ứng dụng xác thực").fill("000000" if code_from_app(secret) != "000000" else "111111")
    page.get_by_role("button", name="Bật").click()
    assert page.get_by_text("Mã không đúng.").is_visible()
    page.get_by_label("Mã trong ứng dụng xác thực").fill(code_from_app(secret))
    page.get_by_role("button", name="Bật").click()
    page.wait_for_url(base + "/accounts/2fa/recovery-codes/")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    check()
    page.get_by_role("link", name="Đã lưu mã, tiếp tục").click()
    page.wait_for_url(base + "/coordinate/")
    assert page.get_by_role("heading", level=1).count()

    # The next sign-in asks for the code; the password alone opens nothing.
    page.goto(base + "/accounts/logout/")
    page.get_by_role("button", name="Đăng xuất").last.click()
    password_sign_in(page, base, coordinator.email)
    page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/.*"))
    check()
    page.goto(base + "/coordinate/")
    # The password alone is no session: the sign-in still waits for the code.
    page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/.*"))
    page.get_by_label("Mã").fill(code_from_app(secret))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/coordinate/")
    assert check.foreign_requests() == []
