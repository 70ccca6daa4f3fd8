"""Writes of units, memberships and coordinator scopes (one transaction each)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services import audit_record
from lms.text import normalize_nfc

from .models import CoordinatorScope, Membership, MembershipSource, OrgUnit


class OrgUnitError(ValueError):
    """A unit write that breaks a rule; the message is for people."""


def org_unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    valid_from: date,
    valid_to: date | None = None,
    parent: OrgUnit | None = None,
) -> OrgUnit:
    """Create a unit under ``parent`` (or as a root). Raises ``OrgUnitError``
    when the code is already used by a unit valid on an overlapping period."""
    code = code.strip()
    name = normalize_nfc(name)
    overlapping = org_unit_code_overlaps(code=code, valid_from=valid_from, valid_to=valid_to)
    if overlapping is not None:
        raise OrgUnitError(
            _("Mã %(code)s đã được dùng cho “%(name)s” trong cùng thời gian hiệu lực.")
            % {"code": code, "name": overlapping.name}
        )
    fields = {"code": code, "name": name, "kind": kind, "valid_from": valid_from, "valid_to": valid_to}
    if parent is None:
        return OrgUnit.add_root(**fields)
    return parent.add_child(**fields)


def org_unit_code_overlaps(
    *, code: str, valid_from: date, valid_to: date | None, exclude_pk: int | None = None
) -> OrgUnit | None:
    """The existing unit using ``code`` on a day inside [valid_from, valid_to], if any."""
    queryset = OrgUnit.objects.filter(code=code)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    for unit in queryset:
        if periods_overlap(unit.valid_from, unit.valid_to, valid_from, valid_to):
            return unit
    return None


def periods_overlap(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


@transaction.atomic
def membership_declare(*, user, unit: OrgUnit, source: str = MembershipSource.SELF) -> Membership:
    """Make ``unit`` the user's current unit from today.

    Ends the current membership if it is another unit; declaring the same unit
    again changes nothing. A self-declared membership is unconfirmed.
    """
    today = timezone.localdate()
    current = Membership.objects.select_for_update().filter(user=user, end__isnull=True).first()
    if current is not None and current.unit_id == unit.pk:
        return current
    if current is not None:
        if current.start >= today:
            current.delete()
        else:
            current.end = today - timezone.timedelta(days=1)
            current.save(update_fields=["end"])
    return Membership.objects.create(user=user, unit=unit, start=today, source=source)


@transaction.atomic
def coordinator_scope_grant(*, actor, user, unit: OrgUnit, reason: str = "") -> CoordinatorScope:
    """Let ``user`` coordinate ``unit``'s subtree. Idempotent; audited once."""
    scope, created = CoordinatorScope.objects.get_or_create(user=user, unit=unit, defaults={"granted_by": actor})
    if created:
        audit_record(
            actor=actor,
            action="coordinator_scope.grant",
            target=user,
            data={"unit_code": unit.code, "unit_name": unit.name, "scope_id": scope.pk},
            reason=reason,
        )
    return scope


@transaction.atomic
def coordinator_scope_withdraw(*, actor, scope: CoordinatorScope, reason: str = "") -> None:
    """Withdraw one coordinator scope, with an audit entry."""
    audit_record(
        actor=actor,
        action="coordinator_scope.withdraw",
        target=scope.user,
        data={"unit_code": scope.unit.code, "unit_name": scope.unit.name, "scope_id": scope.pk},
        reason=reason,
    )
    scope.delete()


@transaction.atomic
def membership_confirm(*, actor, membership: Membership) -> Membership:
    """A coordinator confirms a self-declared membership (audited). Idempotent."""
    if membership.confirmed_at is not None:
        return membership
    membership.confirmed_by = actor
    membership.confirmed_at = timezone.now()
    membership.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_record(
        actor=actor,
        action="membership.confirm",
        target=membership.user,
        data={"unit_code": membership.unit.code, "membership_id": membership.pk},
    )
    return membership


@transaction.atomic
def membership_transfer(*, actor, user, unit: OrgUnit, on=None) -> Membership:
    """Move a learner to ``unit`` from ``on`` (default today): the old membership ends the day
    before, the new one starts confirmed. Past reports of the old unit keep the learner."""
    on = on or timezone.localdate()
    current = Membership.objects.select_for_update().filter(user=user, end__isnull=True).first()
    if current is not None and current.unit_id == unit.pk:
        return current
    previous_code = current.unit.code if current is not None else None
    if current is not None and current.start >= on:
        current.delete()  # it never applied for a whole day: the audit entry keeps where they were
    elif current is not None:
        current.end = on - timezone.timedelta(days=1)
        current.save(update_fields=["end"])
    membership = Membership.objects.create(
        user=user,
        unit=unit,
        start=on,
        source=MembershipSource.COORDINATOR,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="membership.transfer",
        target=user,
        data={"from": previous_code, "to": unit.code, "on": on.isoformat()},
    )
    return membership
