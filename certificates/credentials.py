"""Open Badges 3.0 credentials: issue (VC-JWT, ES256), revoke, and the Bitstring Status List.

Every issued certificate gets one ``OpenBadgeCredential`` (OB 3.0 on VC 2.0), made from the
certificate's frozen data in the transaction that marks it issued and signed with the issuer's
credential key (``credential_keys``). Revocation sets the credential's bit in the W3C Bitstring
Status List credential served at ``/credentials/status/<n>`` (docs/open-badges.md).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import re
import secrets
import uuid
from datetime import UTC, datetime, time

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from joserfc import jws
from wagtail.models import Page

from lms.page_cache import content_cached
from lms.public_urls import public_site_name, public_url

from .credential_keys import credential_key_record, credential_signer, issuer_did, verification_method_id
from .models import Certificate, CertificateKind, CertificateStatus, Credential
from .selectors import verify_url

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _instant(moment: datetime) -> str:
    """XML Schema dateTimeStamp in UTC, seconds precision (``2026-11-28T04:30:00Z``)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _identity_hash(email: str, salt: str) -> str:
    """OB 3.0 ``IdentityHash``: ``sha256$`` + hex SHA-256 of the identity followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _achievement(certificate: Certificate) -> dict:
    frozen = certificate.frozen
    page_id = frozen.get("course_id") or frozen.get("path_id")
    page = _achievement_page(page_id)
    title = certificate.title
    # A stable id (a page's slug may change): a name-based UUID of the course or path.
    name = public_url(f"/achievements/{certificate.kind}/{page_id}")
    achievement_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"
    if certificate.kind == CertificateKind.COURSE:
        narrative = f"Hoàn thành mọi bài học (và bài kiểm tra, nếu có) của khoá học “{title}”."
    else:
        narrative = f"Hoàn thành mọi khoá học của lộ trình học “{title}”."
    if page["outcomes"]:
        narrative += "\n\nSau khoá học, người học làm được:\n" + "\n".join(f"- {item}" for item in page["outcomes"])
    criteria = {"narrative": narrative}
    if page["url"]:
        criteria = {"id": public_url(page["url"]), **criteria}
    achievement = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": title,
        "inLanguage": "vi",
        "description": page["summary"] or title,
        "criteria": criteria,
    }
    if page["topic"]:
        # The course's topic as an OB 3.0 ``Alignment``: the catalogue filtered by that topic.
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": page["topic_name"],
                "targetCode": page["topic"],
                "targetFramework": public_site_name(),
                "targetUrl": public_url(f"{page['catalogue_url']}?topic={page['topic']}"),
            }
        ]
    return achievement


def _achievement_page(page_id: int | None) -> dict:
    """What an achievement takes from its course or path page as published (its URL, summary,
    outcomes and topic), kept with the published content: every certificate of a course shares it,
    and reading it costs a dozen queries (the page, its parent, the site). URLs are kept as the
    site's paths, made public (``SITE_URL``) by the caller."""
    if not page_id:
        return _achievement_page_read(None)
    return content_cached(f"achievement-page:{page_id}", lambda: _achievement_page_read(page_id))


def _achievement_page_read(page_id: int | None) -> dict:
    page = Page.objects.filter(pk=page_id).specific().first() if page_id else None
    topic = getattr(page, "topic", "")
    catalogue = page.get_parent() if topic else None
    if catalogue is None or not catalogue.url:
        topic = ""
    with translation.override("vi"):
        topic_name = str(page.get_topic_display()) if topic else ""
    return {
        "url": page.url if page is not None else None,
        "summary": (getattr(page, "summary", "") or "").strip(),
        "outcomes": learning_outcomes(getattr(page, "objectives", "")),
        "topic": topic,
        "topic_name": topic_name,
        "catalogue_url": catalogue.url if topic else "",
    }


def learning_outcomes(rich_text: str) -> list[str]:
    """The list items of a course's "Mục tiêu" (rich text) as plain lines; the whole text as one
    line when it has no list. Markdown-safe: the achievement's narrative is Markdown."""
    text = str(rich_text or "")
    items = re.findall(r"<li[^>]*>(.*?)</li>", text, flags=re.S | re.I) or ([text] if text.strip() else [])
    lines = (html.unescape(strip_tags(item)) for item in items)
    return [" ".join(line.split()) for line in lines if line.strip()]


def credential_status_url(status_list: int) -> str:
    return public_url(reverse("credential_status_list", args=[status_list]))


def _credential_status(credential: Credential) -> dict:
    url = credential_status_url(credential.status_list)
    return {
        "id": f"{url}#{credential.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(credential.status_index),
        "statusListCredential": url,
    }


def credential_build(*, certificate: Certificate, credential: Credential, salt: str) -> dict:
    """The ``OpenBadgeCredential`` of an issued certificate, from its frozen data."""
    frozen = certificate.frozen
    did = issuer_did()
    body = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{credential.public_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": did,
            "type": ["Profile"],
            "name": frozen.get("issuer_name") or public_site_name(),
            "url": public_url("/"),
        },
        "validFrom": _instant(certificate.issued_at),
        "name": certificate.title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": _identity_hash(certificate.user.email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                },
                {
                    "type": "IdentityObject",
                    "identityHash": frozen.get("full_name", ""),
                    "identityType": "name",
                    "hashed": False,
                },
            ],
            "achievement": _achievement(certificate),
        },
        "evidence": [
            {
                "id": verify_url(certificate.code),
                "type": ["Evidence"],
                "name": f"Trang xác minh chứng chỉ {certificate.code_display}",
            }
        ],
        "credentialStatus": _credential_status(credential),
    }
    if certificate.expires_on:
        end = timezone.make_aware(datetime.combine(certificate.expires_on, time.max))
        body["validUntil"] = _instant(end)
    return body


def _jwt_claims(body: dict) -> dict:
    """OB 3.0 §8.2.4: the credential plus the registered claims that mirror it."""
    claims = {
        **body,
        "iss": body["issuer"]["id"],
        "jti": body["id"],
        "nbf": int(datetime.fromisoformat(body["validFrom"]).timestamp()),
    }
    if "validUntil" in body:
        claims["exp"] = int(datetime.fromisoformat(body["validUntil"]).timestamp())
    return claims


def vc_jwt_sign(claims: dict, *, signer) -> str:
    """A compact JWS (ES256, ``typ`` vc+jwt) over ``claims`` serialised as compact UTF-8 JSON."""
    header = {"alg": "ES256", "kid": verification_method_id(signer.kid), "typ": "vc+jwt"}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, payload, signer.key, algorithms=["ES256"])


@transaction.atomic
def credential_issue(*, certificate: Certificate) -> Credential:
    """The certificate's Open Badges credential, made and signed once.

    Called by ``services._certificate_mark_issued`` with the certificate locked and issued
    (``issued_at`` set, frozen data complete); a second call returns the existing one. The row
    is inserted first so its id gives it a unique status-list slot, then signed and saved.
    Raises ``CredentialKeyMissing`` without a key — the issue (and so the task) fails with it."""
    existing = Credential.objects.filter(certificate=certificate).first()
    if existing is not None:
        return existing
    signer = credential_signer()
    key = credential_key_record(signer=signer)
    credential = Credential.objects.create(certificate=certificate, key=key, jwt="")
    size = settings.CREDENTIAL_STATUS_LIST_SIZE
    credential.status_list, credential.status_index = divmod(credential.pk - 1, size)
    credential.status_list += 1
    body = credential_build(certificate=certificate, credential=credential, salt=secrets.token_hex(16))
    credential.payload = body
    credential.jwt = vc_jwt_sign(_jwt_claims(body), signer=signer)
    credential.save(update_fields=["status_list", "status_index", "payload", "jwt"])
    return credential


def credentials_backfill(*, limit: int | None = None) -> int:
    """Give a credential to issued or expired certificates that have none (those issued before
    Open Badges existed). Each in its own short transaction with the certificate locked, so it
    runs beside the workers; idempotent. Returns how many were made."""
    missing = (
        Certificate.objects.filter(status__in=[CertificateStatus.ISSUED, CertificateStatus.EXPIRED])
        .filter(credential__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in list(missing[:limit] if limit else missing):
        with transaction.atomic():
            locked = Certificate.objects.select_for_update().select_related("user").get(pk=pk)
            if locked.status in (CertificateStatus.ISSUED, CertificateStatus.EXPIRED) and not hasattr(
                locked, "credential"
            ):
                credential_issue(certificate=locked)
                count += 1
    return count


def credential_revoke(*, certificate: Certificate) -> bool:
    """Set the certificate's credential's bit in its status list (idempotent). Returns whether
    a credential was revoked now. Runs in the caller's transaction."""
    return bool(
        Credential.objects.filter(certificate=certificate, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


# --- Bitstring Status List ---------------------------------------------------------------


def status_list_encode(indexes, *, size: int) -> str:
    """W3C Bitstring Status List ``encodedList``: the bitstring (index 0 = the first byte's most
    significant bit) GZIP-compressed, base64url without padding, with the multibase prefix ``u``."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def status_list_decode(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` (for checks and tests)."""
    data = encoded.removeprefix("u")
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def status_list_jwt(*, status_list: int, revoked_indexes) -> str:
    """The signed ``BitstringStatusListCredential`` of list ``status_list`` as it is now."""
    signer = credential_signer()
    credential_key_record(signer=signer)  # published in the JWKS before anything refers to it
    url = credential_status_url(status_list)
    now = timezone.now()
    body = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": _instant(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status_list_encode(revoked_indexes, size=settings.CREDENTIAL_STATUS_LIST_SIZE),
        },
    }
    claims = {**body, "iss": body["issuer"], "jti": url, "nbf": int(now.timestamp()), "iat": int(now.timestamp())}
    return vc_jwt_sign(claims, signer=signer)
