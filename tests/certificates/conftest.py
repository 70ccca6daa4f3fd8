import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from courses.services import enrollment_create, lesson_complete
from tests.factories import UserFactory, course_lessons, make_course

NAME = "Nguyễn Thị Hồng Nhung"
COURSE = "Chữ ký số và giao dịch điện tử"


@pytest.fixture(scope="session")
def issuer_key():
    """The self-signed development issuer at CERTIFICATE_ISSUER_PKCS12 (created once)."""
    from certificates.demo import issuer_key_ensure

    return issuer_key_ensure()


@pytest.fixture
def nhung(db):
    return UserFactory(full_name=NAME, email="nhung@example.vn")


def complete_course(user, course):
    """Enrol and mark every lesson done through the real services (the hook runs)."""
    enrollment_create(user=user, course=course)
    result = None
    for lesson in course_lessons(course):
        result = lesson_complete(user=user, lesson=lesson)
    return result.enrollment


@pytest.fixture
def course(db):
    return make_course(COURSE, modules=1, lessons_per_module=2)


@pytest.fixture
def issued(db, issuer_key, nhung, course):
    """An issued certificate, rendered and signed in this process by the service."""
    from certificates.models import Certificate
    from certificates.services import certificate_issue

    enrollment = complete_course(nhung, course)
    certificate = Certificate.objects.get(enrollment=enrollment)
    return certificate_issue(certificate_id=certificate.pk)


def pdf_bytes(certificate) -> bytes:
    from certificates.assets import certificate_storage

    with certificate_storage().open(certificate.pdf, "rb") as handle:
        return handle.read()


def tool(name: str) -> str:
    from tests.services import require

    path = shutil.which(name)
    require(path is not None, f"{name} is not installed (make system-test-deps)")
    return path


def pdftotext(path: Path) -> str:
    return subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdffonts(path: Path) -> list[dict]:
    """Rows of ``pdffonts``: name, type, emb (yes/no)."""
    lines = subprocess.run([tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in lines.splitlines()[2:]:
        parts = line.split()
        # name type [type…] encoding emb sub uni object generation: read emb from the right.
        rows.append({"name": parts[0], "emb": parts[-5]})
    return rows


def qr_decode(path: Path, tmp_path: Path) -> str:
    png = tmp_path / "page"
    subprocess.run([tool("pdftoppm"), "-r", "150", "-png", "-singlefile", str(path), str(png)], check=True)
    out = subprocess.run(
        [tool("zbarimg"), "--quiet", "--raw", str(png) + ".png"], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def pdfsig_validation(path: Path) -> str:
    """The "Signature Validation:" value of ``pdfsig`` (it exits 0 even on a bad digest)."""
    out = subprocess.run([tool("pdfsig"), str(path)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "Signature Validation:" in line:
            return line.split("Signature Validation:", 1)[1].strip()
    return ""


def pyhanko_status(data: bytes):
    """pyHanko's validation of the (only) signature against the issuer certificate as trust root."""
    import io

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _key, cert, _others = pkcs12.load_key_and_certificates(
        Path(settings.CERTIFICATE_ISSUER_PKCS12).read_bytes(), settings.CERTIFICATE_ISSUER_PASSPHRASE.encode() or None
    )
    assert isinstance(cert, x509.Certificate)
    context = ValidationContext(trust_roots=[translate_pyca_cryptography_cert_to_asn1(cert)])
    from certificates.signing import outside_event_loop

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signature = reader.embedded_signatures[0]
    # Playwright's session fixture leaves an event loop running in this thread.
    return signature, outside_event_loop(lambda: validate_pdf_signature(signature, context))
