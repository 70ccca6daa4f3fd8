"""Downloads: CSV and XLSX learner lists, unit/course tables, the PDF report, certificate zips."""

import tempfile
import zipfile

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from certificates.assets import certificate_storage
from certificates.models import Certificate, CertificateStatus
from lms.orgunits.selectors import members_in_scope, scope_roots
from lms.tabular import csv_rows
from lms.text import normalize_nfc, slugify_vi

from ..exports import EXPORT_HEADERS, XLSX_TASK_LEARNERS, export_rows, export_storage, xlsx_write
from ..models import ExportJob
from ..selectors import coordination_report
from ..tasks import export_xlsx_task
from ._common import _as_of, _coordinator_only, _int, _unit_in_scope


@login_required
def export_csv(request):
    """The learner list of the dashboard as CSV, streamed: codes stay text, Vietnamese headers."""
    _coordinator_only(request)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    report = coordination_report(viewer=request.user, unit=unit, as_of=_as_of(request))
    response = StreamingHttpResponse(
        csv_rows(EXPORT_HEADERS, export_rows(report)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="hocso-bao-cao-hoc-vien.csv"'
    return response


@login_required
def export_table_csv(request, table: str):
    """The dashboard's unit or course table as CSV (Vietnamese headers, codes as text)."""
    _coordinator_only(request)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    report = coordination_report(viewer=request.user, unit=unit, as_of=_as_of(request))
    figures_header = ["Người học", "Đã ghi danh", "Lượt ghi danh", "Lượt hoàn thành", "Tỷ lệ (%)", "Quá hạn"]
    if table == "units":
        header = ["Mã đơn vị", "Đơn vị", *figures_header]
        rows = [[group.code, group.name, *_figure_values(figures)] for group, figures in report.units]
    else:
        header = ["Khoá học", *figures_header]
        rows = [[title, *_figure_values(figures)] for title, figures in report.courses]
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="hocso-theo-{"don-vi" if table == "units" else "khoa-hoc"}.csv"'
    )
    return response


def _figure_values(figures) -> list:
    return [
        figures.learners,
        figures.enrolled,
        figures.enrollments,
        figures.completed,
        figures.completion_pct,
        figures.overdue,
    ]


@login_required
def export_xlsx(request):
    """The learner list as XLSX (write-only mode, codes as text); a worker builds large ones."""

    _coordinator_only(request)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    as_of = _as_of(request)
    report = coordination_report(viewer=request.user, unit=unit, as_of=as_of)
    if len(report.learners) > XLSX_TASK_LEARNERS:
        params = {"unit": unit.pk if unit else None, "as_of": as_of.isoformat() if as_of else None}
        job = ExportJob.objects.create(created_by=request.user, params=params)
        transaction.on_commit(lambda: export_xlsx_task.delay(job.pk), robust=True)
        return redirect("coordination_export_job", job_id=job.pk)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it after streaming
    xlsx_write(report, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename="hocso-bao-cao-hoc-vien.xlsx")


@login_required
def export_job(request, job_id: int):
    """A large export's progress page; the owner downloads the file once the worker is done."""

    job = get_object_or_404(ExportJob, pk=job_id, created_by=request.user)
    if job.status == ExportJob.Status.DONE and request.GET.get("download"):
        return FileResponse(
            export_storage().open(job.file, "rb"), as_attachment=True, filename="hocso-bao-cao-hoc-vien.xlsx"
        )
    return render(request, "coordination/export_job.html", {"job": job})


@login_required
def report_pdf(request):
    """A printable "Báo cáo" in the Decree 30/2020 layout summarising completion by unit."""
    from certificates.rendering import decree30_date, pdf_from_html  # noqa: PLC0415 — keeps xhtml2pdf out of web processes until needed

    _coordinator_only(request)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    as_of = _as_of(request)
    report = coordination_report(viewer=request.user, unit=unit, as_of=as_of)
    roots = scope_roots(viewer=request.user)
    agency = unit or (roots[0] if roots else None)
    parent = agency.get_parent() if agency is not None else None
    province = agency.get_root() if agency is not None else None
    context = {
        "report": report,
        "as_of": as_of,
        "agency_name": agency.name if agency else "",
        "agency_code": (agency.code.split(".")[-1] if agency else "").upper(),
        "parent_name": (parent.name if parent else "Ủy ban nhân dân"),
        "place": (province.name.replace("Tỉnh ", "").split(" (")[0] if province else ""),
        "date_text": decree30_date(timezone.localdate()),
        "recipient": parent.name if parent else "Ủy ban nhân dân tỉnh",
        "signer_title": request.user.get_position_display() or "Người lập báo cáo",
        "signer_name": request.user.full_name,
    }
    pdf = pdf_from_html(normalize_nfc(render_to_string("coordination/pdf/report.html", context)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="bao-cao-boi-duong-ky-nang-so.pdf"'
    return response


@login_required
def certificates_zip(request):
    """The issued certificates of the learners in scope (optionally one unit or course) as a zip."""

    _coordinator_only(request)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    members = members_in_scope(viewer=request.user)
    if unit is not None:
        members = members.filter(unit__path__startswith=unit.path)
    certificates = Certificate.objects.filter(
        status=CertificateStatus.ISSUED, enrollment__user_id__in=members.values("user_id")
    ).order_by("pk")
    course_id = _int(request.GET.get("course"))
    if course_id:
        certificates = certificates.filter(enrollment__course_id=course_id)
    storage = certificate_storage()
    handle = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 — FileResponse closes it
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates.iterator():
            with storage.open(certificate.pdf, "rb") as pdf:
                name = f"{certificate.code}-{slugify_vi(certificate.frozen.get('full_name', ''))}.pdf"
                archive.writestr(name, pdf.read())
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename="chung-chi.zip", content_type="application/zip")
