"""Reads of units, memberships and coordinator scopes.

Every list a coordinator sees goes through a function here that takes the
viewer and applies their scopes; templates never filter.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import CoordinatorScope, Membership, OrgUnit


def org_units_valid_on(*, day: date | None = None) -> QuerySet[OrgUnit]:
    day = day or timezone.localdate()
    return OrgUnit.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def org_unit_by_code(*, code: str, day: date | None = None) -> OrgUnit | None:
    return org_units_valid_on(day=day).filter(code=code).first()


def org_unit_descendants(*, unit: OrgUnit, include_self: bool = True) -> QuerySet[OrgUnit]:
    """The unit's subtree as one prefix query on the materialised path."""
    queryset = OrgUnit.objects.filter(path__startswith=unit.path)
    if not include_self:
        queryset = queryset.exclude(pk=unit.pk)
    return queryset


def subtree_filter(paths: list[str], *, field: str = "path") -> Q:
    """A ``Q`` matching anything whose ``field`` lies under one of ``paths``."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def coordinator_scope_units(*, user) -> list[OrgUnit]:
    if not user.is_authenticated:
        return []
    return [scope.unit for scope in CoordinatorScope.objects.filter(user=user).select_related("unit")]


def is_coordinator(*, user) -> bool:
    return user.is_authenticated and CoordinatorScope.objects.filter(user=user).exists()


def membership_current(*, user) -> Membership | None:
    return Membership.objects.filter(user=user, end__isnull=True).select_related("unit").first()


def users_visible_to(*, viewer) -> QuerySet:
    """Learners a viewer may see: everyone for administrators, the learners
    currently in their scope subtrees for coordinators, else only themselves."""
    User = get_user_model()
    if viewer.is_superuser:
        return User.objects.all()
    paths = [unit.path for unit in coordinator_scope_units(user=viewer)]
    if not paths:
        return User.objects.filter(pk=viewer.pk)
    in_scope = subtree_filter(paths, field="memberships__unit__path")
    return User.objects.filter(in_scope, memberships__end__isnull=True).distinct()


def coordinator_scopes_all() -> QuerySet[CoordinatorScope]:
    return CoordinatorScope.objects.select_related("user", "unit", "granted_by").order_by("unit__path", "user__email")
