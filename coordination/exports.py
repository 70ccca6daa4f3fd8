"""Exports of the coordinator's learner list: CSV streamed, XLSX in openpyxl's write-only mode,
both through ``lms.tabular`` (no cell ever becomes a formula).

Large XLSX exports are built by a worker into private storage (never a public media URL) and
downloaded by their owner when ready.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.utils import timezone

from lms.orgunits.models import OrgUnit
from lms.tabular import xlsx_sheet_write

from .models import ExportJob
from .selectors import coordination_report

EXPORT_HEADERS = [
    "Họ và tên",
    "Email",
    "Mã đơn vị",
    "Đơn vị",
    "Chức vụ",
    "Khoá học",
    "Tiến độ (%)",
    "Hạn hoàn thành",
    "Trạng thái",
    "Ngày hoàn thành",
]
EXPORT_CHUNK = 2000
# Scopes with more learners than this get their XLSX from a worker.
XLSX_TASK_LEARNERS = 5000


def export_storage():
    return storages.create_storage(
        {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(Path(settings.VAR_DIR) / "private" / "exports")},
        }
    )


def export_rows(report):
    """Every learner row with their enrolments, a chunk of learners at a time (flat memory)."""
    for start in range(0, len(report.learners), EXPORT_CHUNK):
        chunk = report.load_facts(report.learners[start : start + EXPORT_CHUNK])
        yield from _chunk_rows(chunk)
        for row in chunk:
            row.enrollments = []  # done with this chunk


def _chunk_rows(rows):
    for row in rows:
        user, member_unit = row.membership.user, row.membership.unit
        base = [user.full_name, user.email, member_unit.code, member_unit.name, user.get_position_display()]
        if not row.enrollments:
            yield [*base, "", "", "", "", ""]
        for enrollment in row.enrollments:
            completed = (
                timezone.localdate(enrollment.completed_at).strftime("%d/%m/%Y") if enrollment.completed_at else ""
            )
            due = enrollment.due_date.strftime("%d/%m/%Y") if enrollment.due_date else ""
            yield [*base, enrollment.course_title, enrollment.progress_pct, due, enrollment.status_label, completed]


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def xlsx_write(report, handle) -> int:
    """Write the report's learner rows as XLSX to ``handle``; codes stay text. Returns the row count."""

    return xlsx_sheet_write(
        handle,
        title="Học viên",
        header=EXPORT_HEADERS,
        rows=export_rows(report),
        text_columns={EXPORT_HEADERS.index("Mã đơn vị")},  # leading zeros stay
    )


def export_job_run(*, job) -> None:
    """Build a queued export job's XLSX into private storage (the worker side)."""

    params = job.params
    unit = OrgUnit.objects.filter(pk=params.get("unit")).first() if params.get("unit") else None
    as_of = timezone.datetime.fromisoformat(params["as_of"]).date() if params.get("as_of") else None
    report = coordination_report(viewer=job.created_by, unit=unit, as_of=as_of)
    with tempfile.TemporaryFile() as handle:
        rows = xlsx_write(report, handle)
        handle.seek(0)
        name = export_storage().save(f"{job.pk}-hocso-bao-cao-hoc-vien.xlsx", File(handle))
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, file=name, rows=rows, finished_at=timezone.now()
    )
