"""Unit confirmations and invitations, assignments, bulk import and the reminder opt-out link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.assignments import AssignmentError, AssignmentNeedsConfirmation, assignment_create
from courses.jobs import assignment_apply_queue
from lms.jobs.models import JobStatus
from lms.jobs.selectors import job_of_owner
from lms.orgunits.models import Membership, MembershipInvitation, OrgUnit
from lms.orgunits.selectors import members_in_scope, scope_roots, subtree_filter, unit_in_scope
from lms.orgunits.services import InvitationError, invitation_confirm, membership_decline

from ..forms import AssignmentForm
from ..importing import IMPORT_APPLY, IMPORT_PREVIEW, import_apply_start, import_upload
from ..invitations import invitations_queue
from ..reminders import unsubscribe_user_id
from ..services import membership_confirm_and_assign
from ._common import _coordinator_only
from .assignments import past_due_confirmed


@login_required
def memberships_pending(request):
    """Self-declarations awaiting confirmation (only the name and the declared unit are shown) and
    the invitations this coordinator sent (administrators see all and may confirm them)."""
    _coordinator_only(request)
    pending = Paginator(
        members_in_scope(viewer=request.user, confirmed=False).order_by("unit__path", "start", "pk"), 100
    ).get_page(request.GET.get("p"))
    invitations = MembershipInvitation.objects.select_related("unit", "invited_by").order_by("-created_at", "-pk")
    if not request.user.is_superuser:
        invitations = invitations.filter(invited_by=request.user)
    context = {"pending": pending, "invitations": Paginator(invitations, 100).get_page(request.GET.get("i"))}
    return render(request, "coordination/memberships.html", context)


@require_POST
@login_required
def membership_confirm(request, membership_id: int):
    _coordinator_only(request)
    membership = get_object_or_404(Membership.objects.select_related("unit", "user"), pk=membership_id)
    if request.POST.get("answer") == "decline":
        if not unit_in_scope(viewer=request.user, unit=membership.unit):
            raise PermissionDenied
        membership_decline(actor=request.user, membership=membership, reason=request.POST.get("reason", ""))
        messages.success(request, _("Đã từ chối khai báo của %(name)s.") % {"name": membership.user.full_name})
        return redirect("coordination_memberships")
    enrolled = membership_confirm_and_assign(actor=request.user, membership=membership)
    messages.success(
        request,
        _("Đã xác nhận %(name)s; ghi danh thêm %(n)s khoá được giao.") % {"name": membership.user, "n": enrolled},
    )
    return redirect("coordination_memberships")


@require_POST
@login_required
def invitation_confirm_view(request, invitation_id: int):
    """An administrator confirms an invitation for the person (with a reason, audited)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    invitation = get_object_or_404(MembershipInvitation, pk=invitation_id)
    try:
        invitation_confirm(actor=request.user, invitation=invitation, reason=request.POST.get("reason", ""))
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã xác nhận lời mời."))
    return redirect("coordination_memberships")


@login_required
def assignment_new(request):
    """Create an assignment; its learners are enrolled by a background job (any number of them)."""
    _coordinator_only(request)
    roots = scope_roots(viewer=request.user)
    units = OrgUnit.objects.filter(subtree_filter([r.path for r in roots])).order_by("path")
    form = AssignmentForm(request.POST or None, units=units, viewer=request.user)
    confirm = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        emails = data.pop("emails")
        data.pop("invite_unit", None)
        try:
            with transaction.atomic():
                assignment = assignment_create(
                    actor=request.user,
                    users=emails.members,
                    invitees=len(emails.others),
                    apply=False,
                    confirm_past_due=past_due_confirmed(request, form),
                    **data,
                )
                job = assignment_apply_queue(
                    actor=request.user,
                    assignment=assignment,
                    back_url=reverse("coordination_dashboard"),
                    back_label=_("Về trang điều phối"),
                )
                invitations_queue(actor=request.user, emails=emails.others, unit=emails.unit, assignment=assignment)
        except AssignmentNeedsConfirmation as needed:
            confirm = needed
        except AssignmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Đã giao “%(title)s”. Hệ thống đang ghi danh người học.") % {"title": assignment.title}
            )
            return redirect("job_detail", job_id=job.pk)
    return render(request, "coordination/assignment_form.html", {"form": form, "confirm": confirm})


@login_required
def import_upload_view(request):
    _coordinator_only(request)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Hãy chọn tệp CSV hoặc XLSX.")
        else:
            try:
                job = import_upload(actor=request.user, filename=upload.name, upload=upload)
            except ValueError as problem:
                error = str(problem)
            else:
                return redirect("coordination_import_job", job_id=job.pk)
    context = {
        "error": error,
        "max_mb": settings.UPLOAD_MAX_BYTES // 2**20,
        "max_rows": settings.UPLOAD_MAX_ROWS,
    }
    return render(request, "coordination/import_upload.html", context, status=400 if error else 200)


@login_required
def import_job(request, job_id: int):
    """A file's preview (checked by a worker) and its apply button; the owner's own jobs only."""
    _coordinator_only(request)
    job = job_of_owner(owner=request.user, job_id=job_id, kinds=(IMPORT_PREVIEW, IMPORT_APPLY))
    if job.kind == IMPORT_APPLY:
        return redirect("job_detail", job_id=job.pk)
    if request.method == "POST":
        try:
            apply_job = import_apply_start(actor=request.user, preview=job)
        except ValueError as problem:
            messages.error(request, str(problem))
        else:
            return redirect("job_detail", job_id=apply_job.pk)
    rows = job.result.get("rows", []) if job.status == JobStatus.DONE else []
    context = {
        "job": job,
        "rows": rows,
        "counts": job.result.get("counts", {}),
        "has_errors": any(row["outcome"] == "error" for row in rows),
        "applied": bool(job.result.get("applied_by_job") or job.result.get("applied")),
        "filename": job.params.get("filename") or job.result.get("filename", ""),
    }
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
