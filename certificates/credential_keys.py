"""The issuer's Open Badges identity: its ES256 key, ``did:web`` and the published key set.

The private key is a PKCS#8 PEM at ``CREDENTIAL_ISSUER_KEY`` (kept like the PDF issuer's
PKCS#12: a file the operator provides, or ``credentials_key_create`` writes for development).
Each key is recorded once as a ``CredentialKey`` whose ``kid`` is its RFC 7638 thumbprint; the
JOSE header names it by its DID URL ``did:web:<host>#<kid>``, which is also the ``kid`` in
``/.well-known/jwks.json`` and the verification method's id in ``/.well-known/did.json``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from joserfc.jwk import ECKey

from lms.public_urls import public_host

from .models import CredentialKey


class CredentialKeyMissing(ImproperlyConfigured):
    """No key at ``CREDENTIAL_ISSUER_KEY`` (run ``credentials_key_create``)."""


@dataclass(frozen=True)
class CredentialSigner:
    key: ECKey
    kid: str  # RFC 7638 thumbprint
    source: tuple  # (path, mtime, size): a replaced file is loaded again


_lock = threading.Lock()
_cached: CredentialSigner | None = None


def issuer_did() -> str:
    """``did:web`` of ``SITE_URL``'s host; a port is percent-encoded (did:web §3.1)."""
    return "did:web:" + quote(public_host(), safe="")


def verification_method_id(kid: str) -> str:
    return f"{issuer_did()}#{kid}"


def credential_signer() -> CredentialSigner:
    """The process's signing key, loaded once (and again only if the file changes)."""
    global _cached  # noqa: PLW0603 — a per-process cache, like signing.issuer_signer
    path = Path(settings.CREDENTIAL_ISSUER_KEY)
    if not path.exists():
        raise CredentialKeyMissing(f"Credential key not found at {path}; run manage.py credentials_key_create.")
    stat = path.stat()
    source = (str(path), stat.st_mtime_ns, stat.st_size)
    cached = _cached
    if cached is not None and cached.source == source:
        return cached
    with _lock:
        if _cached is None or _cached.source != source:
            password = settings.CREDENTIAL_ISSUER_KEY_PASSPHRASE or None
            key = ECKey.import_key(path.read_bytes(), password=password)
            if key.as_dict(private=False).get("crv") != "P-256" or not key.is_private:
                raise ImproperlyConfigured(f"{path} must hold a P-256 private key (ES256).")
            _cached = CredentialSigner(key=key, kid=key.thumbprint(), source=source)
        return _cached


def credential_key_generate(*, path: Path, passphrase: str = "") -> str:
    """Write a new P-256 private key (PKCS#8 PEM, mode 0600) at ``path``; returns its kid."""
    private = ec.generate_private_key(ec.SECP256R1())
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pem)
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return ECKey.import_key(private).thumbprint()


def credential_key_ensure(*, replace: bool = False) -> str:
    """Development, demo and tests: create the key if missing (or ``replace``: a rotation); returns its kid."""
    path = Path(settings.CREDENTIAL_ISSUER_KEY)
    if replace or not path.exists():
        return credential_key_generate(path=path, passphrase=settings.CREDENTIAL_ISSUER_KEY_PASSPHRASE)
    return credential_signer().kid


def credential_key_record(*, signer: CredentialSigner) -> CredentialKey:
    """The ``CredentialKey`` row of the key in use; its first use makes it the active one
    (the previous keys stay published, so what they signed keeps verifying)."""
    with transaction.atomic():
        key, _created = CredentialKey.objects.get_or_create(
            kid=signer.kid, defaults={"public_jwk": signer.key.as_dict(private=False)}
        )
        if not key.active and key.retired_at is None:
            CredentialKey.objects.filter(active=True).exclude(pk=key.pk).update(active=False)
            CredentialKey.objects.filter(pk=key.pk).update(active=True)
            key.active = True
    if key.retired_at is not None:
        raise CredentialKeyMissing(f"Credential key {key.kid} is retired; configure a new one.")
    return key


def public_jwk(key: CredentialKey) -> dict:
    """The published JWK: public parameters only, named by its DID URL."""
    jwk = {name: key.public_jwk[name] for name in ("kty", "crv", "x", "y")}
    return {**jwk, "kid": verification_method_id(key.kid), "alg": "ES256", "use": "sig"}


def jwks_document(keys) -> dict:
    return {"keys": [public_jwk(key) for key in keys]}


def did_document(keys) -> dict:
    """The ``did:web`` DID document: every published key as a JsonWebKey verification method."""
    did = issuer_did()
    methods = [
        {
            "id": verification_method_id(key.kid),
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": {name: key.public_jwk[name] for name in ("kty", "crv", "x", "y")},
        }
        for key in keys
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
