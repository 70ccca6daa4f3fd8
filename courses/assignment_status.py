"""The assignment-status rule, in one home: a Python function and a queryset annotation with
the same semantics (a test compares them on every case).

For an enrolment on day ``today`` (a past day for a report "as of" that day):

1. **completed** — completed on or before ``today`` (a manual completion counts like any other);
2. **exempted** — the learner is exempted from the enrolment's assignment;
3. **overdue** — ``today`` is past the due date: the learner's extension if they have one,
   else the assignment's (an enrolment without an assignment is never overdue);
   an exemption or extension recorded after ``today`` does not count yet;
4. **in_progress** — started (some progress or activity) and not withdrawn;
5. **not_started** — otherwise.

Reports, their filters and exports, the Decree-30 PDF, reminders and the learner's own page all
read the status from here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import AssignmentException, AssignmentStatus, Enrollment, EnrollmentStatus, ExceptionKind


def assignment_due(
    *, assignment, exception: AssignmentException | None, today: date | None = None
) -> tuple[date | None, bool]:
    """(the learner's due date, exempted?) for an assignment and the learner's exception, if any,
    as they stood on ``today`` (default: now)."""
    if assignment is None:
        return None, False
    if exception is not None and today is not None and exception.created_at >= _day_end(today):
        exception = None
    if exception is not None and exception.kind == ExceptionKind.EXEMPTION:
        return assignment.due_date, True
    if exception is not None and exception.kind == ExceptionKind.EXTENSION and exception.due_date:
        return exception.due_date, False
    return assignment.due_date, False


def assignment_status(
    *, enrollment: Enrollment | None, today: date, due: date | None = None, exempted: bool = False
) -> str:
    """The status of one enrolment (or of a targeted learner not enrolled yet: ``enrollment=None``)."""
    if enrollment is not None and enrollment.completed_at and timezone.localdate(enrollment.completed_at) <= today:
        return AssignmentStatus.COMPLETED
    if exempted:
        return AssignmentStatus.EXEMPTED
    if due is not None and today > due:
        return AssignmentStatus.OVERDUE
    if enrollment is not None and enrollment_started(enrollment):
        return AssignmentStatus.IN_PROGRESS
    return AssignmentStatus.NOT_STARTED


def enrollment_started(enrollment: Enrollment) -> bool:
    """Under way: some progress or activity, and not withdrawn (the "in progress" of the rule)."""
    return (
        enrollment.progress_pct > 0 or enrollment.last_activity_at is not None
    ) and enrollment.status != EnrollmentStatus.WITHDRAWN


def _day_end(day: date) -> datetime:
    """The first instant after ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def enrollments_with_status(enrollments: QuerySet[Enrollment], *, today: date) -> QuerySet[Enrollment]:
    """Annotate ``due`` (the learner's due date), ``exempted`` and ``assignment_status`` — the same
    rule as ``assignment_status``, computed by the database."""
    exceptions = AssignmentException.objects.filter(
        assignment_id=OuterRef("assignment_id"), user_id=OuterRef("user_id"), created_at__lt=_day_end(today)
    )
    extended = exceptions.filter(kind=ExceptionKind.EXTENSION).values("due_date")[:1]
    # An enrolment without an assignment has no exception: the CASE spares the database the lookups.
    unassigned = Q(assignment_id__isnull=True)
    return enrollments.annotate(
        exempted=Case(
            When(unassigned, then=Value(False)),
            default=Exists(exceptions.filter(kind=ExceptionKind.EXEMPTION)),
            output_field=BooleanField(),
        ),
        due=Case(
            When(unassigned, then=Value(None, output_field=DateField())),
            default=Coalesce(Subquery(extended, output_field=DateField()), "assignment__due_date"),
            output_field=DateField(),
        ),
    ).annotate(
        assignment_status=Case(
            When(completed_at__lt=_day_end(today), then=Value(AssignmentStatus.COMPLETED.value)),
            When(exempted=True, then=Value(AssignmentStatus.EXEMPTED.value)),
            When(due__lt=today, then=Value(AssignmentStatus.OVERDUE.value)),
            When(
                (Q(progress_pct__gt=0) | Q(last_activity_at__isnull=False)) & ~Q(status=EnrollmentStatus.WITHDRAWN),
                then=Value(AssignmentStatus.IN_PROGRESS.value),
            ),
            default=Value(AssignmentStatus.NOT_STARTED.value),
            output_field=CharField(),
        )
    )


def enrollments_with_status_labels(enrollments: QuerySet[Enrollment], *, today: date) -> list[Enrollment]:
    """``enrollments_with_status`` evaluated, each with ``status_label`` for pages."""
    rows = list(enrollments_with_status(enrollments, today=today))
    for enrollment in rows:
        enrollment.status_label = AssignmentStatus(enrollment.assignment_status).label
    return rows


def enrollments_status_counts(
    enrollments: QuerySet[Enrollment], *, today: date, by: tuple[str, ...] = ("assignment_id", "course_id")
) -> dict[tuple, dict[str, int]]:
    """How many enrolments stand in each status, grouped ``by`` the given fields — one grouped
    query with the rule's own annotation: ``{(value, …): {status: count}}``."""
    counts: dict[tuple, dict[str, int]] = {}
    rows = (
        enrollments_with_status(enrollments, today=today)
        .order_by()
        .values(*by, "assignment_status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = tuple(row[field] for field in by)
        counts.setdefault(key, {})[row["assignment_status"]] = row["n"]
    return counts


def enrollments_overdue_if_due(
    enrollments: QuerySet[Enrollment], *, due_date: date, today: date
) -> QuerySet[Enrollment]:
    """The enrolments that are not overdue on ``today`` but would be at once if their assignment's
    due date were ``due_date`` (a learner's own extension keeps its date): the rule's step 3 with
    the new date."""
    if not today > due_date:
        return enrollments.none()
    extended = AssignmentException.objects.filter(
        assignment_id=OuterRef("assignment_id"),
        user_id=OuterRef("user_id"),
        kind=ExceptionKind.EXTENSION,
        created_at__lt=_day_end(today),
    )
    return (
        enrollments_with_status(enrollments, today=today)
        .filter(assignment_status__in=[AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS])
        .exclude(Exists(extended))
    )
