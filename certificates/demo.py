"""Demo and development: issuer keys (PDF and Open Badges), a default template, certificates for demo learners."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction

from courses.models import Enrollment, EnrollmentStatus, PathCompletion

from .credential_keys import credential_key_ensure
from .models import Certificate, CertificateStatus, CertificateTemplate
from .services import certificate_enqueue, certificate_request
from .signing import issuer_key_generate, issuer_signer

DEMO_TEMPLATE = {
    "name": "Mẫu mặc định (minh hoạ)",
    "title": "CHỨNG CHỈ",
    "issuer_name": "Sở Khoa học và Công nghệ tỉnh Bắc Ninh (dữ liệu minh hoạ)",
    "place": "Bắc Ninh",
    "signatory_title": "Giám đốc Trung tâm Công nghệ thông tin",
    "signatory_name": "Nguyễn Văn Minh Hoạ",
}


def issuer_key_ensure(*, replace: bool = False, common_name: str = "", organisation: str = "", days: int = 3650) -> str:
    """Create the self-signed development issuer if missing (or ``replace``); returns its fingerprint.

    The Open Badges credential key (``CREDENTIAL_ISSUER_KEY``) is created too if missing: an
    issue signs both, so development, the demo and the tests get both from this one call."""
    credential_key_ensure()
    path = Path(settings.CERTIFICATE_ISSUER_PKCS12)
    if replace or not path.exists():
        cert = issuer_key_generate(
            path=path,
            passphrase=settings.CERTIFICATE_ISSUER_PASSPHRASE,
            common_name=common_name or "Học Số — chứng chỉ học tập (phát triển)",
            organisation=organisation or "Học Số (dữ liệu minh hoạ)",
            days=days,
        )
        return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    return issuer_signer().fingerprint


def demo_certificates_ensure() -> int:
    """Idempotent: issuer key, a default template, and a certificate requested (through
    the real pipeline: enqueue only, never waiting for a worker) for every completed
    enrolment or path completion without one. Returns how many were requested."""
    issuer_key_ensure()
    if not CertificateTemplate.objects.filter(is_default=True).exists():
        CertificateTemplate.objects.create(is_default=True, **DEMO_TEMPLATE)
    count = 0
    with transaction.atomic():
        for enrollment in Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED).select_related("user", "course"):
            if not enrollment.certificates.exists():
                certificate_request(user=enrollment.user, enrollment=enrollment)
                count += 1
        for completion in PathCompletion.objects.select_related("user", "path"):
            if not completion.certificates.exists():
                certificate_request(user=completion.user, path_completion=completion)
                count += 1
    # Pending ones never handed to a broker (e.g. requested while it was down).
    for pk in Certificate.objects.filter(status=CertificateStatus.PENDING, enqueued_at__isnull=True).values_list(
        "pk", flat=True
    ):
        certificate_enqueue(certificate_id=pk)
    return count
