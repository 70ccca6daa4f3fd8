"""The coordinator's assignments list: each plan's assignments with their learners' counts.

Counts come from the assignment-status rule (``courses.assignment_status``) in one grouped query
for the whole list, never a loop over learners; they cover the learners in the viewer's scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch
from django.utils import timezone

from courses.assignment_status import enrollments_status_counts
from courses.assignments import assignments_in_scope
from courses.models import Assignment, AssignmentStatus, CoursePage, Enrollment, EnrollmentStatus
from lms.accounts.models import LearnerGroup, Position
from lms.orgunits.selectors import users_visible_to
from lms.text import vietnamese_collation_key


@dataclass
class StatusCounts:
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    exempted: int = 0

    @property
    def assigned(self) -> int:
        return self.completed + self.in_progress + self.not_started + self.overdue + self.exempted

    @classmethod
    def of(cls, tally: dict[str, int]) -> StatusCounts:
        return cls(**{status.value: tally.get(status.value, 0) for status in AssignmentStatus})


@dataclass
class AssignmentRow:
    assignment: Assignment
    courses: list[tuple[CoursePage, StatusCounts]]
    groups: list[str]
    positions: list[str]
    named: int
    total: StatusCounts

    @property
    def cancelled(self) -> bool:
        return self.assignment.cancelled_at is not None


@dataclass
class Plan:
    reference: str  # "" for assignments without a plan
    rows: list[AssignmentRow] = field(default_factory=list)


def assignment_enrollments_in_scope(*, viewer, assignments):
    """The (not withdrawn) enrolments of ``assignments`` whose learner the viewer's scope holds."""
    enrollments = Enrollment.objects.filter(assignment__in=assignments).exclude(status=EnrollmentStatus.WITHDRAWN)
    if not viewer.is_superuser:
        enrollments = enrollments.filter(user_id__in=users_visible_to(viewer=viewer).values("pk"))
    return enrollments


def assignment_plans(*, viewer, today: date | None = None, include_cancelled: bool = True) -> list[Plan]:
    """The viewer's assignments grouped by plan ("Kế hoạch số …"), newest plan first, each with
    per-course and total counts by status on ``today``. A few queries whatever the learners' number."""
    today = today or timezone.localdate()
    assignments = assignments_in_scope(viewer=viewer)
    if not include_cancelled:
        assignments = assignments.filter(cancelled_at__isnull=True)
    assignments = list(
        assignments.select_related("created_by", "cancelled_by")
        .prefetch_related(
            Prefetch("courses", queryset=CoursePage.objects.only("pk", "title", "path", "depth")),
            "units",
        )
        .order_by("-created_at", "-pk")
    )
    counts = enrollments_status_counts(
        assignment_enrollments_in_scope(viewer=viewer, assignments=[a.pk for a in assignments]),
        today=today,
        by=("assignment_id", "course_id"),
    )
    named = dict(
        Assignment.users.through.objects.filter(assignment_id__in=[a.pk for a in assignments])
        .values("assignment_id")
        .annotate(n=Count("pk"))
        .values_list("assignment_id", "n")
    )
    groups, positions = dict(LearnerGroup.choices), dict(Position.choices)
    plans: dict[str, Plan] = {}
    for assignment in assignments:
        courses = sorted(assignment.courses.all(), key=lambda course: vietnamese_collation_key(course.title))
        per_course = [(course, StatusCounts.of(counts.get((assignment.pk, course.pk), {}))) for course in courses]
        total = StatusCounts()
        for _course, tally in per_course:
            for name in ("completed", "in_progress", "not_started", "overdue", "exempted"):
                setattr(total, name, getattr(total, name) + getattr(tally, name))
        row = AssignmentRow(
            assignment=assignment,
            courses=per_course,
            groups=[str(groups.get(g, g)) for g in assignment.learner_groups],
            positions=[str(positions.get(p, p)) for p in assignment.positions],
            named=named.get(assignment.pk, 0),
            total=total,
        )
        reference = assignment.plan_reference.strip()
        plans.setdefault(reference, Plan(reference=reference)).rows.append(row)
    return list(plans.values())
