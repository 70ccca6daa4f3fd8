"""The coordinator dashboard and a learner's page (manual completion, exceptions)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.selectors import certificates_of
from courses.assignment_status import enrollments_with_status_labels
from courses.assignments import AssignmentError, assignment_exception_set
from courses.models import Assignment, CoursePage, Enrollment
from courses.selectors import live_course_choices
from courses.services import LearningError, enrollment_complete_manually
from lms.accounts.models import LearnerGroup, Position
from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import scope_roots, subtree_filter
from quizzes.models import Attempt

from ..selectors import (
    STATUS_LABELS,
    LearnerFilters,
    coordination_report,
    learners_filtered,
    pending_count_with_list_count,
    unit_breadcrumbs,
)
from ..services import TargetError, membership_transfer_and_assign, unit_target_set
from ._common import InvalidParameter, _as_of, _coordinator_only, _int, _learner_in_scope, _unit_in_scope, bad_parameter


@login_required
def dashboard(request):
    _coordinator_only(request)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    try:
        as_of = _as_of(request)
    except InvalidParameter as error:
        return bad_parameter(request, error)
    report = coordination_report(
        viewer=request.user,
        unit=unit,
        as_of=as_of,
        course_id=_int(request.GET.get("course")),
        refresh=request.GET.get("refresh") == "1",
    )
    chosen = LearnerFilters.from_params(request.GET)
    rows = learners_filtered(report, **vars(chosen))
    pending = pending_count_with_list_count(viewer=request.user, learners=rows)
    learners = Paginator(rows, 100).get_page(request.GET.get("p"))
    report.load_facts(list(learners.object_list))
    include_retired = request.GET.get("retired") == "1"
    top = unit or report.top
    context = {
        "report": report,
        "unit": unit,
        "top": top,
        "crumbs": unit_breadcrumbs(viewer=request.user, unit=unit),
        "units_listed": report.units_listed(include_retired=include_retired),
        "include_retired": include_retired,
        "pending": pending,
        "as_of": as_of,
        "learners": learners,
        "filters": request.GET,
        "chosen": chosen,
        "groups": LearnerGroup.choices,
        "positions": Position.choices,
        "courses": live_course_choices(),
        "statuses": list(STATUS_LABELS.items()),
        "course_id": _int(request.GET.get("course")),
        "pager_query": _pager_query(request.GET),
        "target": report.figures.target,
        "target_own": report.own_target(top),
    }
    return render(request, "coordination/dashboard.html", context)


@require_POST
@login_required
def unit_target(request, unit_id: int):
    """Set or clear the completion target of a unit in scope (audited), back to its dashboard."""
    _coordinator_only(request)
    unit = _unit_in_scope(request, unit_id)
    value = request.POST.get("target_pct", "").strip()
    try:
        unit_target_set(actor=request.user, unit=unit, target_pct=int(value) if value else None)
    except ValueError as error:
        message = str(error) if isinstance(error, TargetError) else _("Chỉ tiêu phải là một số từ 1 đến 100 (%).")
        messages.error(request, message)
    else:
        messages.success(request, _("Đã lưu chỉ tiêu hoàn thành của %(unit)s.") % {"unit": unit.name})
    return redirect(f"{reverse('coordination_dashboard')}?unit={unit.pk}")


def _pager_query(params) -> str:
    """The page's filters for the pager links (everything but the page number)."""
    query = params.copy()
    query.pop("p", None)
    query.pop("refresh", None)
    return query.urlencode()


@login_required
def learner_detail(request, user_id: int):
    """One learner's units, courses and quiz attempts — only for coordinators whose scope holds them."""
    learner = _learner_in_scope(request, user_id)
    context = {
        "courses": live_course_choices(),
        "learner": learner,
        "memberships": learner.memberships.select_related("unit").order_by("-start"),
        "enrollments": enrollments_with_status_labels(
            Enrollment.objects.filter(user=learner).select_related("course", "assignment"), today=timezone.localdate()
        ),
        "attempts": Attempt.objects.filter(user=learner).select_related("quiz").order_by("-started_at")[:50],
        "certificates": certificates_of(user=learner),
        "units": OrgUnit.objects.filter(subtree_filter([r.path for r in scope_roots(viewer=request.user)]))
        .filter(valid_to__isnull=True)
        .order_by("path"),
    }
    return render(request, "coordination/learner_detail.html", context)


@require_POST
@login_required
def learner_manual_completion(request, user_id: int):
    """Record in-person training as a completion, with a note (audited)."""
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
    learner = _learner_in_scope(request, user_id)
    # distinct: an assignment of several courses holds one enrolment of the learner per course
    assignment = get_object_or_404(
        Assignment.objects.filter(enrollments__user=learner).distinct(), pk=_int(request.POST.get("assignment")) or 0
    )
    kind = request.POST.get("kind")
    due = None
    if kind == "extension":
        try:
            due = forms.DateField().clean(request.POST.get("due_date"))
        except forms.ValidationError:
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


@require_POST
@login_required
def learner_transfer(request, user_id: int):
    """Move a learner to another unit of the coordinator's scope from a date (audited); the new
    unit's open assignments apply."""
    learner = _learner_in_scope(request, user_id)
    unit = _unit_in_scope(request, _int(request.POST.get("unit")) or 0)
    on = None
    if request.POST.get("on"):
        try:
            on = forms.DateField().clean(request.POST["on"])
        except forms.ValidationError:
            on = None
        if on is None or on > timezone.localdate():
            messages.error(request, _("Ngày chuyển phải có dạng dd/mm/yyyy và không sau hôm nay."))
            return redirect("coordination_learner", user_id=learner.pk)
    enrolled = membership_transfer_and_assign(actor=request.user, user=learner, unit=unit, on=on)
    messages.success(
        request,
        _("Đã chuyển %(name)s sang %(unit)s; ghi danh thêm %(n)s khoá được giao.")
        % {"name": learner.full_name, "unit": unit.name, "n": enrolled},
    )
    return redirect("coordination_learner", user_id=learner.pk)
