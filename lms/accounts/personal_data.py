"""Everything the platform holds about one learner (Law 91/2025).

Each app registers a section: a title and a function returning a list of
flat dicts. "Dữ liệu của tôi" shows the sections and exports them as JSON
and CSV. Apps above ``accounts`` (courses, quizzes, certificates) register
their own sections in ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

from lms.audit.selectors import audit_entries_about_user
from lms.orgunits.models import CoordinatorScope, Membership, MembershipInvitation

Row = dict[str, Any]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: Callable[[Any], list[Row]]


_sections: dict[str, Section] = {}


def register_section(*, key: str, title, rows: Callable[[Any], list[Row]]) -> None:
    _sections[key] = Section(key=key, title=title, rows=rows)


def personal_data_collect(*, user) -> dict[str, dict[str, Any]]:
    """``{section_key: {"title": …, "rows": [...]}}`` with JSON-safe values."""
    return {
        section.key: {
            "title": str(section.title),
            "rows": [{k: _plain(v) for k, v in row.items()} for row in section.rows(user)],
        }
        for section in _sections.values()
    }


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- core sections ------------------------------------------------------------

SECRET_FIELDS = {"password"}


def account_rows(user) -> list[Row]:
    row: Row = {}
    for field in user._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            row["password"] = "(set)" if user.has_usable_password() else "(not set)"
            continue
        row[field.name] = field.value_from_object(user)
    row["groups"] = ", ".join(user.groups.values_list("name", flat=True))
    return [row]


def email_rows(user) -> list[Row]:

    return list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary"))


def membership_rows(user) -> list[Row]:

    return [
        {
            "unit_code": membership.unit.code,
            "unit_name": membership.unit.name,
            "start": membership.start,
            "end": membership.end,
            "source": membership.source,
            "confirmed_at": membership.confirmed_at,
        }
        for membership in Membership.objects.filter(user=user).select_related("unit").order_by("start")
    ]


def invitation_rows(user) -> list[Row]:
    return [
        {
            "unit_code": invitation.unit.code,
            "unit_name": invitation.unit.name,
            "email": invitation.email,
            "created_at": invitation.created_at,
            "expires_at": invitation.expires_at,
            "accepted_at": invitation.accepted_at,
            "declined_at": invitation.declined_at,
        }
        for invitation in MembershipInvitation.objects.filter(user=user).select_related("unit").order_by("created_at")
    ]


def coordinator_scope_rows(user) -> list[Row]:

    return [
        {"unit_code": scope.unit.code, "unit_name": scope.unit.name, "granted_at": scope.granted_at}
        for scope in CoordinatorScope.objects.filter(user=user).select_related("unit")
    ]


def audit_rows(user) -> list[Row]:

    return [
        {"at": entry.at, "action": entry.action, "by": entry.actor_label, "reason": entry.reason}
        for entry in audit_entries_about_user(user=user)
    ]


def register_core_sections() -> None:
    register_section(key="account", title=_("Tài khoản và hồ sơ"), rows=account_rows)
    register_section(key="emails", title=_("Địa chỉ email"), rows=email_rows)
    register_section(key="memberships", title=_("Đơn vị công tác"), rows=membership_rows)
    register_section(key="invitations", title=_("Lời mời vào đơn vị"), rows=invitation_rows)
    register_section(key="coordinator_scopes", title=_("Phạm vi điều phối"), rows=coordinator_scope_rows)
    register_section(key="audit", title=_("Nhật ký liên quan đến bạn"), rows=audit_rows)
