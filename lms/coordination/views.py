import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.assignments import AssignmentError, assignment_create
from courses.models import CoursePage
from lms.accounts.models import LearnerGroup, Position
from lms.orgunits.models import Membership, OrgUnit
from lms.orgunits.selectors import is_coordinator, subtree_filter
from lms.text import slugify_vi

from .exports import EXPORT_CHUNK, EXPORT_HEADERS, XLSX_TASK_LEARNERS, export_rows, export_storage, xlsx_write
from .forms import AssignmentForm
from .importing import ASYNC_ROWS, import_apply, import_preview, import_progress, import_progress_set
from .models import ExportJob, ImportJob
from .reminders import unsubscribe_user_id
from .selectors import STATUS_LABELS, coordination_report, members_in_scope, scope_roots
from .services import membership_confirm_and_assign
from .tasks import export_xlsx_task, import_apply_task


def _coordinator_only(request):
    if not (request.user.is_superuser or is_coordinator(user=request.user)):
        raise PermissionDenied


def _unit_in_scope(request, unit_id):
    if not unit_id:
        return None
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    roots = scope_roots(viewer=request.user)
    if not request.user.is_superuser and not any(unit.path.startswith(root.path) for root in roots):
        raise PermissionDenied
    return unit


@login_required
def dashboard(request):
    _coordinator_only(request)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    as_of = _as_of(request)
    report = coordination_report(viewer=request.user, unit=unit, as_of=as_of, course_id=_int(request.GET.get("course")))
    pending = members_in_scope(viewer=request.user, confirmed=False).count()
    rows = _filtered(report, request.GET)
    learners = Paginator(rows, 100).get_page(request.GET.get("p"))
    report.load_facts(list(learners.object_list))
    context = {
        "report": report,
        "unit": unit,
        "pending": pending,
        "as_of": as_of,
        "learners": learners,
        "filters": request.GET,
        "groups": LearnerGroup.choices,
        "positions": Position.choices,
        "courses": CoursePage.objects.live().order_by("title").values_list("pk", "title"),
        "statuses": list(STATUS_LABELS.items()),
        "target": settings.COORDINATION_TARGET_PCT,
    }
    return render(request, "coordination/dashboard.html", context)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filtered(report, params):
    """Learner-list filters: learner group, position, status of any course (which needs every row's facts)."""
    rows = report.learners
    group, position, status = params.get("group"), params.get("position"), params.get("status")
    if group:
        rows = [r for r in rows if r.membership.user.learner_group == group]
    if position:
        rows = [r for r in rows if r.membership.user.position == position]
    if status:
        for start in range(0, len(rows), EXPORT_CHUNK):
            report.load_facts(rows[start : start + EXPORT_CHUNK])
        rows = [r for r in rows if any(s == status for _e, s, _label in r.courses)]
    return rows


def _as_of(request):
    """``?as_of=dd/mm/yyyy`` (a past day, e.g. the end of a quarter) or None for today."""
    from django import forms

    value = request.GET.get("as_of")
    if not value:
        return None
    try:
        return forms.DateField().clean(value)
    except forms.ValidationError:
        return None


class _Echo:
    def write(self, value):
        return value


@login_required
def export_csv(request):
    """The learner list of the dashboard as CSV, streamed: codes stay text, Vietnamese headers."""
    _coordinator_only(request)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    report = coordination_report(viewer=request.user, unit=unit, as_of=_as_of(request))
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # Excel opens UTF-8 Vietnamese correctly with a BOM
        yield writer.writerow(EXPORT_HEADERS)
        for values in export_rows(report):
            yield writer.writerow(values)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hocso-bao-cao-hoc-vien.csv"'
    return response


@login_required
def export_table_csv(request, table: str):
    """The dashboard's unit or course table as CSV (Vietnamese headers, codes as text)."""
    _coordinator_only(request)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    report = coordination_report(viewer=request.user, unit=unit, as_of=_as_of(request))
    writer = csv.writer(_Echo())
    figures_header = ["Người học", "Đã ghi danh", "Lượt ghi danh", "Lượt hoàn thành", "Tỷ lệ (%)", "Quá hạn"]
    if table == "units":
        header = ["Mã đơn vị", "Đơn vị", *figures_header]
        rows = [[group.code, group.name, *_figure_values(figures)] for group, figures in report.units]
    else:
        header = ["Khoá học", *figures_header]
        rows = [[title, *_figure_values(figures)] for title, figures in report.courses]

    def lines():
        yield "\ufeff"
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
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
    import tempfile

    from django.http import FileResponse

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
    from django.http import FileResponse

    job = get_object_or_404(ExportJob, pk=job_id, created_by=request.user)
    if job.status == ExportJob.Status.DONE and request.GET.get("download"):
        return FileResponse(
            export_storage().open(job.file, "rb"), as_attachment=True, filename="hocso-bao-cao-hoc-vien.xlsx"
        )
    return render(request, "coordination/export_job.html", {"job": job})


@login_required
def memberships_pending(request):
    _coordinator_only(request)
    pending = members_in_scope(viewer=request.user, confirmed=False).order_by("unit__path")
    return render(request, "coordination/memberships.html", {"pending": pending})


@require_POST
@login_required
def membership_confirm(request, membership_id: int):
    _coordinator_only(request)
    membership = get_object_or_404(Membership.objects.select_related("unit", "user"), pk=membership_id)
    enrolled = membership_confirm_and_assign(actor=request.user, membership=membership)
    messages.success(
        request,
        _("Đã xác nhận %(name)s; ghi danh thêm %(n)s khoá được giao.") % {"name": membership.user, "n": enrolled},
    )
    return redirect("coordination_memberships")


@login_required
def assignment_new(request):
    _coordinator_only(request)
    roots = scope_roots(viewer=request.user)
    units = OrgUnit.objects.filter(subtree_filter([r.path for r in roots])).order_by("path")
    form = AssignmentForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            data["users"] = data.pop("emails")
            assignment = assignment_create(actor=request.user, **data)
        except AssignmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Đã giao “%(title)s”: %(n)s lượt ghi danh.")
                % {"title": assignment.title, "n": assignment.enrollments.count()},
            )
            return redirect("coordination_dashboard")
    return render(request, "coordination/assignment_form.html", {"form": form})


@login_required
def import_upload(request):
    _coordinator_only(request)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Hãy chọn tệp CSV hoặc XLSX.")
        else:
            try:
                job = import_preview(actor=request.user, filename=upload.name, data=upload.read())
            except ValueError as problem:
                error = str(problem)
            else:
                return redirect("coordination_import_job", job_id=job.pk)
    return render(request, "coordination/import_upload.html", {"error": error})


@login_required
def import_job(request, job_id: int):
    _coordinator_only(request)
    job = get_object_or_404(ImportJob, pk=job_id, created_by=request.user)
    if request.method == "POST" and len(job.rows) > ASYNC_ROWS and job.status == ImportJob.Status.PREVIEW:
        import_progress_set(job.pk, done=0, total=len(job.rows), state="queued")
        import_apply_task.delay(job.pk, request.user.pk)
        return redirect("coordination_import_job", job_id=job.pk)
    if request.method == "POST":
        try:
            counts = import_apply(actor=request.user, job=job)
        except ValueError as problem:
            messages.error(request, str(problem))
        else:
            messages.success(
                request,
                _("Đã áp dụng: %(new)s tài khoản mới, %(update)s cập nhật, %(unchanged)s không đổi.") % counts,
            )
            return redirect("coordination_dashboard")
    has_errors = any(row["outcome"] == "error" for row in job.rows)
    progress = import_progress(job.pk)
    context = {"job": job, "has_errors": has_errors, "progress": progress}
    return render(request, "coordination/import_job.html", context)


def reminders_off(request, token: str):
    """Turn reminder e-mails off from the link in a reminder (no login needed)."""
    from django.contrib.auth import get_user_model

    user_id = unsubscribe_user_id(token)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if request.method == "POST" and user is not None:
        user.reminder_emails = False
        user.save(update_fields=["reminder_emails"])
        return render(request, "coordination/reminders_off.html", {"done": True})
    return render(request, "coordination/reminders_off.html", {"valid": user is not None}, status=200 if user else 400)


@login_required
def learner_detail(request, user_id: int):
    """One learner's units, courses and quiz attempts — only for coordinators whose scope holds them."""

    from certificates.selectors import certificates_of
    from courses.models import Enrollment
    from quizzes.models import Attempt

    learner = _learner_in_scope(request, user_id)
    context = {
        "courses": CoursePage.objects.live().order_by("title").values_list("pk", "title"),
        "learner": learner,
        "memberships": learner.memberships.select_related("unit").order_by("-start"),
        "enrollments": Enrollment.objects.filter(user=learner).select_related("course", "assignment"),
        "attempts": Attempt.objects.filter(user=learner).select_related("quiz").order_by("-started_at")[:50],
        "certificates": certificates_of(user=learner),
    }
    return render(request, "coordination/learner_detail.html", context)


@login_required
def report_pdf(request):
    """A printable "Báo cáo" in the Decree 30/2020 layout summarising completion by unit."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from django.utils import timezone

    from certificates.rendering import decree30_date, pdf_from_html
    from lms.text import normalize_nfc

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
    import tempfile
    import zipfile

    from django.http import FileResponse

    from certificates.assets import certificate_storage
    from certificates.models import Certificate, CertificateStatus

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


def _learner_in_scope(request, user_id: int):
    from django.contrib.auth import get_user_model
    from django.http import Http404

    from lms.orgunits.selectors import users_visible_to

    _coordinator_only(request)
    learner = (
        get_user_model()
        .objects.filter(pk__in=users_visible_to(viewer=request.user).filter(pk=user_id).values("pk"))
        .first()
    )
    if learner is None:
        raise Http404
    return learner


@require_POST
@login_required
def learner_manual_completion(request, user_id: int):
    """Record in-person training as a completion, with a note (audited)."""
    from courses.services import LearningError, enrollment_complete_manually

    learner = _learner_in_scope(request, user_id)
    course = get_object_or_404(CoursePage.objects.live(), pk=_int(request.POST.get("course")) or 0)
    try:
        enrollment_complete_manually(actor=request.user, user=learner, course=course, note=request.POST.get("note", ""))
    except LearningError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã ghi nhận hoàn thành “%(title)s”.") % {"title": course.title})
    return redirect("coordination_learner", user_id=learner.pk)


@require_POST
@login_required
def learner_exception(request, user_id: int):
    """Extend a learner's deadline or exempt them from an assignment (audited)."""
    from django import forms as django_forms

    from courses.assignments import assignment_exception_set
    from courses.models import Assignment

    learner = _learner_in_scope(request, user_id)
    assignment = get_object_or_404(Assignment, pk=_int(request.POST.get("assignment")) or 0, enrollments__user=learner)
    kind = request.POST.get("kind")
    due = None
    if kind == "extension":
        try:
            due = django_forms.DateField().clean(request.POST.get("due_date"))
        except django_forms.ValidationError:
            messages.error(request, _("Ngày gia hạn phải có dạng dd/mm/yyyy."))
            return redirect("coordination_learner", user_id=learner.pk)
    try:
        assignment_exception_set(
            actor=request.user,
            assignment=assignment,
            user=learner,
            kind=kind,
            due_date=due,
            reason=request.POST.get("reason", "").strip() or "—",
        )
    except (AssignmentError, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã lưu."))
    return redirect("coordination_learner", user_id=learner.pk)
