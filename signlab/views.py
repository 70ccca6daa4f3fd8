"""Views of the practice lab: thin — the work is in services, reads in selectors."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from . import pki


@require_GET
def root_certificate(request):
    """The practice CA's root certificate, for learners to install (it is practice only)."""
    certificate = pki.load(pki.practice_authority().certificate_pem)
    response = HttpResponse(certificate.public_bytes(serialization.Encoding.DER), content_type="application/pkix-cert")
    response["Content-Disposition"] = 'attachment; filename="hoc-so-ca-thuc-hanh.crt"'
    return response


@require_GET
def revocation_list(request):
    """The practice CA's current CRL (the URL named in every practice certificate)."""
    response = HttpResponse(pki.crl_der(), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=300"
    return response
