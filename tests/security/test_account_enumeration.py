"""Signing up and asking for a password reset tell nothing about which e-mails are registered —
same page, same time — and wrong passwords lock out one (account, IP) pair, not the account's owner;
the account as a whole has a larger ceiling."""

import statistics
import time

import pytest
from django.core import mail

from lms.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Kh0ng-de-doan-2026"
THROTTLED = "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau."


@pytest.fixture
def real_hashing(settings):
    """Production's hasher (PBKDF2) and floor: the difference to hide is the real one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.AUTH_RESPONSE_FLOOR_SECONDS = 1.0


def _timed_post(client, path, data):
    started = time.monotonic()
    response = client.post(path, data)
    return time.monotonic() - started, response


def _signup(email):
    return {"full_name": "Lò Văn Pá", "email": email, "password1": PASSWORD, "password2": PASSWORD, "consent": "on"}


def test_sign_up_answers_alike_for_a_registered_and_a_new_email(client, real_hashing):
    UserFactory(email="da.co@example.vn")
    registered, new = [], []
    for n in range(3):
        seconds, response = _timed_post(client, "/accounts/signup/", _signup("da.co@example.vn"))
        registered.append(seconds)
        assert response.status_code == 302
        location = response["Location"]
        seconds, response = _timed_post(client, "/accounts/signup/", _signup(f"moi{n}@example.vn"))
        new.append(seconds)
        assert response.status_code == 302 and response["Location"] == location
        client.logout()
    assert User.objects.filter(email__startswith="moi").count() == 3
    recipients = [address for message in mail.outbox for address in message.to]
    assert "da.co@example.vn" in recipients  # "you already have an account" (allauth sends it once a while)
    assert sum(address.startswith("moi") for address in recipients) == 3  # "confirm your e-mail"
    assert min(registered + new) >= 1.0
    assert abs(statistics.median(registered) - statistics.median(new)) < 0.15, (registered, new)


def test_password_reset_answers_alike_for_a_registered_and_an_unknown_email(client, real_hashing):
    UserFactory(email="da.co@example.vn")
    known, unknown = [], []
    for _ in range(3):
        seconds, response = _timed_post(client, "/accounts/password/reset/", {"email": "da.co@example.vn"})
        known.append(seconds)
        location = response["Location"]
        seconds, response = _timed_post(client, "/accounts/password/reset/", {"email": "khong.co@example.vn"})
        unknown.append(seconds)
        assert response.status_code == 302 and response["Location"] == location
    assert min(known + unknown) >= 1.0
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.15, (known, unknown)


def _login(client, email, password, ip):
    response = client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip, follow=True)
    return response.content.decode(), "_auth_user_id" in client.session


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(client, learner, password):
    for _ in range(5):
        body, signed_in = _login(client, learner.email, "sai-mat-khau", "198.51.100.9")
        assert THROTTLED not in body and not signed_in
    body, signed_in = _login(client, learner.email, password, "198.51.100.9")
    assert THROTTLED in body and not signed_in  # that IP is locked out of this account
    body, signed_in = _login(client, learner.email, password, "203.0.113.20")
    assert THROTTLED not in body and signed_in  # the owner, elsewhere, is not


def test_the_account_has_a_ceiling_over_every_ip(client, learner, password, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "12/15m/key"}
    for n in range(12):  # 12 IPs, 1 wrong password each: under every per-pair limit
        body, _signed_in = _login(client, learner.email, "sai-mat-khau", f"198.51.100.{n + 1}")
        assert THROTTLED not in body
    body, signed_in = _login(client, learner.email, password, "203.0.113.20")
    assert THROTTLED in body and not signed_in


def test_a_correct_password_costs_nothing_and_a_reset_clears_the_count(client, learner, password):
    for _ in range(4):
        _login(client, learner.email, "sai-mat-khau", "198.51.100.9")
    for _ in range(3):  # successes are rolled back: still one failure left
        body, signed_in = _login(client, learner.email, password, "198.51.100.9")
        assert signed_in
        client.logout()
    body, signed_in = _login(client, learner.email, "sai-mat-khau", "198.51.100.9")
    assert THROTTLED not in body
    body, signed_in = _login(client, learner.email, password, "198.51.100.9")
    assert THROTTLED in body
