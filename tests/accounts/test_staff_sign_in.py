"""Staff sign-in: a second factor before any staff screen, and an idle timeout for staff sessions."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import Group

from cms.services import site_home_ensure
from lms.accounts.services import editors_group
from lms.accounts.staff_sign_in import SEEN_AT_KEY
from lms.orgunits.services import coordinator_scope_grant
from tests.factories import UserFactory, make_unit

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.MFA_REQUIRED_ROLES = settings.MFA_REQUIRED_ROLES_PRODUCTION


@pytest.fixture
def coordinator(admin_user, password):
    user = UserFactory(password=password)
    coordinator_scope_grant(actor=admin_user, user=user, unit=make_unit("01", "Tỉnh Một"))
    return user


@pytest.fixture
def editor(password):
    user = UserFactory(password=password)
    user.groups.add(editors_group())
    return user


def reauthenticate(client, password):
    """allauth asks for the password again before a second factor is added or removed."""
    response = client.get(ACTIVATE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    page = client.get(response["Location"]).content.decode()
    response = client.post(response["Location"], {"password": password, "next": ACTIVATE})
    assert response.status_code == 302 and response["Location"] == ACTIVATE
    return page


def sign_in(client, user, password, code_secret=None):
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302
    if code_secret is not None:
        assert response["Location"] == "/accounts/2fa/authenticate/"
        assert client.get(response["Location"]).status_code == 200
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_now(code_secret)})
        assert response.status_code == 302
    return response


def test_coordinator_without_second_factor_is_sent_to_enrolment_with_the_reason(client, coordinator, password):
    sign_in(client, coordinator, password)
    for path in ["/coordinate/", "/coordinate/exports/", "/admin/", "/certificates/manage/", "/jobs/1/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ACTIVATE, path
    page = reauthenticate(client, password)
    assert "điều phối viên: các trang quản lý và điều phối chỉ mở khi tài khoản đã bật xác thực hai lớp" in page
    page = client.get(ACTIVATE).content.decode()
    assert "điều phối viên: các trang quản lý và điều phối chỉ mở khi tài khoản đã bật xác thực hai lớp" in page
    assert 'id="authenticator_secret"' in page
    # Learner pages and the links of e-mails stay open.
    assert client.get("/learn/").status_code == 200
    assert client.get("/coordinate/invitation/not-a-token/").status_code != 302


def test_a_write_to_a_staff_screen_is_refused_until_enrolled(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/coordinate/assignments/new/", {"course": "1"})
    assert response.status_code == 302 and response["Location"] == ACTIVATE


@pytest.mark.parametrize("role", ["editor", "administrator"])
def test_editors_and_administrators_need_it_for_the_admin(client, role, editor, admin_user):
    site_home_ensure()  # the admin's dashboard summarises the site
    user = editor if role == "editor" else admin_user
    client.force_login(user)
    assert client.get("/admin/")["Location"] == ACTIVATE
    TOTP.activate(user, generate_totp_secret())
    assert client.get("/admin/").status_code == 200


def test_enrolment_then_the_way_on_then_the_code_at_every_sign_in(client, coordinator, password):
    sign_in(client, coordinator, password)
    assert client.get("/coordinate/?unit=1")["Location"] == ACTIVATE
    reauthenticate(client, password)
    assert client.get(ACTIVATE).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post(ACTIVATE, {"code": "000000" if totp_now(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Mã không đúng." in wrong.content.decode()
    response = client.post(ACTIVATE, {"code": totp_now(secret)})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/recovery-codes/"
    codes_page = client.get(response["Location"]).content.decode()
    assert 'href="/coordinate/?unit=1" id="second-factor-continue"' in codes_page
    assert client.get("/coordinate/").status_code == 200
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()

    client.logout()
    response = sign_in(client, coordinator, password)
    assert response["Location"] == "/accounts/2fa/authenticate/"  # the password alone signs nobody in
    assert "_auth_user_id" not in client.session
    assert client.get("/coordinate/")["Location"].startswith("/accounts/login/")
    client.logout()
    sign_in(client, coordinator, password, code_secret=secret)
    assert client.get("/coordinate/").status_code == 200


def test_staff_cannot_turn_the_second_factor_off_learners_can(client, coordinator, learner):
    for user, may in [(coordinator, False), (learner, True)]:
        TOTP.activate(user, generate_totp_secret())
        client.force_login(user)
        session = client.session
        session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
        response = client.post("/accounts/2fa/totp/deactivate/")
        assert Authenticator.objects.filter(user=user, type="totp").exists() is not may
        if not may:
            assert "Bạn không thể tắt xác thực hai lớp." in response.content.decode()


def test_learners_may_turn_it_on_from_their_profile(client, learner, password):
    sign_in(client, learner, password)
    assert 'href="/accounts/2fa/"' in client.get("/accounts/profile/").content.decode()
    assert client.get("/accounts/2fa/").status_code == 200
    assert "second-factor-required" not in reauthenticate(client, password)
    page = client.get(ACTIVATE).content.decode()
    assert 'id="authenticator_secret"' in page
    assert "second-factor-required" not in page


def test_the_required_roles_are_a_setting(client, coordinator, settings):
    settings.MFA_REQUIRED_ROLES = ["administrator", "editor"]
    client.force_login(coordinator)
    assert client.get("/coordinate/").status_code == 200


def test_a_staff_session_ends_after_the_idle_time(client, coordinator, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 1800
    TOTP.activate(coordinator, generate_totp_secret())
    client.force_login(coordinator)
    assert client.get("/coordinate/").status_code == 200
    session = client.session
    assert session.get_expiry_age() == 1800
    session[SEEN_AT_KEY] = int(time.time()) - 1700  # active 28 minutes ago: still signed in
    session.save()
    assert client.get("/coordinate/").status_code == 200
    session = client.session
    assert session[SEEN_AT_KEY] >= int(time.time()) - 1  # the request counted as activity
    session[SEEN_AT_KEY] = int(time.time()) - 1801
    session.save()
    response = client.get("/coordinate/?unit=2")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fcoordinate%2F%3Funit%3D2"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã kết thúc sau 30 phút không hoạt động." in page


def test_learner_sessions_keep_their_length(client, learner, settings):
    client.force_login(learner)
    assert client.get("/learn/").status_code == 200
    session = client.session
    assert SEEN_AT_KEY not in session
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    session["last_request_hint"] = int(time.time()) - 100_000
    session.save()
    assert client.get("/learn/").status_code == 200


def test_editor_group_is_the_editor_role(editor):
    assert Group.objects.get(pk=editors_group().pk) in editor.groups.all()
