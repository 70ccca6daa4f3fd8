"""The coordinator's downloads, each built by a worker as a background job (``lms.jobs``): the
learner list (CSV, XLSX), the unit and course tables (CSV), the Decree-30 report (PDF) and a zip of
the scope's certificates. The request only checks the parameters and queues the job; the file goes
to private storage and only its owner downloads it. Scope is checked again when the job runs.
"""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date

from django.core.files import File
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.assets import certificate_storage
from certificates.models import Certificate, CertificateStatus
from courses.selectors import course_titles
from lms.jobs.registry import register_job_kind
from lms.jobs.services import JobError, job_create
from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import members_in_scope, unit_in_scope
from lms.tabular import csv_rows, xlsx_sheet_write
from lms.tabular.writing import CSV_DELIMITERS
from lms.text import normalize_nfc, slugify_vi

from .selectors import LearnerFilters, coordination_report, learners_filtered, status_labels

EXPORT_HEADERS = [
    "Họ và tên",
    "Email",
    "Điện thoại",
    "Mã đơn vị",
    "Đơn vị",
    "Nhóm",
    "Chức vụ",
    "Khoá học",
    "Tiến độ (%)",
    "Hạn hoàn thành",
    "Trạng thái",
    "Ngày hoàn thành",
]
EXPORT_WIDTHS = [28, 30, 14, 12, 34, 16, 18, 40, 11, 15, 16, 16]
TEXT_COLUMNS = {2, 3}  # phone and unit code: leading zeros kept
FIGURES_HEADER = ["Người học", "Đã ghi danh", "Lượt ghi danh", "Lượt hoàn thành", "Tỷ lệ (%)", "Quá hạn"]
EXPORT_CHUNK = 2000

LEARNERS_CSV = "coordination.export_learners_csv"
LEARNERS_XLSX = "coordination.export_learners_xlsx"
UNITS_CSV = "coordination.export_units_csv"
COURSES_CSV = "coordination.export_courses_csv"
REPORT_PDF = "coordination.report_pdf"
REPORT_DOCX = "coordination.report_docx"
CERTIFICATES_ZIP = "coordination.certificates_zip"

EXPORT_TITLES = {
    LEARNERS_CSV: gettext_lazy("Danh sách người học (CSV)"),
    LEARNERS_XLSX: gettext_lazy("Danh sách người học (Excel)"),
    UNITS_CSV: gettext_lazy("Bảng theo đơn vị (CSV)"),
    COURSES_CSV: gettext_lazy("Bảng theo khoá học (CSV)"),
    REPORT_PDF: gettext_lazy("Báo cáo kết quả bồi dưỡng (PDF)"),
    REPORT_DOCX: gettext_lazy("Báo cáo kết quả bồi dưỡng (Word, để chỉnh sửa)"),
    CERTIFICATES_ZIP: gettext_lazy("Chứng chỉ đã cấp (zip)"),
}
BACK = gettext_lazy("Về trang điều phối")
LEARNER_LISTS = (LEARNERS_CSV, LEARNERS_XLSX)


def export_queue(
    *,
    actor,
    kind: str,
    unit: OrgUnit | None,
    as_of: date | None,
    course_id: int | None,
    filters: LearnerFilters | None = None,
    delimiter: str = ",",
    number: str = "",
):
    """Queue one download for the actor's scope (or one unit of it), as of a past day if given,
    of the learners the dashboard's filters chose (learner lists only); CSVs with ``,`` or ``;``;
    the report takes its document number when the clerk already has one."""
    if kind not in EXPORT_TITLES:
        raise ValueError(kind)
    filters = filters if kind in LEARNER_LISTS and filters else LearnerFilters()
    params = {
        "unit": unit.pk if unit else None,
        "as_of": as_of.isoformat() if as_of else None,
        "course": course_id,
        "filters": filters.as_params(),
        "delimiter": delimiter if delimiter in CSV_DELIMITERS else ",",
    }
    if number:
        params["number"] = number
    title = str(EXPORT_TITLES[kind])
    if unit is not None:
        title += f" — {unit.name}"
    if as_of is not None:
        title += " — " + _("số liệu đến %(day)s") % {"day": as_of.strftime("%d/%m/%Y")}
    for label, value in filters.described():
        title += f" — {label}: {value}"
    return job_create(
        owner=actor,
        kind=kind,
        title=title,
        params=params,
        back_url=reverse("coordination_dashboard"),
        back_label=str(BACK),
    )


def _report_for(job, run=None):
    """The report the job's owner may see now: a unit no longer in their scope fails the job."""
    params = job.params
    unit = OrgUnit.objects.filter(pk=params["unit"]).first() if params.get("unit") else None
    if params.get("unit") and (unit is None or not unit_in_scope(viewer=job.owner, unit=unit)):
        raise JobError(_("Đơn vị này không còn trong phạm vi của bạn."))
    as_of = date.fromisoformat(params["as_of"]) if params.get("as_of") else None
    report = coordination_report(  # an export counts now: its figures are the file's own
        viewer=job.owner, unit=unit, as_of=as_of, course_id=params.get("course"), refresh=True
    )
    return report, unit, as_of


def _stamp(as_of: date | None) -> str:
    return (as_of or timezone.localdate()).strftime("%Y%m%d")


# --- Learner list -------------------------------------------------------------------------------------


def export_rows(report, run=None, filters: LearnerFilters | None = None):
    """Every learner row with their enrolments, a chunk of learners at a time (flat memory): the
    learners ``filters`` choose — and, with a status filter, only their enrolments in that status
    (the dashboard's "quá hạn" list exports as the overdue enrolments). Dates are dates."""
    filters = filters or LearnerFilters()
    learners = learners_filtered(report, **vars(filters))
    total = len(learners)
    done = 0
    for chunk in _chunks(learners):
        report.load_facts(chunk)
        yield from _chunk_rows(chunk, status=filters.status)
        done += len(chunk)
        if run is not None:
            run.progress(done, total=total)


def _chunks(learners):
    if hasattr(learners, "chunks"):
        yield from learners.chunks(EXPORT_CHUNK)
        return
    for start in range(0, len(learners), EXPORT_CHUNK):  # a filtered list already in memory (SQLite)
        yield learners[start : start + EXPORT_CHUNK]


def _chunk_rows(rows, *, status: str = ""):
    labels = status_labels()
    for row in rows:
        user, member_unit = row.membership.user, row.membership.unit
        base = [
            user.full_name,
            user.email,
            user.phone,
            member_unit.code,
            member_unit.name,
            user.get_learner_group_display(),
            user.get_position_display(),
        ]
        enrollments = [e for e in row.enrollments if e.status == status] if status else row.enrollments
        if not enrollments and not status:
            yield [*base, "", None, None, "", None]
        for enrollment in enrollments:
            completed = timezone.localdate(enrollment.completed_at) if enrollment.completed_at else None
            yield [
                *base,
                enrollment.course_title,
                enrollment.progress_pct,
                enrollment.due_date,
                labels[enrollment.status],
                completed,
            ]


def _filters_of(job) -> LearnerFilters:
    return LearnerFilters.from_params(job.params.get("filters") or {})


def _about(job, report, unit, as_of) -> list[tuple[str, object]]:
    """What a file was made of, for its readers: scope, day, course and filters."""
    lines: list[tuple[str, object]] = [
        (_("Phạm vi"), unit.name if unit else _("Toàn bộ phạm vi của bạn")),
        (_("Số liệu đến ngày"), as_of or report.today),
        (_("Tạo lúc"), timezone.now()),
        (_("Người tạo"), job.owner.full_name or job.owner.email),
    ]
    if job.params.get("course"):
        lines.append((_("Khoá học"), course_titles().get(job.params["course"], "")))
    lines.extend(_filters_of(job).described())
    return lines


def learners_csv_run(job, run) -> dict:
    report, _unit, as_of = _report_for(job)
    counted = {"rows": 0}

    def rows():
        for values in export_rows(report, run, _filters_of(job)):
            counted["rows"] += 1
            yield values

    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="") as handle:
        # every cell through safe_cell
        handle.writelines(csv_rows(EXPORT_HEADERS, rows(), delimiter=job.params.get("delimiter") or ","))
        handle.seek(0)
        run.store_file(
            File(handle.buffer), name=_learners_name(job, as_of, "csv"), content_type="text/csv; charset=utf-8"
        )
    return counted


def _learners_name(job, as_of, extension: str) -> str:
    suffix = "-loc" if _filters_of(job) else ""
    return f"hocso-hoc-vien-{_stamp(as_of)}{suffix}.{extension}"


def xlsx_write(report, handle, run=None, *, filters: LearnerFilters | None = None, about=()) -> int:
    """Write the report's learner rows as XLSX to ``handle`` through the safe writer (text never a
    formula; dates typed; header frozen with an autofilter); unit codes and phone numbers stay
    text, leading zeros kept; ``about`` goes to a second sheet. Returns the row count."""
    return xlsx_sheet_write(
        handle,
        title="Người học",
        header=EXPORT_HEADERS,
        rows=export_rows(report, run, filters),
        text_columns=TEXT_COLUMNS,
        widths=EXPORT_WIDTHS,
        notes=about,
        notes_title=_("Thông tin"),
    )


def learners_xlsx_run(job, run) -> dict:
    report, unit, as_of = _report_for(job)
    with tempfile.TemporaryFile() as handle:
        count = xlsx_write(report, handle, run, filters=_filters_of(job), about=_about(job, report, unit, as_of))
        handle.seek(0)
        run.store_file(
            File(handle),
            name=_learners_name(job, as_of, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return {"rows": count}


# --- Unit and course tables ----------------------------------------------------------------------------


def _figure_values(figures) -> list:
    return [
        figures.learners,
        figures.enrolled,
        figures.enrollments,
        figures.completed,
        figures.completion_pct,
        figures.overdue,
    ]


def table_rows(report, table: str) -> tuple[list[str], list[list]]:
    """The dashboard's unit table (each unit, the learners directly in the scope's top unit, and
    the total) or course table, as header and rows."""
    if table == "units":
        rows = [[group.code, group.name, *_figure_values(figures)] for group, figures in report.units]
        if report.direct is not None:
            rows.append(
                ["", _("Trực tiếp tại %(unit)s") % {"unit": report.direct[0].name}, *_figure_values(report.direct[1])]
            )
        rows.append(["", _("Tổng cộng"), *_figure_values(report.figures)])
        return ["Mã đơn vị", "Đơn vị", *FIGURES_HEADER], rows
    rows = [[title, *_figure_values(figures)] for title, figures in report.courses]
    return ["Khoá học", *FIGURES_HEADER], rows


def _table_run(job, run, table: str) -> dict:
    report, _unit, as_of = _report_for(job)
    header, rows = table_rows(report, table)
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="") as handle:
        handle.writelines(csv_rows(header, rows, delimiter=job.params.get("delimiter") or ","))
        handle.seek(0)
        name = f"hocso-theo-{'don-vi' if table == 'units' else 'khoa-hoc'}-{_stamp(as_of)}.csv"
        run.store_file(File(handle.buffer), name=name, content_type="text/csv; charset=utf-8")
    return {"rows": len(rows)}


def units_csv_run(job, run) -> dict:
    return _table_run(job, run, "units")


def courses_csv_run(job, run) -> dict:
    return _table_run(job, run, "courses")


# --- The Decree-30 report -----------------------------------------------------------------------------


def _report_document(job):
    """The job's report as a document (``coordination.report_document``); the PDF stack loads here."""
    from .report_document import report_document  # noqa: PLC0415 — it loads the PDF stack (workers only)

    report, unit, as_of = _report_for(job)
    document = report_document(
        viewer=job.owner,
        report=report,
        unit=unit,
        as_of=as_of,
        course_id=job.params.get("course"),
        number=job.params.get("number") or "",
    )
    if document is None:
        raise JobError(_("Bạn chưa được giao phạm vi điều phối nào."))
    return report, document, as_of


def report_pdf_run(job, run) -> dict:
    """The Decree-30 "Báo cáo" of the owner's scope as a PDF an official can send: the letterhead and
    signature block of the issuing unit, never the downloader's."""
    from certificates.rendering import pdf_from_html  # noqa: PLC0415 — the PDF stack loads in workers only

    report, document, as_of = _report_document(job)
    pdf = pdf_from_html(normalize_nfc(render_to_string("coordination/pdf/report.html", {"doc": document})))
    run.store_file(pdf, name=f"bao-cao-boi-duong-ky-nang-so-{_stamp(as_of)}.pdf", content_type="application/pdf")
    return {"units": len(report.units)}


def report_docx_run(job, run) -> dict:
    """The same report as an editable Word document, for the clerk to number, edit and print."""
    from .report_docx import report_docx_write  # noqa: PLC0415 — python-docx loads in workers only

    report, document, as_of = _report_document(job)
    with tempfile.TemporaryFile() as handle:
        report_docx_write(document, handle)
        handle.seek(0)
        run.store_file(
            File(handle),
            name=f"bao-cao-boi-duong-ky-nang-so-{_stamp(as_of)}.docx",
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    return {"units": len(report.units)}


# --- Certificates zip --------------------------------------------------------------------------------------


def certificates_zip_run(job, run) -> dict:
    """The issued certificates of the learners in scope (optionally one unit or course) as a zip."""
    unit = OrgUnit.objects.filter(pk=job.params["unit"]).first() if job.params.get("unit") else None
    if job.params.get("unit") and (unit is None or not unit_in_scope(viewer=job.owner, unit=unit)):
        raise JobError(_("Đơn vị này không còn trong phạm vi của bạn."))
    members = members_in_scope(viewer=job.owner)
    if unit is not None:
        members = members.filter(unit__path__startswith=unit.path)
    certificates = Certificate.objects.filter(
        status=CertificateStatus.ISSUED, enrollment__user_id__in=members.values("user_id")
    ).order_by("pk")
    if job.params.get("course"):
        certificates = certificates.filter(enrollment__course_id=job.params["course"])
    total = certificates.count()
    if not total:
        raise JobError(_("Chưa có chứng chỉ nào trong phạm vi này."))
    storage = certificate_storage()
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, certificate in enumerate(certificates.iterator(), start=1):
                with storage.open(certificate.pdf, "rb") as pdf:
                    name = f"{certificate.code}-{slugify_vi(certificate.frozen.get('full_name', ''))}.pdf"
                    archive.writestr(name, pdf.read())
                if done % 100 == 0:
                    run.progress(done, total=total)
        handle.seek(0)
        run.store_file(File(handle), name="chung-chi.zip", content_type="application/zip")
    return {"certificates": total}


def register() -> None:
    register_job_kind(LEARNERS_CSV, learners_csv_run)
    register_job_kind(LEARNERS_XLSX, learners_xlsx_run)
    register_job_kind(UNITS_CSV, units_csv_run)
    register_job_kind(COURSES_CSV, courses_csv_run)
    register_job_kind(REPORT_PDF, report_pdf_run)
    register_job_kind(REPORT_DOCX, report_docx_run)
    register_job_kind(CERTIFICATES_ZIP, certificates_zip_run)
