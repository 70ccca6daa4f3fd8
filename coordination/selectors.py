"""Scoped reads for coordinators: headline figures, units, courses, learners.

Every function takes the viewer and filters by their scope (``lms.orgunits.selectors``: the one
home of the scope rule; administrators see everything). Only confirmed memberships count. The
status of each enrolment comes from ``courses.assignment_status`` (the one home of that rule).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from courses.models import AssignmentStatus
from courses.selectors import course_titles
from lms.accounts.models import LearnerGroup, Position
from lms.orgunits.models import Membership, OrgUnit
from lms.orgunits.selectors import members_in_scope_q, scope_roots
from lms.text import normalize_nfc, search_key, search_key_expression, vietnamese_name_sort_key

from .figures import STEP, Scope, group_layout, people_ordered
from .figures_cache import figures_snapshot
from .models import UnitTarget


@dataclass
class Figures:
    learners: int = 0
    enrolled: int = 0
    enrollments: int = 0
    completed: int = 0
    overdue: int = 0
    due_soon: int = 0
    exempted: int = 0
    target: int = field(default_factory=lambda: settings.COORDINATION_TARGET_PCT)  # the unit's chỉ tiêu (%)

    @property
    def completion_pct(self) -> int:
        return round(100 * self.completed / self.enrollments) if self.enrollments else 0

    @property
    def rag(self) -> str:
        """Red/amber/green against the unit's completion target (``completion_targets``)."""
        target = self.target
        if self.completion_pct >= target:
            return "green"
        return "amber" if self.completion_pct >= target - settings.COORDINATION_AMBER_MARGIN_PCT else "red"


STATUS_LABELS = dict(AssignmentStatus.choices)


def _translated(choices, language: str | None) -> dict[str, str]:
    """``choices`` as a dict of their labels in ``language`` (the active one; kept per language:
    an export of a million rows translates each label once, not once a row)."""
    key = (id(choices), language)
    labels = _TRANSLATED.get(key)
    if labels is None:
        labels = _TRANSLATED[key] = {value: str(label) for value, label in choices}
    return labels


_TRANSLATED: dict[tuple[int, str | None], dict[str, str]] = {}
_STATUS_CHOICES = tuple(AssignmentStatus.choices)
_POSITION_CHOICES = tuple(Position.choices)
_LEARNER_GROUP_CHOICES = tuple(LearnerGroup.choices)


def status_labels() -> dict[str, str]:
    """Each enrolment status's label in the active language."""
    return _translated(_STATUS_CHOICES, get_language())


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
        return status_labels()[self.status]


@dataclass(frozen=True)
class PersonUser:
    pk: int
    full_name: str
    email: str
    learner_group: str
    position: str
    phone: str = ""

    def get_position_display(self) -> str:
        return _translated(_POSITION_CHOICES, get_language()).get(self.position, "") if self.position else ""

    def get_learner_group_display(self) -> str:
        labels = _translated(_LEARNER_GROUP_CHOICES, get_language())
        return labels.get(self.learner_group, "") if self.learner_group else ""


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
    counted_at: object = None  # when the aggregates were counted
    counted_earlier: bool = False  # kept from an earlier count (a province-sized scope)
    top: OrgUnit | None = None  # the unit the report is about (None: a scope of several units)
    own_targets: dict = field(default_factory=dict)  # targets set on the units shown and above, by path

    def own_target(self, unit: OrgUnit | None) -> int | None:
        """The target set on ``unit`` itself (not inherited), if any."""
        return self.own_targets.get(unit.path) if unit is not None else None

    def units_listed(self, *, include_retired: bool = False) -> list[tuple[OrgUnit, Figures]]:
        """The unit rows a reader wants: units in force on the report's day, plus retired units
        (merged, dissolved) that still hold figures — so the rows always add up to the total — or
        every retired unit when asked."""
        day = self.as_of or self.today
        return [
            (unit, figures)
            for unit, figures in self.units
            if include_retired or unit.is_valid_on(day) or figures.learners or figures.enrollments
        ]

    @property
    def retired_hidden(self) -> int:
        """How many retired units ``units_listed`` leaves out by default."""
        return len(self.units) - len(self.units_listed())

    @property
    def month_max(self) -> int:
        return max((count for _month, count in self.by_month), default=0) or 1

    def load_facts(self, rows: list[LearnerRow]) -> list[LearnerRow]:
        """Fill the enrolment facts of ``rows`` (a page or a chunk of an export): one query."""
        by_user = _facts_by_user(self.enrollments_query.filter(user_id__in=[r.membership.user_id for r in rows]))
        for row in rows:
            row.enrollments = by_user.get(row.membership.user_id, [])
        return rows


PERSON_FIELDS = (
    "user_id",
    "user__full_name",
    "user__email",
    "user__learner_group",
    "user__position",
    "user__phone",
    "unit_id",
    "unit__path",
    "unit__code",
    "unit__name",
)


def _people(memberships, window: slice | None = None) -> Iterator[Person]:
    """Light person rows from memberships (all, streamed, or the ``window`` of an ordered query)."""
    values = memberships.values_list(*PERSON_FIELDS)
    rows = values[window] if window is not None else values.iterator(chunk_size=5_000)
    return (
        Person(
            user_id,
            PersonUser(user_id, name or "", email, group, position, phone or ""),
            PersonUnit(unit_id, path, code, unit_name),
        )
        for user_id, name, email, group, position, phone, unit_id, path, code, unit_name in rows
    )


def _fact_rows(enrollments):
    """(user, course, progress, completed_at, due, status) of each enrolment, status annotated."""
    return enrollments.values_list(
        "user_id", "course_id", "progress_pct", "completed_at", "due", "assignment_status"
    ).iterator(chunk_size=20_000)


def _facts_by_user(enrollments) -> dict[int, list[EnrollmentFact]]:
    titles = course_titles()
    by_user: dict[int, list[EnrollmentFact]] = defaultdict(list)
    for user_id, course_id, pct, completed_at, due, status in _fact_rows(enrollments):
        completed = completed_at if status == AssignmentStatus.COMPLETED else None
        by_user[user_id].append(
            EnrollmentFact(user_id, course_id, titles.get(course_id, ""), pct, completed, due, status)
        )
    return by_user


class PeopleList(Sequence):
    """The scope's learners in Vietnamese name order, read a page (or an export chunk) at a time:
    PostgreSQL sorts with its ICU Vietnamese collation; other databases (the embedded SQLite) are
    read once and sorted in Python."""

    ordered = True  # Django's Paginator asks; the sorted query lives in ``query``

    def __init__(self, memberships, today, condition: Q | None = None, count: int | None = None):
        self.today = today
        self._count: int | None = count  # known already (the report's learner total), else counted on demand
        self.condition = condition  # the memberships' filter as a Q, when known (for counting)
        if connection.vendor == "postgresql":
            self.query, self._all = people_ordered(memberships), None
        else:
            self.query = None
            self._all = sorted(_people(memberships), key=lambda person: vietnamese_name_sort_key(person.user.full_name))

    def count(self) -> int:
        if self._all is not None:
            return len(self._all)
        if self._count is None:
            self._count = self.query.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def chunks(self, size: int):
        """Every learner in order, ``size`` rows at a time, from one sorted pass (a server-side
        cursor on PostgreSQL) — for exports, which read the whole list."""
        if self._all is not None:
            for start in range(0, len(self._all), size):
                yield [LearnerRow(person, [], self.today) for person in self._all[start : start + size]]
            return
        chunk: list[LearnerRow] = []
        for person in _people(self.query):
            chunk.append(LearnerRow(person, [], self.today))
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        people = self._all[index] if self._all is not None else list(_people(self.query, index))
        return [LearnerRow(person, [], self.today) for person in people]


def coordination_report(
    *, viewer, unit: OrgUnit | None = None, course_id: int | None = None, as_of=None, refresh: bool = False
) -> Report:
    """Headline figures, a row per unit (plus the learners directly in the top unit), per course and
    per month — aggregated by the database (``coordination.figures``) — and the learner list in
    Vietnamese name order, read a page at a time (``Report.load_facts`` adds a page's enrolments).
    With ``as_of`` (a past day) it counts the memberships, enrolments and statuses of that day.
    A province-sized count is kept a few minutes (``coordination.figures_cache``; ``refresh`` counts now).
    """
    scope = Scope(viewer=viewer, unit=unit, as_of=as_of)
    today = scope.today
    top, groups, _length = group_layout(scope)
    snapshot = figures_snapshot(scope, course_id=course_id, refresh=refresh)
    learners_by_prefix, tallies_by_prefix = snapshot.learners_by_prefix, snapshot.tallies_by_prefix
    totals = snapshot.totals

    own_targets: dict[str, int] = {}
    targets = completion_targets([top, *groups], own=own_targets, known=scope.known_targets)
    top_target = targets.get(top.pk) if top is not None else None
    default_target = top_target or settings.COORDINATION_TARGET_PCT

    def figures(learners: int, tally: dict | None, target: int | None = None) -> Figures:
        tally = tally or {}
        return Figures(
            target=target or default_target,
            learners=learners,
            enrolled=tally.get("enrolled", 0),
            enrollments=tally.get("enrollments", 0),
            completed=tally.get("completed", 0),
            overdue=tally.get("overdue", 0),
            due_soon=tally.get("due_soon", 0),
            exempted=tally.get("exempted", 0),
        )

    direct = None
    if top is not None and (learners_by_prefix.get(top.path) or tallies_by_prefix.get(top.path)):
        direct = (top, figures(learners_by_prefix.get(top.path, 0), tallies_by_prefix.get(top.path)))
    titles = course_titles()
    courses = sorted(
        ((titles.get(pk, ""), figures(tally["learners"], tally)) for pk, tally in snapshot.per_course.items()),
        key=lambda item: vietnamese_name_sort_key(item[0]),
    )
    by_month = snapshot.by_month
    months = _last_months(today)
    memberships = scope.memberships().select_related(None)
    return Report(
        figures=figures(totals["learners"], totals),
        units=[
            (
                group,
                figures(learners_by_prefix.get(group.path, 0), tallies_by_prefix.get(group.path), targets[group.pk]),
            )
            for group in groups
        ],
        direct=direct,
        # The list is the scope's memberships, the very rows the learner total counts: its size is that
        # total — exact when counted now, as old as the figures (and said so) when kept.
        learners=PeopleList(memberships, today, condition=scope.membership_q(), count=totals["learners"]),
        by_month=[(f"{m:02d}/{y}", by_month.get((y, m), 0)) for y, m in reversed(months)],
        courses=courses,
        enrollments_query=scope.enrollments(course_id=course_id),
        as_of=as_of,
        today=today,
        certificates_issued=snapshot.certificates_issued,
        counted_at=snapshot.computed_at,
        counted_earlier=snapshot.kept,
        top=top if top is not None else (groups[0] if len(groups) == 1 else None),
        own_targets=own_targets,
    )


def pending_count_with_list_count(*, viewer, learners) -> int:
    """How many people in the viewer's scope await confirmation of their unit. On PostgreSQL a
    learner list that does not know its size yet (a filtered one) is counted in the same query (and
    keeps it), so the dashboard pays one count for both."""
    pending = members_in_scope_q(viewer=viewer, confirmed=False)
    if isinstance(learners, PeopleList) and learners.query is not None and learners._count is None:
        # The list's own condition when it has one: as ``pk IN (the list)`` PostgreSQL took ≈ 300 ms
        # at 100,000 learners, as a plain condition ≈ 60 ms (bench/ANALYSIS.md).
        listed = learners.condition
        if listed is None:
            listed = Q(pk__in=learners.query.order_by().values("pk"))
        counts = Membership.objects.filter(pending | listed).aggregate(
            pending=Count("pk", filter=pending), listed=Count("pk", filter=listed)
        )
        learners._count = counts["listed"]
        return counts["pending"]
    return Membership.objects.filter(pending).count()


def completion_targets(
    units, *, own: dict[str, int] | None = None, known: dict[str, int] | None = None
) -> dict[int, int]:
    """The completion target (%) of each unit: its own, else the nearest unit above it that has
    one, else ``COORDINATION_TARGET_PCT`` — one query for any number of units, none when ``known``
    (the targets set on these units and those above them, by path) was read already. ``own`` (a
    dict) receives the targets set on the units and those above them, by path."""
    units = [unit for unit in units if unit is not None]
    prefixes = {unit.path[:end] for unit in units for end in range(STEP, len(unit.path) + 1, STEP)}
    if known is not None:
        found_own = {path: pct for path, pct in known.items() if path in prefixes}
    else:
        found_own = dict(UnitTarget.objects.filter(unit__path__in=prefixes).values_list("unit__path", "target_pct"))
    if own is not None:
        own.update(found_own)
    own = found_own
    targets = {}
    for unit in units:
        found = settings.COORDINATION_TARGET_PCT
        for end in range(len(unit.path), 0, -STEP):
            if unit.path[:end] in own:
                found = own[unit.path[:end]]
                break
        targets[unit.pk] = found
    return targets


def unit_breadcrumbs(*, viewer, unit: OrgUnit | None) -> list[OrgUnit]:
    """The units above ``unit`` that the viewer may open, top first (the way back up a drill-down)."""
    if unit is None:
        return []
    roots = scope_roots(viewer=viewer)
    return [ancestor for ancestor in unit.get_ancestors() if any(ancestor.path.startswith(root.path) for root in roots)]


@dataclass(frozen=True)
class LearnerFilters:
    """The learner-list filters a coordinator chose (learner group, position, status, search),
    read from a request or a job's parameters — unknown values are dropped, never trusted."""

    group: str = ""
    position: str = ""
    status: str = ""
    query: str = ""

    @classmethod
    def from_params(cls, params) -> LearnerFilters:
        group = params.get("group") or ""
        position = params.get("position") or ""
        status = params.get("status") or ""
        return cls(
            group=group if group in dict(LearnerGroup.choices) else "",
            position=position if position in dict(Position.choices) else "",
            status=status if status in STATUS_LABELS else "",
            query=normalize_nfc(params.get("q") or "")[:100],
        )

    def as_params(self) -> dict[str, str]:
        """Only the filters set, under the names the dashboard's form uses."""
        values = {"group": self.group, "position": self.position, "status": self.status, "q": self.query}
        return {name: value for name, value in values.items() if value}

    def __bool__(self) -> bool:
        return bool(self.as_params())

    def described(self) -> list[tuple[str, str]]:
        """(label, value) of each filter set, in the reader's language, for files and pages."""
        lines = []
        if self.group:
            lines.append((_("Nhóm"), str(dict(LearnerGroup.choices)[self.group])))
        if self.position:
            lines.append((_("Chức vụ"), str(dict(Position.choices)[self.position])))
        if self.status:
            lines.append((_("Trạng thái"), str(STATUS_LABELS[self.status])))
        if self.query:
            lines.append((_("Tìm"), self.query))
        return lines


def learners_filtered(
    report: Report, *, group: str = "", position: str = "", status: str = "", query: str = ""
) -> Sequence:
    """The report's learner list narrowed by learner group, position, the status of any course and
    a search (every word of ``query`` in the name, accent-insensitive, or the text in the e-mail) —
    applied by the database, so a page still reads one page."""
    words = search_key(query).split()
    if not (group or position or status or words):
        return report.learners
    memberships = report.learners.query if report.learners.query is not None else None
    if memberships is None:  # the Python-sorted list (embedded SQLite)
        rows = list(report.learners[0 : len(report.learners)])
        if group:
            rows = [r for r in rows if r.membership.user.learner_group == group]
        if position:
            rows = [r for r in rows if r.membership.user.position == position]
        if status:
            users = set(report.enrollments_query.filter(assignment_status=status).values_list("user_id", flat=True))
            rows = [r for r in rows if r.membership.user_id in users]
        if words:
            needle = query.strip().casefold()
            rows = [r for r in rows if _person_matches(r.membership.user, words, needle)]
        return rows
    condition = report.learners.condition
    narrowing = Q()
    if group:
        narrowing &= Q(user__learner_group=group)
    if position:
        narrowing &= Q(user__position=position)
    if status:
        narrowing &= Q(user_id__in=report.enrollments_query.filter(assignment_status=status).values("user_id"))
    memberships = memberships.filter(narrowing)
    condition = condition & narrowing if condition is not None else None
    if words:
        condition = None  # the search key is an alias of the query, not a plain condition
        memberships = memberships.alias(name_key=search_key_expression("user__full_name"))
        by_name = Q()
        for word in words:
            by_name &= Q(name_key__contains=word)
        memberships = memberships.filter(by_name | Q(user__email__icontains=query.strip()))
    filtered = PeopleList.__new__(PeopleList)
    filtered.today, filtered._count, filtered.query, filtered._all = report.today, None, memberships, None
    filtered.condition = condition
    return filtered


def _person_matches(user, words: list[str], needle: str) -> bool:
    name = search_key(user.full_name)
    return all(word in name for word in words) or needle in user.email.casefold()


def _last_months(today) -> list[tuple[int, int]]:
    months = []
    year, month = today.year, today.month
    for _month in range(12):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months
