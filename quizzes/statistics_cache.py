"""Keeping the cached quiz statistics fresh: a worker computes, the report only reads.

Grading an attempt queues ``quizzes.tasks.refresh_statistics`` after commit (a few seconds later, so
a burst of submissions costs one computation); the task compares the quiz's fingerprint with the
cached one and computes only when they differ. A lost message is harmless: the report page queues a
refresh when it finds the figures stale, and the beat sweeper refreshes every stale quiz.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from lms.cache_backends import cache_degraded

from .models import QuizPage, QuizStatistics
from .statistics import QuizStatisticsFigures, graded_fingerprint, graded_fingerprints, quiz_statistics_compute

logger = logging.getLogger(__name__)


@dataclass
class CachedStatistics:
    figures: QuizStatisticsFigures | None
    computed_at: datetime | None
    attempts_counted: int
    attempts_now: int
    stale: bool


def quiz_statistics_cached(*, quiz: QuizPage) -> CachedStatistics:
    """The figures the report shows, and whether newer graded attempts wait to be counted."""
    attempts_now, last_now = graded_fingerprint(quiz_id=quiz.pk)
    row = QuizStatistics.objects.filter(quiz=quiz).first()
    if row is None:
        return CachedStatistics(None, None, 0, attempts_now, stale=attempts_now > 0)
    return CachedStatistics(
        figures=QuizStatisticsFigures.from_json(row.figures),
        computed_at=row.computed_at,
        attempts_counted=row.attempts,
        attempts_now=attempts_now,
        stale=(row.attempts, row.last_graded_at) != (attempts_now, last_now),
    )


def quiz_statistics_refresh(*, quiz_id: int) -> bool:
    """Compute and store the quiz's figures unless the cached ones are current. True if computed."""
    _refresh_started(quiz_id)  # before the fingerprint is read: a grade committed later queues again
    attempts, last = graded_fingerprint(quiz_id=quiz_id)
    row = QuizStatistics.objects.filter(quiz_id=quiz_id).first()
    if row is not None and (row.attempts, row.last_graded_at) == (attempts, last):
        return False
    quiz = QuizPage.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return False
    figures = quiz_statistics_compute(quiz=quiz)
    QuizStatistics.objects.update_or_create(
        quiz_id=quiz_id,
        defaults={
            "attempts": attempts,
            "last_graded_at": last,
            "computed_at": timezone.now(),
            "figures": figures.as_json(),
        },
    )
    return True


def quiz_statistics_enqueue(*, quiz_id: int) -> bool:
    """Publish a refresh, unless one is queued already and has not started (a class submitting the
    same quiz publishes one, not one per learner). Never raises: the report page and the sweeper
    catch up on a lost one."""
    from .tasks import refresh_statistics  # noqa: PLC0415 — tasks.py imports this module

    queued = _refresh_queued_mark(quiz_id)
    if queued is False:
        return True
    try:
        refresh_statistics.apply_async(args=[quiz_id], countdown=settings.QUIZ_STATISTICS_DELAY_SECONDS, retry=False)
    except Exception as exc:  # any broker error
        logger.warning("Could not queue the statistics of quiz %s (%s); the sweeper will", quiz_id, exc)
        if queued:
            _refresh_started(quiz_id)  # nothing queued after all: the next grade publishes again
        return False
    return True


def _refresh_queued_key(quiz_id: int) -> str:
    return f"quizstats:queued:{quiz_id}"


def _refresh_queued_mark(quiz_id: int) -> bool | None:
    """Mark a refresh of ``quiz_id`` queued: True if marked now, False if one is marked already,
    None if the cache cannot tell (then publish anyway). The mark expires with the task's delay
    (a task the worker is late with, or a message lost, lets the next grade publish again)."""
    try:
        cache = caches["default"]
        added = cache.add(_refresh_queued_key(quiz_id), 1, timeout=settings.QUIZ_STATISTICS_DELAY_SECONDS)
        return None if cache_degraded(cache) else bool(added)
    except Exception:
        return None


def _refresh_started(quiz_id: int) -> None:
    """The refresh of ``quiz_id`` runs (or was never queued): a grade from now on queues another."""
    try:
        caches["default"].delete(_refresh_queued_key(quiz_id))
    except Exception as exc:
        logger.info("Could not clear the queued mark of quiz %s statistics (%s)", quiz_id, exc)


def quiz_statistics_enqueue_on_commit(*, quiz_id: int) -> None:
    transaction.on_commit(partial(quiz_statistics_enqueue, quiz_id=quiz_id), robust=True)


def quiz_statistics_sweep() -> int:
    """Beat: refresh every quiz whose cached figures are stale. Returns how many were computed."""
    cached = {
        row[0]: (row[1], row[2]) for row in QuizStatistics.objects.values_list("quiz_id", "attempts", "last_graded_at")
    }
    current = graded_fingerprints()
    stale = [quiz_id for quiz_id, fingerprint in current.items() if cached.get(quiz_id) != fingerprint]
    stale += [quiz_id for quiz_id, fingerprint in cached.items() if quiz_id not in current and fingerprint[0]]
    return sum(quiz_statistics_refresh(quiz_id=quiz_id) for quiz_id in stale)
