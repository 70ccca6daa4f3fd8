"""Writes of certificates: request, issue, fail and retry, revoke, reissue, sweep, expire.

The pipeline (docs/architecture.md, "Certificates"):

1. ``certificate_request`` runs inside the completing transaction: it stores a
   ``pending`` certificate (unique per enrolment / path completion) and asks
   for the render task *after commit* with ``on_commit(robust=True)``; a broker
   outage is logged, never raised into the learner's request.
2. The worker's task calls ``certificate_issue``: a no-op unless ``pending``;
   it renders and signs outside any transaction, stores the PDF once, then
   re-checks the row under lock and marks it ``issued`` — so a redelivered or
   duplicated task issues exactly one certificate.
3. ``certificates_pending_sweep`` (beat) re-enqueues what is still pending.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import date, timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.audit.services import audit_changes, audit_record
from lms.orgunits.models import Membership
from lms.orgunits.selectors import membership_confirmed
from lms.text import normalize_nfc
from quizzes.scores import score_display
from quizzes.selectors import course_final_score, course_final_scores

from .assets import certificate_storage, issuer_key_record, template_assets
from .codes import code_display, code_generate
from .credentials import credential_issue, credential_revoke
from .models import Certificate, CertificateKind, CertificateStatus
from .selectors import certificate_template_for, verify_url

logger = logging.getLogger(__name__)


class CertificateError(Exception):
    """An action on a certificate that cannot be done; the message is for people."""


# --- Request ----------------------------------------------------------------------


def _frozen_for(*, user, enrollment=None, path_completion=None) -> dict:
    membership = membership_confirmed(user=user)
    frozen = {
        "full_name": normalize_nfc(user.full_name or user.email),
        "unit": normalize_nfc(membership.unit.name) if membership else "",
        "score": None,
    }
    if enrollment is not None:
        course = enrollment.course
        score = course_final_score(enrollment=enrollment)
        frozen.update(
            score=_score_text(score),
            course_id=course.pk,
            course_title=normalize_nfc(course.title),
            completed_on=timezone.localdate(enrollment.completed_at).isoformat(),
            validity_months=course.validity_months,
            cycle=enrollment.cycle,
        )
    else:
        frozen.update(
            path_id=path_completion.path_id,
            path_title=normalize_nfc(path_completion.path.title),
            completed_on=timezone.localdate(path_completion.completed_at).isoformat(),
            validity_months=None,
        )
    return frozen


def _score_text(score) -> str | None:
    """The score as the (Vietnamese) certificate prints it, whatever the requester's language."""
    if score is None:
        return None
    with translation.override("vi"):
        return f"{score_display(score)}%"


@transaction.atomic
def certificate_request(*, user, enrollment=None, path_completion=None) -> Certificate:
    """Record a ``pending`` certificate for a completion and enqueue its render after commit.

    Idempotent: a completion delivered twice returns the certificate it already has.
    The database's partial unique constraints make a duplicate impossible even
    under concurrency.
    """
    if (enrollment is None) == (path_completion is None):
        raise ValueError("certificate_request needs exactly one of enrollment and path_completion")
    source = {"enrollment": enrollment} if enrollment is not None else {"path_completion": path_completion}
    current = Certificate.objects.filter(**source).exclude(status=CertificateStatus.SUPERSEDED)
    existing = current.first()
    if existing is not None:
        return existing
    certificate = _certificate_create(
        user=user,
        kind=CertificateKind.COURSE if enrollment is not None else CertificateKind.PATH,
        cycle=enrollment.cycle if enrollment is not None else 1,
        frozen=_frozen_for(user=user, enrollment=enrollment, path_completion=path_completion),
        **source,
    )
    if certificate is None:  # a concurrent request won the race
        return current.get()
    transaction.on_commit(partial(certificate_enqueue, certificate_id=certificate.pk), robust=True)
    return certificate


@transaction.atomic
def certificates_request_many(*, enrollments) -> list[Certificate]:
    """``certificate_request`` for many course completions at once (a publish that completes
    thousands of enrolments): a few queries per chunk, one insert, renders enqueued after commit.
    Enrolments that already have a current certificate are skipped (idempotent)."""
    enrollments = list(enrollments)
    if not enrollments:
        return []
    have = set(
        Certificate.objects.filter(enrollment__in=[e.pk for e in enrollments])
        .exclude(status=CertificateStatus.SUPERSEDED)
        .values_list("enrollment_id", flat=True)
    )
    todo = [e for e in enrollments if e.pk not in have]
    units = dict(
        Membership.objects.filter(
            user_id__in={e.user_id for e in todo}, end__isnull=True, confirmed_at__isnull=False
        ).values_list("user_id", "unit__name")
    )
    scores = course_final_scores(enrollments=todo)
    fresh = [
        Certificate(
            code=code_generate(),
            user=enrollment.user,
            enrollment=enrollment,
            kind=CertificateKind.COURSE,
            cycle=enrollment.cycle,
            frozen={
                "full_name": normalize_nfc(enrollment.user.full_name or enrollment.user.email),
                "unit": normalize_nfc(units.get(enrollment.user_id, "")),
                "score": _score_text(scores.get(enrollment.pk)),
                "course_id": enrollment.course_id,
                "course_title": normalize_nfc(enrollment.course.title),
                "completed_on": timezone.localdate(enrollment.completed_at).isoformat(),
                "validity_months": enrollment.course.validity_months,
                "cycle": enrollment.cycle,
            },
        )
        for enrollment in todo
    ]
    try:
        with transaction.atomic():
            created = Certificate.objects.bulk_create(fresh, batch_size=1000)
    except IntegrityError:  # a concurrent request or a code collision: one at a time, safely
        created = [certificate_request(user=e.user, enrollment=e) for e in todo]
    transaction.on_commit(partial(certificates_enqueue_many, ids=[c.pk for c in created]), robust=True)
    return created


def certificates_enqueue_many(*, ids: list[int]) -> int:
    """Publish the render task of each certificate; what cannot be published waits for the sweeper.
    The first refused publish stops the loop (the broker is down: the rest would fail too)."""
    published = []
    for pk in ids:
        if not _publish_render(pk):
            break
        published.append(pk)
    for start in range(0, len(published), 1000):
        Certificate.objects.filter(pk__in=published[start : start + 1000]).update(
            enqueued_at=timezone.now(), enqueue_failed_at=None
        )
    failed = ids[len(published) :]
    for start in range(0, len(failed), 1000):
        Certificate.objects.filter(pk__in=failed[start : start + 1000]).update(enqueue_failed_at=timezone.now())
    return len(published)


def _certificate_create(**fields) -> Certificate | None:
    """Insert with a fresh code; ``None`` if the one-current-certificate constraint refused it."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(code=code_generate(), **fields)
        except IntegrityError:
            source = {key: fields[key] for key in ("enrollment", "path_completion") if fields.get(key) is not None}
            if Certificate.objects.filter(**source).exclude(status=CertificateStatus.SUPERSEDED).exists():
                return None
            # Otherwise a code collision (2⁻⁶⁰ per pair): draw again.
    raise RuntimeError("could not allocate a unique certificate code")


def certificate_enqueue(*, certificate_id: int) -> bool:
    """Publish the render task. Never raises: with the broker down the certificate
    stays ``pending`` with ``enqueue_failed_at`` set, and the sweeper publishes it again
    ``CERTIFICATE_ENQUEUE_RETRY_SECONDS`` later. Runs after the commit (or in the sweeper),
    in autocommit: each update is its own short statement."""
    try:
        if not _publish_render(certificate_id):
            Certificate.objects.filter(pk=certificate_id).update(enqueue_failed_at=timezone.now())
            return False
        Certificate.objects.filter(pk=certificate_id).update(enqueued_at=timezone.now(), enqueue_failed_at=None)
    except DatabaseError as exc:  # after the learner's commit: never a 500 (the sweeper sees the row)
        logger.warning("Could not record the enqueue of certificate %s (%s)", certificate_id, exc)
    return True


def _publish_render(certificate_id: int) -> bool:
    from .tasks import certificate_render  # noqa: PLC0415 — tasks.py imports this module

    try:
        queue = settings.CERTIFICATE_TASK_QUEUE or None
        certificate_render.apply_async(args=[certificate_id], retry=False, queue=queue)
    except Exception as exc:  # any broker error: the database row is the source of truth
        logger.warning("Could not enqueue certificate %s (%s); the sweeper will retry", certificate_id, exc)
        return False
    return True


# --- Issue --------------------------------------------------------------------------


def _content_for(certificate: Certificate, template, issued_at):
    from . import rendering  # noqa: PLC0415 — the PDF stack (≈0.6 s) stays out of web processes

    frozen = certificate.frozen
    assets = template_assets(template)
    completed = frozen.get("completed_on")
    return rendering.CertificateContent(
        full_name=frozen.get("full_name", ""),
        title=certificate.title,
        unit=frozen.get("unit") or "",
        score="" if frozen.get("score") is None else str(frozen["score"]),
        code_display=code_display(certificate.code),
        verify_url=verify_url(certificate.code),
        issued_on=timezone.localdate(issued_at),
        completed_on=date.fromisoformat(completed) if completed else None,
        layout=template.layout,
        heading=template.title,
        body=template.body,
        issuer_name=template.issuer_name,
        place=template.place,
        signatory_name=template.signatory_name,
        signatory_title=template.signatory_title,
        background=assets.background,
        signature=assets.signature,
        seal=assets.seal,
    )


def certificate_pdf_produce(certificate: Certificate, issued_at) -> tuple[str, str, object, object]:
    """Render, sign and store a PDF; returns (storage name, sha256, template, issuer key row)."""
    # xhtml2pdf, ReportLab and pyHanko (≈ 0.6 s to import) load here, not in web
    # processes; a worker imports them once at start (tasks._preload).
    from . import rendering, signing  # noqa: PLC0415 — the PDF stack (≈0.6 s) stays out of web processes

    template = certificate_template_for(certificate=certificate)
    issuer = signing.issuer_signer()
    key = issuer_key_record(issuer=issuer)
    if key.compromised_at is not None:
        raise signing.IssuerKeyMissing(f"Issuer key {key.fingerprint} is declared compromised; configure a new one.")
    pdf = rendering.certificate_pdf(_content_for(certificate, template, issued_at))
    signed = signing.pdf_sign(pdf, issuer=issuer, reason=f"Chứng chỉ {code_display(certificate.code)}")
    name = f"certificates/{issued_at:%Y}/{certificate.code}-{secrets.token_hex(4)}.pdf"
    stored = certificate_storage().save(name, ContentFile(signed))
    return stored, hashlib.sha256(signed).hexdigest(), template, key


def certificate_issue(*, certificate_id: int) -> Certificate | None:
    """Render, sign and store a ``pending`` certificate, then mark it ``issued``.

    Idempotent: anything but ``pending`` is returned untouched. The PDF is
    written before the row is locked; a run that finds the row already issued
    (a duplicate delivery) deletes its own file. The Open Badges credential is made in
    the same transaction that marks it issued (``credentials.credential_issue``). Raises what rendering,
    signing or storage raise — the task decides whether to retry.
    """
    certificate = Certificate.objects.select_related("user", "enrollment").filter(pk=certificate_id).first()
    if certificate is None or certificate.status != CertificateStatus.PENDING:
        return certificate
    Certificate.objects.filter(pk=certificate_id).update(render_attempts=F("render_attempts") + 1)
    issued_at = timezone.now()
    stored, digest, template, key = certificate_pdf_produce(certificate, issued_at)
    try:
        return _certificate_mark_issued(certificate_id, stored, digest, template, key, issued_at)
    except BaseException:
        # A lock or statement timeout, a lost connection, a soft time limit: the row was most
        # likely not marked issued, so the file just written belongs to nobody — the retry writes
        # its own. Deleted only once the row is seen not to hold it (a commit whose answer was lost).
        _orphan_pdf_delete(certificate_id, stored)
        raise


def _orphan_pdf_delete(certificate_id: int, stored: str) -> None:
    try:
        if not Certificate.objects.filter(pk=certificate_id, pdf=stored).exists():
            certificate_storage().delete(stored)
    except Exception as exc:  # the database is away: an orphan file is better than a lost one
        logger.warning("Left %s in place (could not check certificate %s: %s)", stored, certificate_id, exc)


def _certificate_mark_issued(certificate_id, stored, digest, template, key, issued_at) -> Certificate:
    storage = certificate_storage()
    with transaction.atomic():
        # The learner comes with it (the credential hashes their e-mail); only the certificate is locked.
        locked = Certificate.objects.select_for_update(of=("self",)).select_related("user").get(pk=certificate_id)
        if locked.status != CertificateStatus.PENDING:
            transaction.on_commit(partial(storage.delete, stored))
            return locked
        frozen = dict(locked.frozen)
        frozen.update(
            issuer_name=normalize_nfc(template.issuer_name),
            template_name=template.name,
            template_version=template.version if template.pk else 0,
        )
        months = frozen.get("validity_months")
        if months:
            completed = date.fromisoformat(frozen["completed_on"])
            locked.expires_on = completed + relativedelta(months=months)
        locked.frozen = frozen
        locked.status = CertificateStatus.ISSUED
        locked.issued_at = issued_at
        locked.pdf = stored
        locked.pdf_sha256 = digest
        locked.issuer_key = key
        locked.template = template if template.pk else None
        locked.template_version = frozen["template_version"]
        locked.last_error = ""
        locked.save()
        credential_issue(certificate=locked)
        transaction.on_commit(partial(_notify_enqueue, certificate_id=certificate_id), robust=True)
    return locked


def _notify_enqueue(*, certificate_id: int) -> bool:
    """Publish the "certificate issued" e-mail. The row itself records that it is owed (issued,
    ``notified_at`` empty, committed with the issue): a publish the broker refused is sent by
    ``certificates_notify_sweep`` instead — once, as the send claims ``notified_at`` first."""
    from .tasks import certificate_issued_notify  # noqa: PLC0415 — tasks.py imports this module

    try:
        certificate_issued_notify.apply_async(args=[certificate_id], retry=False)
    except Exception as exc:
        logger.warning("Could not enqueue the e-mail for certificate %s (%s); the sweeper will", certificate_id, exc)
        return False
    return True


def certificate_mark_failed(*, certificate_id: int, error: str) -> bool:
    """After the last retry (or a permanent error): ``pending`` → ``failed`` with the error.
    Returns whether this call made it ``failed`` (the caller then tells the administrators).

    Works whatever state the task left the connection in: a soft time limit or a statement
    timeout raised mid-query can leave the driver inside a transaction Django does not know
    about ("can't change 'autocommit' now"), or the transaction aborted. Outside an ``atomic``
    block such a connection is closed and the update runs on a fresh one."""
    if not connection.in_atomic_block:
        _connection_reset()
    return bool(
        Certificate.objects.filter(pk=certificate_id, status=CertificateStatus.PENDING).update(
            status=CertificateStatus.FAILED, last_error=error[:4000]
        )
    )


def _connection_reset() -> None:
    """Close the connection unless it is idle in autocommit, so the next query gets a clean one."""
    raw = connection.connection
    if raw is None:
        return
    try:
        in_transaction = connection.vendor == "postgresql" and raw.info.transaction_status != 0  # 0: IDLE
    except Exception:
        in_transaction = True
    if in_transaction or not connection.get_autocommit() or connection.needs_rollback:
        connection.close()


@transaction.atomic
def certificate_retry(*, actor, certificate: Certificate) -> Certificate:
    """An administrator sends a ``failed`` certificate back to the worker.

    Nothing was printed yet, so the learner's name is read again from the account: a name that
    could not be printed, once corrected (``user_name_correct``), is what the retry prints."""
    locked = Certificate.objects.select_for_update().select_related("user").get(pk=certificate.pk)
    if locked.status != CertificateStatus.FAILED:
        raise CertificateError(_("Chỉ chứng chỉ bị lỗi mới được tạo lại."))
    locked.status = CertificateStatus.PENDING
    fields = ["status"]
    if locked.user.anonymised_at is None and locked.user.full_name:
        locked.frozen = {**locked.frozen, "full_name": normalize_nfc(locked.user.full_name)}
        fields.append("frozen")
    locked.save(update_fields=fields)
    audit_record(actor=actor, action="certificate.retry", target=locked, data={"error": locked.last_error[:500]})
    transaction.on_commit(partial(certificate_enqueue, certificate_id=locked.pk), robust=True)
    return locked


# --- Revoke and reissue ---------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke an issued (or expired) certificate; verification then shows the reason and date,
    and its Open Badges credential's bit is set in the published status list."""
    reason = normalize_nfc(reason).strip()
    if not reason:
        raise CertificateError(_("Cần ghi lý do thu hồi."))
    locked = Certificate.objects.select_for_update().select_related("user").get(pk=certificate.pk)
    if locked.status not in (CertificateStatus.ISSUED, CertificateStatus.EXPIRED):
        raise CertificateError(_("Chỉ thu hồi được chứng chỉ đã cấp."))
    old_status = locked.status
    locked.status = CertificateStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoked_reason = reason
    locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
    credential_revoke(certificate=locked)
    audit_record(
        actor=actor,
        action="certificate.revoke",
        target=locked,
        subject=locked.user,
        reason=reason,
        data={"code": locked.code, "changes": audit_changes({"status": old_status}, {"status": locked.status})},
    )
    return locked


@transaction.atomic
def certificate_reissue(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Issue a new certificate from the learner's current data; the old one becomes
    ``superseded`` and its verification links to the new one.

    The new certificate freezes the *account's* current full name (and unit, course
    title, completion date; the score stays the original's): nothing typed here can
    change what is printed. A wrong name is first corrected by an administrator
    (``lms.accounts.services.user_name_correct``, with a reason, audited), then the
    certificate is reissued. The audit entry names the person (``subject``) and
    records old → new code and frozen full name.
    """
    reason = normalize_nfc(reason).strip()
    if not reason:
        raise CertificateError(_("Cần ghi lý do cấp lại."))
    locked = Certificate.objects.select_for_update().select_related("user").get(pk=certificate.pk)
    if locked.status != CertificateStatus.ISSUED:
        raise CertificateError(_("Chỉ cấp lại được chứng chỉ đang có hiệu lực."))
    if locked.user.anonymised_at is not None:
        raise CertificateError(_("Tài khoản đã bị xoá: không thể cấp lại."))
    source = {"enrollment": locked.enrollment} if locked.enrollment_id else {"path_completion": locked.path_completion}
    frozen = _frozen_for(user=locked.user, **source)
    frozen["score"] = locked.frozen.get("score")
    # Superseded first, so the partial unique constraint lets the new one be the current one.
    Certificate.objects.filter(pk=locked.pk).update(status=CertificateStatus.SUPERSEDED)
    credential_revoke(certificate=locked)  # its Open Badges credential stops verifying as well
    new = _certificate_create(user=locked.user, kind=locked.kind, cycle=locked.cycle, frozen=frozen, **source)
    if new is None:
        raise CertificateError(_("Chứng chỉ này vừa được cấp lại."))
    Certificate.objects.filter(pk=locked.pk).update(superseded_by=new)
    audit_record(
        actor=actor,
        action="certificate.reissue",
        target=locked,
        subject=locked.user,
        reason=reason,
        data={
            "old": locked.code,
            "new": new.code,
            "full_name": frozen["full_name"],
            "changes": audit_changes(
                {"code": locked.code, "full_name": locked.frozen.get("full_name")},
                {"code": new.code, "full_name": frozen["full_name"]},
            ),
        },
    )
    transaction.on_commit(partial(certificate_enqueue, certificate_id=new.pk), robust=True)
    return new


# --- Periodic work ----------------------------------------------------------------------


def certificates_pending_sweep(*, older_than_seconds: int | None = None) -> int:
    """Publish again the ``pending`` certificates whose render is not known to be queued.

    * never published, or the last publish refused by the broker: ``CERTIFICATE_ENQUEUE_RETRY_SECONDS``
      after the last try (seconds: the broker is back when the sweep's own task runs);
    * published but still pending after ``CERTIFICATE_PENDING_SWEEP_AGE`` (a message lost with the
      filesystem transport or a dead worker).

    ``older_than_seconds`` overrides both ages. Stops at the first refused publish (the broker
    is still down). Returns how many were published."""
    retry = settings.CERTIFICATE_ENQUEUE_RETRY_SECONDS if older_than_seconds is None else older_than_seconds
    age = settings.CERTIFICATE_PENDING_SWEEP_AGE if older_than_seconds is None else older_than_seconds
    now = timezone.now()
    stale = (
        Certificate.objects.filter(status=CertificateStatus.PENDING)
        .annotate(last_try=Coalesce("enqueue_failed_at", "requested_at"))
        .filter(
            Q(enqueued_at__isnull=True, last_try__lte=now - timedelta(seconds=retry))
            | Q(enqueue_failed_at__lte=now - timedelta(seconds=retry))
            | Q(enqueued_at__lte=now - timedelta(seconds=age))
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in list(stale[:500]):
        if not certificate_enqueue(certificate_id=pk):
            break
        count += 1
    return count


def certificates_notify_sweep(*, older_than_seconds: int | None = None) -> int:
    """Publish the "certificate issued" e-mails still owed: issued more than
    ``CERTIFICATE_NOTIFY_SWEEP_AGE`` seconds ago (their own publish had time to run), within
    ``CERTIFICATE_NOTIFY_WINDOW_HOURS``, not sent. Sending claims the row, so a publish that
    meets an e-mail already sent does nothing. Stops at the first refused publish."""
    age = settings.CERTIFICATE_NOTIFY_SWEEP_AGE if older_than_seconds is None else older_than_seconds
    now = timezone.now()
    owed = (
        Certificate.objects.filter(
            status=CertificateStatus.ISSUED,
            notified_at__isnull=True,
            issued_at__lte=now - timedelta(seconds=age),
            issued_at__gte=now - timedelta(hours=settings.CERTIFICATE_NOTIFY_WINDOW_HOURS),
            user__anonymised_at__isnull=True,
        )
        .order_by("issued_at")
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in list(owed[:500]):
        if not _notify_enqueue(certificate_id=pk):
            break
        count += 1
    return count


def certificates_expire(*, today=None) -> int:
    """Issued certificates whose validity ended become ``expired``."""
    today = today or timezone.localdate()
    return Certificate.objects.filter(status=CertificateStatus.ISSUED, expires_on__lt=today).update(
        status=CertificateStatus.EXPIRED
    )
