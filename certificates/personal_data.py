"""The learner's certificates in "Dữ liệu của tôi"."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from lms.accounts.personal_data import Field, register_section

from .models import Certificate, CertificateKind, CertificateStatus


def certificate_rows(user) -> list[dict]:
    return [
        {
            "code": certificate.code_display,
            "kind": certificate.kind,
            "title": certificate.title,
            "status": certificate.status,
            "full_name_on_certificate": certificate.frozen.get("full_name", ""),
            "unit_on_certificate": certificate.frozen.get("unit", ""),
            "completed_on": _date(certificate.frozen.get("completed_on")),
            "requested_at": certificate.requested_at,
            "issued_at": certificate.issued_at,
            "expires_on": certificate.expires_on,
            "revoked_at": certificate.revoked_at,
            "revoked_reason": certificate.revoked_reason,
        }
        for certificate in Certificate.objects.filter(user=user).order_by("requested_at")
    ]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def register() -> None:
    register_section(
        key="certificates",
        title=_("Chứng chỉ"),
        rows=certificate_rows,
        fields={
            "title": _("Tên chứng chỉ"),
            "code": _("Mã chứng chỉ"),
            "kind": Field(_("Loại"), dict(CertificateKind.choices)),
            "status": Field(_("Trạng thái"), dict(CertificateStatus.choices)),
            "full_name_on_certificate": _("Họ và tên trên chứng chỉ"),
            "unit_on_certificate": _("Đơn vị trên chứng chỉ"),
            "completed_on": _("Ngày hoàn thành"),
            "requested_at": _("Yêu cầu cấp lúc"),
            "issued_at": _("Cấp lúc"),
            "expires_on": _("Hết hạn ngày"),
            "revoked_at": _("Thu hồi lúc"),
            "revoked_reason": _("Lý do thu hồi"),
        },
    )
