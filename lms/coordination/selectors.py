"""Scoped reads for coordinators: who is in scope, headline figures, units, learners.

Every function takes the viewer and filters by their coordinator scopes
(administrators see everything). Only confirmed, current memberships count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, Enrollment, EnrollmentStatus
from lms.orgunits.models import Membership, OrgUnit
from lms.orgunits.selectors import coordinator_scope_units, subtree_filter
from lms.text import vietnamese_name_sort_key


def scope_roots(*, viewer) -> list[OrgUnit]:
    if viewer.is_superuser:
        return list(OrgUnit.objects.filter(depth=1).order_by("path"))
    return coordinator_scope_units(user=viewer)


def members_in_scope(*, viewer, confirmed: bool = True, as_of=None) -> QuerySet[Membership]:
    """Memberships in the viewer's scope: current ones, or those valid on ``as_of`` (past reports:
    transfers and merges after that day change nothing)."""
    roots = scope_roots(viewer=viewer)
    if as_of is None:
        memberships = Membership.objects.filter(end__isnull=True, user__is_active=True)
    else:
        memberships = Membership.objects.filter(start__lte=as_of).filter(Q(end__isnull=True) | Q(end__gte=as_of))
    memberships = memberships.select_related("user", "unit")
    if not viewer.is_superuser:
        memberships = memberships.filter(subtree_filter([r.path for r in roots], field="unit__path"))
    if confirmed and as_of is not None:
        return memberships.filter(confirmed_at__date__lte=as_of)
    return memberships.filter(confirmed_at__isnull=not confirmed)


@dataclass
class Figures:
    learners: int = 0
    enrolled: int = 0
    enrollments: int = 0
    completed: int = 0
    overdue: int = 0
    due_soon: int = 0

    @property
    def completion_pct(self) -> int:
        return round(100 * self.completed / self.enrollments) if self.enrollments else 0


STATUS_LABELS = {
    "not_started": _("chưa bắt đầu"),
    "in_progress": _("đang học"),
    "completed": _("hoàn thành"),
    "overdue": _("quá hạn"),
    "exempted": _("được miễn"),
}


@dataclass
class EnrollmentFact:
    """The few enrolment fields a report needs (a light row, not a model instance)."""

    user_id: int
    course_id: int
    course_title: str
    status: str
    progress_pct: int
    completed_at: object
    last_activity_at: object
    due_date: object  # the assignment's due date, or None


@dataclass
class LearnerRow:
    membership: Membership
    enrollments: list[EnrollmentFact] = field(default_factory=list)
    today: object = None

    @property
    def courses(self) -> list[tuple[EnrollmentFact, str, str]]:
        """(enrolment, status, label) — the status of an assigned course counts its due date."""
        rows = []
        for enrollment in self.enrollments:
            if enrollment.completed_at:
                status = "completed"
            elif enrollment.due_date is not None and self.today > enrollment.due_date:
                status = "overdue"
            elif enrollment.progress_pct or enrollment.last_activity_at:
                status = "in_progress"
            else:
                status = "not_started"
            rows.append((enrollment, status, STATUS_LABELS[status]))
        return rows


def _figures_for(rows: list[LearnerRow], today) -> Figures:
    figures = Figures(learners=len(rows))
    soon = today + timedelta(days=7)
    for row in rows:
        active = [e for e in row.enrollments if e.status != EnrollmentStatus.WITHDRAWN]
        figures.enrolled += bool(active)
        figures.enrollments += len(active)
        for enrollment in active:
            if enrollment.completed_at:
                figures.completed += 1
            elif enrollment.due_date is not None:
                figures.overdue += enrollment.due_date < today
                figures.due_soon += today <= enrollment.due_date <= soon
    return figures


@dataclass
class Report:
    figures: Figures
    units: list[tuple[OrgUnit, Figures]]
    learners: list[LearnerRow]
    by_month: list[tuple[str, int]] = field(default_factory=list)
    courses: list[tuple[str, Figures]] = field(default_factory=list)

    @property
    def month_max(self) -> int:
        return max((count for _month, count in self.by_month), default=0) or 1


def coordination_report(*, viewer, unit: OrgUnit | None = None, course_id: int | None = None, as_of=None) -> Report:
    """Headline figures, figures per top unit of the scope, and the learner list (sorted by given name).

    With ``as_of`` (a past day) it counts the memberships and enrolments of that day. Reads are a
    handful of queries whatever the size: memberships, then enrolment facts as plain tuples.
    """
    memberships = members_in_scope(viewer=viewer, as_of=as_of)
    if unit is not None:
        memberships = memberships.filter(unit__path__startswith=unit.path)
    memberships = memberships.only(
        "id",
        "user_id",
        "unit_id",
        "start",
        "end",
        "confirmed_at",
        "user__id",
        "user__full_name",
        "user__email",
        "user__position",
        "user__learner_group",
        "unit__id",
        "unit__path",
        "unit__code",
        "unit__name",
        "unit__depth",
    )
    enrollments = Enrollment.objects.filter(user_id__in=memberships.values("user_id"))
    if course_id:
        enrollments = enrollments.filter(course_id=course_id)
    if as_of is not None:
        enrollments = enrollments.filter(started_at__date__lte=as_of)
    titles = dict(CoursePage.objects.values_list("pk", "title"))
    by_user: dict[int, list[EnrollmentFact]] = defaultdict(list)
    for user_id, course_id_, status, pct, completed_at, last_activity, due in enrollments.values_list(
        "user_id", "course_id", "status", "progress_pct", "completed_at", "last_activity_at", "assignment__due_date"
    ).iterator(chunk_size=20_000):
        if as_of is not None and completed_at and timezone.localdate(completed_at) > as_of:
            completed_at = None  # not yet completed on that day
        by_user[user_id].append(
            EnrollmentFact(
                user_id, course_id_, titles.get(course_id_, ""), status, pct, completed_at, last_activity, due
            )
        )
    today = as_of or timezone.localdate()
    rows = [LearnerRow(m, by_user.get(m.user_id, []), today) for m in memberships]
    rows.sort(key=lambda row: vietnamese_name_sort_key(row.membership.user.full_name))
    groups = list(unit.get_children()) if unit is not None else _report_units(viewer)
    grouped: dict[str, list[LearnerRow]] = defaultdict(list)
    for row in rows:
        for group in groups:  # a handful of groups; each row belongs to at most one
            if row.membership.unit.path.startswith(group.path):
                grouped[group.path].append(row)
                break
    per_unit = [(group, _figures_for(grouped[group.path], today)) for group in groups]
    return Report(
        figures=_figures_for(rows, today),
        units=per_unit,
        learners=rows,
        by_month=_completions_by_month(by_user, today),
        courses=_figures_by_course(rows, today),
    )


def _figures_by_course(rows: list[LearnerRow], today) -> list[tuple[str, Figures]]:
    """Figures per course: learners enrolled in it and their completions."""
    per_course: dict[str, list[LearnerRow]] = defaultdict(list)
    for row in rows:
        for title in {fact.course_title for fact in row.enrollments}:
            per_course[title].append(
                LearnerRow(row.membership, [f for f in row.enrollments if f.course_title == title], today)
            )
    return [(title, _figures_for(course_rows, today)) for title, course_rows in sorted(per_course.items())]


def _completions_by_month(by_user: dict[int, list[EnrollmentFact]], today) -> list[tuple[str, int]]:
    """Completions in each of the last 12 months (for the chart), oldest first."""
    months = []
    year, month = today.year, today.month
    for _month in range(12):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    counts = dict.fromkeys(months, 0)
    for facts in by_user.values():
        for fact in facts:
            if fact.completed_at:
                local = timezone.localtime(fact.completed_at)
                if (local.year, local.month) in counts:
                    counts[(local.year, local.month)] += 1
    return [(f"{m:02d}/{y}", counts[(y, m)]) for y, m in reversed(months)]


def _report_units(viewer) -> list[OrgUnit]:
    roots = scope_roots(viewer=viewer)
    if len(roots) == 1:
        return list(roots[0].get_children()) or roots
    return roots
