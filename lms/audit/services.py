from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


class SystemActor:
    """Who acts when no person does: a management command run without ``--actor``, the demo loader,
    a follow-up the system applies on its own (e.g. assignments after a membership change).

    Entries record ``"system: <name>"`` as the actor. Pass one explicitly (``SYSTEM`` or
    ``SystemActor("import_org_units")``): ``actor=None`` is refused, so an entry never loses its actor
    by accident.
    """

    pk = None
    is_superuser = False

    def __init__(self, name: str = ""):
        self.name = name

    @property
    def label(self) -> str:
        return f"system: {self.name}" if self.name else "system"

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"SystemActor({self.name!r})"


SYSTEM = SystemActor()


class AuditActorMissing(ValueError):
    """``audit_record`` was called without an actor: a programming error, never a user's."""


def actor_user(actor):
    """The person behind ``actor`` for a ``…_by`` foreign key, or ``None`` for the system."""
    return None if actor is None or isinstance(actor, SystemActor) else actor


def _checked_actor(actor):
    if isinstance(actor, SystemActor):
        return actor
    if actor is None or getattr(actor, "pk", None) is None:
        raise AuditActorMissing(
            "audit_record needs the person who acted (a saved user) or a SystemActor (lms.audit.services.SYSTEM)."
        )
    return actor


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

    ``actor`` is required: the user who acted, or a ``SystemActor`` when no person did (``SYSTEM``);
    ``None`` raises ``AuditActorMissing``.
    """
    actor = _checked_actor(actor)
    if subject is None and target is not None and isinstance(target, get_user_model()):
        subject = target
    entry = AuditEntry(
        subject=subject if subject is not None and subject.pk else None,
        subject_label=_person_label(subject) if subject is not None else "",
        actor=actor_user(actor),
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
    actor = _checked_actor(actor)
    entries = []
    for item in items:
        subject = item.get("subject")
        target = item.get("target", subject)
        entry = AuditEntry(
            actor=actor_user(actor),
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
    if isinstance(actor, SystemActor):
        return actor.label[:255]
    return (getattr(actor, "email", "") or str(actor))[:255]
