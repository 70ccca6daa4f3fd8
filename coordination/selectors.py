"""Scoped reads for coordinators: headline figures, units, courses, learners.

Every function takes the viewer and filters by their scope (``lms.orgunits.selectors``: the one
home of the scope rule; administrators see everything). Only confirmed memberships count. The
status of each enrolment comes from ``courses.assignment_status`` (the one home of that rule).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from courses.assignment_status import enrollments_with_status
from courses.models import AssignmentStatus, CoursePage, Enrollment, EnrollmentStatus
from lms.accounts.models import Position
from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import members_in_scope, scope_roots
from lms.text import vietnamese_name_sort_key


@dataclass
class Figures:
    learners: int = 0
    enrolled: int = 0
    enrollments: int = 0
    completed: int = 0
    overdue: int = 0
    due_soon: int = 0
    exempted: int = 0

    @property
    def completion_pct(self) -> int:
        return round(100 * self.completed / self.enrollments) if self.enrollments else 0

    @property
    def rag(self) -> str:
        """Red/amber/green against the completion target (``COORDINATION_TARGET_PCT``)."""
        target = settings.COORDINATION_TARGET_PCT
        if self.completion_pct >= target:
            return "green"
        return "amber" if self.completion_pct >= target - settings.COORDINATION_AMBER_MARGIN_PCT else "red"


STATUS_LABELS = dict(AssignmentStatus.choices)


@dataclass
class EnrollmentFact:
    """The few enrolment fields a report needs (a light row, not a model instance)."""

    user_id: int
    course_id: int
    course_title: str
    progress_pct: int
    completed_at: object  # None when completed after the report's day
    due_date: object  # the learner's due date (their extension, else the assignment's), or None
    status: str  # an ``AssignmentStatus`` value, from ``courses.assignment_status``

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class PersonUser:
    pk: int
    full_name: str
    email: str
    learner_group: str
    position: str

    def get_position_display(self) -> str:
        return str(dict(Position.choices).get(self.position, "")) if self.position else ""


@dataclass(frozen=True)
class PersonUnit:
    pk: int
    path: str
    code: str
    name: str


@dataclass(frozen=True)
class Person:
    """A learner in scope with their unit: read as one tuple, light enough for 100,000 rows."""

    user_id: int
    user: PersonUser
    unit: PersonUnit


@dataclass
class LearnerRow:
    membership: Person
    enrollments: list[EnrollmentFact] = field(default_factory=list)
    today: object = None

    @property
    def courses(self) -> list[tuple[EnrollmentFact, str, str]]:
        """(enrolment, status, label) for each course of the learner."""
        return [(enrollment, enrollment.status, enrollment.status_label) for enrollment in self.enrollments]


@dataclass
class _Tally:
    """Figures being counted in one pass over the enrolment facts."""

    learners: int = 0
    users: set = field(default_factory=set)
    enrollments: int = 0
    completed: int = 0
    overdue: int = 0
    due_soon: int = 0
    exempted: int = 0

    def add(self, user_id, status, due, today, soon) -> None:
        """Count one enrolment; an exempted one is not required, so it is not in the denominator."""
        self.users.add(user_id)
        if status == AssignmentStatus.EXEMPTED:
            self.exempted += 1
            return
        self.enrollments += 1
        self.completed += status == AssignmentStatus.COMPLETED
        self.overdue += status == AssignmentStatus.OVERDUE
        if status in (AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS) and due is not None:
            self.due_soon += today <= due <= soon

    def figures(self) -> Figures:
        learners = self.learners or len(self.users)  # per course: the learners enrolled in it
        return Figures(
            learners,
            len(self.users),
            self.enrollments,
            self.completed,
            self.overdue,
            self.due_soon,
            self.exempted,
        )


@dataclass
class Report:
    figures: Figures
    units: list[tuple[OrgUnit, Figures]]
    learners: list[LearnerRow]
    # The learners attached to the top unit itself (not to a unit below it), so the unit rows
    # plus this row always add up to the headline figures; None when every learner is in a row.
    direct: tuple[OrgUnit, Figures] | None = None
    by_month: list[tuple[str, int]] = field(default_factory=list)
    courses: list[tuple[str, Figures]] = field(default_factory=list)
    enrollments_query: object = None
    as_of: object = None
    today: object = None
    certificates_issued: int = 0

    @property
    def month_max(self) -> int:
        return max((count for _month, count in self.by_month), default=0) or 1

    def load_facts(self, rows: list[LearnerRow]) -> list[LearnerRow]:
        """Fill the enrolment facts of ``rows`` (a page or a chunk of an export): one query."""
        by_user = _facts_by_user(self.enrollments_query.filter(user_id__in=[r.membership.user_id for r in rows]))
        for row in rows:
            row.enrollments = by_user.get(row.membership.user_id, [])
        return rows


def _people(memberships) -> list[Person]:
    return [
        Person(
            user_id, PersonUser(user_id, name or "", email, group, position), PersonUnit(unit_id, path, code, unit_name)
        )
        for user_id, name, email, group, position, unit_id, path, code, unit_name in memberships.values_list(
            "user_id",
            "user__full_name",
            "user__email",
            "user__learner_group",
            "user__position",
            "unit_id",
            "unit__path",
            "unit__code",
            "unit__name",
        ).iterator(chunk_size=20_000)
    ]


def _fact_rows(enrollments):
    """(user, course, progress, completed_at, due, status) of each enrolment, status annotated."""
    return enrollments.values_list(
        "user_id", "course_id", "progress_pct", "completed_at", "due", "assignment_status"
    ).iterator(chunk_size=20_000)


def _facts_by_user(enrollments) -> dict[int, list[EnrollmentFact]]:
    titles = dict(CoursePage.objects.values_list("pk", "title"))
    by_user: dict[int, list[EnrollmentFact]] = defaultdict(list)
    for user_id, course_id, pct, completed_at, due, status in _fact_rows(enrollments):
        completed = completed_at if status == AssignmentStatus.COMPLETED else None
        by_user[user_id].append(
            EnrollmentFact(user_id, course_id, titles.get(course_id, ""), pct, completed, due, status)
        )
    return by_user


def coordination_report(*, viewer, unit: OrgUnit | None = None, course_id: int | None = None, as_of=None) -> Report:
    """Headline figures, figures per top unit and per course, completions per month, and the learner
    list sorted by given name (without enrolment facts: ``Report.load_facts`` fills a page or chunk).

    One pass over the enrolment facts as tuples, nothing kept per enrolment: at province scale
    (100,000 learners, 1,000,000 enrolments) memory stays flat. With ``as_of`` (a past day) it counts
    the memberships and enrolments of that day.
    """
    memberships = members_in_scope(viewer=viewer, as_of=as_of)
    if unit is not None:
        memberships = memberships.filter(unit__path__startswith=unit.path)
    enrollments = Enrollment.objects.filter(user_id__in=memberships.values("user_id")).exclude(
        status=EnrollmentStatus.WITHDRAWN
    )
    if course_id:
        enrollments = enrollments.filter(course_id=course_id)
    if as_of is not None:
        enrollments = enrollments.filter(started_at__date__lte=as_of)
    today = as_of or timezone.localdate()
    enrollments = enrollments_with_status(enrollments, today=today)
    people = _people(memberships)
    people.sort(key=lambda person: vietnamese_name_sort_key(person.user.full_name))
    soon = today + timedelta(days=7)
    top, groups = (unit, list(unit.get_children())) if unit is not None else _report_units(viewer)
    group_of: dict[int, int] = {}
    totals, per_group = _Tally(learners=len(people)), [_Tally() for _group in groups]
    direct = _Tally()
    for person in people:
        for index, group in enumerate(groups):  # a handful of groups; a learner is in at most one
            if person.unit.path.startswith(group.path):
                group_of[person.user_id] = index
                per_group[index].learners += 1
                break
        else:
            group_of[person.user_id] = -1  # in the top unit itself
            direct.learners += 1
    titles = dict(CoursePage.objects.values_list("pk", "title"))
    per_course: dict[str, _Tally] = defaultdict(_Tally)
    months = _last_months(today)
    by_month = dict.fromkeys(months, 0)
    for user_id, course_id_, _pct, completed_at, due, status in _fact_rows(enrollments):
        totals.add(user_id, status, due, today, soon)
        index = group_of.get(user_id)
        if index is not None:
            (direct if index < 0 else per_group[index]).add(user_id, status, due, today, soon)
        per_course[titles.get(course_id_, "")].add(user_id, status, due, today, soon)
        if status == AssignmentStatus.COMPLETED:
            local = timezone.localtime(completed_at)
            if (local.year, local.month) in by_month:
                by_month[(local.year, local.month)] += 1
    return Report(
        figures=totals.figures(),
        units=[(group, tally.figures()) for group, tally in zip(groups, per_group, strict=True)],
        direct=(top, direct.figures()) if top is not None and (direct.learners or direct.enrollments) else None,
        learners=[LearnerRow(person, [], today) for person in people],
        by_month=[(f"{m:02d}/{y}", by_month[(y, m)]) for y, m in reversed(months)],
        courses=[(title, tally.figures()) for title, tally in sorted(per_course.items())],
        enrollments_query=enrollments,
        as_of=as_of,
        today=today,
        certificates_issued=_certificates_issued(memberships, as_of),
    )


def _certificates_issued(memberships, as_of) -> int:
    issued = Certificate.objects.filter(user_id__in=memberships.values("user_id"), issued_at__isnull=False)
    if as_of is not None:
        return issued.filter(issued_at__date__lte=as_of).exclude(status=CertificateStatus.SUPERSEDED).count()
    return issued.filter(status=CertificateStatus.ISSUED).count()


def _last_months(today) -> list[tuple[int, int]]:
    months = []
    year, month = today.year, today.month
    for _month in range(12):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def _report_units(viewer) -> tuple[OrgUnit | None, list[OrgUnit]]:
    """(top unit, rows): one scope root → its children (learners attached to the root itself go to
    the "directly in" row); several roots → one row each."""
    roots = scope_roots(viewer=viewer)
    if len(roots) == 1:
        children = list(roots[0].get_children())
        return (roots[0], children) if children else (None, roots)
    return None, roots
