"""Coordinator actions that span layers (confirm a learner's unit, then apply assignments) and the
report letterhead's configuration."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from courses.assignments import assignments_apply_for_user
from lms.orgunits.models import Membership, OrgUnit
from lms.orgunits.selectors import unit_in_scope, user_in_scope
from lms.orgunits.services import membership_confirm, membership_transfer

from .models import ReportLetterhead


@transaction.atomic
def membership_confirm_and_assign(*, actor, membership: Membership) -> int:
    """Confirm a self-declared membership inside the actor's scope; the learner then
    gets every open assignment of that unit. Returns the number of new enrolments."""
    if not unit_in_scope(viewer=actor, unit=membership.unit):
        raise PermissionDenied
    membership_confirm(actor=actor, membership=membership)
    return assignments_apply_for_user(user=membership.user)


@transaction.atomic
def membership_transfer_and_assign(*, actor, user, unit, on=None) -> int:
    """Transfer a learner to ``unit`` — both inside the actor's scope: the old unit's past figures keep
    them, and the new unit's open assignments apply from the transfer. Returns new enrolments."""
    if not (user_in_scope(viewer=actor, user=user) and unit_in_scope(viewer=actor, unit=unit)):
        raise PermissionDenied
    membership_transfer(actor=actor, user=user, unit=unit, on=on)
    return assignments_apply_for_user(user=user)


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
