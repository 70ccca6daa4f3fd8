"""Certificates on learner pages of the layers below (course page, completion page, home):
templates ask here, so courses and cms never import certificates."""

from django import template
from django.urls import reverse

from lms.public_urls import public_url

from ..selectors import (
    certificate_of_enrollment,
    certificate_state,
    certificate_status_message,
    certificate_waiting,
    certificates_recent_of,
)

register = template.Library()


@register.simple_tag
def enrollment_certificate(enrollment):
    """The ``CertificateState`` of a completed enrolment's certificate, or None (one query)."""
    certificate = certificate_of_enrollment(enrollment=enrollment)
    return certificate_state(certificate=certificate) if certificate else None


@register.simple_tag(takes_context=True)
def recent_certificates(context, limit: int = 3):
    """The signed-in learner's latest certificates as (title, ``CertificateState``) pairs."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return [(c.title, certificate_state(certificate=c)) for c in certificates_recent_of(user=request.user, limit=limit)]


@register.filter
def status_message(certificate) -> str:
    """What the learner reads under a certificate's status (``certificate_status_message``)."""
    return certificate_status_message(certificate)


@register.filter
def waiting(certificate) -> bool:
    """Pending and not known to be on its way: shown as "Đang chờ cấp"."""
    return certificate_waiting(certificate)


@register.filter
def carried_credential(certificate):
    """The certificate's Open Badges credential if the learner may carry it (not revoked; the
    certificate issued or expired), from the row ``certificates_of`` already joined; else None."""
    if certificate.status not in ("issued", "expired"):
        return None
    credential = getattr(certificate, "credential", None)
    return credential if credential is not None and credential.revoked_at is None else None


@register.filter
def credential_link(credential) -> str:
    """The public link to a credential, on the site's public address (what an employer opens)."""
    return public_url(reverse("credential_public", args=[credential.public_id]))
