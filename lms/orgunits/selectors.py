"""Reads of units, memberships and coordinator scopes.

Every list a coordinator sees goes through a function here that takes the
viewer and applies their scopes; templates never filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lms.audit.models import AuditEntry
from lms.text import search_key

from .models import CoordinatorScope, Membership, OrgUnit


def org_units_valid_on(*, day: date | None = None) -> QuerySet[OrgUnit]:
    day = day or timezone.localdate()
    return OrgUnit.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def org_unit_by_code(*, code: str, day: date | None = None) -> OrgUnit | None:
    return org_units_valid_on(day=day).filter(code=code).first()


def subtree_filter(paths: list[str], *, field: str = "path") -> Q:
    """A ``Q`` matching anything whose ``field`` lies under one of ``paths``."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


SCOPE_MEMO = "_coordinator_scope_units"


def coordinator_scope_units(*, user) -> list[OrgUnit]:
    """The units a coordinator was granted (each with its whole subtree).

    Read once per user object: a request's ``request.user`` asks the database once however many
    reports and checks its page runs (a coordinator page used to read it ten times). Granting or
    withdrawing a scope forgets what the objects it was given remembered."""
    if not user.is_authenticated:
        return []
    units = user.__dict__.get(SCOPE_MEMO)
    if units is None:
        units = [scope.unit for scope in CoordinatorScope.objects.filter(user=user).select_related("unit")]
        user.__dict__[SCOPE_MEMO] = units
    return list(units)


def coordinator_scope_forget(user) -> None:
    """Drop the scope ``coordinator_scope_units`` remembered on this user object."""
    user.__dict__.pop(SCOPE_MEMO, None)


def is_coordinator(*, user) -> bool:
    return bool(coordinator_scope_units(user=user))


def membership_confirmed(*, user) -> Membership | None:
    """The learner's current unit, as confirmed by a coordinator, an import or an invitation."""
    return (
        Membership.objects.filter(user=user, end__isnull=True, confirmed_at__isnull=False)
        .select_related("unit")
        .first()
    )


def membership_pending(*, user) -> Membership | None:
    """A unit the learner declared themselves, waiting for that unit's coordinator."""
    return (
        Membership.objects.filter(user=user, end__isnull=True, confirmed_at__isnull=True).select_related("unit").first()
    )


# --- The scope rule ---------------------------------------------------------------
# One home for "what lies inside a viewer's scope": administrators see every unit;
# a coordinator sees the subtrees of the units they were granted; anyone else sees
# nothing. Every view, service, import and export asks these functions.


def scope_roots(*, viewer) -> list[OrgUnit]:
    """The tops of the viewer's scope: the province roots for administrators, the granted units
    for coordinators, nothing for anyone else."""
    if viewer.is_authenticated and viewer.is_superuser:
        return list(OrgUnit.objects.filter(depth=1).order_by("path"))
    return coordinator_scope_units(user=viewer)


def unit_in_scope(*, viewer, unit: OrgUnit) -> bool:
    """Whether ``unit`` lies in one of the viewer's scope subtrees (always, for administrators)."""
    if viewer.is_authenticated and viewer.is_superuser:
        return True
    return any(unit.path.startswith(root.path) for root in scope_roots(viewer=viewer))


def members_in_scope_q(*, viewer, confirmed: bool | None = True, as_of: date | None = None, prefix: str = "") -> Q:
    """The condition ``members_in_scope`` applies, on a relation path (``prefix``, e.g.
    ``"user__memberships__"``) so a report can filter enrolments through their learner's membership
    with the very same rule."""
    p = prefix
    if as_of is None:
        condition = Q(**{f"{p}end__isnull": True, f"{p}user__is_active": True})
    else:
        condition = Q(**{f"{p}start__lte": as_of}) & (Q(**{f"{p}end__isnull": True}) | Q(**{f"{p}end__gte": as_of}))
    if not (viewer.is_authenticated and viewer.is_superuser):
        condition &= subtree_filter([r.path for r in scope_roots(viewer=viewer)], field=f"{p}unit__path")
    if confirmed is None:
        return condition
    if confirmed and as_of is not None:
        return condition & Q(**{f"{p}confirmed_at__date__lte": as_of})
    return condition & Q(**{f"{p}confirmed_at__isnull": not confirmed})


def members_in_scope(*, viewer, confirmed: bool | None = True, as_of: date | None = None) -> QuerySet[Membership]:
    """Memberships of units in the viewer's scope.

    Current memberships of active accounts, or with ``as_of`` (a past day) those valid on that day —
    transfers and merges after it change nothing. ``confirmed``: True for confirmed memberships only
    (confirmed by ``as_of`` when given), False for self-declared ones awaiting confirmation, None for both.
    """
    return Membership.objects.filter(
        members_in_scope_q(viewer=viewer, confirmed=confirmed, as_of=as_of)
    ).select_related("user", "unit")


def users_visible_to(*, viewer) -> QuerySet:
    """Learners a viewer may see: everyone for administrators, the learners whose *confirmed*
    current unit lies in their scope subtrees for coordinators, else only themselves. A learner who
    only declared a unit is not visible to its coordinator (``members_in_scope(confirmed=False)``
    lists the declaration: name and unit, to confirm)."""
    User = get_user_model()
    if viewer.is_superuser:
        return User.objects.all()
    paths = [unit.path for unit in scope_roots(viewer=viewer)]
    if not paths:
        return User.objects.filter(pk=viewer.pk)
    in_scope = subtree_filter(paths, field="memberships__unit__path")
    return User.objects.filter(
        in_scope, memberships__end__isnull=True, memberships__confirmed_at__isnull=False
    ).distinct()


def user_in_scope(*, viewer, user) -> bool:
    """Whether a coordinator's scope (or an administrator's) holds ``user`` now. Being oneself is
    not being in scope: a learner without a scope holds nobody."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser:
        return True
    return bool(scope_roots(viewer=viewer)) and users_visible_to(viewer=viewer).filter(pk=user.pk).exists()


def coordinator_scopes_all() -> QuerySet[CoordinatorScope]:
    return CoordinatorScope.objects.select_related("user", "unit", "granted_by").order_by("unit__path", "user__email")


# --- Administrators' unit screen ---------------------------------------------------------------


@dataclass
class UnitTreeRow:
    unit: OrgUnit
    members: int  # current confirmed members of this unit itself
    members_total: int  # … of this unit and every unit below it
    retired: bool
    ancestors: list[OrgUnit]


def org_unit_tree(*, query: str = "", include_retired: bool = False, day: date | None = None) -> list[UnitTreeRow]:
    """The whole unit tree in tree order, each unit with its current member counts (its own and
    with its sub-units). Units retired before ``day`` (today) are left out unless
    ``include_retired``. With ``query``, only the units whose name (accent-insensitive) or code
    contains it, each with its ancestors for context. Three queries, whatever the tree's size."""
    day = day or timezone.localdate()
    units = list(OrgUnit.objects.select_related("successor").order_by("path"))
    direct = dict(
        Membership.objects.filter(end__isnull=True, confirmed_at__isnull=False, user__is_active=True)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    by_path = {unit.path: unit for unit in units}
    totals: dict[str, int] = {}
    step = OrgUnit.steplen
    for unit in units:
        count = direct.get(unit.pk, 0)
        for depth in range(1, unit.depth + 1):
            prefix = unit.path[: depth * step]
            totals[prefix] = totals.get(prefix, 0) + count
    key = search_key(query)
    code_query = (query or "").strip().casefold()
    rows = []
    for unit in units:
        retired = unit.valid_to is not None and unit.valid_to < day
        if retired and not include_retired:
            continue
        if key and key not in search_key(unit.name) and code_query not in unit.code.casefold():
            continue
        ancestors = [by_path[unit.path[: d * step]] for d in range(1, unit.depth) if unit.path[: d * step] in by_path]
        rows.append(UnitTreeRow(unit, direct.get(unit.pk, 0), totals.get(unit.path, 0), retired, ancestors))
    return rows


def org_unit_for_admin(*, pk: int) -> OrgUnit | None:
    return OrgUnit.objects.select_related("successor").filter(pk=pk).first()


def org_unit_merge_target(*, code: str, day: date | None = None) -> OrgUnit | None:
    """The unit a code names for a merge: the one valid on ``day`` (today), else the latest with that
    code (a retired one, which the merge then refuses with its reason)."""
    code = (code or "").strip()
    return org_unit_by_code(code=code, day=day) or OrgUnit.objects.filter(code=code).order_by("-valid_from").first()


def org_unit_renames(*, unit: OrgUnit) -> list[dict]:
    """The unit's names over time, oldest first: ``{"effective", "old", "new", "actor", "reason"}``
    read from its ``orgunit.rename`` audit entries (a rename is made in place, see the services)."""
    unit_type = ContentType.objects.get_for_model(OrgUnit)
    entries = AuditEntry.objects.filter(action="orgunit.rename", target_type=unit_type, target_id=str(unit.pk))
    history = []
    for entry in entries.order_by("at", "id"):
        old, new = (entry.data.get("changes") or {}).get("name", [None, None])
        effective = entry.data.get("effective")
        history.append(
            {
                "effective": date.fromisoformat(effective) if effective else entry.at.date(),
                "old": old,
                "new": new,
                "actor": entry.actor_label,
                "reason": entry.reason,
            }
        )
    return history


def org_unit_name_on(*, unit: OrgUnit, day: date) -> str:
    """The name ``unit`` had on ``day`` (for a report of a past period)."""
    name = unit.name
    for change in reversed(org_unit_renames(unit=unit)):
        if change["effective"] > day and change["old"]:
            name = change["old"]
    return name


def org_unit_members_current(*, unit: OrgUnit) -> int:
    """Current confirmed members of active accounts (as counted in ``org_unit_tree``)."""
    return Membership.objects.filter(
        unit=unit, end__isnull=True, confirmed_at__isnull=False, user__is_active=True
    ).count()
