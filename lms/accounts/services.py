"""Writes about people: profile, roles and anonymisation."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission, Page

from lms.audit.services import audit_changes, audit_record
from lms.orgunits.models import CoordinatorScope, OrgUnit
from lms.orgunits.services import membership_declare
from lms.text import normalize_nfc

from .models import User
from .personal_data import personal_data_erase

EDITORS_GROUP = "Biên tập viên"  # Wagtail's "Editors", renamed by migration accounts 0005
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


@transaction.atomic
def user_name_correct(*, actor: User, user: User, full_name: str, reason: str) -> User:
    """An administrator corrects a person's full name, with a reason; audited old → new.

    Only administrators (active superusers) may: anyone else gets ``PermissionDenied``.
    The name is NFC-normalised and must be non-empty, within the model field's length
    and different from the current one; the reason is required. Bad input raises
    ``ValidationError`` (keyed by field, Vietnamese messages) and changes nothing.
    Certificates already issued keep the name frozen in them until they are reissued.
    """
    if not (actor is not None and actor.is_active and actor.is_superuser):
        raise PermissionDenied
    name = normalize_nfc(full_name)
    reason = normalize_nfc(reason)
    errors: dict[str, list] = {}
    if not reason:
        errors["reason"] = [_("Cần ghi lý do sửa họ tên.")]
    field = User._meta.get_field("full_name")
    if not name:
        errors["full_name"] = [_("Cần nhập họ và tên.")]
    else:
        try:
            field.run_validators(name)
        except ValidationError as error:
            errors["full_name"] = error.error_list
    if errors:
        raise ValidationError(errors)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.anonymised_at is not None:
        raise ValidationError(_("Tài khoản đã bị xoá: không sửa được họ tên."))
    old = locked.full_name
    if name == old:
        raise ValidationError({"full_name": [_("Họ tên mới trùng với họ tên hiện tại.")]})
    locked.full_name = name
    locked.save(update_fields=["full_name"])
    user.full_name = name
    audit_record(
        actor=actor,
        action="account.name_correct",
        target=locked,
        subject=locked,
        data={"changes": audit_changes({"full_name": old}, {"full_name": name})},
        reason=reason,
    )
    return locked


_editor_permissions: set[tuple[str, str]] = {("wagtailadmin", "access_admin")}


def editor_permissions_register(app_label: str, codenames: list[str]) -> None:
    """An app declares the model permissions editors hold (e.g. the question bank), in ready()."""
    _editor_permissions.update((app_label, codename) for codename in codenames)


def editors_group() -> Group:
    """Wagtail's editors group ("Biên tập viên") with admin access, page rights from the root and the model
    permissions apps registered with ``editor_permissions_register`` (idempotent).

    Wagtail's migration creates it and the apps' migrations grant their permissions; this
    restores them where they are missing (a database whose groups were flushed).
    """

    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = Q()
    for app_label, codename in _editor_permissions:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(wanted))
    root = Page.get_first_root_node()
    if root is not None:
        for codename in ("add_page", "change_page", "publish_page"):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    return group


@transaction.atomic
def editor_role_grant(*, actor: User, user: User, reason: str = "") -> None:
    """Make ``user`` a Wagtail editor (the ``EDITORS_GROUP`` group). Idempotent."""
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
    addresses, second factor, roles — is erased now; learning records stay attached to the
    anonymous account so unit statistics remain true; certificates already
    issued keep the name frozen in them and stay verifiable.
    """

    user_pk = user.pk
    audit_record(actor=actor or user, action="account.anonymise", target=user)
    personal_data_erase(user=user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
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


@transaction.atomic
def accounts_for_invitations(*, people: dict[str, dict]) -> dict[str, User]:
    """The account of each e-mail in ``people`` (e-mail → initial fields): an existing account as it
    is — nothing about it changes — or a new one without a password, with those fields and an
    unverified address (the invitation link proves it). Set-based: a few queries for any number."""
    existing = {user.email.lower(): user for user in User.objects.filter(email__in=list(people))}
    fresh = [User(email=email, **fields) for email, fields in people.items() if email not in existing]
    for user in fresh:
        user.set_unusable_password()
    User.objects.bulk_create(fresh, batch_size=1000)
    created = {user.email: user for user in User.objects.filter(email__in=[user.email for user in fresh])}
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=False, primary=True) for user in created.values()],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return {**existing, **created}
