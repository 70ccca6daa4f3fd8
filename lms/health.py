"""Reachability of the database, the broker and a worker.

A worker proves itself by running ``lms.tasks.worker_heartbeat``, which
writes into the shared cache; no result backend is needed.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from lms.celery import app

HEARTBEAT_KEY = "health:worker-heartbeat"
NONCE_KEY = "health:worker-nonce:{}"
HEARTBEAT_FRESH_SECONDS = 90


def heartbeat_record(*, nonce: str | None) -> None:
    now = timezone.now().timestamp()
    cache.set(HEARTBEAT_KEY, now, timeout=3600)
    if nonce:
        cache.set(NONCE_KEY.format(nonce), now, timeout=300)


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "unreachable"
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


def check_worker(*, wait_seconds: float | None = None) -> dict:
    """Enqueue a heartbeat carrying a fresh nonce and wait for a worker to echo it."""
    from lms.tasks import worker_heartbeat  # noqa: PLC0415 — lms.tasks imports this module

    wait = settings.HEALTHZ_WORKER_WAIT_SECONDS if wait_seconds is None else wait_seconds
    nonce = uuid.uuid4().hex
    try:
        worker_heartbeat.apply_async(kwargs={"nonce": nonce}, expires=60, retry=False)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    deadline = time.monotonic() + wait
    while True:
        try:
            if cache.get(NONCE_KEY.format(nonce)) is not None:
                return {"ok": True}
        except Exception as exc:
            return {"ok": False, "error": exc.__class__.__name__}
        if time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    last = cache.get(HEARTBEAT_KEY)
    age = None if last is None else round(timezone.now().timestamp() - last, 1)
    return {"ok": False, "error": "no worker answered", "last_heartbeat_age_seconds": age}
