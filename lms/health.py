"""Health: a public liveness answer and a deep check for monitoring.

``/healthz`` (liveness) is public and constant time: it touches neither the database nor the
broker, so a probe storm cannot slow the site. ``/healthz/deep`` (loopback clients or
``HEALTHZ_TOKEN``) checks the database, the broker, a worker round trip — a remote-control ping
over the broker, never a task, so nothing piles up in the queue while workers are down — the
queue's depth, and what apps register with ``register_health_probe`` (beat's sweep heartbeat,
the oldest pending certificate). One process computes it at most once per
``HEALTHZ_DEEP_CACHE_SECONDS``; concurrent callers wait for that one computation.

``check_worker`` (a heartbeat task echoed through the cache) remains for the test fixtures that
need proof a worker consumes tasks.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from lms.celery import app

HEARTBEAT_KEY = "health:worker-heartbeat"
NONCE_KEY = "health:worker-nonce:{}"
HEARTBEAT_FRESH_SECONDS = 90

probes: dict[str, Callable[[], dict]] = {}


def register_health_probe(name: str, probe: Callable[[], dict]) -> None:
    """``probe()`` returns ``{"ok": bool, …figures}``; it should take a query or two at most."""
    probes[name] = probe


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
    """Connect to the broker (one try, 2 s) and read the default queue's depth."""
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
            depth = _queue_depth(conn)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    result = {"ok": True, "transport": str(transport), "queue_depth": depth}
    if depth is not None and depth > settings.HEALTHZ_QUEUE_DEPTH_MAX:
        result.update(ok=False, error=f"more than {settings.HEALTHZ_QUEUE_DEPTH_MAX} messages waiting")
    return result


def _queue_depth(conn) -> int | None:
    try:
        declared = conn.default_channel.queue_declare(queue=app.conf.task_default_queue, passive=True)
    except Exception:  # the queue does not exist yet (nothing was ever published), or unsupported
        return None
    return declared.message_count


def check_worker_ping(*, wait_seconds: float | None = None) -> dict:
    """A worker round trip without a task: a remote-control ping over the broker."""
    wait = settings.HEALTHZ_WORKER_WAIT_SECONDS if wait_seconds is None else wait_seconds
    try:
        replies = app.control.ping(timeout=wait)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if not replies:
        return {"ok": False, "error": "no worker answered", "workers": 0}
    return {"ok": True, "workers": len(replies)}


def check_worker(*, wait_seconds: float | None = None) -> dict:
    """Enqueue a heartbeat carrying a fresh nonce and wait for a worker to echo it (tests' proof
    that a worker consumes tasks; ``/healthz`` never queues a task)."""
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


def deep_check() -> dict:
    """Every check, fresh: ``{"status": "ok"|"error", "checks": {name: {"ok": …}}}``."""
    checks = {"database": check_database(), "broker": check_broker()}
    if checks["broker"]["ok"]:
        checks["worker"] = check_worker_ping()
    else:
        checks["worker"] = {"ok": False, "error": "broker unreachable"}
    for name, probe in probes.items():
        if not checks["database"]["ok"]:
            checks[name] = {"ok": False, "error": "database unreachable"}
            continue
        try:
            checks[name] = probe()
        except Exception as exc:
            checks[name] = {"ok": False, "error": exc.__class__.__name__}
    healthy = all(check["ok"] for check in checks.values())
    return {"status": "ok" if healthy else "error", "checks": checks, "checked_at": timezone.now().isoformat()}


_deep_lock = threading.Lock()
_deep_last: tuple[float, dict] | None = None


def deep_check_cached() -> dict:
    """``deep_check()`` at most once per ``HEALTHZ_DEEP_CACHE_SECONDS`` in this process."""
    global _deep_last
    with _deep_lock:
        now = time.monotonic()
        if _deep_last is not None and now - _deep_last[0] < settings.HEALTHZ_DEEP_CACHE_SECONDS:
            return _deep_last[1]
        result = deep_check()
        _deep_last = (time.monotonic(), result)
        return result


def deep_check_forget() -> None:
    """Drop the kept result (tests)."""
    global _deep_last
    with _deep_lock:
        _deep_last = None
