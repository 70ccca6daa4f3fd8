"""Sign-up → verification e-mail → verify → log in → profile with a unit, in Vietnamese."""

import re

import pytest
from django.core import mail

from cms.services import site_home_ensure
from lms.accounts.models import User
from lms.orgunits.models import Membership
from tests.factories import make_province_tree

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

PASSWORD = "Hoc-so-an-toan-2026"


@pytest.mark.django_db(transaction=True)
def test_signup_verify_login_and_profile_with_unit_in_vietnamese(page, live_server):
    site_home_ensure()
    units = make_province_tree()
    base = live_server.url

    # A phone set to English still gets the Vietnamese site.
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name="Đăng ký").first.click()

    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoà")
    page.get_by_label("Email").fill("hoa.nguyen@example.vn")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Mật khẩu (nhập lại)").fill(PASSWORD)
    page.get_by_label("Tôi đã đọc và đồng ý với thông báo xử lý dữ liệu cá nhân").check()
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert "Xác minh địa chỉ email" in page.content()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Xác nhận" in message.subject or "xác minh" in message.subject.lower(), message.subject
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    user = User.objects.get(email="hoa.nguyen@example.vn")
    assert user.full_name == "Nguyễn Thị Hoà" and user.consent_at is not None

    page.goto(link)
    page.get_by_role("button", name="Xác nhận").click()

    # Sign out if the confirmation signed us in, then sign in explicitly.
    page.goto(base + "/accounts/logout/")
    if page.get_by_role("button", name="Đăng xuất").count():
        page.get_by_role("button", name="Đăng xuất").last.click()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("hoa.nguyen@example.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")
    assert "Nguyễn Thị Hoà" in page.content()

    page.goto(base + "/accounts/profile/")
    page.get_by_label("Đơn vị công tác").select_option(str(units["commune_a"].pk))
    page.get_by_label("Nhóm người học").select_option("cong_chuc")
    page.get_by_label("Chức vụ").select_option("mot_cua")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    assert page.get_by_text("Đã lưu hồ sơ.").is_visible()
    assert "Xã Tiên Du" in page.content()

    membership = Membership.objects.get(user=user, end__isnull=True)
    assert membership.unit == units["commune_a"]
    assert membership.source == "self" and membership.confirmed_at is None
    page.screenshot(path=str(live_server_screenshot_path()))


def live_server_screenshot_path():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path / "profile.png"
