"""Every login path is allauth's, throttled per e-mail but not per training room."""

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_PATHS = ["/accounts/login/", "/admin/login/", "/_util/login/"]
VIETNAMESE_THROTTLE_MESSAGE = "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau."


@pytest.mark.parametrize("path", ["/admin/login/", "/_util/login/"])
def test_wagtail_login_paths_redirect_to_allauth(client, path):
    response = client.get(path + "?next=/admin/")
    assert response.status_code == 307
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_admin_redirects_anonymous_visitors_to_allauth_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("first_path", LOGIN_PATHS)
def test_sixth_wrong_password_for_one_email_is_refused_on_every_path(client, learner, password, first_path):
    # Five failures spread over the three paths all count against the same e-mail.
    paths = [first_path] + [p for p in LOGIN_PATHS if p != first_path]
    for attempt in range(5):
        response = client.post(paths[attempt % 3], {"login": learner.email, "password": "sai-mật-khẩu"}, follow=True)
        assert response.status_code == 200
        assert VIETNAMESE_THROTTLE_MESSAGE not in response.content.decode()
        assert "_auth_user_id" not in client.session
    for path in LOGIN_PATHS:
        response = client.post(path, {"login": learner.email, "password": password}, follow=True)
        body = response.content.decode()
        assert VIETNAMESE_THROTTLE_MESSAGE in body, path
        assert "_auth_user_id" not in client.session


def test_wrong_password_message_is_vietnamese(client, learner):
    response = client.post("/accounts/login/", {"login": learner.email, "password": "sai"})
    assert "Địa chỉ email hoặc mật khẩu không đúng." in response.content.decode()


def test_wagtail_password_reset_sends_no_mail(client, learner):
    response = client.post("/admin/password_reset/", {"email": learner.email})
    assert response.status_code == 307
    assert response["Location"] == "/accounts/password/reset/"
    assert mail.outbox == []


def test_sixty_correct_logins_from_one_ip_within_a_minute_all_succeed(client, password):
    users = [UserFactory(password=password) for _ in range(60)]
    for user in users:
        client.logout()
        response = client.post(
            "/accounts/login/", {"login": user.email, "password": password}, REMOTE_ADDR="203.0.113.7"
        )
        assert response.status_code == 302, response.content.decode()[:500]
        assert client.session["_auth_user_id"] == str(user.pk)


def test_rate_limits_live_in_a_cache_every_process_shares(settings):
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "lms.cache_backends.FaultTolerantRedisCache",
        "django.core.cache.backends.db.DatabaseCache",
    }
