"""E-mails in the reader's own language: to learners (a certificate issued, one about to expire) and
to administrators (a certificate that could not be made)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mail_admins
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lms.public_urls import public_url

from .models import Certificate, CertificateStatus
from .selectors import certificates_due_for_reminder, verify_url

logger = logging.getLogger(__name__)


def _send(*, user, template: str, context: dict) -> None:
    language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"certificates/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"certificates/email/{template}_body.txt", context)
    EmailMessage(subject, body, to=[user.email], headers={"Content-Language": language}).send()


def certificate_issued_notify(*, certificate_id: int) -> bool:
    """Send "your certificate is ready" once (``notified_at``); skipped for deleted accounts."""
    certificate = Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    if (
        certificate is None
        or certificate.status != CertificateStatus.ISSUED
        or certificate.notified_at is not None
        or certificate.user.anonymised_at is not None
    ):
        return False
    claimed = Certificate.objects.filter(pk=certificate_id, notified_at__isnull=True).update(notified_at=timezone.now())
    if not claimed:
        return False
    context = {
        "full_name": certificate.frozen.get("full_name", ""),
        "title": certificate.title,
        "code": certificate.code_display,
        "download_url": public_url(reverse("certificate_download", args=[certificate.code_display])),
        "verify_url": verify_url(certificate.code),
        "list_url": public_url(reverse("my_certificates")),
    }
    try:
        _send(user=certificate.user, template="issued", context=context)
    except Exception:
        Certificate.objects.filter(pk=certificate_id).update(notified_at=None)  # let a retry send it
        raise
    return True


def expiry_reminders_send(*, today=None) -> int:
    """Remind learners N days (CERTIFICATE_EXPIRY_REMINDER_DAYS) before a certificate expires, once."""

    sent = 0
    for certificate in certificates_due_for_reminder(today=today):
        claimed = Certificate.objects.filter(pk=certificate.pk, expiry_reminded_at__isnull=True).update(
            expiry_reminded_at=timezone.now()
        )
        if not claimed:
            continue
        course = certificate.enrollment.course if certificate.enrollment_id else None
        context = {
            "full_name": certificate.frozen.get("full_name", ""),
            "title": certificate.title,
            "expires_on": certificate.expires_on,
            "course_url": public_url(course.url) if course and course.url else "",
            "verify_url": verify_url(certificate.code),
        }
        try:
            _send(user=certificate.user, template="expiry", context=context)
            sent += 1
        except Exception as exc:
            logger.warning("Expiry reminder for certificate %s failed: %s", certificate.pk, exc)
            Certificate.objects.filter(pk=certificate.pk).update(expiry_reminded_at=None)
    return sent


def certificate_failed_notify(*, certificate_id: int) -> int:
    """Tell every active administrator (superuser with an e-mail), each in their language, that a
    certificate failed and why, with the link to fix and retry it; ``settings.ADMINS`` too, if set.
    Returns how many were told; none at all is logged as an error (someone must look)."""
    certificate = Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    if certificate is None or certificate.status != CertificateStatus.FAILED:
        return 0
    context = {
        "full_name": certificate.frozen.get("full_name", ""),
        "title": certificate.title,
        "code": certificate.code_display,
        "error": certificate.last_error,
        "failed_url": public_url(reverse("certificates_failed")),
    }
    administrators = get_user_model().objects.filter(is_active=True, is_superuser=True, anonymised_at__isnull=True)
    told = 0
    for administrator in administrators.exclude(email=""):
        _send(user=administrator, template="failed", context=context)
        told += 1
    if settings.ADMINS:
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("certificates/email/failed_subject.txt", context).strip()
            body = render_to_string("certificates/email/failed_body.txt", context)
        mail_admins(subject, body)
        told += len(settings.ADMINS)
    if not told:
        logger.error("Certificate %s failed and no administrator has an e-mail: %s", certificate_id, context["error"])
    return told
