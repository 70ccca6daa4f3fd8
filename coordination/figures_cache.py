"""The report's aggregates, kept for a short while when they are costly to count.

Counting a province (100,000 learners, 1,000,000 enrolments) takes PostgreSQL seconds; a commune
takes milliseconds. So the aggregates (per unit, per course, per month, totals, certificates) are
computed live and, only when the count took longer than ``COORDINATION_FIGURES_SLOW_SECONDS``,
kept in the shared cache under the scope (the same scope roots, unit, course filter and day share
one entry — whoever looks). A kept entry is served while younger than
``COORDINATION_FIGURES_FRESH_SECONDS``; after that it is still served (up to
``COORDINATION_FIGURES_STALE_SECONDS``) while a worker counts again
(``coordination.tasks.refresh_figures``, at most one at a time per entry). The page always says when
the figures were counted, and "Làm mới" counts them now. Small scopes are therefore always exact;
large ones at most a few minutes old, and say so.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import scope_roots

from .figures import Scope, completions_by_month, figures_by_course, figures_by_group

logger = logging.getLogger(__name__)


@dataclass
class FiguresSnapshot:
    learners_by_prefix: dict
    tallies_by_prefix: dict
    totals: dict
    per_course: dict
    by_month: dict
    certificates_issued: int
    computed_at: datetime
    seconds: float  # how long the count took
    kept: bool = False  # served from the cache


def figures_snapshot_compute(scope: Scope, *, course_id: int | None) -> FiguresSnapshot:
    started = time.perf_counter()
    learners, tallies, totals = figures_by_group(scope, course_id=course_id)
    per_course = figures_by_course(scope, course_id=course_id)
    by_month = completions_by_month(scope, course_id=course_id)
    issued = _certificates_issued(scope)
    return FiguresSnapshot(
        learners_by_prefix=learners,
        tallies_by_prefix=tallies,
        totals=totals,
        per_course=per_course,
        by_month=by_month,
        certificates_issued=issued,
        computed_at=timezone.now(),
        seconds=time.perf_counter() - started,
    )


def _certificates_issued(scope: Scope) -> int:
    members = scope.memberships().values("user_id")
    issued = Certificate.objects.filter(user_id__in=members, issued_at__isnull=False)
    if scope.as_of is not None:
        return issued.filter(issued_at__date__lte=scope.as_of).exclude(status=CertificateStatus.SUPERSEDED).count()
    return issued.filter(status=CertificateStatus.ISSUED).count()


def snapshot_key(scope: Scope, course_id: int | None) -> str:
    """Who sees the same figures: administrators all alike; coordinators by their scope roots."""
    viewer = scope.viewer
    who = "all" if viewer.is_superuser else ",".join(str(root.pk) for root in scope_roots(viewer=viewer))
    parts = [who, scope.unit.pk if scope.unit else "", course_id or "", scope.as_of or "", scope.today]
    return "coordfig:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def figures_snapshot(scope: Scope, *, course_id: int | None, refresh: bool = False) -> FiguresSnapshot:
    """The scope's aggregates: kept ones while fresh (or stale, with a recount queued), else counted now."""
    key = snapshot_key(scope, course_id)
    kept = None if refresh else _get(key)
    if kept is not None:
        age = (timezone.now() - kept.computed_at).total_seconds()
        if age <= settings.COORDINATION_FIGURES_STALE_SECONDS:
            if age > settings.COORDINATION_FIGURES_FRESH_SECONDS:
                _queue_recount(scope, course_id, key)
            kept.kept = True
            return kept
    snapshot = figures_snapshot_compute(scope, course_id=course_id)
    if snapshot.seconds >= settings.COORDINATION_FIGURES_SLOW_SECONDS:
        _put(key, snapshot)
    return snapshot


def figures_snapshot_recount(*, viewer_id: int, unit_id: int | None, course_id: int | None, as_of: str | None) -> bool:
    """Worker: count a kept entry again (``coordination.tasks.refresh_figures``)."""
    viewer = get_user_model().objects.filter(pk=viewer_id).first()
    if viewer is None:
        return False
    unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None
    scope = Scope(viewer=viewer, unit=unit, as_of=date.fromisoformat(as_of) if as_of else None)
    key = snapshot_key(scope, course_id)
    try:
        _put(key, figures_snapshot_compute(scope, course_id=course_id))
    finally:
        cache.delete(key + ":counting")
    return True


def _queue_recount(scope: Scope, course_id: int | None, key: str) -> None:
    from .tasks import refresh_figures  # noqa: PLC0415 — tasks.py imports this module

    try:
        if not cache.add(key + ":counting", 1, timeout=settings.COORDINATION_FIGURES_STALE_SECONDS):
            return  # a worker is already counting
        refresh_figures.apply_async(
            kwargs={
                "viewer_id": scope.viewer.pk,
                "unit_id": scope.unit.pk if scope.unit else None,
                "course_id": course_id,
                "as_of": scope.as_of.isoformat() if scope.as_of else None,
            },
            retry=False,
        )
    except Exception as exc:  # the broker or the cache is down: the page still shows the kept figures
        logger.warning("Could not queue a recount of %s (%s)", key, exc)
        cache.delete(key + ":counting")


def _get(key: str) -> FiguresSnapshot | None:
    try:
        return cache.get(key)
    except Exception as exc:
        logger.warning("Figures cache unavailable (%s)", exc)
        return None


def _put(key: str, snapshot: FiguresSnapshot) -> None:
    try:
        cache.set(key, snapshot, timeout=settings.COORDINATION_FIGURES_STALE_SECONDS)
    except Exception as exc:
        logger.warning("Figures cache unavailable (%s)", exc)
