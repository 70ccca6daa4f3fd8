"""Everything the platform holds about one learner (Law 91/2025).

Each app registers a section: a title, a function returning a list of flat
dicts and the fields a person reads, with their labels. "Dữ liệu của tôi" and
its CSV show those, labelled, in local time; the JSON download holds every
value with its machine-readable key beside the labels. Apps above ``accounts``
(courses, quizzes, certificates) register their own sections in
``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lms.audit.labels import action_label
from lms.audit.selectors import audit_entries_about_user
from lms.orgunits.models import CoordinatorScope, Membership, MembershipInvitation, MembershipSource

from .models import User

Row = dict[str, Any]


@dataclass(frozen=True)
class Field:
    """How a person reads one value: its label and, for a code, what the code means."""

    label: Any  # a lazy translation
    choices: Mapping[str, Any] | Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: Callable[[Any], list[Row]]
    fields: dict[str, Field]


@dataclass(frozen=True)
class DisplaySection:
    """A section as the person reads it: a title and, per row, (label, value) pairs."""

    key: str
    title: str
    rows: list[list[tuple[str, str]]]


_sections: dict[str, Section] = {}
# What apps above ``accounts`` erase when an account is anonymised (``user_anonymise`` calls each,
# in its transaction): data that names the person outside the account row itself.
_erasers: dict[str, Callable[[Any], None]] = {}


def register_eraser(key: str, erase: Callable[[Any], None]) -> None:
    """``erase(user)`` removes what the app holds that identifies ``user`` (kept: learning records)."""
    _erasers[key] = erase


def personal_data_erase(*, user) -> None:
    for erase in _erasers.values():
        erase(user)


def register_section(*, key: str, title, rows: Callable[[Any], list[Row]], fields: dict[str, Field | Any]) -> None:
    """``fields`` names, in order, what the screen and the CSV show, each with its label (or a
    ``Field``); a row's other keys (internal ids, the password's state, permission flags) are kept
    in the JSON download only, as data held about the person."""
    _sections[key] = Section(
        key=key,
        title=title,
        rows=rows,
        fields={name: field if isinstance(field, Field) else Field(field) for name, field in fields.items()},
    )


def personal_data_collect(*, user) -> dict[str, dict[str, Any]]:
    """``{section_key: {"title": …, "labels": {key: label}, "rows": [...]}}``: every value held,
    machine-readable and JSON-safe (times local, ISO 8601 with their offset), beside the labels."""
    return {
        section.key: {
            "title": str(section.title),
            "labels": {name: str(field.label) for name, field in section.fields.items()},
            "rows": [{k: _plain(v) for k, v in row.items()} for row in section.rows(user)],
        }
        for section in _sections.values()
    }


def personal_data_display(*, user) -> list[DisplaySection]:
    """What "Dữ liệu của tôi" and its CSV show: labelled values in local time, codes spelled out,
    "Có"/"Không" for yes/no, no internal field."""
    return [
        DisplaySection(
            key=section.key,
            title=str(section.title),
            rows=[
                [(str(field.label), _readable(row[name], field)) for name, field in _shown(section, row)]
                for row in section.rows(user)
            ],
        )
        for section in _sections.values()
    ]


def _shown(section: Section, row: Row):
    return [(name, field) for name, field in section.fields.items() if name in row]


def _plain(value):
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _readable(value, field: Field) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if callable(field.choices):  # a field with its own way of reading (a score, a code)
        return str(field.choices(value))
    if isinstance(value, Decimal | float):
        return formats.number_format(value, use_l10n=True)
    if field.choices is not None:
        return str(field.choices.get(value, value))
    return str(value)


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


def second_factor_rows(user) -> list[Row]:
    """Which authenticators the account has and when they were used: never their secret."""
    return list(
        Authenticator.objects.filter(user=user).order_by("created_at").values("type", "created_at", "last_used_at")
    )


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


# What the screen shows of the account, in this order (the model's own labels); the rest — the id,
# the password's state, permission flags — only in the JSON download.
ACCOUNT_SHOWN = (
    "full_name",
    "email",
    "phone",
    "learner_group",
    "position",
    "language",
    "reminder_emails",
    "date_joined",
    "last_login",
    "consent_at",
    "privacy_notice_version",
    "anonymised_at",
)


def account_fields() -> dict[str, Field]:
    fields = {}
    for name in ACCOUNT_SHOWN:
        field = User._meta.get_field(name)
        fields[name] = Field(capfirst(field.verbose_name), dict(field.flatchoices) if field.choices else None)
    fields["groups"] = Field(_("Nhóm quyền"))
    return fields


UNIT = {"unit_code": _("Mã đơn vị"), "unit_name": _("Đơn vị")}


def register_core_sections() -> None:
    register_section(key="account", title=_("Tài khoản và hồ sơ"), rows=account_rows, fields=account_fields())
    register_section(
        key="emails",
        title=_("Địa chỉ email"),
        rows=email_rows,
        fields={"email": _("Địa chỉ email"), "verified": _("Đã xác minh"), "primary": _("Địa chỉ chính")},
    )
    register_section(
        key="memberships",
        title=_("Đơn vị công tác"),
        rows=membership_rows,
        fields={
            **UNIT,
            "start": _("Từ ngày"),
            "end": _("Đến ngày"),
            "source": Field(_("Nguồn"), dict(MembershipSource.choices)),
            "confirmed_at": _("Xác nhận lúc"),
        },
    )
    register_section(
        key="invitations",
        title=_("Lời mời vào đơn vị"),
        rows=invitation_rows,
        fields={
            **UNIT,
            "email": _("Email được mời"),
            "created_at": _("Mời lúc"),
            "expires_at": _("Hết hạn lúc"),
            "accepted_at": _("Nhận lời lúc"),
            "declined_at": _("Từ chối lúc"),
        },
    )
    register_section(
        key="coordinator_scopes",
        title=_("Phạm vi điều phối"),
        rows=coordinator_scope_rows,
        fields={**UNIT, "granted_at": _("Được cấp lúc")},
    )
    register_section(
        key="audit",
        title=_("Nhật ký liên quan đến bạn"),
        rows=audit_rows,
        fields={
            "at": _("Thời điểm"),
            "action": Field(_("Việc đã làm"), action_label),
            "by": _("Người thực hiện"),
            "reason": _("Lý do"),
        },
    )
    register_section(
        key="second_factor",
        title=_("Xác thực hai lớp"),
        rows=second_factor_rows,
        fields={
            "type": Field(
                _("Cách xác thực"),
                {Authenticator.Type.TOTP: _("Ứng dụng xác thực"), Authenticator.Type.RECOVERY_CODES: _("Mã khôi phục")},
            ),
            "created_at": _("Bật lúc"),
            "last_used_at": _("Dùng lần cuối lúc"),
        },
    )
