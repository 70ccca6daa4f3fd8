from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append an audit entry. Call it inside the action's own transaction so
    the entry and the change commit (or roll back) together."""
    entry = AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_label(actor),
        action=action,
        data=data or {},
        reason=reason or "",
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
        entry.target_id = str(target.pk)
        entry.target_label = str(target)[:255]
    entry.save()
    return entry


def _label(actor) -> str:
    if actor is None:
        return "system"
    return (getattr(actor, "email", "") or str(actor))[:255]
