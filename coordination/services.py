"""Coordinator actions that span layers: confirm a learner's unit, then apply assignments."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from courses.assignments import assignments_apply_for_user
from lms.orgunits.models import Membership
from lms.orgunits.selectors import coordinator_scope_units
from lms.orgunits.services import membership_confirm


@transaction.atomic
def membership_confirm_and_assign(*, actor, membership: Membership) -> int:
    """Confirm a self-declared membership inside the actor's scope; the learner then
    gets every open assignment of that unit. Returns the number of new enrolments."""
    in_scope = actor.is_superuser or _in_scope(actor, membership)
    if not in_scope:
        raise PermissionDenied
    membership_confirm(actor=actor, membership=membership)
    return assignments_apply_for_user(user=membership.user)


def _in_scope(actor, membership: Membership) -> bool:
    return any(membership.unit.path.startswith(unit.path) for unit in coordinator_scope_units(user=actor))


@transaction.atomic
def membership_transfer_and_assign(*, actor, user, unit, on=None) -> int:
    """Transfer a learner (inside the actor's scope) to ``unit``: the old unit's past figures keep
    them, and the new unit's open assignments apply from the transfer. Returns new enrolments."""
    from lms.orgunits.services import membership_transfer

    if not actor.is_superuser:
        roots = coordinator_scope_units(user=actor)
        if not any(unit.path.startswith(root.path) for root in roots):
            raise PermissionDenied
    membership_transfer(actor=actor, user=user, unit=unit, on=on)
    return assignments_apply_for_user(user=user)
