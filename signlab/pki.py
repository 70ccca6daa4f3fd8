"""The practice PKI: a CA whose root anyone may download, certificates in learners' names whose
keys stay on the server (encrypted with a key derived from ``SIGNLAB_KEY_SECRET``), revocation
and the CRL the platform serves.

Only ``cryptography`` is used here; pyHanko (signing, validation) loads in ``signlab.signing``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lms.public_urls import public_url

from .models import PracticeAuthority, PracticeCertificate, PracticeCertificateRole

PRACTICE_LABEL = "THỰC HÀNH - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
CA_NAME = "Học Số - CA thực hành"
LEADER_NAME = "Trần Quốc Minh - Giám đốc Sở (mẫu)"

# --- Keys at rest ------------------------------------------------------------------------------


def _wrapping_key() -> bytes:
    secret = (settings.SIGNLAB_KEY_SECRET or settings.SECRET_KEY).encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"hocso-signlab-private-keys").derive(secret)


def key_encrypt(key: ec.EllipticCurvePrivateKey) -> bytes:
    """PKCS#8 DER of ``key`` under AES-256-GCM: nonce (12 bytes) + ciphertext."""
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    nonce = os.urandom(12)
    return nonce + AESGCM(_wrapping_key()).encrypt(nonce, der, b"signlab")


def key_decrypt(blob: bytes) -> ec.EllipticCurvePrivateKey:
    blob = bytes(blob)
    der = AESGCM(_wrapping_key()).decrypt(blob[:12], blob[12:], b"signlab")
    return serialization.load_der_private_key(der, password=None)


# --- Names and certificates ----------------------------------------------------------------------


def _name(common_name: str, organisation: str = "Học Số") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, PRACTICE_LABEL),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def self_signed_authority(common_name: str, *, organisation: str = "Học Số", days: int = 3650):
    """A new ECDSA P-256 root: (key, certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organisation)
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def end_entity_certificate(
    *, ca_key, ca_certificate: x509.Certificate, common_name: str, not_before: datetime, not_after: datetime, email=""
):
    """A signing certificate issued by ``ca_certificate``: (key, certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url())], None, None, None)]
            ),
            critical=False,
        )
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def crl_url() -> str:
    return public_url(reverse("signlab:crl"))


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def load(pem_text: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem_text.encode())


# --- The practice CA -------------------------------------------------------------------------------


def practice_authority() -> PracticeAuthority:
    """The practice CA, created on first use (one row; concurrent first uses create one)."""
    authority = PracticeAuthority.objects.filter(slot=1).first()
    if authority is not None:
        return authority
    key, certificate = self_signed_authority(CA_NAME)
    try:
        with transaction.atomic():
            return PracticeAuthority.objects.create(
                slot=1, name=CA_NAME, certificate_pem=pem(certificate), key_encrypted=key_encrypt(key)
            )
    except IntegrityError:  # another process made it first: use theirs
        return PracticeAuthority.objects.get(slot=1)


@dataclass(frozen=True)
class SigningIdentity:
    """What signing needs: the private key, the certificate and the chain up to the root."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    record: PracticeCertificate | None = None


def certificate_issue(*, user=None, common_name: str, role=PracticeCertificateRole.LEARNER, days=None, not_before=None):
    """Issue a practice certificate from the practice CA and keep it (key encrypted)."""
    authority = practice_authority()
    ca_key = key_decrypt(authority.key_encrypted)
    ca_certificate = load(authority.certificate_pem)
    start = not_before or timezone.now() - timedelta(minutes=5)
    end = start + timedelta(days=days or settings.SIGNLAB_CERTIFICATE_DAYS)
    key, certificate = end_entity_certificate(
        ca_key=ca_key,
        ca_certificate=ca_certificate,
        common_name=common_name,
        not_before=start,
        not_after=end,
        email=getattr(user, "email", "") or "",
    )
    record = PracticeCertificate.objects.create(
        user=user,
        role=role,
        authority=authority,
        serial_number=str(certificate.serial_number),
        subject_name=common_name[:200],
        certificate_pem=pem(certificate),
        key_encrypted=key_encrypt(key),
        not_valid_before=certificate.not_valid_before_utc,
        not_valid_after=certificate.not_valid_after_utc,
    )
    return record


def identity_of(record: PracticeCertificate) -> SigningIdentity:
    return SigningIdentity(
        key=key_decrypt(record.key_encrypted),
        certificate=load(record.certificate_pem),
        chain=(load(record.authority.certificate_pem),),
        record=record,
    )


def current_certificate_for(user) -> PracticeCertificate | None:
    """The learner's certificate in force (not revoked, not expired), if any."""
    now = timezone.now()
    return (
        PracticeCertificate.objects.select_related("authority")
        .filter(user=user, role=PracticeCertificateRole.LEARNER, revoked_at__isnull=True, not_valid_after__gt=now)
        .order_by("-not_valid_after")
        .first()
    )


def certificate_for_signing(user) -> PracticeCertificate:
    """The learner's certificate in force, issued now in their name on first use (or after a
    revocation or expiry)."""
    record = current_certificate_for(user)
    if record is not None:
        return record
    return certificate_issue(user=user, common_name=user.full_name or user.email)


def leader_identity() -> SigningIdentity:
    """The practice "leader" who signs first in the countersign activity (one certificate, kept)."""
    record = (
        PracticeCertificate.objects.select_related("authority")
        .filter(role=PracticeCertificateRole.LEADER, revoked_at__isnull=True, not_valid_after__gt=timezone.now())
        .first()
    )
    if record is None:
        record = certificate_issue(
            common_name="Trần Quốc Minh - Giám đốc Sở (mẫu)", role=PracticeCertificateRole.LEADER
        )
    return identity_of(record)


def certificate_revoke(*, record: PracticeCertificate, reason: str) -> PracticeCertificate:
    """Revoke ``record`` now (idempotent); the CRL lists it from this moment."""
    updated = PracticeCertificate.objects.filter(pk=record.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revocation_reason=reason[:200]
    )
    if updated:
        record.refresh_from_db()
    return record


# --- Revocation list ---------------------------------------------------------------------------------


def crl_der(authority: PracticeAuthority | None = None) -> bytes:
    """The practice CA's current CRL (DER), signed now, valid for ``SIGNLAB_CRL_HOURS``."""
    authority = authority or practice_authority()
    ca_key = key_decrypt(authority.key_encrypted)
    ca_certificate = load(authority.certificate_pem)
    now = timezone.now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_certificate.subject)
        .last_update(now - timedelta(minutes=1))
        .next_update(now + timedelta(hours=settings.SIGNLAB_CRL_HOURS))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    revoked = PracticeCertificate.objects.filter(authority=authority, revoked_at__isnull=False).values_list(
        "serial_number", "revoked_at"
    )
    for serial, revoked_at in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(int(serial)).revocation_date(revoked_at).build()
        )
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def trusted_roots() -> list[x509.Certificate]:
    """The trust list: the practice CA and the root certificates the operator installed
    (``SIGNLAB_TRUSTED_ROOTS``: PEM or DER files)."""
    roots = [load(practice_authority().certificate_pem)]
    for path in settings.SIGNLAB_TRUSTED_ROOTS:
        data = Path(path).read_bytes()
        try:
            roots.extend(x509.load_pem_x509_certificates(data))
        except ValueError:
            roots.append(x509.load_der_x509_certificate(data))
    return roots
