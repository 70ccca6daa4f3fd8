"""Following up assignments: the list by plan, edit, extend, cancel, and "send reminders now"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.assignment_changes import assignment_cancel, assignment_extend, assignment_update
from courses.assignments import AssignmentError, AssignmentNeedsConfirmation, assignments_in_scope
from courses.models import Assignment

from ..assignment_selectors import assignment_plans
from ..forms import AssignmentEditForm, AssignmentExtendForm
from ..reminders import ReminderError, assignment_reminders_preview, assignment_reminders_queue
from ._common import _coordinator_only


def _assignment_in_scope(request, assignment_id: int) -> Assignment:
    """The assignment if it lies in the coordinator's scope; 404 otherwise."""
    _coordinator_only(request)
    return get_object_or_404(
        assignments_in_scope(viewer=request.user).prefetch_related("courses", "units"), pk=assignment_id
    )


def past_due_confirmed(request, form) -> bool:
    """The coordinator confirmed this very due date (the confirmation button carries it)."""
    due = form.cleaned_data.get("due_date")
    return bool(due) and request.POST.get("confirm_past_due") == due.strftime("%d/%m/%Y")


@login_required
def assignments_list(request):
    _coordinator_only(request)
    today = timezone.localdate()
    plans = assignment_plans(viewer=request.user, today=today)
    return render(request, "coordination/assignments.html", {"plans": plans, "today": today})


@login_required
def assignment_edit(request, assignment_id: int):
    """Change the name, plan or due date; a past due date asks for confirmation first."""
    assignment = _assignment_in_scope(request, assignment_id)
    if assignment.cancelled_at is not None:
        messages.error(request, _("Đợt giao này đã bị huỷ, không thể thay đổi."))
        return redirect("coordination_assignments")
    initial = {"title": assignment.title, "plan_reference": assignment.plan_reference, "due_date": assignment.due_date}
    form = AssignmentEditForm(request.POST or None, initial=initial)
    confirm = None
    if request.method == "POST" and form.is_valid():
        try:
            assignment_update(
                actor=request.user,
                assignment=assignment,
                confirm_past_due=past_due_confirmed(request, form),
                **form.cleaned_data,
            )
        except AssignmentNeedsConfirmation as needed:
            confirm = needed
        except AssignmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu đợt giao “%(title)s”.") % {"title": form.cleaned_data["title"]})
            return redirect("coordination_assignments")
    context = {
        "assignment": assignment,
        "form": form,
        "confirm": confirm,
        "extend_form": AssignmentExtendForm(),
    }
    return render(request, "coordination/assignment_edit.html", context, status=400 if form.errors else 200)


@login_required
def assignment_extend_view(request, assignment_id: int):
    """Move the whole assignment's due date later (nobody becomes overdue: no confirmation)."""
    assignment = _assignment_in_scope(request, assignment_id)
    if request.method != "POST":
        return redirect("coordination_assignment_edit", assignment_id=assignment.pk)
    form = AssignmentExtendForm(request.POST)
    if form.is_valid():
        try:
            assignment_extend(actor=request.user, assignment=assignment, **form.cleaned_data)
        except AssignmentError as error:
            form.add_error("due_date", str(error))
        else:
            messages.success(
                request,
                _("Đã gia hạn “%(title)s” đến %(date)s.")
                % {"title": assignment.title, "date": form.cleaned_data["due_date"].strftime("%d/%m/%Y")},
            )
            return redirect("coordination_assignments")
    initial = {"title": assignment.title, "plan_reference": assignment.plan_reference, "due_date": assignment.due_date}
    context = {"assignment": assignment, "form": AssignmentEditForm(initial=initial), "extend_form": form}
    return render(request, "coordination/assignment_edit.html", context, status=400)


@login_required
def assignment_cancel_view(request, assignment_id: int):
    """Explain what cancelling does, then cancel on confirmation (audited)."""
    assignment = _assignment_in_scope(request, assignment_id)
    if assignment.cancelled_at is not None:
        messages.error(request, _("Đợt giao này đã bị huỷ."))
        return redirect("coordination_assignments")
    error = None
    if request.method == "POST":
        try:
            detached = assignment_cancel(
                actor=request.user, assignment=assignment, reason=request.POST.get("reason", "").strip()
            )
        except AssignmentError as problem:
            error = str(problem)
        else:
            messages.success(
                request,
                _("Đã huỷ đợt giao “%(title)s”; %(n)s lượt ghi danh được giữ nguyên tiến độ.")
                % {"title": assignment.title, "n": detached},
            )
            return redirect("coordination_assignments")
    learners = assignment.enrollments.values("user_id").distinct().count()
    context = {"assignment": assignment, "learners": learners, "error": error}
    return render(request, "coordination/assignment_cancel.html", context, status=400 if error else 200)


@login_required
def assignment_remind(request, assignment_id: int):
    """Preview the recipients of "send reminders now"; confirming queues the e-mails to exactly that
    list (frozen in a signed token) and opens the job's page, which shows how many were sent."""
    assignment = _assignment_in_scope(request, assignment_id)
    error = None
    if request.method == "POST":
        try:
            job = assignment_reminders_queue(
                actor=request.user,
                assignment=assignment,
                token=request.POST.get("recipients", ""),
                back_url=reverse("coordination_assignments"),
            )
        except ReminderError as problem:
            error = str(problem)
        else:
            return redirect("job_detail", job_id=job.pk)
    try:
        preview = assignment_reminders_preview(viewer=request.user, assignment=assignment)
    except ReminderError as problem:
        messages.error(request, str(problem))
        return redirect("coordination_assignments")
    recipients = Paginator(preview.recipients, 100).get_page(request.GET.get("p"))
    context = {"assignment": assignment, "preview": preview, "recipients": recipients, "error": error}
    return render(request, "coordination/assignment_remind.html", context, status=400 if error else 200)
