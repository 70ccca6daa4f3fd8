"""The learner's certificates in "Dữ liệu của tôi"."""

from django.utils.translation import gettext_lazy as _

from lms.accounts.personal_data import register_section

from .models import Certificate


def certificate_rows(user) -> list[dict]:
    return [
        {
            "code": certificate.code_display,
            "kind": certificate.kind,
            "title": certificate.title,
            "status": certificate.status,
            "full_name_on_certificate": certificate.frozen.get("full_name", ""),
            "unit_on_certificate": certificate.frozen.get("unit", ""),
            "completed_on": certificate.frozen.get("completed_on"),
            "requested_at": certificate.requested_at,
            "issued_at": certificate.issued_at,
            "expires_on": certificate.expires_on,
            "revoked_at": certificate.revoked_at,
            "revoked_reason": certificate.revoked_reason,
        }
        for certificate in Certificate.objects.filter(user=user).order_by("requested_at")
    ]


def register() -> None:
    register_section(key="certificates", title=_("Chứng chỉ"), rows=certificate_rows)
