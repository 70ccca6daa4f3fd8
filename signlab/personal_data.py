"""The learner's practice certificates and lab results in "Dữ liệu của tôi", and what an
anonymisation erases: keys, certificates' names and e-mails, signed files (results stay)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.accounts.personal_data import Field, register_eraser, register_section

from .models import CheckDocument, LabActivity, LabResult, OneTimeCode, PracticeCertificate


def certificate_rows(user) -> list[dict]:
    return [
        {
            "subject": record.subject_name,
            "serial_number": record.serial_number,
            "not_valid_before": record.not_valid_before,
            "not_valid_after": record.not_valid_after,
            "revoked_at": record.revoked_at,
            "revocation_reason": record.revocation_reason,
        }
        for record in PracticeCertificate.objects.filter(user=user).order_by("created_at")
    ]


def result_rows(user) -> list[dict]:
    return [
        {
            "lesson": result.lesson.title,
            "activity": result.activity,
            "passed": result.passed,
            "score": f"{result.score}/{result.max_score}",
            "attempts": result.attempts,
            "completed_at": result.completed_at,
        }
        for result in LabResult.objects.filter(user=user).select_related("lesson").order_by("updated_at")
    ]


def erase(user) -> None:
    """Revoke and strip the person's practice certificates (the serial stays in the CRL so what they
    signed keeps reading "revoked"); drop their signed files, document sets and codes."""
    now = timezone.now()
    certificates = PracticeCertificate.objects.filter(user=user)
    certificates.filter(revoked_at__isnull=True).update(revoked_at=now, revocation_reason="Tài khoản đã xoá")
    certificates.update(subject_name="", certificate_pem="", key_encrypted=b"")
    LabResult.objects.filter(user=user).filter(~Q(signed_pdf=None)).update(signed_pdf=None, details={})
    CheckDocument.objects.filter(user=user).delete()
    OneTimeCode.objects.filter(user=user).delete()


def register() -> None:
    register_section(
        key="practice_certificates",
        title=_("Chứng thư số thực hành"),
        rows=certificate_rows,
        fields={
            "subject": _("Chủ thể"),
            "serial_number": _("Số hiệu"),
            "not_valid_before": _("Hiệu lực từ"),
            "not_valid_after": _("Hiệu lực đến"),
            "revoked_at": _("Thu hồi lúc"),
            "revocation_reason": _("Lý do thu hồi"),
        },
    )
    register_section(
        key="signature_lab_results",
        title=_("Kết quả thực hành ký số"),
        rows=result_rows,
        fields={
            "lesson": _("Bài học"),
            "activity": Field(_("Hoạt động"), dict(LabActivity.choices)),
            "passed": _("Đạt"),
            "score": _("Điểm"),
            "attempts": _("Số lần làm"),
            "completed_at": _("Đạt lúc"),
        },
    )
    register_eraser("signlab", erase)
