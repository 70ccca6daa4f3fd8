"""Assignments: writes (create, apply, exceptions) and the per-learner status.

Scope is enforced here: a coordinator may target only units inside their
scope subtrees and learners they can see. Applying is idempotent: every
matching learner has one active enrolment per assigned course, recording the
assignment that required it.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services import audit_record
from lms.orgunits.models import Membership
from lms.orgunits.selectors import scope_roots, subtree_filter, unit_in_scope, user_in_scope

from .models import Assignment, AssignmentException, EnrollmentSource, ExceptionKind
from .services import LearningError, enrollment_create


class AssignmentError(LearningError):
    pass


def _check_scope(actor, units, users) -> None:
    if not scope_roots(viewer=actor):
        raise AssignmentError(_("Bạn không có quyền giao khoá học."))
    outside = [unit.name for unit in units if not unit_in_scope(viewer=actor, unit=unit)]
    if outside:
        raise AssignmentError(_("Ngoài phạm vi của bạn: %(units)s.") % {"units": ", ".join(outside)})
    if any(not user_in_scope(viewer=actor, user=user) for user in users):
        raise AssignmentError(_("Có người học ngoài phạm vi của bạn."))


@transaction.atomic
def assignment_create(
    *,
    actor,
    title: str,
    courses,
    due_date: date,
    units=(),
    learner_groups=(),
    positions=(),
    users=(),
    plan_reference="",
) -> Assignment:
    """Create an assignment within the actor's scope and enrol every matching learner."""
    if not courses:
        raise AssignmentError(_("Chọn ít nhất một khoá học."))
    if not (units or users):
        raise AssignmentError(_("Chọn đơn vị hoặc người học được giao."))
    _check_scope(actor, list(units), list(users))
    assignment = Assignment.objects.create(
        title=title,
        plan_reference=plan_reference,
        due_date=due_date,
        learner_groups=list(learner_groups),
        positions=list(positions),
        created_by=actor,
    )
    assignment.courses.set(courses)
    assignment.units.set(units)
    assignment.users.set(users)
    enrolled = assignment_apply(assignment=assignment)
    audit_record(
        actor=actor,
        action="assignment.create",
        target=assignment,
        data={"courses": [c.pk for c in courses], "units": [u.code for u in units], "enrolled": enrolled},
        reason=plan_reference,
    )
    return assignment


def assignment_learners(assignment: Assignment):
    """Learners the assignment targets now: confirmed current members of its unit subtrees
    (filtered by group and position when set), plus named learners."""
    User = get_user_model()
    paths = [unit.path for unit in assignment.units.all()]
    by_unit = User.objects.none()
    if paths:
        members = Membership.objects.filter(
            subtree_filter(paths, field="unit__path"), end__isnull=True, confirmed_at__isnull=False
        )
        by_unit = User.objects.filter(pk__in=members.values("user_id"), is_active=True)
        if assignment.learner_groups:
            by_unit = by_unit.filter(learner_group__in=assignment.learner_groups)
        if assignment.positions:
            by_unit = by_unit.filter(position__in=assignment.positions)
    named = User.objects.filter(pk__in=assignment.users.values("pk"), is_active=True)
    return User.objects.filter(Q(pk__in=by_unit.values("pk")) | Q(pk__in=named.values("pk")))


@transaction.atomic
def assignment_apply(*, assignment: Assignment, users=None) -> int:
    """Enrol matching learners (all, or only ``users``) in every assigned course. Idempotent."""
    learners = assignment_learners(assignment)
    if users is not None:
        learners = learners.filter(pk__in=[u.pk for u in users])
    exempt = set(assignment.exceptions.filter(kind=ExceptionKind.EXEMPTION).values_list("user_id", flat=True))
    count = 0
    for course in assignment.courses.all():
        for user in learners.exclude(pk__in=exempt):
            enrollment = enrollment_create(user=user, course=course, source=EnrollmentSource.ASSIGNMENT)
            if enrollment.assignment_id is None and enrollment.completed_at is None:
                enrollment.assignment = assignment
                enrollment.source = EnrollmentSource.ASSIGNMENT
                enrollment.save(update_fields=["assignment", "source"])
                count += 1
    return count


@transaction.atomic
def assignments_apply_for_user(*, user) -> int:
    """After a learner joins a unit (confirmed), apply every open assignment that now targets them."""
    today = timezone.localdate()
    count = 0
    for assignment in Assignment.objects.filter(due_date__gte=today).prefetch_related("courses"):
        if assignment_learners(assignment).filter(pk=user.pk).exists():
            count += assignment_apply(assignment=assignment, users=[user])
    return count


@transaction.atomic
def assignment_exception_set(
    *, actor, assignment: Assignment, user, kind: str, reason: str, due_date: date | None = None
) -> AssignmentException:
    """Extend a learner's deadline or exempt them (audited)."""
    _check_scope(actor, [], [user])
    if kind == ExceptionKind.EXTENSION and not due_date:
        raise AssignmentError(_("Gia hạn cần có ngày hạn mới."))
    exception, _created = AssignmentException.objects.update_or_create(
        assignment=assignment,
        user=user,
        defaults={"kind": kind, "due_date": due_date, "reason": reason, "created_by": actor},
    )
    audit_record(
        actor=actor,
        action=f"assignment.{kind}",
        target=user,
        data={"assignment_id": assignment.pk, "due_date": due_date.isoformat() if due_date else None},
        reason=reason,
    )
    return exception
