"""Coordinator actions that span layers (confirm a learner's unit, then apply assignments) and the
report letterhead's configuration."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from courses.assignments import assignments_apply_for_user
from lms.audit.services import audit_record
from lms.orgunits.models import Membership, OrgUnit
from lms.orgunits.selectors import unit_in_scope, user_in_scope
from lms.orgunits.services import membership_confirm, membership_transfer

from .models import ReportLetterhead, UnitTarget


@transaction.atomic
def membership_confirm_and_assign(*, actor, membership: Membership) -> int:
    """Confirm a self-declared membership inside the actor's scope; the learner then
    gets every open assignment of that unit. Returns the number of new enrolments."""
    if not unit_in_scope(viewer=actor, unit=membership.unit):
        raise PermissionDenied
    membership_confirm(actor=actor, membership=membership)
    return assignments_apply_for_user(actor=actor, user=membership.user)


@transaction.atomic
def membership_transfer_and_assign(*, actor, user, unit, on=None) -> int:
    """Transfer a learner to ``unit`` — both inside the actor's scope: the old unit's past figures keep
    them, and the new unit's open assignments apply from the transfer. Returns new enrolments."""
    if not (user_in_scope(viewer=actor, user=user) and unit_in_scope(viewer=actor, unit=unit)):
        raise PermissionDenied
    membership_transfer(actor=actor, user=user, unit=unit, on=on)
    return assignments_apply_for_user(actor=actor, user=user)


class TargetError(ValueError):
    """A completion target a coordinator typed wrong; the message is for them."""


@transaction.atomic
def unit_target_set(*, actor, unit: OrgUnit, target_pct: int | None) -> UnitTarget | None:
    """Set (or, with ``None``, remove) the completion target of a unit in the actor's scope: it holds
    for the unit and the units below it that have none of their own. Audited with before and after."""
    if not unit_in_scope(viewer=actor, unit=unit):
        raise PermissionDenied
    if target_pct is not None and not 1 <= target_pct <= 100:
        raise TargetError(_("Chỉ tiêu phải là một số từ 1 đến 100 (%)."))
    current = UnitTarget.objects.select_for_update().filter(unit=unit).first()
    before = current.target_pct if current else None
    if target_pct is None:
        if current:
            current.delete()
        target = None
    else:
        target, _created = UnitTarget.objects.update_or_create(
            unit=unit, defaults={"target_pct": target_pct, "updated_by": actor}
        )
    if before != target_pct:
        audit_record(
            actor=actor,
            action="unit_target.set",
            target=unit,
            data={"unit": unit.code, "before": before, "after": target_pct},
        )
    return target


@transaction.atomic
def report_letterhead_save(*, unit: OrgUnit, **fields) -> ReportLetterhead:
    """Create or update the unit's report letterhead (validated; blank fields fall back to defaults
    derived from the unit, see ``coordination.letterhead``)."""
    letterhead = ReportLetterhead.objects.filter(unit=unit).first() or ReportLetterhead(unit=unit)
    for name, value in fields.items():
        setattr(letterhead, name, value)
    letterhead.full_clean()
    letterhead.save()
    return letterhead
