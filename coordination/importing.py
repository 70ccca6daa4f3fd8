"""Bulk enrolment of learners from CSV or XLSX: preview every row, then apply all or nothing.

Columns (header row, Vietnamese or English names): full_name / họ và tên, email,
unit_code / mã đơn vị, learner_group / nhóm, position / chức vụ, phone / điện thoại.
Row numbers are the spreadsheet's (the header is row 1). Names are NFC-normalised,
codes kept as text, e-mails validated; re-applying the same file changes nothing.

Identity belongs to the person: a row may *update* (learner group, position, unit within the
scope) only a learner already confirmed inside the coordinator's scope, and never their name,
e-mail or phone. Every other address — unknown, or an account elsewhere — becomes an
*invitation* to the row's unit, with the same outcome shown either way, so the preview never
tells whether an address is registered. Both steps run in a worker (``lms.jobs``): the preview
job reads and checks the file, the apply job writes everything in one transaction.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.assignments import assignments_apply_for_users
from lms.accounts.models import LearnerGroup, Position
from lms.accounts.services import accounts_for_invitations
from lms.accounts.validators import learner_fields_clean
from lms.audit.services import audit_changes, audit_record, audit_record_many
from lms.jobs.models import BackgroundJob, JobStatus
from lms.jobs.services import JobError, job_create
from lms.jobs.storage import job_storage
from lms.orgunits.models import MembershipSource
from lms.orgunits.selectors import members_in_scope, org_unit_by_code, unit_in_scope
from lms.orgunits.services import invitations_create, membership_transfer
from lms.tabular import TableError, TableLimits, table_read
from lms.tabular.limits import not_a_table, too_large
from lms.text import normalize_nfc, search_key

from .invitations import invitations_send_queue

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
    outcome: str  # "invite" | "update" | "unchanged" | "error"
    message: str = ""


def read_table(*, filename: str, data: bytes | IO[bytes]) -> list[list[str]]:
    """Rows of strings from a CSV (UTF-8, comma or semicolon) or XLSX upload; cells kept as text.

    Read within the upload limits (``settings.UPLOAD_MAX_*``) by ``lms.tabular.table_read``; a file
    past one, or unreadable, raises ``TableError`` (a ``ValueError``) with a message for people.
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


def _columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, name in enumerate(header):
        for field, names in HEADERS.items():
            if search_key(name).replace("_", " ") in {n.replace("_", " ") for n in names}:
                columns[field] = index
    return columns


def preview_rows(*, actor, table: list[list[str]], progress=None) -> list[RowOutcome]:
    """Check every row and decide its outcome: "invite", "update", "unchanged" or "error".
    A constant number of queries per chunk of rows (users, memberships and units are looked up
    in bulk); ``progress(done, total)`` is called as rows are checked."""
    if not table:
        return _file_error(_("Tệp trống."))
    columns = _columns(table[0])
    missing = [f for f in ("full_name", "email", "unit_code") if f not in columns]
    if missing:
        return _file_error(_("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)})
    rows = [(number, raw) for number, raw in enumerate(table[1:], start=2) if any(str(v).strip() for v in raw)]
    units = _UnitLookup(actor)
    seen: dict[str, int] = {}
    outcomes: list[RowOutcome] = []
    for start in range(0, len(rows), PREVIEW_CHUNK):
        chunk = rows[start : start + PREVIEW_CHUNK]
        checked = [(number, *_row_checked(raw, columns, seen, number, units)) for number, raw in chunk]
        emails = [values["email"] for _number, values, problems, _unit in checked if not problems]
        members = _members_in_scope_by_email(actor, emails)
        for number, values, problems, unit in checked:
            if problems:
                outcomes.append(RowOutcome(number, **values, outcome="error", message="; ".join(problems)))
                continue
            member = members.get(values["email"])
            outcomes.append(_outcome(number, values, unit, member))
        if progress is not None:
            progress(min(start + PREVIEW_CHUNK, len(rows)), len(rows))
    return outcomes


PREVIEW_CHUNK = 1000


class _UnitLookup:
    """Units by code, with the scope check, looked up once per code."""

    def __init__(self, actor):
        self.actor = actor
        self.cache: dict[str, tuple[object, bool]] = {}

    def get(self, code: str):
        if code not in self.cache:
            unit = org_unit_by_code(code=code) if code else None
            self.cache[code] = (unit, unit is not None and unit_in_scope(viewer=self.actor, unit=unit))
        return self.cache[code]


def _row_checked(raw, columns, seen, number, units) -> tuple[dict, list[str], object]:
    """One row's values and problems: name, e-mail and phone by the account's own rules (the forms'
    lengths and validators), then the unit (existing, in scope), group and position."""
    values = {field: _cell(raw, columns.get(field)) for field in HEADERS}
    cleaned, problems = learner_fields_clean(
        full_name=values["full_name"], email=values["email"], phone=values["phone"]
    )
    values.update(cleaned)
    if values["email"] in seen:
        problems.append(_("email trùng với dòng %(row)s") % {"row": seen[values["email"]]})
    seen.setdefault(values["email"], number)
    unit, in_scope = units.get(values["unit_code"])
    if unit is None:
        problems.append(_("không có đơn vị mã “%(code)s”") % {"code": values["unit_code"]})
    elif not in_scope:
        problems.append(_("đơn vị “%(code)s” ngoài phạm vi của bạn") % {"code": values["unit_code"]})
    group = _choice(values["learner_group"], LearnerGroup.choices)
    position = _choice(values["position"], Position.choices)
    if group is None:
        problems.append(_("nhóm người học “%(v)s” không hợp lệ") % {"v": values["learner_group"]})
    if position is None:
        problems.append(_("chức vụ “%(v)s” không hợp lệ") % {"v": values["position"]})
    values["learner_group"], values["position"] = group or "", position or ""
    return values, problems, unit


@dataclass(frozen=True)
class _Member:
    user_id: int
    learner_group: str
    position: str
    unit_id: int


def _members_in_scope_by_email(actor, emails: list[str]) -> dict[str, _Member]:
    """The accounts among ``emails`` whose confirmed current unit is in the actor's scope."""
    if not emails:
        return {}
    memberships = members_in_scope(viewer=actor).filter(user__email__in=emails)
    return {
        email.lower(): _Member(user_id, group, position, unit_id)
        for email, user_id, group, position, unit_id in memberships.values_list(
            "user__email", "user_id", "user__learner_group", "user__position", "unit_id"
        )
    }


def _outcome(number: int, values: dict, unit, member: _Member | None) -> RowOutcome:
    if member is None:
        return RowOutcome(number, **values, outcome="invite")
    same = (member.learner_group, member.position, member.unit_id) == (
        values["learner_group"],
        values["position"],
        unit.pk,
    )
    return RowOutcome(number, **values, outcome="unchanged" if same else "update")


# --- Jobs ----------------------------------------------------------------------------------------

IMPORT_PREVIEW = "coordination.import_preview"
IMPORT_APPLY = "coordination.import_apply"


def import_upload(*, actor, filename: str, upload) -> BackgroundJob:
    """Store an uploaded file privately and queue its preview (the request does constant work)."""
    limits = TableLimits.from_settings()
    if upload.size > limits.max_bytes:
        raise too_large(limits)
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise not_a_table()
    stored = job_storage().save(f"uploads/{uuid.uuid4().hex}{Path(filename).suffix.lower()}", upload)
    return job_create(
        owner=actor,
        kind=IMPORT_PREVIEW,
        title=_("Xem trước tệp nhập: %(name)s") % {"name": filename[:200]},
        params={"upload": stored, "filename": filename[:255]},
        back_url=reverse("coordination_import"),
        back_label=_("Về trang nhập danh sách"),
    )


def import_preview_run(job: BackgroundJob, run) -> dict:
    """Worker: read the stored upload within the limits and check every row (nothing is written)."""
    storage = job_storage()
    try:
        with storage.open(job.params["upload"], "rb") as handle:
            try:
                table = read_table(filename=job.params["filename"], data=handle)
            except TableError as error:  # past a limit, or not a CSV/XLSX: the message says which
                raise JobError(str(error)) from error
        rows = preview_rows(actor=job.owner, table=table, progress=run.progress)
    finally:
        storage.delete(job.params["upload"])  # the rows live in the result until it expires
    counts = Counter(row.outcome for row in rows)
    return {"rows": [asdict(row) for row in rows], "counts": dict(counts), "filename": job.params["filename"]}


def import_apply_start(*, actor, preview: BackgroundJob) -> BackgroundJob:
    """Queue the apply job of a checked preview without errors (the owner's own preview only)."""
    if preview.owner_id != actor.pk or preview.kind != IMPORT_PREVIEW or preview.status != JobStatus.DONE:
        raise ValueError(_("Không tìm thấy bản xem trước này."))
    if preview.result.get("applied_by_job"):
        raise ValueError(_("Tệp này đã được áp dụng."))
    if any(row["outcome"] == "error" for row in preview.result.get("rows", [])):
        raise ValueError(_("Tệp có lỗi: không áp dụng dòng nào."))
    with transaction.atomic():
        job = job_create(
            owner=actor,
            kind=IMPORT_APPLY,
            title=_("Áp dụng tệp nhập: %(name)s") % {"name": preview.result.get("filename", "")[:200]},
            params={"preview": preview.pk},
            total=len(preview.result.get("rows", [])),
            back_url=reverse("coordination_dashboard"),
            back_label=_("Về trang điều phối"),
        )
        BackgroundJob.objects.filter(pk=preview.pk).update(result={**preview.result, "applied_by_job": job.pk})
    return job


def import_apply_run(job: BackgroundJob, run) -> dict:
    """Worker, one transaction: re-check every row now, then write — all rows or none.

    In-scope learners get their learner group, position and unit (within the scope) updated,
    never their name, e-mail or phone; every other address gets an invitation (a new account,
    without a password, is created for an unknown address). Each affected person is audited.
    """
    preview = BackgroundJob.objects.select_for_update().filter(pk=job.params["preview"], owner=job.owner).first()
    if preview is None or preview.status != JobStatus.DONE or preview.result.get("applied_by_job") != job.pk:
        raise JobError(_("Không tìm thấy bản xem trước này."))
    if preview.result.get("applied"):
        raise JobError(_("Tệp này đã được áp dụng."))
    header = ["full_name", "email", "unit_code", "learner_group", "position", "phone"]
    table = [header] + [[row[field] for field in header] for row in preview.result["rows"]]
    rows = preview_rows(actor=job.owner, table=table)
    if not rows or any(row.outcome == "error" for row in rows):
        raise JobError(_("Dữ liệu đã thay đổi từ lúc xem trước và tệp có lỗi: không áp dụng dòng nào."))
    counts = Counter(row.outcome for row in rows)
    units = _UnitLookup(job.owner)
    _apply_updates(job.owner, [row for row in rows if row.outcome == "update"], units)
    invitations = _apply_invitations(job.owner, [row for row in rows if row.outcome == "invite"], units)
    invitations_send_queue(actor=job.owner, invitations=invitations)
    summary = {"invite": counts["invite"], "update": counts["update"], "unchanged": counts["unchanged"]}
    audit_record(actor=job.owner, action="learners.import", data={"file": preview.result.get("filename"), **summary})
    # The preview holds other people's data: once applied, keep only the counts.
    BackgroundJob.objects.filter(pk=preview.pk).update(
        result={
            "counts": preview.result.get("counts", {}),
            "filename": preview.result.get("filename"),
            "applied": True,
        },
        expires_at=timezone.now(),
    )
    run.progress(len(rows))
    return summary


def _apply_updates(actor, rows: list[RowOutcome], units: _UnitLookup) -> None:
    """Learner group, position and unit (a transfer within the scope) of confirmed in-scope members."""
    if not rows:
        return
    User = get_user_model()
    by_email = {row.email: row for row in rows}
    users = list(User.objects.filter(email__in=list(by_email)))
    members = _members_in_scope_by_email(actor, list(by_email))
    items, moved = [], []
    for user in users:
        row = by_email[user.email.lower()]
        before = {"learner_group": user.learner_group, "position": user.position}
        user.learner_group, user.position = row.learner_group, row.position
        changes = audit_changes(before, {"learner_group": row.learner_group, "position": row.position})
        unit, _in_scope = units.get(row.unit_code)
        if members[user.email.lower()].unit_id != unit.pk:
            moved.append((user, unit))
        if changes:
            items.append({"subject": user, "data": {"changes": changes}})
    User.objects.bulk_update(users, ["learner_group", "position"], batch_size=1000)
    audit_record_many(actor=actor, action="account.update", items=items, reason=_("Nhập danh sách"))
    for user, unit in moved:  # transfers are few; each closes the old membership and is audited
        membership_transfer(
            actor=actor, user=user, unit=unit, source=MembershipSource.IMPORT, reason=_("Nhập danh sách")
        )
    if moved:
        assignments_apply_for_users(actor=actor, users=[user for user, _unit in moved])


def _apply_invitations(actor, rows: list[RowOutcome], units: _UnitLookup) -> list:
    """Invite every other address; unknown ones get a new account (no password yet, name from the file)."""
    if not rows:
        return []
    accounts = accounts_for_invitations(
        people={
            row.email: {
                "full_name": row.full_name,
                "learner_group": row.learner_group,
                "position": row.position,
                "phone": row.phone,
            }
            for row in rows
        }
    )
    people = [(accounts[row.email], units.get(row.unit_code)[0]) for row in rows]
    return invitations_create(actor=actor, people=people, reason=_("Nhập danh sách"))
