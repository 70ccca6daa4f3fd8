"""Writes of units, memberships and coordinator scopes (one transaction each)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services import audit_record, audit_record_many
from lms.text import normalize_nfc

from .models import CoordinatorScope, Membership, MembershipInvitation, MembershipSource, OrgUnit
from .selectors import coordinator_scope_forget


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
    """The learner says they work in ``unit``: a *pending* membership, until a coordinator of that
    unit confirms it. The confirmed membership stays current meanwhile. Declaring the confirmed unit
    again withdraws a pending declaration; declaring another unit replaces it. Idempotent."""
    today = timezone.localdate()
    locked = list(Membership.objects.select_for_update().filter(user=user, end__isnull=True))
    confirmed = next((m for m in locked if m.confirmed_at is not None), None)
    pending = next((m for m in locked if m.confirmed_at is None), None)
    if confirmed is not None and confirmed.unit_id == unit.pk:
        if pending is not None:
            pending.delete()
        return confirmed
    if pending is not None and pending.unit_id == unit.pk:
        return pending
    if pending is not None:
        pending.delete()  # a declaration never confirmed leaves no history
    return Membership.objects.create(user=user, unit=unit, start=today, source=source)


def _close(membership: Membership, *, on) -> None:
    """End a confirmed membership the day before ``on`` (or drop it if it began on or after ``on``)."""
    if membership.start >= on:
        membership.delete()
    else:
        membership.end = on - timezone.timedelta(days=1)
        membership.save(update_fields=["end"])


@transaction.atomic
def coordinator_scope_grant(*, actor, user, unit: OrgUnit, reason: str = "") -> CoordinatorScope:
    """Let ``user`` coordinate ``unit``'s subtree. Idempotent; audited once."""
    scope, created = CoordinatorScope.objects.get_or_create(user=user, unit=unit, defaults={"granted_by": actor})
    coordinator_scope_forget(user)
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
    coordinator_scope_forget(scope.user)
    scope.delete()


@transaction.atomic
def membership_confirm(*, actor, membership: Membership) -> Membership:
    """Confirm a pending membership (a coordinator of its unit, an administrator, or the learner
    accepting an invitation): it becomes the learner's current unit from today and their previous
    confirmed membership ends the day before. Audited with the old and new unit. Idempotent."""
    membership = Membership.objects.select_for_update().select_related("unit", "user").get(pk=membership.pk)
    if membership.confirmed_at is not None or membership.end is not None:
        return membership
    today = timezone.localdate()
    previous = (
        Membership.objects.select_for_update()
        .select_related("unit")
        .filter(user=membership.user, end__isnull=True, confirmed_at__isnull=False)
        .first()
    )
    previous_unit = previous.unit if previous is not None else None
    if previous is not None:
        _close(previous, on=today)
    membership.start = today
    membership.confirmed_by = actor
    membership.confirmed_at = timezone.now()
    membership.save(update_fields=["start", "confirmed_by", "confirmed_at"])
    audit_record(
        actor=actor,
        action="membership.confirm",
        target=membership.user,
        data={
            "membership_id": membership.pk,
            "changes": {"unit": [_unit_label(previous_unit), _unit_label(membership.unit)]},
        },
    )
    return membership


@transaction.atomic
def membership_transfer(
    *,
    actor,
    user,
    unit: OrgUnit,
    on=None,
    source: str = MembershipSource.COORDINATOR,
    reason: str = "",
    action: str = "membership.transfer",
) -> Membership:
    """Move a learner to ``unit`` from ``on`` (default today), confirmed at once: the old confirmed
    membership ends the day before, so past reports of the old unit keep the learner. A pending
    declaration of the same unit is absorbed. Callers check scope (``coordination.services``)."""
    on = on or timezone.localdate()
    locked = list(Membership.objects.select_for_update().select_related("unit").filter(user=user, end__isnull=True))
    current = next((m for m in locked if m.confirmed_at is not None), None)
    pending = next((m for m in locked if m.confirmed_at is None), None)
    if pending is not None and pending.unit_id == unit.pk:
        pending.delete()
    if current is not None and current.unit_id == unit.pk:
        return current
    previous_unit = current.unit if current is not None else None
    if current is not None:
        _close(current, on=on)
    membership = Membership.objects.create(
        user=user, unit=unit, start=on, source=source, confirmed_by=actor, confirmed_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=action,
        target=user,
        data={
            "on": on.isoformat(),
            "source": source,
            "changes": {"unit": [_unit_label(previous_unit), _unit_label(unit)]},
        },
        reason=reason,
    )
    return membership


def _unit_label(unit: OrgUnit | None) -> str | None:
    return f"{unit.name} ({unit.code})" if unit is not None else None


@transaction.atomic
def membership_decline(*, actor, membership: Membership, reason: str = "") -> None:
    """A coordinator of the declared unit rejects a self-declaration (audited); the learner's
    confirmed unit is untouched."""
    membership = Membership.objects.select_for_update().select_related("unit", "user").get(pk=membership.pk)
    if membership.confirmed_at is not None or membership.end is not None:
        return
    audit_record(
        actor=actor,
        action="membership.decline",
        target=membership.user,
        data={"unit": _unit_label(membership.unit)},
        reason=reason,
    )
    membership.delete()


# --- Invitations ----------------------------------------------------------------------------------

INVITATION_SALT = "hocso.orgunits.invitation"


class InvitationError(Exception):
    """An invitation that cannot be used (expired, answered, for someone else); the message is for people."""


def invitation_token(invitation: MembershipInvitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> MembershipInvitation | None:
    """The invitation a link names, if the link is genuine (its state is checked by the caller)."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=timezone.timedelta(days=settings.INVITATION_VALID_DAYS))
    except signing.BadSignature:
        return None
    return MembershipInvitation.objects.select_related("unit", "user", "invited_by").filter(pk=pk).first()


@transaction.atomic
def invitations_create(
    *, actor, people: list[tuple[object, OrgUnit]], reason: str = "", context: dict | None = None
) -> list[MembershipInvitation]:
    """Invite each (user, unit) pair; an open invitation to the same unit is reused (its expiry
    renewed), so running an import twice sends nothing new. Set-based, one audit entry per person.
    Returns the invitations still to send."""
    now = timezone.now()
    expires = now + timezone.timedelta(days=settings.INVITATION_VALID_DAYS)
    wanted = {(user.pk, unit.pk): (user, unit) for user, unit in people}
    open_ones = MembershipInvitation.objects.filter(
        user_id__in={u for u, _unit in wanted}, accepted_at__isnull=True, declined_at__isnull=True
    )
    existing = {(i.user_id, i.unit_id): i for i in open_ones if (i.user_id, i.unit_id) in wanted}
    MembershipInvitation.objects.filter(pk__in=[i.pk for i in existing.values()]).update(expires_at=expires)
    fresh = [
        MembershipInvitation(
            user=user, email=user.email, unit=unit, invited_by=actor, expires_at=expires, context=context or {}
        )
        for key, (user, unit) in wanted.items()
        if key not in existing
    ]
    created = MembershipInvitation.objects.bulk_create(fresh, batch_size=1000)  # pks returned (PostgreSQL, SQLite)
    audit_record_many(
        actor=actor,
        action="membership.invite",
        items=[{"subject": i.user, "data": {"unit": _unit_label(i.unit), "invitation_id": i.pk}} for i in created],
        reason=reason,
    )
    return created + [i for i in existing.values() if i.sent_at is None]


@transaction.atomic
def invitation_accept(*, invitation: MembershipInvitation, user) -> Membership:
    """The invited person joins the unit: their confirmed membership moves (audited old → new)."""
    invitation = MembershipInvitation.objects.select_for_update().select_related("unit").get(pk=invitation.pk)
    _invitation_check(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership_transfer(
        actor=user,
        user=user,
        unit=invitation.unit,
        source=MembershipSource.IMPORT,
        action="membership.invitation_accept",
        reason=f"invitation {invitation.pk}",
    )


@transaction.atomic
def invitation_decline(*, invitation: MembershipInvitation, user) -> None:
    invitation = MembershipInvitation.objects.select_for_update().select_related("unit").get(pk=invitation.pk)
    _invitation_check(invitation, user)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    audit_record(
        actor=user, action="membership.invitation_decline", target=user, data={"unit": _unit_label(invitation.unit)}
    )


@transaction.atomic
def invitation_confirm(*, actor, invitation: MembershipInvitation, reason: str) -> Membership:
    """An administrator confirms an invitation on the person's behalf (e.g. they asked by phone)."""
    if not actor.is_superuser:
        raise PermissionDenied
    if not (reason or "").strip():
        raise InvitationError(_("Cần ghi lý do xác nhận thay người học."))
    invitation = MembershipInvitation.objects.select_for_update().select_related("unit", "user").get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationError(_("Lời mời này đã được trả lời hoặc đã hết hạn."))
    invitation.accepted_at, invitation.confirmed_by = timezone.now(), actor
    invitation.save(update_fields=["accepted_at", "confirmed_by"])
    return membership_transfer(
        actor=actor,
        user=invitation.user,
        unit=invitation.unit,
        source=MembershipSource.IMPORT,
        action="membership.invitation_confirm",
        reason=reason,
    )


def _invitation_check(invitation: MembershipInvitation, user) -> None:
    if invitation.user_id != user.pk:
        raise InvitationError(_("Lời mời này dành cho một tài khoản khác. Hãy đăng xuất rồi mở lại liên kết."))
    if invitation.accepted_at or invitation.declined_at:
        raise InvitationError(_("Lời mời này đã được trả lời."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("Lời mời này đã hết hạn. Hãy liên hệ điều phối viên của đơn vị."))
