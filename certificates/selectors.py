"""Reads: a learner's certificates, access to a PDF, templates, the public verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from lms.jobs.models import BackgroundJob
from lms.orgunits.selectors import user_in_scope, users_visible_to
from lms.public_urls import public_url

from .codes import code_display, code_normalise
from .models import Certificate, CertificateStatus, CertificateTemplate, Credential, CredentialKey


def certificates_of(*, user) -> QuerySet[Certificate]:
    """ "Chứng chỉ của tôi": every certificate of ``user`` but superseded ones, newest first."""
    return (
        Certificate.objects.filter(user=user)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .select_related("issuer_key", "credential")
        .defer("credential__jwt", "credential__payload")
        .order_by("-requested_at")
    )


def certificate_can_download(*, viewer, certificate: Certificate) -> bool:
    """The owner, coordinators whose scope holds the learner, and administrators."""
    if not viewer.is_authenticated or not certificate.pdf:
        return False
    return certificate.user_id == viewer.pk or user_in_scope(viewer=viewer, user=certificate.user)


def certificate_can_manage(*, viewer, certificate: Certificate) -> bool:
    """Revoke and reissue: administrators, and coordinators whose scope holds the learner."""
    return user_in_scope(viewer=viewer, user=certificate.user)


def certificates_managed_by(*, viewer, query: str = "") -> QuerySet[Certificate]:
    """Certificates of the learners in the viewer's scope (all for administrators)."""
    certificates = Certificate.objects.select_related("user").order_by("-requested_at")
    if not viewer.is_superuser:
        certificates = certificates.filter(user__in=users_visible_to(viewer=viewer)).exclude(user=viewer)
    query = query.strip()
    if query:
        code = code_normalise(query)
        certificates = (
            certificates.filter(code=code) if code else certificates.filter(frozen__full_name__icontains=query)
        )
    return certificates


def certificates_failed() -> QuerySet[Certificate]:
    return Certificate.objects.filter(status=CertificateStatus.FAILED).select_related("user").order_by("-requested_at")


def certificate_template_for(*, certificate: Certificate) -> CertificateTemplate:
    """The course's own template, else the default one, else the built-in (unsaved) one."""
    template = None
    if certificate.enrollment_id:
        template = (
            CertificateTemplate.objects.filter(courses=certificate.enrollment.course_id).order_by("-updated_at").first()
        )
    return template or CertificateTemplate.objects.filter(is_default=True).first() or CertificateTemplate(name="—")


def regenerations_recent(limit: int = 20) -> QuerySet[BackgroundJob]:
    """The latest bulk regenerations (background jobs), for the editors' screen."""
    return BackgroundJob.objects.filter(kind="certificates.regenerate").order_by("-created_at")[:limit]


def verify_path(code: str) -> str:
    return reverse("certificate_verify", args=[code_display(code_normalise(code) or code)])


def verify_url(code: str) -> str:
    return public_url(verify_path(code))


# --- Public verification ----------------------------------------------------------


@dataclass
class Verification:
    """What ``/verify/<code>/`` may say: status and four fields, nothing else personal."""

    status: str  # valid | revoked | expired | superseded | not_found | malformed
    code: str = ""
    full_name: str = ""
    title: str = ""
    issued_on: date | None = None
    issuer: str = ""
    fingerprint: str = ""
    revoked_on: date | None = None
    revoked_reason: str = ""
    expired_on: date | None = None
    current_code: str = ""

    @property
    def current_path(self) -> str:
        return verify_path(self.current_code) if self.current_code else ""

    def as_json(self) -> dict:
        data: dict = {"status": self.status}
        if self.status in ("not_found", "malformed"):
            return data
        data.update(
            code=self.code,
            full_name=self.full_name,
            title=self.title,
            issued_on=self.issued_on.isoformat() if self.issued_on else None,
            issuer=self.issuer,
            signing_certificate_sha256=self.fingerprint,
        )
        if self.status == "revoked":
            data["revoked"] = {
                "on": self.revoked_on.isoformat() if self.revoked_on else None,
                "reason": self.revoked_reason,
            }
        if self.status == "expired":
            data["expired_on"] = self.expired_on.isoformat() if self.expired_on else None
        if self.status == "superseded":
            data["superseded_by"] = {"code": self.current_code, "url": verify_url(self.current_code)}
        return data


def certificate_verify(*, typed_code: str, today: date | None = None) -> Verification:
    """Look a typed code up. Pending and failed certificates do not exist publicly."""
    code = code_normalise(typed_code)
    if code is None:
        return Verification(status="malformed")
    certificate = Certificate.objects.select_related("issuer_key").filter(code=code).first()
    if certificate is None or certificate.status in (CertificateStatus.PENDING, CertificateStatus.FAILED):
        return Verification(status="not_found")
    today = today or timezone.localdate()
    frozen = certificate.frozen
    key = certificate.issuer_key
    result = Verification(
        status="valid",
        code=code_display(certificate.code),
        full_name=frozen.get("full_name", ""),
        title=certificate.title,
        issued_on=timezone.localdate(certificate.issued_at) if certificate.issued_at else None,
        issuer=frozen.get("issuer_name", ""),
        fingerprint=key.fingerprint_display if key else "",
    )
    if certificate.status == CertificateStatus.SUPERSEDED:
        current = certificate
        for _hop in range(20):  # a chain of reissues; bounded
            if current.superseded_by_id is None:
                break
            current = Certificate.objects.only("code", "superseded_by").get(pk=current.superseded_by_id)
        result.status, result.current_code = "superseded", code_display(current.code)
    elif certificate.status == CertificateStatus.REVOKED:
        result.status = "revoked"
        result.revoked_on = timezone.localdate(certificate.revoked_at)
        result.revoked_reason = certificate.revoked_reason
    elif key is not None and key.compromised_at is not None:
        result.status = "revoked"
        result.revoked_on = timezone.localdate(key.compromised_at)
        result.revoked_reason = gettext("Khoá ký của đơn vị cấp đã bị thu hồi; chứng chỉ cần được cấp lại.")
    elif certificate.status == CertificateStatus.EXPIRED or (
        certificate.expires_on is not None and certificate.expires_on < today
    ):
        result.status, result.expired_on = "expired", certificate.expires_on
    return result


def certificates_due_for_reminder(*, today=None) -> QuerySet[Certificate]:
    """Issued certificates expiring within CERTIFICATE_EXPIRY_REMINDER_DAYS whose learner was not reminded."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.CERTIFICATE_EXPIRY_REMINDER_DAYS)
    return Certificate.objects.filter(
        status=CertificateStatus.ISSUED,
        expires_on__isnull=False,
        expires_on__gte=today,
        expires_on__lte=horizon,
        expiry_reminded_at__isnull=True,
        user__anonymised_at__isnull=True,
    ).select_related("user", "enrollment__course")


# --- A learner's own certificate, as learner pages show it ------------------------


# What ``certificate_state`` reads: selectors feeding it load these fields only.
STATE_FIELDS = ("code", "status", "pdf", "requested_at", "enqueue_failed_at")


@dataclass(frozen=True)
class CertificateState:
    """What the completion page, the course page and the status endpoint say about one
    certificate. ``ready`` means issued with its PDF (download and verification work);
    the statuses themselves are ``CertificateStatus``."""

    code: str
    status: str
    label: str
    ready: bool
    status_url: str
    download_url: str
    verify_url: str
    waiting: bool = False
    message: str = ""

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "status": self.status,
            "label": self.label,
            "message": self.message,
            "waiting": self.waiting,
            "ready": self.ready,
            "download_url": self.download_url,
            "verify_url": self.verify_url,
        }


def certificate_waiting(certificate: Certificate) -> bool:
    """Pending, and its render is not known to be on its way: the broker refused its publish, or
    it has waited longer than ``CERTIFICATE_WAITING_AFTER_SECONDS`` (a render takes seconds)."""
    if certificate.status != CertificateStatus.PENDING:
        return False
    if certificate.enqueue_failed_at is not None:
        return True
    waited = timezone.now() - certificate.requested_at
    return waited > timedelta(seconds=settings.CERTIFICATE_WAITING_AFTER_SECONDS)


def certificate_status_message(certificate: Certificate) -> str:
    """The sentence shown under the status: what is happening and what to expect, honestly."""
    if certificate.status == CertificateStatus.ISSUED and certificate.pdf:
        return gettext("Chứng chỉ của bạn đã sẵn sàng.")
    if certificate.status == CertificateStatus.PENDING:
        if certificate_waiting(certificate):
            return gettext(
                "Chứng chỉ đang chờ cấp: hệ thống tạo chứng chỉ đang bận hoặc tạm gián đoạn. Kết quả học tập "
                "của bạn đã được lưu; chứng chỉ sẽ được cấp tự động khi hệ thống hoạt động trở lại, thường "
                "trong vài phút. Bạn sẽ nhận email khi xong."
            )
        return gettext("Chứng chỉ đang được tạo và ký số; thường chỉ mất vài giây. Bạn sẽ nhận email khi xong.")
    if certificate.status == CertificateStatus.FAILED:
        return gettext("Chưa tạo được chứng chỉ. Quản trị viên đã được báo qua email để xử lý.")
    return ""


def certificate_state(*, certificate: Certificate) -> CertificateState:
    """Download and verification exist as on "Chứng chỉ của tôi": a PDF is downloadable, and
    the public page knows every certificate but pending and failed ones."""
    code = certificate.code_display
    public = certificate.status not in (CertificateStatus.PENDING, CertificateStatus.FAILED)
    waiting = certificate_waiting(certificate)
    return CertificateState(
        code=code,
        status=certificate.status,
        label=gettext("Đang chờ cấp") if waiting else str(certificate.get_status_display()),
        ready=certificate.status == CertificateStatus.ISSUED and bool(certificate.pdf),
        status_url=reverse("certificate_status", args=[code]),
        download_url=reverse("certificate_download", args=[code]) if certificate.pdf else "",
        verify_url=verify_path(certificate.code) if public else "",
        waiting=waiting,
        message=certificate_status_message(certificate),
    )


def oldest_pending_certificate_check() -> dict:
    """Health probe: the age of the oldest ``pending`` certificate (red past
    ``HEALTHZ_PENDING_CERTIFICATE_MAX_SECONDS``) and how many wait."""
    pending = Certificate.objects.filter(status=CertificateStatus.PENDING)
    oldest = pending.order_by("requested_at").values_list("requested_at", flat=True).first()
    if oldest is None:
        return {"ok": True, "pending": 0, "oldest_age_seconds": None}
    age = round((timezone.now() - oldest).total_seconds(), 1)
    return {
        "ok": age <= settings.HEALTHZ_PENDING_CERTIFICATE_MAX_SECONDS,
        "pending": pending.count(),
        "oldest_age_seconds": age,
    }


def certificate_of_enrollment(*, enrollment) -> Certificate | None:
    """The current (not superseded) certificate of a course enrolment: one query."""
    if enrollment is None or enrollment.completed_at is None:
        return None
    return (
        Certificate.objects.filter(enrollment=enrollment)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .only(*STATE_FIELDS)
        .first()
    )


def certificate_of_owner(*, user, code: str) -> Certificate | None:
    """``user``'s own certificate with this code, or None (anyone else's looks absent)."""
    normalised = code_normalise(code)
    if normalised is None or not user.is_authenticated:
        return None
    return Certificate.objects.filter(code=normalised, user=user).only(*STATE_FIELDS).first()


def certificates_recent_of(*, user, limit: int = 3) -> list[Certificate]:
    """The learner's latest certificates for their home page: one query."""
    return list(
        Certificate.objects.filter(user=user)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .only(*STATE_FIELDS, "frozen")
        .order_by("-requested_at")[:limit]
    )


def certificate_stamp_image_ids() -> set[int]:
    """Images used as a template's seal or signature: private (``lms.media`` serves them to staff only)."""
    rows = CertificateTemplate.objects.values_list("seal_image_id", "signature_image_id")
    return {image_id for row in rows for image_id in row if image_id}


# --- Open Badges credentials ----------------------------------------------------------------


def credential_of_certificate(*, certificate: Certificate) -> Credential | None:
    """The certificate's Open Badges credential while it is worth carrying: not revoked, and
    the certificate issued or expired (an expired one still says what was achieved, and when)."""
    return (
        Credential.objects.select_related("certificate")
        .filter(
            certificate_id=certificate.pk,
            revoked_at__isnull=True,
            certificate__status__in=[CertificateStatus.ISSUED, CertificateStatus.EXPIRED],
        )
        .first()
    )


def credential_by_public_id(*, public_id) -> Credential | None:
    """The credential behind an employer link (``/credentials/<public_id>/``), or None."""
    return Credential.objects.select_related("certificate").filter(public_id=public_id).first()


def credential_keys_published() -> QuerySet[CredentialKey]:
    """Every credential key not retired, oldest first: what the JWKS and the DID document list."""
    return CredentialKey.objects.filter(retired_at__isnull=True).order_by("first_used_at", "pk")


def credential_status_revoked_indexes(*, status_list: int) -> list[int]:
    """The indexes whose bit is set in Bitstring Status List ``status_list``."""
    return list(
        Credential.objects.filter(status_list=status_list, revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )


def credential_status_list_exists(*, status_list: int) -> bool:
    return Credential.objects.filter(status_list=status_list).exists()
