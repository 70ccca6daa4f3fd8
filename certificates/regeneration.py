"""Bulk regeneration: re-render a course's issued certificates after a template change.

Codes, frozen learner data and issue dates stay; each PDF is rendered with the
current template, signed again and stored anew (the old file is deleted after
commit). The job counts its progress for the admin screen.
"""

from __future__ import annotations

import logging
import time
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lms.audit.services import audit_record
from lms.text import normalize_nfc

from .assets import certificate_storage
from .models import Certificate, CertificateRegeneration, CertificateStatus, RegenerationStatus
from .services import certificate_pdf_produce

logger = logging.getLogger(__name__)


@transaction.atomic
def certificate_regeneration_start(*, actor, course) -> CertificateRegeneration:
    """Queue a re-render of every issued certificate of ``course`` with its current template."""
    job = CertificateRegeneration.objects.create(course=course)
    job.total = Certificate.objects.filter(
        enrollment__course=course, status=CertificateStatus.ISSUED, issued_at__lte=job.created_at
    ).count()
    job.save(update_fields=["total"])
    total = job.total
    audit_record(actor=actor, action="certificate.regenerate", target=job, data={"course": course.pk, "total": total})
    transaction.on_commit(partial(_regeneration_enqueue, job_id=job.pk), robust=True)
    return job


def _regeneration_enqueue(*, job_id: int) -> None:
    from .tasks import certificate_regeneration_run  # noqa: PLC0415 — tasks.py imports this module

    try:
        certificate_regeneration_run.apply_async(args=[job_id], retry=False)
    except Exception as exc:
        logger.warning("Could not enqueue regeneration %s (%s); the sweeper will retry", job_id, exc)


def certificate_regenerate(*, certificate: Certificate) -> bool:
    """Re-render one issued certificate in place: same code, frozen learner data and
    issue date; new template, signature and file. False if it is no longer issued."""
    stored, digest, template, key = certificate_pdf_produce(certificate, certificate.issued_at)
    storage = certificate_storage()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != CertificateStatus.ISSUED:
            transaction.on_commit(partial(storage.delete, stored))
            return False
        old = locked.pdf
        frozen = dict(locked.frozen)
        frozen.update(
            issuer_name=normalize_nfc(template.issuer_name),
            template_name=template.name,
            template_version=template.version if template.pk else 0,
        )
        locked.frozen = frozen
        locked.pdf, locked.pdf_sha256, locked.issuer_key = stored, digest, key
        locked.template = template if template.pk else None
        locked.template_version = frozen["template_version"]
        locked.save()
        transaction.on_commit(partial(storage.delete, old))
    return True


def certificate_regeneration_run(*, job_id: int, budget_seconds: float = 60) -> CertificateRegeneration | None:
    """Work through a regeneration for at most ``budget_seconds`` (the caller re-enqueues
    an unfinished job, keeping each task well inside Celery's time limits). Resumable:
    the cursor (last certificate id done) advances with each certificate, and only a
    run that advances it counts, so a duplicated task never counts twice."""
    job = CertificateRegeneration.objects.filter(pk=job_id).first()
    if job is None or job.status == RegenerationStatus.DONE:
        return job
    CertificateRegeneration.objects.filter(pk=job_id).update(
        status=RegenerationStatus.RUNNING, updated_at=timezone.now()
    )
    remaining = Certificate.objects.filter(
        enrollment__course_id=job.course_id,
        status=CertificateStatus.ISSUED,
        pk__gt=job.cursor,
        issued_at__lte=job.created_at,
    ).order_by("pk")
    deadline = time.monotonic() + budget_seconds
    for certificate in remaining.iterator(chunk_size=50):
        if time.monotonic() > deadline:
            return CertificateRegeneration.objects.get(pk=job_id)
        try:
            ok = certificate_regenerate(certificate=certificate)
        except Exception:
            logger.exception("Regenerating certificate %s failed", certificate.pk)
            ok = False
        counter = "done" if ok else "failed"
        CertificateRegeneration.objects.filter(pk=job_id, cursor__lt=certificate.pk).update(
            cursor=certificate.pk, **{counter: F(counter) + 1}, updated_at=timezone.now()
        )
    CertificateRegeneration.objects.filter(pk=job_id).update(
        status=RegenerationStatus.DONE, finished_at=timezone.now(), updated_at=timezone.now()
    )
    return CertificateRegeneration.objects.get(pk=job_id)
