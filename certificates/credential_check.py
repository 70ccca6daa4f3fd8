"""Checking an Open Badges 3.0 credential (VC-JWT) against this site: signature, dates, status.

A read, used by the verification page and ``manage.py credential_verify``. Only credentials whose
issuer is this site's ``did:web`` are checked; for another issuer the answer is "cannot check"
(resolving other issuers' keys is not done offline).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from .credential_keys import issuer_did
from .models import Credential, CredentialKey

MAX_TOKEN_LENGTH = 64 * 1024


@dataclass(frozen=True)
class CredentialCheck:
    """``status``: valid, revoked, expired, not_yet_valid, invalid (signature or key), malformed
    (not a VC-JWT), other_issuer (cannot check here)."""

    status: str
    issuer: str = ""
    name: str = ""
    achievement: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    certificate_code: str = ""

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "issuer": self.issuer,
            "name": self.name,
            "achievement": self.achievement,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "certificate_code": self.certificate_code,
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
        return _described("other_issuer", claims)
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
    credential = Credential.objects.filter(payload__id=claims.get("id"), key=key).select_related("certificate").first()
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
