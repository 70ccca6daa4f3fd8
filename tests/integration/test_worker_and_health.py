"""A real worker process takes tasks off the real broker; /healthz sees it."""

import pytest

from lms import health
from lms.celery import app

pytestmark = [pytest.mark.integration, pytest.mark.embedded]


@pytest.mark.django_db(transaction=True)
def test_worker_process_runs_a_task_from_the_broker(celery_worker_process):
    result = health.check_worker(wait_seconds=120)  # returns at the echo; the bound is for a dead worker
    assert result == {"ok": True}, celery_worker_process.log_text()[-2000:]
    assert "lms.tasks.worker_heartbeat" in celery_worker_process.log_text()


@pytest.mark.django_db(transaction=True)
def test_healthz_is_200_with_database_broker_and_worker(client, celery_worker_process, settings):
    # /healthz answers as soon as the worker echoes; a loaded machine may need more than the test settings' 2 s.
    settings.HEALTHZ_WORKER_WAIT_SECONDS = 120
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker": True,
    }


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_broker_cannot_be_reached(client, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app.conf, "broker_write_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["worker"]["ok"] is False
