"""The public "Kiểm tra chữ ký số" tool: anyone uploads a PDF, the worker validates it with the
platform's validator (``signlab.validation.pdf_validate``) and a page shows the report.

A request is a ``SignatureCheck`` row. Its upload lives in the row only while the check is queued:
the worker's one UPDATE that stores the report also empties ``upload`` (a database constraint
forbids upload bytes on a finished row). The row itself is the outbox: ``signature_checks_sweep``
publishes again a check whose message was refused or lost, gives up on one that waited too long,
and deletes rows older than ``SIGNLAB_CHECK_KEEP_HOURS``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import SignatureCheck, SignatureCheckStatus
from .validation import pdf_validate

logger = logging.getLogger(__name__)

# A check never published (the broker refused it) is published again after this long; one published
# but still queued after LOST_AFTER is taken as lost (a validation takes seconds, not minutes).
REPUBLISH_AFTER = timedelta(seconds=30)
LOST_AFTER = timedelta(minutes=2)
# A check still queued after this long is given up: failed, upload dropped.
GIVE_UP_AFTER = timedelta(minutes=10)
SWEEP_BATCH = 100


def looks_like_pdf(head: bytes) -> bool:
    """The validator's own test: the PDF header within the first KB."""
    return head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]


def signature_check_create(*, data: bytes, file_name: str) -> SignatureCheck:
    """Store an upload for the worker and publish its check once the row is committed.

    The caller has checked the size (``SIGNLAB_CHECK_MAX_BYTES``) and the PDF header."""
    with transaction.atomic():
        check = SignatureCheck.objects.create(
            token=secrets.token_urlsafe(24), file_name=file_name[:255], size=len(data), upload=data
        )
        transaction.on_commit(partial(signature_check_enqueue, check_id=check.pk), robust=True)
    return check


def signature_check_enqueue(*, check_id: int) -> bool:
    """Publish the check. Never raises: with the broker down the row stays queued and the sweeper
    publishes it again. Records ``enqueued_at`` when the broker took the message."""
    from .tasks import signature_check_run  # noqa: PLC0415 — tasks.py imports this module

    try:
        signature_check_run.apply_async(args=[check_id], retry=False)
    except Exception as exc:  # any broker error: the row is the source of truth
        logger.warning("Could not enqueue signature check %s (%s); the sweeper will", check_id, exc)
        return False
    SignatureCheck.objects.filter(pk=check_id, status=SignatureCheckStatus.QUEUED).update(enqueued_at=timezone.now())
    return True


def signature_check_run(*, check_id: int) -> bool:
    """Validate a queued check's upload and, in one UPDATE, store the report (or the failure),
    ``finished_at`` and an empty ``upload``. Idempotent: a check that is not queued (a redelivered
    message, a duplicate publish) is left alone. Returns whether this call finished the check."""
    upload = (
        SignatureCheck.objects.filter(pk=check_id, status=SignatureCheckStatus.QUEUED)
        .values_list("upload", flat=True)
        .first()
    )
    if upload is None:
        if SignatureCheck.objects.filter(pk=check_id, status=SignatureCheckStatus.QUEUED).exists():
            return _finish(check_id, status=SignatureCheckStatus.FAILED, error="no upload")
        return False
    try:
        report = pdf_validate(bytes(upload), limit=settings.SIGNLAB_CHECK_MAX_SIGNATURES)
    except Exception as exc:  # the validator reports bad PDFs itself: this is a bug or a time limit
        logger.exception("Signature check %s failed", check_id)
        return _finish(check_id, status=SignatureCheckStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
    return _finish(check_id, status=SignatureCheckStatus.DONE, report=report.as_dict())


def _finish(check_id: int, *, status: str, report: dict | None = None, error: str = "") -> bool:
    return bool(
        SignatureCheck.objects.filter(pk=check_id, status=SignatureCheckStatus.QUEUED).update(
            status=status, report=report or {}, error=error[:2000], finished_at=timezone.now(), upload=None
        )
    )


def signature_checks_sweep(*, now=None) -> dict[str, int]:
    """Give up on checks queued longer than ``GIVE_UP_AFTER`` (failed, upload dropped), publish again
    those whose message was refused or lost, and delete rows older than ``SIGNLAB_CHECK_KEEP_HOURS``.
    Bounded per call; safe to run concurrently (every write is a conditional UPDATE or a DELETE)."""
    now = now or timezone.now()
    queued = SignatureCheck.objects.filter(status=SignatureCheckStatus.QUEUED)
    given_up = queued.filter(created_at__lt=now - GIVE_UP_AFTER).update(
        status=SignatureCheckStatus.FAILED, error="gave up: still queued", finished_at=now, upload=None
    )
    due = (
        queued.filter(created_at__lt=now - REPUBLISH_AFTER)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - LOST_AFTER))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    published = 0
    for check_id in list(due):
        if not signature_check_enqueue(check_id=check_id):
            break  # the broker is down: the next sweep tries again
        published += 1
    old = SignatureCheck.objects.filter(created_at__lt=now - timedelta(hours=settings.SIGNLAB_CHECK_KEEP_HOURS))
    deleted, _ = old.filter(pk__in=list(old.values_list("pk", flat=True)[:1000])).delete()
    return {"given_up": given_up, "published": published, "deleted": deleted}
