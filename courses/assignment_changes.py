"""Changing an assignment after it was saved: edit, extend, cancel.

Every change is checked against the actor's scope (the assignment's target units and named
learners must all lie in it), audited with the values before and after, and made in one
transaction. A due date already past needs the coordinator's confirmation, told how many
learners would be overdue at once (``AssignmentNeedsConfirmation``).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services import audit_changes, audit_record

from .assignment_status import enrollments_overdue_if_due
from .assignments import AssignmentError, AssignmentNeedsConfirmation, assignment_scope_check
from .models import Assignment, EnrollmentStatus


def assignment_overdue_at_once(*, assignment: Assignment, due_date: date, today: date | None = None) -> int:
    """How many learners of ``assignment`` are not overdue today but would be with ``due_date``
    (one query; the assignment-status rule decides)."""
    today = today or timezone.localdate()
    enrollments = assignment.enrollments.exclude(status=EnrollmentStatus.WITHDRAWN)
    return enrollments_overdue_if_due(enrollments, due_date=due_date, today=today).values("user_id").distinct().count()


def _lock_in_scope(*, actor, assignment: Assignment) -> Assignment:
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    assignment_scope_check(actor, list(locked.units.all()), list(locked.users.all()))
    if locked.cancelled_at is not None:
        raise AssignmentError(_("Đợt giao này đã bị huỷ, không thể thay đổi."))
    return locked


@transaction.atomic
def assignment_update(
    *,
    actor,
    assignment: Assignment,
    title: str,
    plan_reference: str,
    due_date: date,
    confirm_past_due: bool = False,
    action: str = "assignment.update",
    reason: str = "",
) -> Assignment:
    """Change an assignment's name, plan and due date (audited: ``data["changes"]``). A due date
    already past raises ``AssignmentNeedsConfirmation`` unless ``confirm_past_due``."""
    locked = _lock_in_scope(actor=actor, assignment=assignment)
    title = title.strip()
    if not title:
        raise AssignmentError(_("Hãy nhập tên đợt giao."))
    today = timezone.localdate()
    if due_date != locked.due_date and due_date < today and not confirm_past_due:
        raise AssignmentNeedsConfirmation(
            due_date=due_date, overdue=assignment_overdue_at_once(assignment=locked, due_date=due_date, today=today)
        )
    before = {"title": locked.title, "plan_reference": locked.plan_reference, "due_date": locked.due_date}
    after = {"title": title, "plan_reference": plan_reference.strip(), "due_date": due_date}
    changes = audit_changes(before, after)
    if not changes:
        return locked
    for field, value in after.items():
        setattr(locked, field, value)
    locked.save(update_fields=list(after))
    audit_record(actor=actor, action=action, target=locked, data={"changes": changes}, reason=reason)
    return locked


def assignment_extend(*, actor, assignment: Assignment, due_date: date, reason: str = "") -> Assignment:
    """Move the whole assignment's due date later (audited as ``assignment.extend``)."""
    if due_date <= assignment.due_date:
        raise AssignmentError(
            _("Hạn mới phải sau hạn hiện tại (%(date)s).") % {"date": assignment.due_date.strftime("%d/%m/%Y")}
        )
    return assignment_update(
        actor=actor,
        assignment=assignment,
        title=assignment.title,
        plan_reference=assignment.plan_reference,
        due_date=due_date,
        confirm_past_due=True,  # later than before: nobody becomes overdue because of it
        action="assignment.extend",
        reason=reason,
    )


@transaction.atomic
def assignment_cancel(*, actor, assignment: Assignment, reason: str = "") -> int:
    """Cancel an assignment: it is kept (marked cancelled) and enrols nobody from now on; its
    enrolments stay with their progress but no longer count as assigned (they are detached from it,
    so no due date, overdue status or reminder applies). Audited with the detached enrolments.
    Returns how many enrolments were detached."""
    locked = _lock_in_scope(actor=actor, assignment=assignment)
    enrollment_ids = list(locked.enrollments.values_list("pk", flat=True))
    locked.enrollments.update(assignment=None)
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.save(update_fields=["cancelled_at", "cancelled_by"])
    audit_record(
        actor=actor,
        action="assignment.cancel",
        target=locked,
        data={
            "changes": {"cancelled": [False, True]},
            "due_date": locked.due_date.isoformat(),
            "enrollments": enrollment_ids,
        },
        reason=reason,
    )
    return len(enrollment_ids)
