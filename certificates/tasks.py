"""Celery tasks: thin wrappers over services, each taking ids and idempotent.

A worker imports xhtml2pdf, ReportLab and pyHanko and registers the fonts
once in its main process (``worker_init``, shared by the forked pool), and each
pool process builds the issuer's signer once (``worker_process_init``).
"""

from __future__ import annotations

import logging
import random

from celery import shared_task
from celery.signals import worker_init, worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import notifications, services

logger = logging.getLogger(__name__)

# Errors that may go away by themselves: the database or the storage was briefly
# unreachable. Anything else (a broken template, a missing issuer key) fails at
# once, for an administrator to fix and retry.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


@worker_init.connect
def _preload(**kwargs) -> None:
    from . import rendering, signing  # noqa: F401, PLC0415 — loaded once in the worker's main process, shared by the fork

    rendering.fonts_register()


@worker_process_init.connect
def _warm_up(**kwargs) -> None:
    from . import rendering, signing  # noqa: PLC0415 — the PDF stack loads in workers only

    rendering.fonts_register()
    try:
        signing.issuer_signer()
    except Exception as exc:  # no key yet: the first render reports it as a failure
        logger.warning("Certificate signer not ready: %s", exc)


def _backoff(retries: int) -> int:
    return min(settings.CERTIFICATE_RETRY_BACKOFF_MAX, 10 * 2**retries) + random.randint(0, 5)  # nosec B311  # jitter


@shared_task(name="certificates.tasks.certificate_render", bind=True, acks_late=True, ignore_result=True)
def certificate_render(self, certificate_id: int) -> None:
    """Render, sign and store one certificate; a no-op unless it is ``pending``.

    Transient errors retry with exponential backoff; after the last retry, or
    at once for any other error, the certificate becomes ``failed``.
    """
    try:
        services.certificate_issue(certificate_id=certificate_id)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= settings.CERTIFICATE_RENDER_MAX_RETRIES:
            _failed(certificate_id, exc)
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries), max_retries=None) from exc
    except Exception as exc:
        logger.exception("Certificate %s failed", certificate_id)
        _failed(certificate_id, exc)


def _failed(certificate_id: int, exc: Exception) -> None:
    """Mark it failed and tell the administrators by e-mail, here in the worker (no broker needed):
    the learner's page says they were told."""
    if services.certificate_mark_failed(certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}"):
        try:
            notifications.certificate_failed_notify(certificate_id=certificate_id)
        except Exception:
            logger.exception("Could not tell the administrators that certificate %s failed", certificate_id)


@shared_task(name="certificates.tasks.certificate_issued_notify", bind=True, acks_late=True, ignore_result=True)
def certificate_issued_notify(self, certificate_id: int) -> None:
    """E-mail the learner, in their language, once."""
    try:
        notifications.certificate_issued_notify(certificate_id=certificate_id)
    except (OSError, OperationalError) as exc:
        if self.request.retries < 5:
            raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
        logger.warning("Giving up the e-mail for certificate %s: %s", certificate_id, exc)


@shared_task(name="certificates.tasks.certificates_pending_sweep", ignore_result=True)
def certificates_pending_sweep() -> int:
    """Beat: re-enqueue pending certificates older than CERTIFICATE_PENDING_SWEEP_AGE."""
    return services.certificates_pending_sweep()


@shared_task(name="certificates.tasks.certificates_expiry_process", ignore_result=True)
def certificates_expiry_process() -> None:
    """Beat, daily: expire certificates past their validity and send reminders before it ends."""
    services.certificates_expire()
    notifications.expiry_reminders_send()
