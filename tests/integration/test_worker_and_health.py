"""A real worker process takes tasks off the real broker; /healthz answers liveness to anyone and
the deep check, from loopback or with the monitoring token, sees the worker."""

import time

import pytest

from lms import health
from lms.celery import app
from lms.jobs.sweeps import BEAT, heartbeat_record

pytestmark = [pytest.mark.integration, pytest.mark.embedded]


@pytest.fixture(autouse=True)
def _fresh_deep_check():
    health.deep_check_forget()
    yield
    health.deep_check_forget()


@pytest.mark.django_db(transaction=True)
def test_worker_process_runs_a_task_from_the_broker(celery_worker_process):
    result = health.check_worker(wait_seconds=120)  # returns at the echo; the bound is for a dead worker
    assert result == {"ok": True}, celery_worker_process.log_text()[-2000:]
    assert "lms.tasks.worker_heartbeat" in celery_worker_process.log_text()


@pytest.mark.django_db(transaction=True)
def test_deep_healthz_is_200_with_database_broker_worker_and_beat(client, celery_worker_process, settings):
    # The ping returns as soon as the worker answers; a loaded machine may need more than 1 s.
    settings.HEALTHZ_WORKER_WAIT_SECONDS = 10
    heartbeat_record(name=BEAT)
    published = []
    from celery.signals import before_task_publish

    def record(**kwargs):
        published.append(kwargs.get("sender"))

    before_task_publish.connect(record, weak=False)
    try:
        response = client.get("/healthz/deep")
    finally:
        before_task_publish.disconnect(record)
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker": True,
        "beat": True,
        "oldest_pending_certificate": True,
    }
    assert body["checks"]["worker"]["workers"] >= 1
    assert published == []  # a control ping, never a task in the queue


@pytest.mark.django_db(transaction=True)
def test_deep_healthz_is_503_when_the_broker_cannot_be_reached(client, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app.conf, "broker_write_url", "redis://127.0.0.1:1/0")
    heartbeat_record(name=BEAT)
    response = client.get("/healthz/deep")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_liveness_is_public_and_touches_nothing(client, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    with django_assert_num_queries(0):
        started = time.monotonic()
        response = client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert time.monotonic() - started < 1


@pytest.mark.django_db
def test_deep_check_is_for_loopback_or_the_monitoring_token(client, settings):
    settings.HEALTHZ_TOKEN = "s3cret-monitoring-token"
    assert client.get("/healthz/deep", REMOTE_ADDR="203.0.113.9").status_code == 404
    assert client.get("/healthz/deep", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    # Through a reverse proxy on this host (loopback peer, forwarded header): the token is needed.
    forwarded = client.get("/healthz/deep", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forwarded.status_code == 404
    with_token = client.get(
        "/healthz/deep", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-monitoring-token"
    )
    assert with_token.status_code in (200, 503) and "checks" in with_token.json()


@pytest.mark.django_db
def test_deep_check_is_computed_once_per_interval(client, settings, monkeypatch):
    settings.HEALTHZ_DEEP_CACHE_SECONDS = 30
    calls = []
    real = health.deep_check
    monkeypatch.setattr(health, "deep_check", lambda: calls.append(1) or real())
    monkeypatch.setattr(health, "check_worker_ping", lambda **kw: {"ok": False, "error": "not asked"})
    for _ in range(5):
        client.get("/healthz/deep")
    assert len(calls) == 1
