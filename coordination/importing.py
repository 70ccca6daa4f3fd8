"""Bulk enrolment of learners from CSV or XLSX: preview every row, then apply all or nothing.

Columns (header row, Vietnamese or English names): full_name / họ và tên, email,
unit_code / mã đơn vị, learner_group / nhóm, position / chức vụ, phone / điện thoại.
Row numbers are the spreadsheet's (the header is row 1). Names are NFC-normalised,
codes kept as text, e-mails validated; re-applying the same file changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import IO

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.assignments import assignments_apply_for_user
from lms.accounts.models import LearnerGroup, Position
from lms.audit.services import audit_record
from lms.orgunits.models import Membership, MembershipSource
from lms.orgunits.selectors import org_unit_by_code, unit_in_scope
from lms.orgunits.services import membership_declare
from lms.tabular import table_read
from lms.text import normalize_nfc, search_key

from .models import ImportJob

HEADERS = {
    "full_name": {"full_name", "ho va ten", "ho ten"},
    "email": {"email", "thu dien tu"},
    "unit_code": {"unit_code", "ma don vi"},
    "learner_group": {"learner_group", "nhom", "nhom nguoi hoc"},
    "position": {"position", "chuc vu"},
    "phone": {"phone", "dien thoai", "so dien thoai"},
}


@dataclass
class RowOutcome:
    row: int
    full_name: str
    email: str
    unit_code: str
    learner_group: str
    position: str
    phone: str
    outcome: str  # "new" | "update" | "unchanged" | "error"
    message: str = ""


def read_table(*, filename: str, data: bytes | IO[bytes]) -> list[list[str]]:
    """Rows of strings from a CSV (UTF-8, comma or semicolon) or XLSX upload; cells kept as text.

    Read within the upload limits (``settings.UPLOAD_MAX_*``) by ``lms.tabular.table_read``; a file
    past one, or unreadable, raises ``TableError`` (a ``ValueError``) with a message for the page.
    """
    return table_read(filename=filename, data_or_file=data)


def _choice(value: str, choices) -> str | None:
    if not value:
        return ""
    key = search_key(value)
    for code, label in choices:
        if key in (search_key(code), search_key(str(label))):
            return code
    return None


def _cell(raw: list[str], index: int | None) -> str:
    return normalize_nfc(raw[index]) if index is not None and index < len(raw) else ""


def _file_error(message: str) -> list[RowOutcome]:
    return [RowOutcome(1, "", "", "", "", "", "", "error", message)]


def preview_rows(*, actor, table: list[list[str]]) -> list[RowOutcome]:
    if not table:
        return _file_error(_("Tệp trống."))
    columns = {}
    for index, header in enumerate(table[0]):
        for field, names in HEADERS.items():
            if search_key(header).replace("_", " ") in {n.replace("_", " ") for n in names}:
                columns[field] = index
    missing = [f for f in ("full_name", "email", "unit_code") if f not in columns]
    if missing:
        return [
            RowOutcome(1, "", "", "", "", "", "", "error", _("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)})
        ]
    User = get_user_model()
    seen: dict[str, int] = {}
    outcomes = []
    for number, raw in enumerate(table[1:], start=2):
        if not any(str(value).strip() for value in raw):
            continue
        values = {field: _cell(raw, columns.get(field)) for field in HEADERS}
        values["email"] = values["email"].lower()
        values["phone"] = "".join(values["phone"].split())
        problems = []
        if not values["full_name"]:
            problems.append(_("thiếu họ và tên"))
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(_("email “%(email)s” không hợp lệ") % {"email": values["email"]})
        if values["email"] in seen:
            problems.append(_("email trùng với dòng %(row)s") % {"row": seen[values["email"]]})
        seen.setdefault(values["email"], number)
        unit = org_unit_by_code(code=values["unit_code"]) if values["unit_code"] else None
        if unit is None:
            problems.append(_("không có đơn vị mã “%(code)s”") % {"code": values["unit_code"]})
        elif not unit_in_scope(viewer=actor, unit=unit):
            problems.append(_("đơn vị “%(code)s” ngoài phạm vi của bạn") % {"code": values["unit_code"]})
        group = _choice(values["learner_group"], LearnerGroup.choices)
        position = _choice(values["position"], Position.choices)
        if group is None:
            problems.append(_("nhóm người học “%(v)s” không hợp lệ") % {"v": values["learner_group"]})
        if position is None:
            problems.append(_("chức vụ “%(v)s” không hợp lệ") % {"v": values["position"]})
        if values["phone"] and not values["phone"].lstrip("+").isdigit():
            problems.append(_("số điện thoại “%(v)s” không hợp lệ") % {"v": values["phone"]})
        values["learner_group"], values["position"] = group or "", position or ""
        if problems:
            outcomes.append(RowOutcome(number, **values, outcome="error", message="; ".join(problems)))
            continue
        user = User.objects.filter(email__iexact=values["email"]).first()
        if user is None:
            outcome = "new"
        else:
            current = Membership.objects.filter(user=user, end__isnull=True).select_related("unit").first()
            same = (
                user.full_name == values["full_name"]
                and user.learner_group == values["learner_group"]
                and user.position == values["position"]
                and (not values["phone"] or user.phone == values["phone"])
                and current is not None
                and current.unit_id == unit.pk
                and current.confirmed_at is not None
            )
            outcome = "unchanged" if same else "update"
        outcomes.append(RowOutcome(number, **values, outcome=outcome))
    return outcomes


def import_preview(*, actor, filename: str, data: bytes | IO[bytes]) -> ImportJob:
    table = read_table(filename=filename, data=data)  # TableError: nothing is saved, the page shows why
    rows = preview_rows(actor=actor, table=table)
    return ImportJob.objects.create(created_by=actor, filename=filename[:255], rows=[asdict(r) for r in rows])


@transaction.atomic
def import_apply(*, actor, job: ImportJob) -> dict[str, int]:
    """Apply a previewed file: every row or none (re-validated now). Returns counts by outcome."""

    job = ImportJob.objects.select_for_update().get(pk=job.pk, created_by=actor)
    if job.status == ImportJob.Status.APPLIED:
        raise ValueError(_("Tệp này đã được áp dụng."))
    table = [["full_name", "email", "unit_code", "learner_group", "position", "phone"]] + [
        [r["full_name"], r["email"], r["unit_code"], r["learner_group"], r["position"], r["phone"]]
        for r in job.rows
        if r["row"] > 1
    ]
    rows = preview_rows(actor=actor, table=table)
    if any(row.outcome == "error" for row in rows) or not rows:
        raise ValueError(_("Tệp có lỗi: không áp dụng dòng nào."))
    User = get_user_model()
    counts = {"new": 0, "update": 0, "unchanged": 0}
    for done, row in enumerate(rows, start=1):
        if done % 50 == 0:
            import_progress_set(job.pk, done=done, total=len(rows))
        counts[row.outcome] += 1
        if row.outcome == "unchanged":
            continue
        user = User.objects.filter(email__iexact=row.email).first()
        if user is None:
            user = User.objects.create_user(email=row.email, password=None, consent_at=None)
            _invite(user)
        user.full_name, user.learner_group, user.position = row.full_name, row.learner_group, row.position
        if row.phone:
            user.phone = row.phone
        user.save()
        _membership_confirmed(actor, user, org_unit_by_code(code=row.unit_code))
        assignments_apply_for_user(user=user)
    # The rows hold other people's data: once applied, keep only the counts (in the audit log).
    job.status, job.applied_at, job.rows = ImportJob.Status.APPLIED, timezone.now(), []
    job.save(update_fields=["status", "applied_at", "rows"])
    audit_record(actor=actor, action="learners.import", data={"file": job.filename, **counts})
    return counts


# Files with more rows than this are applied by a Celery task; the page shows its progress.
ASYNC_ROWS = 300
PROGRESS_KEY = "coordination:import-progress:{}"


def import_progress_set(job_id: int, *, done: int, total: int, state: str = "running", message: str = "") -> None:
    """Progress lives in the shared cache: the applying transaction is not visible until it commits."""

    cache.set(PROGRESS_KEY.format(job_id), {"done": done, "total": total, "state": state, "message": message}, 3600)


def import_progress(job_id: int) -> dict | None:

    return cache.get(PROGRESS_KEY.format(job_id))


def _membership_confirmed(actor, user, unit) -> None:

    membership = membership_declare(user=user, unit=unit, source=MembershipSource.IMPORT)
    if membership.confirmed_at is None:
        membership.confirmed_at, membership.confirmed_by = timezone.now(), actor
        membership.save(update_fields=["confirmed_at", "confirmed_by"])


def _invite(user) -> None:
    """E-mail a new learner a link to set their password (allauth's reset link), after commit."""

    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    context = {"user": user, "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path}
    transaction.on_commit(
        lambda: send_mail(
            render_to_string("coordination/email/invitation_subject.txt", context).strip(),
            render_to_string("coordination/email/invitation_message.txt", context),
            None,
            [user.email],
        ),
        robust=True,
    )
