"""Writes of background jobs: create and publish, run (worker side), cancel, sweep, purge.

The contract, for every kind (``lms.jobs.registry``):

1. ``job_create`` stores a ``queued`` row and publishes the task *after commit*; a broker outage is
   logged, never raised into the request — the sweeper publishes it later.
2. ``job_execute`` (the worker) claims the job with a fresh token under a row lock, keeps its
   ``heartbeat_at`` fresh from a side thread, runs the kind's runner and finishes the job only if
   it still holds the claim. An atomic kind's writes and its "done" commit together.
3. ``jobs_sweep`` (beat) publishes again what was queued but never started, puts back to the
   queue what was running on a worker that stopped beating (killed, out of memory, power cut), and
   purges expired files and results. With the filesystem transport (which deletes a message on
   delivery) it is the only recovery path; with Redis it is a faster one than the visibility timeout.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ACTIVE_STATUSES, FINISHED_STATUSES, BackgroundJob, JobStatus
from .registry import job_kind
from .storage import job_storage

logger = logging.getLogger(__name__)


class JobError(Exception):
    """The job cannot be done as asked (a bad file, nothing to export…); the message is for people."""


class JobCancelled(Exception):
    """The owner cancelled the job; raised from ``JobRun.progress`` at the next checkpoint."""


class JobLost(Exception):
    """Another run claimed the job (this one was presumed dead): stop without finishing it."""


# --- Create and publish ------------------------------------------------------------------------


def job_create(
    *,
    owner,
    kind: str,
    title: str,
    params: dict[str, Any] | None = None,
    total: int = 0,
    back_url: str = "",
    back_label: str = "",
) -> BackgroundJob:
    """Store a queued job and publish it after the surrounding transaction commits. ``back_url``
    and ``back_label`` give the job page its way back (e.g. to the coordinator's dashboard)."""
    if job_kind(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}")
    job = BackgroundJob.objects.create(
        kind=kind,
        owner=owner,
        title=title[:255],
        params=params or {},
        progress_total=total,
        back_url=back_url[:255],
        back_label=back_label[:100],
    )
    transaction.on_commit(partial(job_enqueue, job_id=job.pk), robust=True)
    return job


def job_enqueue(*, job_id: int) -> bool:
    """Publish the run task. Never raises: with the broker down the job stays queued and the
    sweeper publishes it again."""
    from .tasks import job_run  # noqa: PLC0415 — tasks.py imports this module

    job = BackgroundJob.objects.filter(pk=job_id).only("kind").first()
    kind = job_kind(job.kind) if job else None
    if kind is None:
        return False
    try:
        job_run.apply_async(
            args=[job_id],
            retry=False,
            queue=settings.JOB_TASK_QUEUE or None,
            time_limit=kind.time_limit,
            soft_time_limit=max(1, kind.time_limit - 30),
        )
    except Exception as exc:  # any broker error: the row is the source of truth
        logger.warning("Could not enqueue job %s (%s); the sweeper will retry", job_id, exc)
        return False
    BackgroundJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(enqueued_at=timezone.now())
    return True


# --- Run (worker side) ----------------------------------------------------------------------------


class JobRun:
    """What a runner gets besides its job: progress, files, and the cancellation checkpoint."""

    def __init__(self, job: BackgroundJob, claim: str, *, atomic: bool = False):
        self.job = job
        self.claim = claim
        self.atomic = atomic  # inside the runner's own transaction: progress is written at the end

    def _mine(self):
        return BackgroundJob.objects.filter(pk=self.job.pk, claim=self.claim, status=JobStatus.RUNNING)

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record progress and stop here if the owner cancelled (``JobCancelled``) or another run
        took the job over (``JobLost``). Outside a transaction the progress commits at once; inside
        an atomic runner's transaction it is kept for the end (the heartbeat thread keeps the job
        alive meanwhile)."""
        if total is not None:
            self.job.progress_total = total
        if self.job.progress_total:
            done = min(done, self.job.progress_total)
        self.job.progress_done = done
        fields: dict[str, Any] = {"progress_done": done, "progress_total": self.job.progress_total}
        if message is not None:
            self.job.message = fields["message"] = message
        if not self.atomic and not self._mine().update(heartbeat_at=timezone.now(), **fields):
            raise JobLost
        state = BackgroundJob.objects.filter(pk=self.job.pk).values_list("claim", "cancel_requested_at").first()
        if state is None or state[0] != self.claim:
            raise JobLost
        if state[1] is not None:
            raise JobCancelled

    def checkpoint(self, **state: Any) -> None:
        """Save where a resumable runner is (committed at once); a rerun after a killed worker
        finds it in ``job.state``. Only outside an atomic runner's transaction."""
        self.job.state = {**self.job.state, **state}
        if not self._mine().update(state=self.job.state, heartbeat_at=timezone.now()):
            raise JobLost

    def store_file(self, content: bytes | File, *, name: str, content_type: str) -> str:
        """Save the job's output in private storage; the owner downloads it as ``name``."""
        storage = job_storage()
        body = ContentFile(content) if isinstance(content, bytes) else content
        stored = storage.save(f"{self.job.pk}/{uuid.uuid4().hex[:8]}-{name}", body)
        self.job.file, self.job.file_name, self.job.content_type = stored, name, content_type
        return stored


class _Heartbeat(threading.Thread):
    """Keeps ``heartbeat_at`` fresh from its own database connection while the runner works
    (even inside a long transaction), so the sweeper tells a slow job from a dead worker."""

    def __init__(self, job_id: int, claim: str):
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id, self.claim = job_id, claim
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    BackgroundJob.objects.filter(pk=self.job_id, claim=self.claim).update(heartbeat_at=timezone.now())
                except DatabaseError as exc:  # busy database: the next beat will do
                    logger.info("Job %s heartbeat skipped: %s", self.job_id, exc)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def _claim(job_id: int, now) -> tuple[BackgroundJob, str] | None:
    """Take the job if it is queued (or running on a worker that stopped beating)."""
    stale = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        runnable = job.status == JobStatus.QUEUED or (
            job.status == JobStatus.RUNNING and (job.heartbeat_at is None or job.heartbeat_at < stale)
        )
        if not runnable:
            return None
        if job.cancel_requested_at is not None:
            _finish_cancelled(job, now)
            return None
        claim = uuid.uuid4().hex
        job.status, job.claim, job.attempts = JobStatus.RUNNING, claim, job.attempts + 1
        job.started_at, job.heartbeat_at, job.error = now, now, ""
        job.save(update_fields=["status", "claim", "attempts", "started_at", "heartbeat_at", "error"])
        return job, claim


def job_execute(*, job_id: int) -> BackgroundJob | None:
    """Run one job if this run can claim it. Idempotent: a duplicate delivery, or a job already
    finished, cancelled or running elsewhere, returns without doing anything."""
    claimed = _claim(job_id, timezone.now())
    if claimed is None:
        return None
    job, claim = claimed
    kind = job_kind(job.kind)
    if kind is None:
        _finish(job, claim, status=JobStatus.FAILED, error=f"unknown job kind {job.kind!r}")
        return job
    run = JobRun(job, claim, atomic=kind.atomic)
    heartbeat = _Heartbeat(job.pk, claim)
    heartbeat.start()
    try:
        if kind.atomic:
            with transaction.atomic():
                result = kind.runner(job, run) or {}
                _finish(job, claim, status=JobStatus.DONE, result=result, expiry_days=kind.expiry_days)
        else:
            result = kind.runner(job, run) or {}
            _finish(job, claim, status=JobStatus.DONE, result=result, expiry_days=kind.expiry_days)
    except JobLost:
        logger.warning("Job %s was taken over by another run; this run stops", job.pk)
    except JobCancelled:
        _discard_file(job)
        _finish(job, claim, status=JobStatus.CANCELLED, message=_("Đã huỷ theo yêu cầu."))
    except JobError as error:
        _discard_file(job)
        _finish(job, claim, status=JobStatus.FAILED, message=str(error), error=str(error))
    except SoftTimeLimitExceeded:
        _discard_file(job)
        message = _("Công việc chạy quá lâu và đã dừng. Hãy thu hẹp phạm vi (đơn vị, khoá học) rồi thử lại.")
        _finish(job, claim, status=JobStatus.FAILED, message=message, error="soft time limit")
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _discard_file(job)
        close_old_connections()
        if job.attempts < settings.JOB_MAX_ATTEMPTS and _transient(exc):
            BackgroundJob.objects.filter(pk=job.pk, claim=claim).update(
                status=JobStatus.QUEUED, claim="", error=f"{type(exc).__name__}: {exc}"[:4000]
            )
            job_enqueue(job_id=job.pk)
        else:
            message = _("Không hoàn thành được. Vui lòng thử lại hoặc báo quản trị viên.")
            _finish(job, claim, status=JobStatus.FAILED, message=message, error=f"{type(exc).__name__}: {exc}")
    finally:
        heartbeat.stop()
    return job


def _transient(exc: Exception) -> bool:
    return isinstance(exc, DatabaseError | OSError)


def _finish(
    job: BackgroundJob,
    claim: str,
    *,
    status: str,
    result: dict | None = None,
    message: str | None = None,
    error: str = "",
    expiry_days: int | None = None,
) -> None:
    """Record the outcome if this run still holds the claim (else ``JobLost``: an atomic runner's
    writes roll back with it)."""
    now = timezone.now()
    days = expiry_days if expiry_days is not None else settings.JOB_EXPIRY_DAYS
    fields: dict[str, Any] = {
        "status": status,
        "finished_at": now,
        "heartbeat_at": now,
        "expires_at": now + timedelta(days=days),
        "error": error[:4000],
        "file": job.file,
        "file_name": job.file_name,
        "content_type": job.content_type,
        "progress_total": job.progress_total,
        "progress_done": job.progress_total if status == JobStatus.DONE and job.progress_total else job.progress_done,
    }
    if result is not None:
        fields["result"] = result
    if message is not None:
        fields["message"] = message
    elif status == JobStatus.DONE:
        fields["message"] = job.message  # the runner's last word (an atomic runner's is kept until now)
    with transaction.atomic():
        if not BackgroundJob.objects.filter(pk=job.pk, claim=claim, status=JobStatus.RUNNING).update(**fields):
            raise JobLost
    for name, value in fields.items():
        setattr(job, name, value)


def _finish_cancelled(job: BackgroundJob, now) -> None:
    job.status, job.finished_at, job.message = JobStatus.CANCELLED, now, _("Đã huỷ theo yêu cầu.")
    job.expires_at = now + timedelta(days=settings.JOB_EXPIRY_DAYS)
    job.save(update_fields=["status", "finished_at", "message", "expires_at"])


def _discard_file(job: BackgroundJob) -> None:
    if job.file:
        job_storage().delete(job.file)
        job.file = job.file_name = job.content_type = ""


# --- Cancel -------------------------------------------------------------------------------------------


@transaction.atomic
def job_cancel(*, actor, job: BackgroundJob) -> BackgroundJob:
    """The owner stops a job: a queued one at once, a running one at its next checkpoint."""
    locked = BackgroundJob.objects.select_for_update().get(pk=job.pk)
    if locked.owner_id != actor.pk:
        raise JobError(_("Chỉ người tạo mới huỷ được công việc này."))
    if locked.status not in ACTIVE_STATUSES:
        return locked
    now = timezone.now()
    if locked.status == JobStatus.QUEUED:
        _finish_cancelled(locked, now)
        return locked
    locked.cancel_requested_at = now
    locked.save(update_fields=["cancel_requested_at"])
    return locked


# --- Sweep and purge ------------------------------------------------------------------------------------


def jobs_sweep(*, now=None) -> dict[str, int]:
    """Beat: publish again queued jobs never started, requeue running jobs whose worker stopped
    beating (or fail them after ``JOB_MAX_ATTEMPTS``), and purge expired ones."""
    now = now or timezone.now()
    requeue_before = now - timedelta(seconds=settings.JOB_REQUEUE_SECONDS)
    stale_before = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    counts = {"published": 0, "recovered": 0, "failed": 0, "purged": 0}
    stale = BackgroundJob.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True)
    )
    for job_id, attempts in stale.values_list("pk", "attempts")[:200]:
        if attempts >= settings.JOB_MAX_ATTEMPTS:
            counts["failed"] += BackgroundJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED,
                claim="",
                finished_at=now,
                expires_at=now + timedelta(days=settings.JOB_EXPIRY_DAYS),
                message=_("Không hoàn thành được. Vui lòng thử lại hoặc báo quản trị viên."),
                error="worker lost too many times",
            )
            continue
        recovered = BackgroundJob.objects.filter(
            Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True), pk=job_id, status=JobStatus.RUNNING
        ).update(status=JobStatus.QUEUED, claim="", enqueued_at=None)
        if recovered:
            counts["recovered"] += 1
            job_enqueue(job_id=job_id)
    waiting = BackgroundJob.objects.filter(status=JobStatus.QUEUED).filter(
        Q(enqueued_at__lt=requeue_before) | Q(enqueued_at__isnull=True, created_at__lt=requeue_before)
    )
    for job_id in waiting.values_list("pk", flat=True)[:200]:
        counts["published"] += job_enqueue(job_id=job_id)
    counts["purged"] = jobs_purge_expired(now=now)
    return counts


def jobs_purge_expired(*, now=None) -> int:
    """Delete the files and results (personal data) of finished jobs past ``expires_at``."""
    now = now or timezone.now()
    expired = BackgroundJob.objects.filter(status__in=FINISHED_STATUSES, expires_at__lt=now)
    count = 0
    for job in expired.only("pk", "file")[:500]:
        if job.file:
            job_storage().delete(job.file)
        count += BackgroundJob.objects.filter(pk=job.pk, status__in=FINISHED_STATUSES).update(
            status=JobStatus.EXPIRED, file="", result={}, params={}, message=""
        )
    return count


def jobs_expire_now(*, jobs: Iterable[BackgroundJob]) -> None:
    """Make finished jobs expire at once (e.g. an import preview once applied)."""
    BackgroundJob.objects.filter(pk__in=[job.pk for job in jobs], status__in=FINISHED_STATUSES).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
