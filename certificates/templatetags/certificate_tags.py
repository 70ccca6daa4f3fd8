"""Certificates on learner pages of the layers below (course page, completion page, home):
templates ask here, so courses and cms never import certificates."""

from django import template

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
