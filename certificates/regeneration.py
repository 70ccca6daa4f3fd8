"""Bulk regeneration: re-render a course's issued certificates after a template change.

Codes, frozen learner data and issue dates stay; each PDF is rendered with the
current template, signed again and stored anew (the old file is deleted after
commit). A background job (``lms.jobs``, kind ``certificates.regenerate``) does the work with progress.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services import audit_record
from lms.jobs.models import BackgroundJob
from lms.jobs.services import job_create
from lms.text import normalize_nfc

from .assets import certificate_storage
from .models import Certificate, CertificateStatus
from .services import certificate_pdf_produce

logger = logging.getLogger(__name__)


REGENERATE = "certificates.regenerate"


@transaction.atomic
def certificate_regeneration_start(*, actor, course) -> BackgroundJob:
    """Queue a re-render of every issued certificate of ``course`` with its current template
    (a background job: a course may have thousands of certificates)."""
    started = timezone.now()
    total = Certificate.objects.filter(
        enrollment__course=course, status=CertificateStatus.ISSUED, issued_at__lte=started
    ).count()
    job = job_create(
        owner=actor,
        kind=REGENERATE,
        title=_("Tạo lại chứng chỉ khoá “%(title)s”") % {"title": course.title},
        params={"course": course.pk, "course_title": course.title, "issued_before": started.isoformat()},
        total=total,
    )
    audit_record(actor=actor, action="certificate.regenerate", target=course, data={"job": job.pk, "total": total})
    return job


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


def certificate_regeneration_run(job, run) -> dict:
    """Worker: re-render the course's certificates in id order. Resumable: the last id done is
    checkpointed after each certificate, so a rerun after a killed worker carries on from there."""
    state = {"cursor": 0, "done": 0, "failed": 0, **job.state}
    remaining = Certificate.objects.filter(
        enrollment__course_id=job.params["course"],
        status=CertificateStatus.ISSUED,
        pk__gt=state["cursor"],
        issued_at__lte=datetime.fromisoformat(job.params["issued_before"]),
    ).order_by("pk")
    for certificate in remaining.iterator(chunk_size=50):
        try:
            ok = certificate_regenerate(certificate=certificate)
        except Exception:
            logger.exception("Regenerating certificate %s failed", certificate.pk)
            ok = False
        state["cursor"] = certificate.pk
        state["done" if ok else "failed"] += 1
        run.checkpoint(**state)
        run.progress(state["done"] + state["failed"])
    return {"done": state["done"], "failed": state["failed"]}
