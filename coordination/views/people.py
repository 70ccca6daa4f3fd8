"""Unit confirmations, assignments, bulk import and the reminder opt-out link."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.assignments import AssignmentError, assignment_create
from lms.orgunits.models import Membership, OrgUnit
from lms.orgunits.selectors import members_in_scope, scope_roots, subtree_filter

from ..forms import AssignmentForm
from ..importing import ASYNC_ROWS, import_apply, import_preview, import_progress, import_progress_set
from ..models import ImportJob
from ..reminders import unsubscribe_user_id
from ..services import membership_confirm_and_assign
from ..tasks import import_apply_task
from ._common import _coordinator_only


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
                job = import_preview(actor=request.user, filename=upload.name, data=upload)  # read within limits
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

    user_id = unsubscribe_user_id(token)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if request.method == "POST" and user is not None:
        user.reminder_emails = False
        user.save(update_fields=["reminder_emails"])
        return render(request, "coordination/reminders_off.html", {"done": True})
    return render(request, "coordination/reminders_off.html", {"valid": user is not None}, status=200 if user else 400)
