"""Reads about people."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import QuerySet

from lms.audit.models import AuditEntry
from lms.page_cache import cached_under_generation

from .models import User
from .validators import full_name_problem


def name_corrections_of(*, user: User) -> QuerySet[AuditEntry]:
    """The administrators' corrections of ``user``'s name (``account.name_correct``), newest first."""
    return AuditEntry.objects.filter(subject=user, action="account.name_correct").order_by("-at", "-id")


def users_with_unprintable_names():
    """``(user, problem)`` for every account whose stored name breaks the name policy (stored before
    it existed): its certificates would fail until an administrator corrects the name."""
    people = User.objects.filter(anonymised_at__isnull=True).exclude(full_name="").only("pk", "email", "full_name")
    for user in people.order_by("pk").iterator(chunk_size=2000):
        problem = full_name_problem(user.full_name)
        if problem:
            yield user, problem


# Roles change rarely and are read on every page (the account menu): kept per person in the shared
# cache under one generation that any change of groups, permissions or coordinator scopes bumps
# (see ``AccountsConfig.ready``).
ROLES_GENERATION_KEY = "roles:generation"
ROLES_CACHE_SECONDS = 300


@dataclass(frozen=True)
class AccountRoles:
    coordinates: bool  # has a coordinator scope (or administers everything)
    opens_admin: bool  # may open the Wagtail admin: staff, editors, administrators
    administers: bool = False  # a superuser
    second_factor: bool = False  # has an authenticator app (read only for staff roles)

    @property
    def staff_roles(self) -> frozenset[str]:
        """The roles beyond learner: "administrator", "coordinator", "editor" (the names of
        ``MFA_REQUIRED_ROLES``); an administrator is only that."""
        if self.administers:
            return frozenset({"administrator"})
        names = set()
        if self.coordinates:
            names.add("coordinator")
        if self.opens_admin:
            names.add("editor")
        return frozenset(names)


def account_roles(user) -> AccountRoles:
    """What ``user``'s account menu offers and whether they hold a second factor; no query on a
    warm cache (two or three on a cold one)."""
    if not user.is_authenticated:
        return AccountRoles(coordinates=False, opens_admin=False)
    roles = cached_under_generation(
        ROLES_GENERATION_KEY, f"account-roles:{user.pk}", lambda: _account_roles_build(user), ROLES_CACHE_SECONDS
    )
    if user.is_superuser != roles.administers:  # the flag changed since the value was kept
        return _account_roles_build(user)
    if user.is_staff and not roles.opens_admin:
        return AccountRoles(
            coordinates=roles.coordinates,
            opens_admin=True,
            administers=roles.administers,
            second_factor=_has_second_factor(user),
        )
    return roles


def _account_roles_build(user) -> AccountRoles:
    if user.is_superuser:
        return AccountRoles(
            coordinates=True, opens_admin=True, administers=True, second_factor=_has_second_factor(user)
        )
    coordinates = user.coordinator_scopes.exists()
    opens_admin = user.has_perm("wagtailadmin.access_admin")
    return AccountRoles(
        coordinates=coordinates,
        opens_admin=opens_admin,
        second_factor=(coordinates or opens_admin or user.is_staff) and _has_second_factor(user),
    )


def _has_second_factor(user) -> bool:
    """An authenticator that allauth asks for at every sign-in (recovery codes alone are not one)."""
    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def staff_roles_requiring_second_factor(user) -> frozenset[str]:
    """The roles of ``user`` named in ``MFA_REQUIRED_ROLES`` (empty for a learner)."""
    return account_roles(user).staff_roles & frozenset(settings.MFA_REQUIRED_ROLES)
