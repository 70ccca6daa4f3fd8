"""The platform's own signature validator: what each signature in a PDF says, in plain words.

One rule decides the verdict of a signature (``_verdict``) and of a document (the first problem
of any signature; no signature at all is its own verdict). The lab's check-documents task, its
signing checks and the public "Kiểm tra chữ ký số" tool all read it from here.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from datetime import datetime

from cryptography import x509
from django.utils.translation import gettext_lazy as _

from .pki import crl_der, trusted_roots


class Verdict:
    VALID = "valid"
    ALTERED = "altered"  # the signed bytes or the document changed after signing
    EXPIRED = "expired"  # the certificate was not valid when the document was signed (or now)
    UNTRUSTED = "untrusted"  # no chain to a root of the trust list
    REVOKED = "revoked"  # the CA revoked the certificate
    NO_SIGNATURE = "no_signature"  # a picture of a signature, or nothing: no digital signature
    UNREADABLE = "unreadable"  # not a PDF, or a damaged one


VERDICT_LABELS = {
    Verdict.VALID: _("Hợp lệ: chữ ký còn nguyên vẹn, chứng thư số được tin cậy và còn hiệu lực khi ký"),
    Verdict.ALTERED: _("Không hợp lệ: văn bản đã bị sửa đổi sau khi ký"),
    Verdict.EXPIRED: _("Không hợp lệ: chứng thư số đã hết hạn khi ký"),
    Verdict.UNTRUSTED: _("Không hợp lệ: chứng thư số do tổ chức không được tin cậy cấp"),
    Verdict.REVOKED: _("Không hợp lệ: chứng thư số đã bị thu hồi"),
    Verdict.NO_SIGNATURE: _("Không hợp lệ: chỉ có hình ảnh chữ ký/con dấu, không có chữ ký số"),
    Verdict.UNREADABLE: _("Không đọc được tệp PDF"),
}


@dataclass
class SignatureReport:
    field_name: str
    signer: str
    signer_email: str
    issuer: str
    signed_at: str | None  # ISO 8601, the time the signer's software claims
    certificate_valid_from: str
    certificate_valid_until: str
    intact: bool
    covers_whole_document: bool
    changed_after_signing: bool
    trusted: bool
    revoked: bool
    expired: bool
    verdict: str


@dataclass
class DocumentReport:
    verdict: str
    signatures: list[SignatureReport] = field(default_factory=list)
    checked: int = 0  # signatures checked (at most ``limit``)
    total: int = 0  # signatures in the file
    error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _verdict(*, intact, changed, revoked, expired, trusted) -> str:
    if not intact or changed:
        return Verdict.ALTERED
    if revoked:
        return Verdict.REVOKED
    if expired:
        return Verdict.EXPIRED
    if not trusted:
        return Verdict.UNTRUSTED
    return Verdict.VALID


def _common_name(name) -> str:
    values = [a.value for a in name.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)]
    return str(values[0]) if values else name.rfc4514_string()


def _email_of(certificate: x509.Certificate) -> str:
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ""
    emails = names.get_values_for_type(x509.RFC822Name)
    return emails[0] if emails else ""


def pdf_validate(data: bytes, *, limit: int = 25) -> DocumentReport:
    """Validate every signature of ``data`` (at most ``limit``) against the platform's trust list,
    with the practice CA's current CRL and no network fetching."""
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1  # noqa: PLC0415 — pyHanko stays out of web start-up
    from pyhanko.pdf_utils.misc import PdfReadError  # noqa: PLC0415
    from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: PLC0415
    from pyhanko.sign.diff_analysis.policy_api import ModificationLevel  # noqa: PLC0415
    from pyhanko.sign.validation import validate_pdf_signature  # noqa: PLC0415
    from pyhanko.sign.validation.status import SignatureCoverageLevel  # noqa: PLC0415
    from pyhanko_certvalidator import ValidationContext  # noqa: PLC0415

    from certificates.signing import outside_event_loop  # noqa: PLC0415

    if not data.startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        return DocumentReport(verdict=Verdict.UNREADABLE, error=str(_("Tệp không phải là PDF.")))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return DocumentReport(
            verdict=Verdict.UNREADABLE, error=str(_("Tệp PDF bị hỏng: %(error)s") % {"error": exc})[:300]
        )
    if not embedded:
        return DocumentReport(verdict=Verdict.NO_SIGNATURE)
    roots = [translate_pyca_cryptography_cert_to_asn1(c) for c in trusted_roots()]
    crls = [crl_der()]
    report = DocumentReport(verdict=Verdict.VALID, total=len(embedded))
    for signature in embedded[:limit]:
        context = ValidationContext(trust_roots=roots, crls=crls, allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = outside_event_loop(
                lambda s=signature, c=context: validate_pdf_signature(s, signer_validation_context=c)
            )
        except Exception as exc:  # a malformed signature dictionary: report it, go on with the others
            report.signatures.append(_unreadable_signature(signature, exc))
            report.checked += 1
            continue
        certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
        signed_at: datetime | None = status.signer_reported_dt
        moment = signed_at or datetime.now(certificate.not_valid_after_utc.tzinfo)
        expired = not (certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc)
        changed = (not status.docmdp_ok) or (
            status.coverage != SignatureCoverageLevel.ENTIRE_FILE
            and (status.modification_level is None or status.modification_level > ModificationLevel.FORM_FILLING)
        )
        item = SignatureReport(
            field_name=str(signature.field_name or ""),
            signer=_common_name(certificate.subject),
            signer_email=_email_of(certificate),
            issuer=_common_name(certificate.issuer),
            signed_at=signed_at.isoformat() if signed_at else None,
            certificate_valid_from=certificate.not_valid_before_utc.isoformat(),
            certificate_valid_until=certificate.not_valid_after_utc.isoformat(),
            intact=bool(status.intact and status.valid),
            covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            changed_after_signing=bool(changed),
            trusted=bool(status.trusted),
            revoked=bool(status.revoked),
            expired=expired,
            verdict="",
        )
        item.verdict = _verdict(
            intact=item.intact, changed=changed, revoked=item.revoked, expired=expired, trusted=item.trusted
        )
        report.signatures.append(item)
        report.checked += 1
    problems = [s.verdict for s in report.signatures if s.verdict != Verdict.VALID]
    report.verdict = problems[0] if problems else Verdict.VALID
    return report


def _unreadable_signature(signature, exc) -> SignatureReport:
    return SignatureReport(
        field_name=str(getattr(signature, "field_name", "") or ""),
        signer="",
        signer_email="",
        issuer="",
        signed_at=None,
        certificate_valid_from="",
        certificate_valid_until="",
        intact=False,
        covers_whole_document=False,
        changed_after_signing=True,
        trusted=False,
        revoked=False,
        expired=False,
        verdict=Verdict.ALTERED,
    )
