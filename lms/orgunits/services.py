"""Writes of units, memberships and coordinator scopes (one transaction each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services import SystemActor, actor_user, audit_record, audit_record_many
from lms.jobs.services import JobError, job_create
from lms.text import normalize_nfc

from .models import CoordinatorScope, Membership, MembershipInvitation, MembershipSource, OrgUnit, UnitKind
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


# --- Administrators: create, rename, merge ------------------------------------------------------


def is_administrator_or_system(actor) -> bool:
    """Unit tree writes belong to administrators (and to the system: commands, the demo loader)."""
    return isinstance(actor, SystemActor) or bool(getattr(actor, "is_superuser", False))


def _require_administrator(actor) -> None:
    if not is_administrator_or_system(actor):
        raise PermissionDenied


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@transaction.atomic
def org_unit_add(*, actor, code: str, name: str, kind: str, valid_from: date, parent: OrgUnit | None = None) -> OrgUnit:
    """An administrator creates a unit under ``parent`` (a root without one), open-ended from
    ``valid_from``; audited. Raises ``OrgUnitError`` for an empty or too long code or name, an
    unknown kind, a code already used on those days, or a parent not valid on ``valid_from``."""
    _require_administrator(actor)
    code, name = (code or "").strip(), normalize_nfc(name)
    max_code = OrgUnit._meta.get_field("code").max_length
    if not code or len(code) > max_code:
        raise OrgUnitError(_("Mã đơn vị phải có từ 1 đến %(n)s ký tự.") % {"n": max_code})
    if not name or len(name) > OrgUnit._meta.get_field("name").max_length:
        raise OrgUnitError(_("Cần nhập tên đơn vị (tối đa 255 ký tự)."))
    if kind not in UnitKind.values:
        raise OrgUnitError(_("Loại đơn vị không hợp lệ."))
    if parent is not None:
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
        if not parent.is_valid_on(valid_from):
            raise OrgUnitError(
                _("Đơn vị cha “%(name)s” không có hiệu lực vào ngày %(day)s.")
                % {"name": parent.name, "day": _day(valid_from)}
            )
    unit = org_unit_create(code=code, name=name, kind=kind, valid_from=valid_from, parent=parent)
    audit_record(
        actor=actor,
        action="orgunit.create",
        target=unit,
        data={
            "code": code,
            "name": name,
            "kind": kind,
            "parent": _unit_label(parent),
            "valid_from": valid_from.isoformat(),
        },
    )
    return unit


@transaction.atomic
def org_unit_rename(*, actor, unit: OrgUnit, name: str, effective: date, reason: str = "") -> OrgUnit:
    """Rename a unit in place from ``effective`` (on or after its start, not after today).

    The unit keeps its identity — code, place in the tree, memberships, coordinator scopes,
    assignments — so every report, old or new, still finds it; certificates already issued keep the
    name they froze. The history (old → new name, effective date, who, why) is the audit entry
    ``orgunit.rename``, which ``org_unit_renames`` reads back. Raises ``OrgUnitError``."""
    _require_administrator(actor)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    name = normalize_nfc(name)
    if not name or len(name) > OrgUnit._meta.get_field("name").max_length:
        raise OrgUnitError(_("Cần nhập tên mới (tối đa 255 ký tự)."))
    if name == unit.name:
        raise OrgUnitError(_("Tên mới trùng với tên hiện tại."))
    today = timezone.localdate()
    if not unit.is_valid_on(today):
        raise OrgUnitError(_("Đơn vị “%(name)s” đã hết hiệu lực: không đổi tên được.") % {"name": unit.name})
    if effective > today:
        raise OrgUnitError(_("Ngày đổi tên không được sau hôm nay: hãy đổi tên vào đúng ngày đó."))
    if effective < unit.valid_from:
        raise OrgUnitError(
            _("Ngày đổi tên phải từ ngày đơn vị có hiệu lực (%(day)s).") % {"day": _day(unit.valid_from)}
        )
    old = unit.name
    unit.name = name
    unit.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="orgunit.rename",
        target=unit,
        data={"code": unit.code, "effective": effective.isoformat(), "changes": {"name": [old, name]}},
        reason=normalize_nfc(reason),
    )
    return unit


@dataclass
class MergeOutcome:
    memberships: int = 0
    pending: int = 0
    invitations: int = 0
    scopes: int = 0


def org_unit_merge_check(*, actor, unit: OrgUnit, successor: OrgUnit, on: date) -> None:
    """Raise ``OrgUnitError`` (a message for the administrator) when ``unit`` cannot be merged into
    ``successor`` from ``on``; read-only. Asked before a merge is queued and again, under row locks,
    by the merge itself."""
    _require_administrator(actor)
    today = timezone.localdate()
    if successor.pk == unit.pk:
        raise OrgUnitError(_("Không thể sáp nhập đơn vị vào chính nó."))
    if successor.path.startswith(unit.path):
        raise OrgUnitError(
            _("Không thể sáp nhập “%(unit)s” vào “%(successor)s”: đó là đơn vị trực thuộc của chính nó.")
            % {"unit": unit.name, "successor": successor.name}
        )
    if on > today:
        raise OrgUnitError(_("Ngày sáp nhập không được sau hôm nay: hãy sáp nhập vào đúng ngày đó."))
    if unit.valid_to is not None and unit.valid_to < today:
        raise OrgUnitError(
            _("Đơn vị “%(name)s” đã hết hiệu lực từ %(day)s.") % {"name": unit.name, "day": _day(unit.valid_to)}
        )
    if on <= unit.valid_from:
        raise OrgUnitError(
            _("Ngày sáp nhập phải sau ngày đơn vị bắt đầu có hiệu lực (%(day)s).") % {"day": _day(unit.valid_from)}
        )
    if not successor.is_valid_on(on) or not successor.is_valid_on(today):
        raise OrgUnitError(
            _("Không thể sáp nhập vào “%(name)s”: đơn vị này đã hết hiệu lực hoặc chưa có hiệu lực vào ngày %(day)s.")
            % {"name": successor.name, "day": _day(on)}
        )
    children = (
        OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .count()
    )
    if children:
        raise OrgUnitError(
            _(
                "Đơn vị “%(name)s” còn %(n)s đơn vị trực thuộc có hiệu lực: hãy sáp nhập hoặc kết thúc "
                "các đơn vị đó trước."
            )
            % {"name": unit.name, "n": children}
        )


MERGE_JOB = "orgunits.merge"


def org_unit_merge_queue(*, actor, unit: OrgUnit, successor: OrgUnit, on: date, reason: str = ""):
    """Check the merge now (a refusal is answered at once) and queue it as a background job: it moves
    every member of the unit, so it runs in a worker, in one transaction, recovered by the sweeper."""
    org_unit_merge_check(actor=actor, unit=unit, successor=successor, on=on)
    return job_create(
        owner=actor,
        kind=MERGE_JOB,
        title=_("Sáp nhập %(unit)s vào %(successor)s") % {"unit": unit.name, "successor": successor.name},
        params={"unit": unit.pk, "successor": successor.pk, "on": on.isoformat(), "reason": reason},
        back_url=reverse("lms_org_unit", args=[unit.pk]),
        back_label=str(_("Về đơn vị")),
    )


def org_unit_merge_run(job, run) -> dict:
    """The merge job (atomic: the merge and the job's "done" commit together)."""
    params = job.params
    unit = OrgUnit.objects.filter(pk=params["unit"]).first()
    successor = OrgUnit.objects.filter(pk=params["successor"]).first()
    if unit is None or successor is None:
        raise JobError(_("Đơn vị không còn tồn tại."))
    try:
        outcome = org_unit_merge(
            actor=job.owner,
            unit=unit,
            successor=successor,
            on=date.fromisoformat(params["on"]),
            reason=params.get("reason", ""),
        )
    except OrgUnitError as error:
        raise JobError(str(error)) from error
    message = _("Đã sáp nhập vào “%(name)s”: chuyển %(members)s thành viên và %(scopes)s phạm vi điều phối.") % {
        "name": successor.name,
        "members": outcome.memberships,
        "scopes": outcome.scopes,
    }
    run.progress(1, total=1, message=message)
    return {"memberships": outcome.memberships, "scopes": outcome.scopes}


@transaction.atomic
def org_unit_merge(*, actor, unit: OrgUnit, successor: OrgUnit, on: date, reason: str = "") -> MergeOutcome:
    """Merge ``unit`` into ``successor`` from ``on`` (not after today), in one transaction.

    ``unit`` ends the day before ``on`` and names ``successor``; each current confirmed membership
    ends that day and a new one in ``successor`` starts on ``on`` (keeping who confirmed it and
    when), so past reports of ``unit`` keep its learners; pending declarations, open invitations
    and coordinator scopes move to ``successor``. One audit entry for the merge, one per learner
    moved, one per coordinator moved. Refused (``OrgUnitError``, nothing written) when merging a
    unit into itself or one of its own sub-units, into a unit not valid on ``on`` or already
    retired, a unit already retired, or a unit that still has sub-units valid on ``on``."""
    _require_administrator(actor)
    if successor.pk == unit.pk:
        raise OrgUnitError(_("Không thể sáp nhập đơn vị vào chính nó."))
    locked = {u.pk: u for u in OrgUnit.objects.select_for_update().filter(pk__in=[unit.pk, successor.pk])}
    unit, successor = locked[unit.pk], locked[successor.pk]
    org_unit_merge_check(actor=actor, unit=unit, successor=successor, on=on)
    end = on - timezone.timedelta(days=1)
    old_label, new_label = _unit_label(unit), _unit_label(successor)
    outcome = MergeOutcome()

    current = list(Membership.objects.select_for_update().select_related("user").filter(unit=unit, end__isnull=True))
    confirmed = [m for m in current if m.confirmed_at is not None]
    later = [m.pk for m in confirmed if m.start >= on]  # began on or after the merge: never in the old unit
    closing = [m for m in confirmed if m.start < on]
    Membership.objects.filter(pk__in=later).update(unit=successor)
    Membership.objects.filter(pk__in=[m.pk for m in closing]).update(end=end)
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=m.user_id,
                unit=successor,
                start=on,
                source=m.source,
                confirmed_by_id=m.confirmed_by_id,
                confirmed_at=m.confirmed_at,
            )
            for m in closing
        ],
        batch_size=1000,
    )
    outcome.memberships = len(confirmed)
    Membership.objects.filter(  # a declaration of the successor is now moot for those moved there
        user_id__in=[m.user_id for m in confirmed], unit=successor, end__isnull=True, confirmed_at__isnull=True
    ).delete()
    already_there = set(
        Membership.objects.filter(
            user_id__in=[m.user_id for m in current if m.confirmed_at is None],
            unit=successor,
            end__isnull=True,
            confirmed_at__isnull=False,
        ).values_list("user_id", flat=True)
    )
    pending = [m for m in current if m.confirmed_at is None]
    Membership.objects.filter(pk__in=[m.pk for m in pending if m.user_id in already_there]).delete()
    outcome.pending = Membership.objects.filter(
        pk__in=[m.pk for m in pending if m.user_id not in already_there]
    ).update(unit=successor)

    open_invitations = MembershipInvitation.objects.select_for_update().filter(
        unit=unit, accepted_at__isnull=True, declined_at__isnull=True
    )
    invited_there = set(
        MembershipInvitation.objects.filter(
            unit=successor, accepted_at__isnull=True, declined_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    open_invitations.filter(user_id__in=invited_there).delete()  # the same person is invited there already
    outcome.invitations = open_invitations.exclude(user_id__in=invited_there).update(unit=successor)

    scopes = list(CoordinatorScope.objects.select_for_update().select_related("user").filter(unit=unit))
    for scope in scopes:
        CoordinatorScope.objects.get_or_create(
            user=scope.user, unit=successor, defaults={"granted_by": actor_user(actor)}
        )
        scope.delete()  # one at a time: the roles cache hears of each (post_delete)
    outcome.scopes = len(scopes)

    unit.valid_to, unit.successor = end, successor
    unit.save(update_fields=["valid_to", "successor"])
    reason = normalize_nfc(reason)
    audit_record(
        actor=actor,
        action="orgunit.merge",
        target=unit,
        data={
            "code": unit.code,
            "on": on.isoformat(),
            "memberships": outcome.memberships,
            "pending": outcome.pending,
            "invitations": outcome.invitations,
            "scopes": outcome.scopes,
            "changes": {"valid_to": [None, end.isoformat()], "successor": [None, new_label]},
        },
        reason=reason,
    )
    person_reason = reason or _("Sáp nhập %(unit)s vào %(successor)s") % {"unit": old_label, "successor": new_label}
    audit_record_many(
        actor=actor,
        action="membership.transfer",
        items=[
            {
                "subject": m.user,
                "data": {"on": on.isoformat(), "source": "merge", "changes": {"unit": [old_label, new_label]}},
            }
            for m in confirmed
        ],
        reason=person_reason,
    )
    audit_record_many(
        actor=actor,
        action="coordinator_scope.move",
        items=[
            {"subject": s.user, "data": {"on": on.isoformat(), "changes": {"unit": [old_label, new_label]}}}
            for s in scopes
        ],
        reason=person_reason,
    )
    return outcome


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
    scope, created = CoordinatorScope.objects.get_or_create(
        user=user, unit=unit, defaults={"granted_by": actor_user(actor)}
    )
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
        user=user, unit=unit, start=on, source=source, confirmed_by=actor_user(actor), confirmed_at=timezone.now()
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
