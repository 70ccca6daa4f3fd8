from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
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
    subject=None,
) -> AuditEntry:
    """Append an audit entry. Call it inside the action's own transaction so
    the entry and the change commit (or roll back) together.

    ``subject`` is the person the action changed (default: ``target`` when it is a user). Changes are
    recorded as ``data["changes"] = {field: [old, new]}`` (``audit_changes`` builds it), which the
    audit-log screen shows as a readable diff.
    """
    if subject is None and target is not None and isinstance(target, get_user_model()):
        subject = target
    entry = AuditEntry(
        subject=subject if subject is not None and subject.pk else None,
        subject_label=_person_label(subject) if subject is not None else "",
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


def audit_record_many(*, actor, action: str, items: list[dict[str, Any]], reason: str = "") -> int:
    """Append one entry per affected person in a single insert (imports, bulk assignments).
    Each item: ``{"subject": user, "target": obj (default the subject), "data": {...}}``."""
    entries = []
    for item in items:
        subject = item.get("subject")
        target = item.get("target", subject)
        entry = AuditEntry(
            actor=actor if actor is not None and actor.pk else None,
            actor_label=_label(actor),
            action=action,
            data=item.get("data") or {},
            reason=reason or "",
            subject=subject,
            subject_label=_person_label(subject) if subject is not None else "",
        )
        if target is not None:
            entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
            entry.target_id = str(target.pk)
            entry.target_label = str(target)[:255]
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def audit_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs (values as JSON-friendly text)."""
    return {
        field: [_plain(before.get(field)), _plain(value)]
        for field, value in after.items()
        if _plain(before.get(field)) != _plain(value)
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _person_label(person) -> str:
    name = getattr(person, "full_name", "") or ""
    email = getattr(person, "email", "") or ""
    return (f"{name} <{email}>" if name and email else name or email or str(person))[:255]


def _label(actor) -> str:
    if actor is None:
        return "system"
    return (getattr(actor, "email", "") or str(actor))[:255]
