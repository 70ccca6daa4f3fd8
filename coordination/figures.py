"""The coordinator's figures, aggregated by the database: headline, one row per unit (grouped by
materialised-path prefix), the learners directly in the top unit, per course and per month.

A constant number of queries whatever the scope's size — a province of 100,000 learners and
1,000,000 enrolments is counted by PostgreSQL, not walked in Python. Every enrolment's status comes
from ``courses.assignment_status.enrollments_with_status`` (the one home of that rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, Count, F, Func, Q, QuerySet, Value
from django.db.models.functions import Collate, Substr, TruncMonth
from django.utils import timezone

from courses.assignment_status import enrollments_with_status
from courses.models import AssignmentStatus, Enrollment, EnrollmentStatus
from lms.orgunits.models import Membership, OrgUnit
from lms.orgunits.selectors import members_in_scope_q, scope_roots

STEP = OrgUnit.steplen


@dataclass
class Scope:
    """Who and when a report counts: the memberships (as a condition on a relation prefix, so it can
    filter memberships or enrolments through their user) and the day."""

    viewer: object
    unit: OrgUnit | None
    as_of: date | None
    _layout: tuple | None = field(default=None, init=False, repr=False, compare=False)
    # The completion targets set on the top unit, the units above it and its children, by path —
    # read with the children (``_children_and_targets``); None when the layout did not read them.
    known_targets: dict[str, int] | None = field(default=None, init=False, repr=False, compare=False)

    def membership_q(self, prefix: str = "") -> Q:
        """Confirmed memberships in the viewer's scope (the scope rule, ``members_in_scope_q``),
        narrowed to ``unit``."""
        condition = members_in_scope_q(viewer=self.viewer, as_of=self.as_of, prefix=prefix)
        if self.unit is not None:
            condition &= Q(**{f"{prefix}unit__path__startswith": self.unit.path})
        return condition

    def memberships(self) -> QuerySet[Membership]:
        return Membership.objects.filter(self.membership_q())

    def enrollments(self, *, course_id: int | None = None, with_status: bool = True) -> QuerySet[Enrollment]:
        """The scope's enrolments (withdrawn ones left out), each joined to its learner's membership
        and (``with_status``) annotated with its status on the report's day."""
        enrollments = Enrollment.objects.filter(self.membership_q("user__memberships__")).exclude(
            status=EnrollmentStatus.WITHDRAWN
        )
        if course_id:
            enrollments = enrollments.filter(course_id=course_id)
        if self.as_of is not None:
            enrollments = enrollments.filter(started_at__date__lte=self.as_of)
        return enrollments_with_status(enrollments, today=self.today) if with_status else enrollments

    @property
    def today(self) -> date:
        return self.as_of or timezone.localdate()


def group_layout(scope: Scope) -> tuple[OrgUnit | None, list[OrgUnit], int]:
    """(top unit, row units, prefix length): the rows are the top unit's children (its own
    learners go to the "directly in" row), or the viewer's scope roots when there are several.
    Read once per ``Scope`` (the figures and the report's rows both ask)."""
    if scope._layout is None:
        scope._layout = _group_layout_read(scope)
    return scope._layout


def _group_layout_read(scope: Scope) -> tuple[OrgUnit | None, list[OrgUnit], int]:
    if scope.unit is not None:
        children, scope.known_targets = _children_and_targets(scope.unit)
        return scope.unit, children, (scope.unit.depth + 1) * STEP
    roots = scope_roots(viewer=scope.viewer)
    if len(roots) == 1:
        children, scope.known_targets = _children_and_targets(roots[0])  # covers the root alone too
        if children:
            return roots[0], children, (roots[0].depth + 1) * STEP
    depth = min((root.depth for root in roots), default=1)
    return None, roots, depth * STEP


def _children_and_targets(parent: OrgUnit) -> tuple[list[OrgUnit], dict[str, int]]:
    """``parent``'s children in tree order, and the completion targets set on them, on ``parent`` and
    on the units above it (by path) — one query, the children's own read joined to their targets."""
    above = [parent.path[:end] for end in range(STEP, len(parent.path) + 1, STEP)]
    rows = (
        OrgUnit.objects.filter(Q(path__in=above) | Q(path__startswith=parent.path, depth=parent.depth + 1))
        .annotate(own_target=F("completion_target__target_pct"))
        .order_by("path")
    )
    children, targets = [], {}
    for unit in rows:
        if unit.own_target is not None:
            targets[unit.path] = unit.own_target
        if unit.depth == parent.depth + 1:
            children.append(unit)
    return children, targets


TALLY_KEYS = ("enrolled", "enrollments", "completed", "overdue", "exempted", "due_soon")


def _tallies(enrollments: QuerySet, today: date, key: str | None) -> dict:
    soon = today + timedelta(days=7)
    active = [AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS]
    aggregates = {
        "enrolled": Count("user_id", distinct=True),
        "enrollments": Count("pk", filter=~Q(assignment_status=AssignmentStatus.EXEMPTED)),
        "completed": Count("pk", filter=Q(assignment_status=AssignmentStatus.COMPLETED)),
        "overdue": Count("pk", filter=Q(assignment_status=AssignmentStatus.OVERDUE)),
        "exempted": Count("pk", filter=Q(assignment_status=AssignmentStatus.EXEMPTED)),
        "due_soon": Count("pk", filter=Q(assignment_status__in=active, due__gte=today, due__lte=soon)),
    }
    if key is None:
        return {None: enrollments.aggregate(**aggregates)}
    return {row.pop(key): row for row in enrollments.values(key).annotate(**aggregates).order_by()}


def figures_by_group(scope: Scope, *, course_id: int | None = None) -> tuple[dict, dict, dict]:
    """(learners per path prefix, enrolment tallies per path prefix, totals) for ``group_layout``."""
    _top, _groups, length = group_layout(scope)
    learners = dict(
        scope.memberships()
        .annotate(prefix=Substr("unit__path", 1, length))
        .values("prefix")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
        .values_list("prefix", "n")
    )
    enrollments = scope.enrollments(course_id=course_id).annotate(
        member_prefix=Substr("user__memberships__unit__path", 1, length)
    )
    per_group = _tallies(enrollments, scope.today, "member_prefix")
    # A learner has one membership in the report, so the groups are disjoint: the totals are sums.
    totals = {key: sum(tally[key] for tally in per_group.values()) for key in TALLY_KEYS}
    totals["learners"] = sum(learners.values())
    return learners, per_group, totals


def figures_by_course(scope: Scope, *, course_id: int | None = None) -> dict[int, dict]:
    per_course = _tallies(scope.enrollments(course_id=course_id), scope.today, "course_id")
    for tally in per_course.values():
        tally["learners"] = tally["enrolled"]
    return per_course


def completions_by_month(scope: Scope, *, course_id: int | None = None, months: int = 12) -> dict[tuple, int]:
    """Completions per (year, month) over the last ``months`` months, in the site's time zone."""
    today = scope.today
    year, month = today.year, today.month
    for _step in range(months - 1):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    first = date(year, month, 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    until = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    rows = (
        scope.enrollments(course_id=course_id, with_status=False)
        .filter(completed_at__gte=since, completed_at__lt=until)  # "completed" by the status rule
        .annotate(month=TruncMonth("completed_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["month"].year, row["month"].month): row["n"] for row in rows}


# --- The learner list, in Vietnamese name order -------------------------------------------------------

VI_COLLATION = "vi-x-icu"


def people_ordered(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Memberships ordered as Vietnamese readers expect a list of people: by given name (the last
    word), then middle names, then family name, with the ICU Vietnamese collation of PostgreSQL
    (Đ after D, tones in dictionary order). Callers on other databases sort in Python."""
    text = CharField()
    given = Func(F("user__full_name"), Value(r"^.*\s"), Value(""), function="regexp_replace", output_field=text)
    family = Func(F("user__full_name"), Value(" "), Value(1), function="split_part", output_field=text)
    middle = Func(
        Func(F("user__full_name"), Value(r"^\S+\s*"), Value(""), function="regexp_replace", output_field=text),
        Value(r"\s*\S+$"),
        Value(""),
        function="regexp_replace",
        output_field=text,
    )
    return memberships.annotate(
        sort_given=Collate(given, VI_COLLATION),
        sort_middle=Collate(middle, VI_COLLATION),
        sort_family=Collate(family, VI_COLLATION),
    ).order_by("sort_given", "sort_middle", "sort_family", "user_id")
