"""Writes about people: profile, roles and anonymisation."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page

from lms.audit.services import audit_record
from lms.orgunits.models import CoordinatorScope, OrgUnit
from lms.orgunits.services import membership_declare

from .models import User

EDITORS_GROUP = "Editors"
ANONYMOUS_NAME = "Người dùng đã xoá"


@transaction.atomic
def profile_update(*, user: User, data: dict, unit: OrgUnit | None) -> User:
    """Save the learner's own profile; a changed unit becomes a new, unconfirmed membership."""
    for field in ("full_name", "learner_group", "position", "phone", "language", "reminder_emails"):
        if field in data:
            setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save()
    if unit is not None:
        membership_declare(user=user, unit=unit)
    return user


def editors_group() -> Group:
    """Wagtail's "Editors" group with admin access and page rights from the root (idempotent).

    Wagtail's migration creates it; this restores it where it is missing
    (a database whose groups were flushed).
    """

    group, created = Group.objects.get_or_create(name=EDITORS_GROUP)
    if created:
        group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    root = Page.get_first_root_node()
    if root is not None:
        for codename in ("add_page", "change_page", "publish_page"):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    return group


@transaction.atomic
def editor_role_grant(*, actor: User, user: User, reason: str = "") -> None:
    """Make ``user`` a Wagtail editor (the "Editors" group). Idempotent."""
    group = editors_group()
    if user.groups.filter(pk=group.pk).exists():
        return
    user.groups.add(group)
    audit_record(actor=actor, action="editor_role.grant", target=user, reason=reason)


@transaction.atomic
def editor_role_withdraw(*, actor: User, user: User, reason: str = "") -> None:
    group = editors_group()
    if not user.groups.filter(pk=group.pk).exists():
        return
    user.groups.remove(group)
    audit_record(actor=actor, action="editor_role.withdraw", target=user, reason=reason)


@transaction.atomic
def user_anonymise(*, user: User, actor: User | None = None) -> User:
    """Delete an account by anonymising it.

    Retention rule (docs/architecture.md): the person's identifying data —
    name, e-mail, phone, position, group, password, sessions, e-mail
    addresses, roles — is erased now; learning records stay attached to the
    anonymous account so unit statistics remain true; certificates already
    issued keep the name frozen in them and stay verifiable.
    """

    user_pk = user.pk
    audit_record(actor=actor or user, action="account.anonymise", target=user)
    EmailAddress.objects.filter(user=user).delete()
    CoordinatorScope.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.full_name = ANONYMOUS_NAME
    user.email = f"deleted-{user_pk}@anonymous.invalid"
    user.phone = ""
    user.position = ""
    user.learner_group = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    # A new (unusable) password changes the session hash: every open session ends.
    user.set_unusable_password()
    user.save()
    return user
