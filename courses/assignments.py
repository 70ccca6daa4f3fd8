"""Assignments: writes (create, apply, exceptions) and the per-learner status.

Scope is enforced here: a coordinator may target only units inside their
scope subtrees and learners they can see. Applying is idempotent: every
matching learner has one active enrolment per assigned course, recording the
assignment that required it.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services import audit_changes, audit_record, audit_record_many
from lms.orgunits.models import Membership
from lms.orgunits.selectors import scope_roots, subtree_filter, unit_in_scope, user_in_scope, users_visible_to

from .models import Assignment, AssignmentException, Enrollment, EnrollmentSource, EnrollmentStatus, ExceptionKind
from .services import LearningError


class AssignmentError(LearningError):
    pass


class AssignmentNeedsConfirmation(AssignmentError):
    """A due date already past: ``overdue`` learners would be overdue at once. The page asks the
    coordinator to confirm and calls again with ``confirm_past_due=True``."""

    def __init__(self, *, due_date: date, overdue: int):
        self.due_date, self.overdue = due_date, overdue
        super().__init__(
            _("Hạn %(date)s đã qua: %(n)s người học sẽ quá hạn ngay. Hãy xác nhận nếu bạn chắc chắn.")
            % {"date": due_date.strftime("%d/%m/%Y"), "n": overdue}
        )


def assignment_scope_check(actor, units, users) -> None:
    """Raise ``AssignmentError`` unless every unit and named learner lies in the actor's scope."""
    if not scope_roots(viewer=actor):
        raise AssignmentError(_("Bạn không có quyền giao khoá học."))
    outside = [unit.name for unit in units if not unit_in_scope(viewer=actor, unit=unit)]
    if outside:
        raise AssignmentError(_("Ngoài phạm vi của bạn: %(units)s.") % {"units": ", ".join(outside)})
    if any(not user_in_scope(viewer=actor, user=user) for user in users):
        raise AssignmentError(_("Có người học ngoài phạm vi của bạn."))


def assignments_in_scope(*, viewer):
    """Assignments a viewer may see and change: every target unit and named learner lies in their
    scope (administrators: all). One with no target yet (only invitations) belongs to its creator."""
    if viewer.is_superuser:
        return Assignment.objects.all()
    roots = scope_roots(viewer=viewer)
    if not roots:
        return Assignment.objects.none()
    inside = subtree_filter([root.path for root in roots], field="orgunit__path")
    unit_links = Assignment.units.through.objects
    user_links = Assignment.users.through.objects
    visible = users_visible_to(viewer=viewer).values("pk")
    return (
        Assignment.objects.filter(
            Q(pk__in=unit_links.filter(inside).values("assignment_id"))
            | Q(pk__in=user_links.filter(user_id__in=visible).values("assignment_id"))
            | Q(created_by=viewer)
        )
        .exclude(pk__in=unit_links.exclude(inside).values("assignment_id"))
        .exclude(pk__in=user_links.exclude(user_id__in=visible).values("assignment_id"))
    )


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
    apply: bool = True,
    invitees: int = 0,
    confirm_past_due: bool = False,
) -> Assignment:
    """Create an assignment within the actor's scope and (with ``apply``) enrol every matching learner.
    A due date already past raises ``AssignmentNeedsConfirmation`` (with how many learners would be
    overdue at once) unless ``confirm_past_due``.
    Pages pass ``apply=False`` and queue ``assignment_apply`` as a background job
    (``courses.jobs.ASSIGNMENT_APPLY``): the request does constant work whatever the unit's size."""
    if not courses:
        raise AssignmentError(_("Chọn ít nhất một khoá học."))
    if not (units or users or invitees):
        raise AssignmentError(_("Chọn đơn vị hoặc người học được giao."))
    assignment_scope_check(actor, list(units), list(users))
    today = timezone.localdate()
    if due_date < today and not confirm_past_due:
        targeted = learners_targeted(units=units, learner_groups=learner_groups, positions=positions, users=users)
        raise AssignmentNeedsConfirmation(
            due_date=due_date, overdue=learners_not_completed(learners=targeted, courses=courses).count()
        )
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
    audit_record(
        actor=actor,
        action="assignment.create",
        target=assignment,
        data={"courses": [c.pk for c in courses], "units": [u.code for u in units], "due_date": due_date.isoformat()},
        reason=plan_reference,
    )
    if apply:
        assignment_apply(assignment=assignment, actor=actor)
    return assignment


def assignment_learners(assignment: Assignment):
    """Learners the assignment targets now: confirmed current members of its unit subtrees
    (filtered by group and position when set), plus named learners."""
    return learners_targeted(
        units=assignment.units.all(),
        learner_groups=assignment.learner_groups,
        positions=assignment.positions,
        users=assignment.users.all(),
    )


def learners_targeted(*, units, learner_groups=(), positions=(), users=()):
    """Learners a target (unit subtrees, groups, positions, named learners) holds now — the
    targeting of ``assignment_learners``, usable before the assignment exists."""
    User = get_user_model()
    paths = [unit.path for unit in units]
    by_unit = User.objects.none()
    if paths:
        members = Membership.objects.filter(
            subtree_filter(paths, field="unit__path"), end__isnull=True, confirmed_at__isnull=False
        )
        by_unit = User.objects.filter(pk__in=members.values("user_id"), is_active=True)
        if learner_groups:
            by_unit = by_unit.filter(learner_group__in=list(learner_groups))
        if positions:
            by_unit = by_unit.filter(position__in=list(positions))
    named = User.objects.filter(pk__in=[user.pk for user in users], is_active=True)
    return User.objects.filter(Q(pk__in=by_unit.values("pk")) | Q(pk__in=named.values("pk")))


def learners_not_completed(*, learners, courses):
    """``learners`` who have not completed at least one of ``courses`` (one query): those a new
    assignment of these courses would count as not done."""
    missing = Q(pk__in=[])
    for course in courses:
        done = Enrollment.objects.filter(user_id=OuterRef("pk"), course=course, completed_at__isnull=False)
        missing |= ~Exists(done)
    return learners.filter(missing)


@transaction.atomic
def assignment_apply(*, assignment: Assignment, actor, users=None) -> int:
    """Enrol the matching learners (all, or only ``users``) in every assigned course, set-based:
    a few queries per chunk of learners, whatever their number. Idempotent. Exempted learners are
    skipped; a withdrawn enrolment is reactivated; an expired certification starts a new cycle; an
    open enrolment without an assignment is attached to this one. The assignment is the unit's
    mandate, so prerequisites do not block it. Each newly enrolled learner is audited. Returns the
    number of enrolments attached to the assignment. A cancelled assignment enrols nobody."""
    if assignment.cancelled_at is not None:
        return 0
    learners = assignment_learners(assignment)
    if users is not None:
        learners = learners.filter(pk__in=[user.pk for user in users])
    exempt = assignment.exceptions.filter(kind=ExceptionKind.EXEMPTION).values("user_id")
    learner_ids = list(learners.exclude(pk__in=exempt).values_list("pk", flat=True))
    count = 0
    for course in assignment.courses.all():
        for start in range(0, len(learner_ids), APPLY_CHUNK):
            count += _enrol_chunk(assignment, course, learner_ids[start : start + APPLY_CHUNK], actor)
    return count


APPLY_CHUNK = 5000


def _enrol_chunk(assignment: Assignment, course, user_ids: list[int], actor) -> int:
    latest: dict[int, tuple] = {}
    for row in (
        Enrollment.objects.filter(course=course, user_id__in=user_ids)
        .order_by("user_id", "cycle")
        .values_list("user_id", "pk", "cycle", "status", "completed_at", "assignment_id")
    ):
        latest[row[0]] = row  # the highest cycle wins
    fresh, reactivate, attach = [], [], []
    for user_id in user_ids:
        row = latest.get(user_id)
        if row is None:
            fresh.append(
                Enrollment(user_id=user_id, course=course, assignment=assignment, source=EnrollmentSource.ASSIGNMENT)
            )
            continue
        _user, pk, cycle, status, completed_at, assignment_id = row
        if status == EnrollmentStatus.WITHDRAWN:
            reactivate.append(pk)
        elif completed_at is not None and _certification_expired(completed_at, course):
            fresh.append(
                Enrollment(
                    user_id=user_id,
                    course=course,
                    cycle=cycle + 1,
                    assignment=assignment,
                    source=EnrollmentSource.ASSIGNMENT,
                )
            )
        elif completed_at is None and assignment_id is None:
            attach.append(pk)
    Enrollment.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    Enrollment.objects.filter(pk__in=reactivate).update(
        status=EnrollmentStatus.ACTIVE, withdrawn_at=None, assignment=assignment, source=EnrollmentSource.ASSIGNMENT
    )
    Enrollment.objects.filter(pk__in=attach, assignment__isnull=True, completed_at__isnull=True).update(
        assignment=assignment, source=EnrollmentSource.ASSIGNMENT
    )
    affected = {e.user_id for e in fresh} | {
        row[0] for row in latest.values() if row[1] in set(reactivate) | set(attach)
    }
    people = get_user_model().objects.filter(pk__in=affected).only("pk", "full_name", "email")
    audit_record_many(
        actor=actor,
        action="assignment.enrol",
        items=[
            {"subject": person, "data": {"assignment_id": assignment.pk, "changes": {"course": [None, course.title]}}}
            for person in people
        ],
        reason=assignment.title,
    )
    return len(affected)


def _certification_expired(completed_at, course) -> bool:
    return bool(course.validity_months) and timezone.now() >= completed_at + relativedelta(
        months=course.validity_months
    )


@transaction.atomic
def assignments_apply_for_users(*, actor, users) -> int:
    """After learners join a unit (confirmed, imported, transferred or invited), apply every open
    assignment that now targets them. A query or two per open assignment, not per learner.
    ``actor`` is whoever moved them (audited as the enrolments' actor)."""
    today = timezone.localdate()
    count = 0
    user_ids = [user.pk for user in users]
    for assignment in Assignment.objects.filter(due_date__gte=today, cancelled_at__isnull=True).prefetch_related(
        "courses"
    ):
        targeted = list(assignment_learners(assignment).filter(pk__in=user_ids))
        if targeted:
            count += assignment_apply(assignment=assignment, users=targeted, actor=actor)
    return count


def assignments_apply_for_user(*, actor, user) -> int:
    return assignments_apply_for_users(actor=actor, users=[user])


@transaction.atomic
def assignment_exception_set(
    *, actor, assignment: Assignment, user, kind: str, reason: str, due_date: date | None = None
) -> AssignmentException:
    """Extend a learner's deadline or exempt them (audited)."""
    assignment_scope_check(actor, [], [user])
    if kind == ExceptionKind.EXTENSION and not due_date:
        raise AssignmentError(_("Gia hạn cần có ngày hạn mới."))
    if kind not in ExceptionKind.values:
        raise AssignmentError(_("Chọn gia hạn hoặc miễn."))
    previous = AssignmentException.objects.filter(assignment=assignment, user=user).first()
    exception, _created = AssignmentException.objects.update_or_create(
        assignment=assignment,
        user=user,
        defaults={"kind": kind, "due_date": due_date, "reason": reason, "created_by": actor},
    )
    audit_record(
        actor=actor,
        action=f"assignment.{kind}",
        target=user,
        data={
            "assignment_id": assignment.pk,
            "assignment": assignment.title,
            "changes": audit_changes(
                {
                    "exception": previous.kind if previous else None,
                    "due_date": previous.due_date if previous and previous.due_date else assignment.due_date,
                },
                {"exception": kind, "due_date": due_date or assignment.due_date},
            ),
        },
        reason=reason,
    )
    return exception
