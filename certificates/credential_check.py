"""Checking an Open Badges 3.0 credential (VC-JWT) against this site: signature, dates, status.

A read, used by the verification page and ``manage.py credential_verify``. A credential whose
issuer is this site's ``did:web`` is checked fully (signature with a published key, dates, its
status-list bit). Another issuer's is checked only as far as can be done offline: its signature
when its DID carries its key (``did:key``, ``did:jwk``); otherwise the answer is "cannot check".
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey

from .credential_keys import issuer_did
from .models import Credential, CredentialKey

MAX_TOKEN_LENGTH = 64 * 1024


@dataclass(frozen=True)
class CredentialCheck:
    """``status``: valid, revoked, expired, not_yet_valid, invalid (signature or key), malformed
    (not a VC-JWT); for another issuer: other_issuer (its key cannot be resolved offline, so
    nothing was checked), other_valid (signed by the key its ``did:key``/``did:jwk`` names and
    within its dates; its revocation status is not fetched), other_invalid (that signature fails).
    ``foreign`` marks the answers about another issuer's credential (an expired one, too)."""

    status: str
    issuer: str = ""
    name: str = ""
    achievement: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    certificate_code: str = ""
    foreign: bool = False

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "issuer": self.issuer,
            "name": self.name,
            "achievement": self.achievement,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "certificate_code": self.certificate_code,
            "foreign": self.foreign,
        }


def _instant(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value).astimezone(UTC) if isinstance(value, str) else None
    except ValueError:
        return None


def _described(status: str, claims: dict, **extra) -> CredentialCheck:
    subject = claims.get("credentialSubject") if isinstance(claims.get("credentialSubject"), dict) else {}
    names = [
        item.get("identityHash", "")
        for item in subject.get("identifier") or []
        if isinstance(item, dict) and item.get("identityType") == "name" and not item.get("hashed")
    ]
    issuer = claims.get("issuer")
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    return CredentialCheck(
        status=status,
        issuer=str(issuer.get("name") or issuer.get("id") or "") if isinstance(issuer, dict) else str(issuer or ""),
        name=str(names[0]) if names else "",
        achievement=str(achievement.get("name") or ""),
        valid_from=_instant(claims.get("validFrom")),
        valid_until=_instant(claims.get("validUntil")),
        **extra,
    )


def _uuid_of(value) -> uuid.UUID | None:
    """The UUID of a ``urn:uuid:`` credential id, or None."""
    if not isinstance(value, str) or not value.startswith("urn:uuid:"):
        return None
    try:
        return uuid.UUID(value.removeprefix("urn:uuid:"))
    except ValueError:
        return None


def credential_check(*, token: str, now: datetime | None = None) -> CredentialCheck:
    """Check a VC-JWT ``token`` (surrounding whitespace ignored). Never raises for bad input."""
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        return CredentialCheck(status="malformed")
    try:
        unverified = jws.extract_compact(token.encode())
        header = unverified.headers()
        claims = json.loads(unverified.payload)
    except (JoseError, ValueError, UnicodeDecodeError):
        return CredentialCheck(status="malformed")
    if not isinstance(claims, dict) or "OpenBadgeCredential" not in (claims.get("type") or []):
        return CredentialCheck(status="malformed")
    did = issuer_did()
    issuer = claims.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != did or claims.get("iss", did) != did:
        return _foreign_check(token=token, header=header, claims=claims, issuer_id=issuer_id, now=now)
    kid = str(header.get("kid") or "")
    key = (
        CredentialKey.objects.filter(kid=kid.removeprefix(f"{did}#"), retired_at__isnull=True).first()
        if kid.startswith(f"{did}#")
        else None
    )
    if key is None or header.get("alg") != "ES256":
        return _described("invalid", claims)
    try:
        jws.deserialize_compact(token, ECKey.import_key(key.public_jwk), algorithms=["ES256"])
    except (JoseError, ValueError):
        return _described("invalid", claims)
    public_id = _uuid_of(claims.get("id"))
    credential = (
        Credential.objects.filter(public_id=public_id, key=key).select_related("certificate").first()
        if public_id
        else None
    )
    if credential is None:  # signed by our key, yet not one we recorded: treat as not ours
        return _described("invalid", claims)
    code = credential.certificate.code_display
    now = now or timezone.now()
    if credential.revoked_at is not None:
        return _described("revoked", claims, certificate_code=code)
    checked = _described("valid", claims, certificate_code=code)
    if checked.valid_from and now < checked.valid_from:
        return _described("not_yet_valid", claims, certificate_code=code)
    if checked.valid_until and now > checked.valid_until:
        return _described("expired", claims, certificate_code=code)
    return checked


# --- Other issuers: keys that a DID carries in itself ------------------------------------------

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
MULTICODEC_ED25519 = b"\xed\x01"
MULTICODEC_P256 = b"\x80\x24"


def _base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = BASE58_ALPHABET.find(char)
        if index < 0:
            raise ValueError("not base58")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def did_public_jwk(did: str) -> dict | None:
    """The public key a self-describing DID holds (``did:jwk``; ``did:key`` with an Ed25519 or
    P-256 key), resolved offline; None for any other DID (``did:web`` needs the network)."""
    try:
        if did.startswith("did:jwk:"):
            data = did.removeprefix("did:jwk:").split("#")[0]
            jwk = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
            return jwk if isinstance(jwk, dict) and "d" not in jwk else None
        if did.startswith("did:key:z"):
            raw = _base58_decode(did.removeprefix("did:key:z").split("#")[0])
            if raw.startswith(MULTICODEC_ED25519) and len(raw) == 34:
                return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw[2:])}
            if raw.startswith(MULTICODEC_P256) and len(raw) == 35:
                point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:]).public_numbers()
                return {
                    "kty": "EC",
                    "crv": "P-256",
                    "x": _b64url(point.x.to_bytes(32, "big")),
                    "y": _b64url(point.y.to_bytes(32, "big")),
                }
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    return None


FOREIGN_ALGORITHMS = {"EC": ["ES256"], "OKP": ["EdDSA", "Ed25519"]}


def _foreign_check(*, token: str, header: dict, claims: dict, issuer_id, now: datetime | None) -> CredentialCheck:
    """Another issuer's credential: its signature is checked only when the issuer's DID carries
    its key (``did:key``, ``did:jwk``) and the JOSE header names that DID; nothing is fetched."""
    issuer_id = str(issuer_id or "")
    kid = str(header.get("kid") or "")
    jwk = did_public_jwk(issuer_id) if claims.get("iss", issuer_id) == issuer_id else None
    if jwk is None or (kid and kid.split("#")[0] != issuer_id):
        return _described("other_issuer", claims, foreign=True)
    algorithms = FOREIGN_ALGORITHMS.get(jwk.get("kty"), [])
    try:
        key = ECKey.import_key(jwk) if jwk["kty"] == "EC" else OKPKey.import_key(jwk)
        if header.get("alg") not in algorithms:
            raise ValueError("algorithm does not match the key")
        jws.deserialize_compact(token, key, algorithms=algorithms)
    except (JoseError, ValueError, KeyError):
        return _described("other_invalid", claims, foreign=True)
    checked = _described("other_valid", claims, foreign=True)
    now = now or timezone.now()
    if checked.valid_from and now < checked.valid_from:
        return _described("not_yet_valid", claims, foreign=True)
    if checked.valid_until and now > checked.valid_until:
        return _described("expired", claims, foreign=True)
    return checked
