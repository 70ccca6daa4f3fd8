"""Every allauth page a learner meets is in the site's look and in Vietnamese."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
]
SIGNED_IN_PAGES = ["/accounts/email/", "/accounts/password/change/", "/accounts/logout/"]
ENGLISH_LEFTOVERS = re.compile(r"\b(Sign In|Sign Up|Password|Forgot|Email Address|Remember Me|Sign Out|Change)\b")


def assert_site_look_in_vietnamese(response):
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in body
    assert 'class="skip-link"' in body and 'class="site-header"' in body and "site-footer" in body
    visible = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", body, flags=re.S)
    leftovers = ENGLISH_LEFTOVERS.findall(visible)
    assert not leftovers, leftovers


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_allauth_pages(client, path):
    assert_site_look_in_vietnamese(client.get(path))


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_allauth_pages(client, learner, path):
    client.force_login(learner)
    assert_site_look_in_vietnamese(client.get(path))


def test_signup_without_consent_is_refused_with_a_vietnamese_message(client):
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Lò Văn Pá",
            "email": "pa@example.vn",
            "password1": "Kh0ng-de-doan-2026",
            "password2": "Kh0ng-de-doan-2026",
        },
    )
    assert response.status_code == 200
    assert "Bạn cần đồng ý với thông báo xử lý dữ liệu cá nhân để đăng ký." in response.content.decode()
    assert mail.outbox == []


def test_password_reset_email_is_vietnamese(client, learner):
    client.post("/accounts/password/reset/", {"email": learner.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("[Học Số] ")
    assert "mật khẩu" in message.subject.lower() + message.body.lower()
    assert "Password Reset" not in message.subject and "You're receiving" not in message.body
