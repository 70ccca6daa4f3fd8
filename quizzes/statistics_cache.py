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
from django.db import transaction
from django.utils import timezone

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
    """Publish a refresh. Never raises: the report page and the sweeper catch up on a lost one."""
    from .tasks import refresh_statistics  # noqa: PLC0415 — tasks.py imports this module

    try:
        refresh_statistics.apply_async(args=[quiz_id], countdown=settings.QUIZ_STATISTICS_DELAY_SECONDS, retry=False)
    except Exception as exc:  # any broker error
        logger.warning("Could not queue the statistics of quiz %s (%s); the sweeper will", quiz_id, exc)
        return False
    return True


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
