"""The outbox sweeps: every side effect that must happen is a database row, and these publish it
again when its message was lost (a broker outage, a killed worker, a web process that died between
its commit and its publish).

Apps register their sweep in ``AppConfig.ready()`` (``register_sweep("certificates.pending", fn)``);
``sweeps_run`` runs each one, isolated from the others' errors. Beat schedules ``sweeps_run`` every
``SWEEP_SECONDS`` and each run records the ``beat`` heartbeat — ``/healthz``'s deep check turns red
when it is older than ``HEALTHZ_BEAT_STALE_SECONDS``. If beat stops, each worker's fallback thread
(``fallback_sweeper_start``, started on ``worker_ready``) notices the stale heartbeat and sweeps in
its place, one worker per interval (the ``worker-fallback`` row is the claim).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from .models import SweepHeartbeat

logger = logging.getLogger(__name__)

BEAT = "beat"
FALLBACK = "worker-fallback"

sweeps: dict[str, Callable[[], object]] = {}


def register_sweep(name: str, function: Callable[[], object]) -> None:
    """``function()`` publishes again what its app still owes; idempotent, bounded per call."""
    sweeps[name] = function


def sweeps_run(*, by: str = BEAT) -> dict[str, object]:
    """Run every registered sweep (a failing one is logged; the others still run), then record the
    heartbeat ``by``. Returns each sweep's result, or its error's class name."""
    results: dict[str, object] = {}
    for name, function in sweeps.items():
        try:
            results[name] = function()
        except Exception as exc:
            logger.exception("Sweep %s failed", name)
            results[name] = type(exc).__name__
    heartbeat_record(name=by)
    return results


def heartbeat_record(*, name: str) -> None:
    SweepHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


def heartbeat_age(*, name: str = BEAT) -> float | None:
    """Seconds since the heartbeat ``name``; None if it never beat."""
    beat_at = SweepHeartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    return None if beat_at is None else (timezone.now() - beat_at).total_seconds()


def beat_check() -> dict:
    """Health probe: beat's sweep ran within ``HEALTHZ_BEAT_STALE_SECONDS`` (and by whom else)."""
    age = heartbeat_age(name=BEAT)
    fallback = heartbeat_age(name=FALLBACK)
    return {
        "ok": age is not None and age <= settings.HEALTHZ_BEAT_STALE_SECONDS,
        "age_seconds": None if age is None else round(age, 1),
        "fallback_age_seconds": None if fallback is None else round(fallback, 1),
    }


def fallback_sweep_once() -> bool:
    """If beat's heartbeat is older than ``SWEEP_FALLBACK_AFTER_SECONDS``, claim this interval and
    sweep here. Returns whether this call swept."""
    age = heartbeat_age(name=BEAT)
    if age is not None and age < settings.SWEEP_FALLBACK_AFTER_SECONDS:
        return False
    now = timezone.now()
    interval = timedelta(seconds=settings.SWEEP_SECONDS)
    claimed = SweepHeartbeat.objects.filter(name=FALLBACK, beat_at__lte=now - interval).update(beat_at=now)
    if not claimed:
        _, created = SweepHeartbeat.objects.get_or_create(name=FALLBACK, defaults={"beat_at": now})
        if not created:
            return False
    state = "missing" if age is None else f"{age:.0f} s old"
    logger.warning("Beat's sweep is %s: this worker sweeps in its place", state)
    sweeps_run(by=FALLBACK)
    return True


_fallback_started = threading.Event()


def fallback_sweeper_start() -> None:
    """Start the fallback thread of this process (once): every ``SWEEP_SECONDS`` it checks beat's
    heartbeat and sweeps when beat is silent. A daemon thread on its own database connection,
    closed after each round so a forked pool child never shares it."""
    if _fallback_started.is_set() or not settings.SWEEP_FALLBACK_AFTER_SECONDS:
        return
    _fallback_started.set()
    threading.Thread(target=_fallback_loop, name="sweep-fallback", daemon=True).start()


def _fallback_loop() -> None:
    stop = threading.Event()
    while not stop.wait(settings.SWEEP_SECONDS):
        try:
            close_old_connections()
            fallback_sweep_once()
        except DatabaseError as exc:
            logger.warning("Fallback sweep could not reach the database (%s)", exc)
        except Exception:
            logger.exception("Fallback sweep failed")
        finally:
            connection.close()
