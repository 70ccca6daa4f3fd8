"""PAdES B-B certification signatures with pyHanko, and the issuer's key material.

Every certificate carries a *certification* (author) signature with DocMDP
permission "no changes allowed": any later incremental update — a changed name,
an added annotation or page content — makes validators (pyHanko, Adobe Acrobat
Reader) report the document as modified, not merely "signed, then extended".

The signer is built once per process from the PKCS#12 named in settings and
keeps the parsed private key: pyHanko 0.38's ``SimpleSigner`` re-parses the key
from DER on every raw signature (≈ 95 ms for RSA, twice per PDF). It also keeps its
signed attribute ``signing-certificate-v2`` encoded: asn1crypto re-encodes a structure
built from Python values at every level it is nested in, and that one attribute cost
≈ 30 ms of a ≈ 45–115 ms CMS assembly; the signer's whole signature now takes ≈ 9 ms
(``bench/ANALYSIS.md``). The space for
the signature is fixed (``CERTIFICATE_SIGNATURE_BYTES_RESERVED``), so pyHanko
does not run a size-estimating dry run first.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import attributes, fields, signers
from pyhanko.sign.general import as_signing_certificate_v2, get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore


class IssuerKeyMissing(ImproperlyConfigured):
    """No issuer PKCS#12 at ``CERTIFICATE_ISSUER_PKCS12`` (run ``certificates_issuer_create``)."""


class _EncodedAttribute(attributes.CMSAttributeProvider):
    """A signed attribute whose value was encoded once (a parsed value costs asn1crypto nothing to
    nest and encode again)."""

    def __init__(self, attribute_type: str, value):
        self.attribute_type = attribute_type
        self.value = value

    async def build_attr_value(self, dry_run=False):
        return self.value


class PadesSignedAttributes(attributes.SignedAttributeProviderSpec):
    """The signed attributes pyHanko gives a PAdES signature without CAdES extras or a timestamp
    (``CAdESSignedAttributeProviderSpec(is_pades=True)``: content type, message digest and
    ``signing-certificate-v2``), with ``signing-certificate-v2`` encoded once per signer."""

    def __init__(self, signing_cert):
        self._signing_certificate = _EncodedAttribute(
            "signing_certificate_v2", tsp.SigningCertificateV2.load(as_signing_certificate_v2(signing_cert).dump())
        )

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str):
        yield self._signing_certificate


class KeptKeySigner(signers.SimpleSigner):
    """A ``SimpleSigner`` for PAdES signatures (``SigSeedSubFilter.PADES``, no timestamp) that signs
    with a parsed ``cryptography`` key object and keeps its signed attributes encoded."""

    def __init__(self, *, private_key, **kwargs):
        self._private_key = private_key
        super().__init__(**kwargs)
        self.signed_attr_prov_spec = PadesSignedAttributes(self.signing_cert)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algorithm = mechanism["algorithm"].native
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._private_key, ec.EllipticCurvePrivateKey):
            return self._private_key.sign(data, ec.ECDSA(hash_algo))
        if isinstance(self._private_key, rsa.RSAPrivateKey) and algorithm != "rsassa_pss":
            return self._private_key.sign(data, PKCS1v15(), hash_algo)
        return super().sign_raw(data, digest_algorithm)  # anything unusual: pyHanko's own path


@dataclass(frozen=True)
class IssuerSigner:
    signer: KeptKeySigner
    fingerprint: str  # SHA-256 of the signing certificate (DER), lowercase hex
    subject: str
    certificate_pem: str
    not_valid_before: datetime
    not_valid_after: datetime
    source: tuple  # (path, mtime, size): a replaced file is loaded again


_lock = threading.Lock()
_cached: IssuerSigner | None = None


def _source_of(path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)


def issuer_signer() -> IssuerSigner:
    """The process's signer, loaded once (and again only if the PKCS#12 file changes)."""
    global _cached
    path = Path(settings.CERTIFICATE_ISSUER_PKCS12)
    if not path.exists():
        raise IssuerKeyMissing(f"Issuer PKCS#12 not found at {path}; run manage.py certificates_issuer_create.")
    source = _source_of(path)
    cached = _cached
    if cached is not None and cached.source == source:
        return cached
    with _lock:
        if _cached is None or _cached.source != source:
            _cached = _load(path, source)
        return _cached


def _load(path: Path, source: tuple) -> IssuerSigner:
    passphrase = settings.CERTIFICATE_ISSUER_PASSPHRASE.encode() or None
    key, cert, others = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase)
    if key is None or cert is None:
        raise ImproperlyConfigured(f"{path} holds no private key and certificate.")
    registry = SimpleCertificateStore()
    registry.register_multiple([translate_pyca_cryptography_cert_to_asn1(other) for other in others or []])
    signer = KeptKeySigner(
        private_key=key,
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=registry,
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    return IssuerSigner(
        signer=signer,
        fingerprint=hashlib.sha256(der).hexdigest(),
        subject=cert.subject.rfc4514_string(),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        not_valid_before=cert.not_valid_before_utc,
        not_valid_after=cert.not_valid_after_utc,
        source=source,
    )


def pdf_sign(pdf: bytes, *, issuer: IssuerSigner, reason: str = "", location: str = "") -> bytes:
    """Certify ``pdf`` PAdES B-B (SubFilter ETSI.CAdES.detached) as an incremental update.

    The signature is a certification signature (``/Perms /DocMDP``) whose transform
    allows no changes (``/P 1``); ``pdf`` must not be signed already (a certification
    signature has to be the first one).
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name="HocSoSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    out = io.BytesIO()

    def sign() -> None:
        signers.PdfSigner(metadata, signer=issuer.signer).sign_pdf(
            writer, output=out, bytes_reserved=settings.CERTIFICATE_SIGNATURE_BYTES_RESERVED
        )

    outside_event_loop(sign)
    return out.getvalue()


def outside_event_loop(function):
    """Call ``function`` (which uses ``asyncio.run``, as pyHanko's synchronous API does)
    in a helper thread if this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def issuer_key_generate(
    *, path: Path, passphrase: str, common_name: str, organisation: str, days: int = 3650
) -> x509.Certificate:
    """Write a self-signed ECDSA P-256 issuer key and certificate as PKCS#12 (development and demo)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(common_name.encode(), key, cert, None, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return cert
