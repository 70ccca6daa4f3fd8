"""What rendering needs besides the certificate: storage, template images, issuer keys.

Template images are prepared once when a template is saved
(``certificate_template_prepare``) and kept per process by (template, version);
the issuer key row is recorded once per process and signing key.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lms.audit.services import audit_record

from . import images
from .models import Certificate, CertificateStatus, CertificateTemplate, IssuerKey
from .storage import certificate_storage  # noqa: F401 — where callers have always found it

if TYPE_CHECKING:
    from .signing import IssuerSigner


# --- Templates ------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateAssets:
    background: bytes | None
    signature: bytes | None
    seal: bytes | None


_assets_lock = threading.Lock()
_assets: dict[tuple, TemplateAssets] = {}


def _read(field) -> bytes | None:
    if not field:
        return None
    with field.open("rb") as handle:
        return handle.read()


def template_assets(template: CertificateTemplate) -> TemplateAssets:
    """The template's prepared images (bytes), cached per process and template version."""
    key = (template.pk, template.version, template.layout)
    cached = _assets.get(key)
    if cached is not None:
        return cached
    if template.pk and template.prepared_version != template.version:
        certificate_template_prepare(template=template)
    background = _read(template.prepared_background) if template.pk else None
    assets = TemplateAssets(
        background=background or images.default_background(template.layout),
        signature=_read(template.prepared_signature) if template.pk else None,
        seal=_read(template.prepared_seal) if template.pk else None,
    )
    with _assets_lock:
        if len(_assets) > 64:
            _assets.clear()
        _assets[key] = assets
    return assets


def certificate_template_prepare(*, template: CertificateTemplate) -> CertificateTemplate:
    """Pre-process the template's images with Pillow (background: page-sized JPEG;
    signature and seal: small PNGs) and store them. Idempotent per version."""
    sources = {
        "prepared_background": (template.background_image, images.background_prepare, "jpg"),
        "prepared_signature": (template.signature_image, images.stamp_prepare, "png"),
        "prepared_seal": (template.seal_image, images.stamp_prepare, "png"),
    }
    for field_name, (image, prepare, extension) in sources.items():
        field = getattr(template, field_name)
        if field:
            field.delete(save=False)
        if image is not None:
            with image.file.open("rb") as source:
                data = prepare(source)
            field.save(
                f"tpl{template.pk}-v{template.version}-{field_name[9:]}.{extension}", ContentFile(data), save=False
            )
    template.prepared_version = template.version
    CertificateTemplate.objects.filter(pk=template.pk).update(
        prepared_background=template.prepared_background.name or "",
        prepared_signature=template.prepared_signature.name or "",
        prepared_seal=template.prepared_seal.name or "",
        prepared_version=template.version,
    )
    return template


@transaction.atomic
def certificate_template_saved(*, template: CertificateTemplate) -> CertificateTemplate:
    """After an edit in the CMS: a new version (frozen into certificates rendered
    from now on) and its images prepared. Certificates already issued keep their
    PDF until an editor regenerates them."""
    CertificateTemplate.objects.filter(pk=template.pk).update(version=F("version") + 1)
    template.refresh_from_db()
    if template.is_default:
        CertificateTemplate.objects.exclude(pk=template.pk).filter(is_default=True).update(is_default=False)
    return certificate_template_prepare(template=template)


# --- Issuer keys --------------------------------------------------------------------------

_recorded: dict[str, IssuerKey] = {}


def issuer_key_record(*, issuer: IssuerSigner) -> IssuerKey:
    """The ``IssuerKey`` row of the signing certificate in use; the first use of a new
    key makes it the active one (the previous one keeps verifying)."""
    cached = _recorded.get(issuer.fingerprint)
    if cached is not None and cached.compromised_at is None:
        fresh = IssuerKey.objects.filter(pk=cached.pk, active=True, compromised_at__isnull=True).first()
        if fresh is not None:
            return fresh
    with transaction.atomic():
        key, _created = IssuerKey.objects.get_or_create(
            fingerprint=issuer.fingerprint,
            defaults={
                "subject": issuer.subject[:500],
                "certificate_pem": issuer.certificate_pem,
                "not_valid_before": issuer.not_valid_before,
                "not_valid_after": issuer.not_valid_after,
            },
        )
        if not key.active and key.compromised_at is None:
            IssuerKey.objects.filter(active=True).exclude(pk=key.pk).update(active=False)
            IssuerKey.objects.filter(pk=key.pk).update(active=True)
            key.active = True
    _recorded[issuer.fingerprint] = key
    return key


@transaction.atomic
def issuer_key_declare_compromised(*, actor, key: IssuerKey, reason: str) -> int:
    """Declare a signing key compromised: every certificate it signed shows as revoked
    on verification until reissued; the key signs nothing more. Returns how many
    certificates are affected."""
    locked = IssuerKey.objects.select_for_update().get(pk=key.pk)
    if locked.compromised_at is None:
        locked.compromised_at = timezone.now()
        locked.compromise_reason = reason
        locked.active = False
        locked.save(update_fields=["compromised_at", "compromise_reason", "active"])
        audit_record(actor=actor, action="issuer_key.compromised", target=locked, reason=reason)
    return Certificate.objects.filter(issuer_key=locked, status=CertificateStatus.ISSUED).count()
