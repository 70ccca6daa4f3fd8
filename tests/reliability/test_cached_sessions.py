"""Sessions read from Redis, kept in the database (lms.sessions): a signed-in request asks no
session query, a sign-out ends the session everywhere, and with Redis stopped sessions still work."""

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.services import fault_tolerant_cache_on

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def session_redis(private_redis, settings):
    server = private_redis("sessions")
    settings.CACHES = fault_tolerant_cache_on(server, "sessions-test")
    settings.SESSION_ENGINE = "lms.sessions"
    settings.SESSION_CACHE_SECONDS = 120
    return server


def _session_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"]]


def _signed_in(client) -> bool:
    return client.get(reverse("my_learning")).status_code == 200


def test_a_signed_in_request_reads_its_session_from_redis_for_a_limited_time(client, session_redis):
    client.force_login(UserFactory())
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    with CaptureQueriesContext(connection) as queries:
        assert _signed_in(client)
    assert _session_queries(queries.captured_queries) == []
    ttl = redis.Redis.from_url(session_redis.url).ttl(f"sessions-test:1:django.contrib.sessions.cached_db{key}")
    assert 0 < ttl <= 120  # not the session's two weeks


def test_signing_out_ends_the_session_for_a_copied_cookie(client, session_redis):
    client.force_login(UserFactory())
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    thief = Client()
    thief.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    assert _signed_in(thief)
    assert client.post(reverse("account_logout")).status_code == 302
    assert not _signed_in(thief)


def test_with_redis_stopped_sessions_come_from_the_database(client, session_redis):
    client.force_login(UserFactory())
    assert _signed_in(client)
    session_redis.stop()
    with CaptureQueriesContext(connection) as queries:
        assert _signed_in(client)
    assert len(_session_queries(queries.captured_queries)) == 1
