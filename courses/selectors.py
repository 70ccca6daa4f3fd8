"""Reads for learners: outlines, progress, the catalogue, the dashboard, search.

Every page's queries are constant in the number of lessons, modules and
learners: an outline is two queries, a learner's state two more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone
from wagtail.models import Page

from lms.page_cache import content_cached

from .assignment_status import enrollment_started, enrollments_with_status_labels
from .models import (
    Audience,
    CoursePage,
    Enrollment,
    EnrollmentStatus,
    LearningPathCourse,
    LearningPathPage,
    LessonPage,
    LessonProgress,
    Level,
    ModulePage,
    PathCompletion,
    Topic,
)

DURATION_BUCKETS = {
    "short": (0, 60),
    "medium": (61, 180),
    "long": (181, 100_000),
}


@dataclass
class ModuleOutline:
    module: ModulePage
    lessons: list[LessonPage] = field(default_factory=list)


@dataclass
class Outline:
    modules: list[ModuleOutline]
    lessons: list[LessonPage]

    @property
    def required_ids(self) -> list[int]:
        required = [lesson.pk for lesson in self.lessons if lesson.is_required]
        return required or [lesson.pk for lesson in self.lessons]

    def neighbours(self, lesson: LessonPage) -> tuple[LessonPage | None, LessonPage | None]:
        """The lessons before and after ``lesson`` in reading order (None at either end, or both
        for a lesson not in the outline: a draft in preview)."""
        ids = [item.pk for item in self.lessons]
        if lesson.pk not in ids:
            return None, None
        index = ids.index(lesson.pk)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(ids) else None
        return previous, following


def course_for_lesson(lesson: LessonPage) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(lesson).first()


def course_for_lesson_cached(lesson: LessonPage) -> CoursePage | None:
    """``course_for_lesson`` for pages shown to learners: kept until content changes."""
    return content_cached(f"course-of-lesson:{lesson.pk}", lambda: course_for_lesson(lesson))


def live_lesson_cached(lesson_id: int) -> LessonPage | None:
    """The live lesson ``lesson_id`` (None if there is none), kept until content changes: marking a
    lesson done reads it as the learner's lesson page does, without building the page from rows."""
    return content_cached(f"live-lesson:{lesson_id}", lambda: LessonPage.objects.live().filter(pk=lesson_id).first())


def course_outline(course: CoursePage) -> Outline:
    """Modules and live lessons in tree order: two queries whatever the size."""
    modules = [ModuleOutline(module) for module in ModulePage.objects.live().child_of(course).order_by("path")]
    lessons = list(LessonPage.objects.live().descendant_of(course).defer("body").order_by("path"))
    by_path = {outline.module.path: outline for outline in modules}
    for lesson in lessons:
        owner = by_path.get(lesson.path[: -lesson.steplen])
        if owner is not None:
            owner.lessons.append(lesson)
    return Outline(modules=modules, lessons=[lesson for m in modules for lesson in m.lessons])


def course_titles() -> dict[int, str]:
    """Every course's published title by id, for reports (kept until content changes)."""
    return content_cached("course-titles", lambda: dict(CoursePage.objects.values_list("pk", "title")))


def live_course_choices() -> list[tuple[int, str]]:
    """(id, title) of the live courses in title order, for report filters (kept until content changes)."""
    return content_cached(
        "live-course-choices", lambda: list(CoursePage.objects.live().order_by("title").values_list("pk", "title"))
    )


def course_outline_cached(course: CoursePage) -> Outline:
    """``course_outline`` for pages shown to learners: no query until content changes (writes that
    decide completion read ``course_outline`` itself)."""
    return content_cached(f"course-outline:{course.pk}", lambda: course_outline(course))


@dataclass
class CoursePageFacts:
    """What a course page shows around the learner's part that is content: the breadcrumb's parent
    and the prerequisite courses."""

    parent: Page | None
    prerequisites: list[CoursePage]


def course_page_facts(course: CoursePage) -> CoursePageFacts:
    return CoursePageFacts(parent=course.get_parent(), prerequisites=list(course.prerequisites.all()))


def course_page_facts_cached(course: CoursePage) -> CoursePageFacts:
    """``course_page_facts`` of a published course: no query until content changes."""
    return content_cached(f"course-page-facts:{course.pk}", lambda: course_page_facts(course))


def lesson_is_locked(*, outline: Outline, completed_ids: set[int], lesson: LessonPage) -> bool:
    """In a sequential course a lesson opens once every earlier required lesson is done."""
    required = set(outline.required_ids)
    for earlier in outline.lessons:
        if earlier.pk == lesson.pk:
            return False
        if earlier.pk in required and earlier.pk not in completed_ids:
            return True
    return False


def enrollment_current(*, user, course: CoursePage) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).order_by("-cycle").first()


def completed_lesson_ids(enrollment: Enrollment | None) -> set[int]:
    if enrollment is None:
        return set()
    return set(
        LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )


@dataclass
class ModuleProgress:
    module: ModulePage
    lessons: list[tuple[LessonPage, bool, bool]]  # lesson, done, locked
    done: int
    total: int

    @property
    def pct(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class CourseLearnerView:
    course: CoursePage
    outline: Outline
    enrollment: Enrollment | None
    completed_ids: set[int]
    modules: list[ModuleProgress]
    next_lesson: LessonPage | None

    @property
    def is_enrolled(self) -> bool:
        return self.enrollment is not None and self.enrollment.status != EnrollmentStatus.WITHDRAWN

    @property
    def is_completed(self) -> bool:
        return self.enrollment is not None and self.enrollment.completed_at is not None

    @property
    def progress_pct(self) -> int:
        return self.enrollment.progress_pct if self.is_enrolled else 0

    def locked(self, lesson: LessonPage) -> bool:
        return self.course.sequential and lesson_is_locked(
            outline=self.outline, completed_ids=self.completed_ids, lesson=lesson
        )

    def neighbours(self, lesson: LessonPage) -> tuple[LessonPage | None, LessonPage | None]:
        return self.outline.neighbours(lesson)


def course_learner_view(*, course: CoursePage, user) -> CourseLearnerView:
    outline = course_outline_cached(course)
    enrollment = enrollment_current(user=user, course=course)
    done = completed_lesson_ids(enrollment)
    view = CourseLearnerView(course, outline, enrollment, done, [], None)
    required = set(outline.required_ids)
    for module in outline.modules:
        rows = [(lesson, lesson.pk in done, view.locked(lesson)) for lesson in module.lessons]
        module_required = [lesson for lesson in module.lessons if lesson.pk in required]
        view.modules.append(
            ModuleProgress(
                module.module,
                rows,
                done=sum(1 for lesson in module_required if lesson.pk in done),
                total=len(module_required),
            )
        )
    view.next_lesson = course_next_lesson(view)
    return view


def lesson_reading_context(*, lesson: LessonPage, user, course=None, view=None) -> dict:
    """What a lesson's template shows around its body: the course, the reader's progress, the
    previous and next lessons, whether this one is done (a draft in preview has no neighbours)."""
    if course is None:
        course = course_for_lesson(lesson)
    if view is None:
        view = course_learner_view(course=course, user=user)
    previous, following = view.neighbours(lesson)
    return {
        "course": course,
        "view": view,
        "previous_lesson": previous,
        "next_lesson": following,
        "is_done": lesson.pk in view.completed_ids,
    }


def module_reading_context(*, module: ModulePage, user) -> dict:
    """What a module's own page shows (an editor previewing it; learners are sent to the course):
    its course, the reader's progress in it and the module's lessons with their state. A module
    not yet published, or not saved at all, lists its live lessons (none for a new one)."""
    course = CoursePage.objects.ancestor_of(module).first()
    view = course_learner_view(course=course, user=user) if course else None
    progress = next((row for row in view.modules if row.module.pk == module.pk), None) if view else None
    if progress is None:
        lessons = list(LessonPage.objects.live().child_of(module).defer("body")) if module.pk else []
        progress = ModuleProgress(module, [(lesson, False, False) for lesson in lessons], done=0, total=0)
    return {"course": course, "view": view, "module_view": progress}


def course_next_lesson(view: CourseLearnerView) -> LessonPage | None:
    """Where "continue" goes: the first unfinished, unlocked lesson; else the last one opened."""
    for lesson in view.outline.lessons:
        if lesson.pk not in view.completed_ids and not view.locked(lesson):
            return lesson
    if view.enrollment and view.enrollment.last_lesson_id:
        for lesson in view.outline.lessons:
            if lesson.pk == view.enrollment.last_lesson_id:
                return lesson
    return view.outline.lessons[0] if view.outline.lessons else None


# --- catalogue --------------------------------------------------------------------


def catalogue_filters_from(params) -> dict[str, str]:
    valid = {
        "topic": {value for value, _label in Topic.choices},
        "audience": {value for value, _label in Audience.choices},
        "level": {value for value, _label in Level.choices},
        "duration": set(DURATION_BUCKETS),
    }
    return {key: params.get(key) for key, allowed in valid.items() if params.get(key) in allowed}


def catalogue_courses(*, index, filters: dict[str, str]):
    courses = CoursePage.objects.live().public().child_of(index).select_related("cover_image")
    if "topic" in filters:
        courses = courses.filter(topic=filters["topic"])
    if "audience" in filters:
        courses = courses.filter(Q(audience=filters["audience"]) | Q(audience=Audience.EVERYONE))
    if "level" in filters:
        courses = courses.filter(level=filters["level"])
    if "duration" in filters:
        low, high = DURATION_BUCKETS[filters["duration"]]
        courses = courses.filter(estimated_minutes__gte=low, estimated_minutes__lte=high)
    return courses.order_by("path")


# --- learning paths ---------------------------------------------------------------


@dataclass
class PathView:
    path: LearningPathPage
    courses: list[tuple[CoursePage, Enrollment | None]]
    completed_at: object = None

    @property
    def done(self) -> int:
        return sum(1 for _course, enrollment in self.courses if enrollment and enrollment.completed_at)

    @property
    def pct(self) -> int:
        return round(100 * self.done / len(self.courses)) if self.courses else 0

    @property
    def next_course(self) -> tuple[CoursePage, Enrollment | None] | None:
        """The first course of the path the learner has not completed (with their enrolment)."""
        for course, enrollment in self.courses:
            if enrollment is None or enrollment.completed_at is None:
                return course, enrollment
        return None


def path_progress_for(*, path: LearningPathPage, user) -> PathView:
    courses = [link.course for link in path.path_courses.select_related("course").order_by("sort_order")]
    enrollments: dict[int, Enrollment] = {}
    completed_at = None
    if user.is_authenticated:
        for enrollment in Enrollment.objects.filter(user=user, course__in=courses).order_by("cycle"):
            enrollments[enrollment.course_id] = enrollment
        completion = path.completions.filter(user=user).first()
        completed_at = completion.completed_at if completion else None
    return PathView(path, [(course, enrollments.get(course.pk)) for course in courses], completed_at)


# --- dashboard ---------------------------------------------------------------------


@dataclass
class Dashboard:
    """ "Học tập của tôi". ``in_progress`` holds every open course under way — assigned ones too —
    and self-enrolled ones not started yet; ``assigned`` every open assigned course with its due date."""

    in_progress: list[Enrollment]
    completed: list[Enrollment]
    assigned: list[Enrollment]
    recent: list[LessonProgress]
    paths: list[PathView] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.in_progress or self.completed or self.assigned)


def dashboard_for(*, user) -> Dashboard:
    """ "Học tập của tôi": five lists in five queries. An assigned course shows the learner's own due
    date and status (their extension or exemption counts: ``courses.assignment_status``)."""
    enrollments = enrollments_with_status_labels(
        Enrollment.objects.filter(user=user)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .select_related("course", "last_lesson", "assignment")
        .defer("last_lesson__body")  # a lesson's content is not shown here; it is the heaviest column
        .order_by("-last_activity_at", "-started_at"),
        today=timezone.localdate(),
    )
    # The course of each recent lesson by its title from the content cache: joining the course's
    # page tables too made PostgreSQL plan for ≈ 4.5 ms (for ≈ 1 ms of execution).
    recent = list(
        LessonProgress.objects.filter(enrollment__user=user, last_viewed_at__isnull=False)
        .select_related("lesson")
        .defer("lesson__body")
        .annotate(course_pk=F("enrollment__course_id"))
        .order_by("-last_viewed_at")[:5]
    )
    titles = course_titles() if recent else {}
    for progress in recent:
        progress.course_title = titles.get(progress.course_pk, "")
    open_ = [e for e in enrollments if e.completed_at is None]
    return Dashboard(
        in_progress=[e for e in open_ if e.assignment_id is None or enrollment_started(e)],
        completed=[e for e in enrollments if e.completed_at is not None],
        assigned=sorted((e for e in open_ if e.assignment_id is not None), key=lambda e: e.due),
        recent=recent,
        paths=_paths_of(user=user, enrollments=enrollments),
    )


def _latest_by_course(enrollments) -> dict[int, Enrollment]:
    latest: dict[int, Enrollment] = {}
    for enrollment in enrollments:
        if enrollment.course_id not in latest or enrollment.cycle > latest[enrollment.course_id].cycle:
            latest[enrollment.course_id] = enrollment
    return latest


def _paths_of(*, user, enrollments: list[Enrollment]) -> list[PathView]:
    """The live learning paths holding a course the learner took, with their progress: the paths'
    courses from the content cache, the learner's path completions in one query."""
    by_course = _latest_by_course(enrollments)
    if not by_course:
        return []
    all_links = _live_path_links()
    taken_paths = {link.path_id for link in all_links if link.course_id in by_course}
    links = [link for link in all_links if link.path_id in taken_paths]
    if not links:
        return []
    completed = dict(
        PathCompletion.objects.filter(user=user, path_id__in=taken_paths).values_list("path_id", "completed_at")
    )
    views: dict[int, PathView] = {}
    for link in links:
        view = views.setdefault(link.path_id, PathView(link.path, [], completed.get(link.path_id)))
        view.courses.append((link.course, by_course.get(link.course_id)))
    return list(views.values())


def _live_path_links() -> list[LearningPathCourse]:
    """Every live learning path's courses, with the path and course pages, in tree and path order
    (published content: kept until it changes)."""
    return content_cached(
        "live-path-links",
        lambda: list(
            LearningPathCourse.objects.filter(path__live=True)
            .select_related("path", "course")
            .order_by("path__path", "sort_order")
        ),
    )


# --- after a completion, and the home page ------------------------------------------


@dataclass
class NextSteps:
    """What to learn after completing a course: each learning path's next course, then others."""

    paths: list[tuple[LearningPathPage, CoursePage]]
    courses: list[CoursePage]


def learning_next_for(*, course: CoursePage, user, limit: int = 3) -> NextSteps:
    """Four queries: the paths holding ``course`` and their courses, the learner's courses, and a
    few live self-enrolment courses they have not taken."""
    taken = _latest_by_course(Enrollment.objects.filter(user=user).exclude(status=EnrollmentStatus.WITHDRAWN))
    links = LearningPathCourse.objects.filter(
        path__live=True, path_id__in=LearningPathCourse.objects.filter(course=course).values("path_id")
    ).select_related("path", "course")
    paths: dict[int, tuple[LearningPathPage, CoursePage]] = {}
    for link in links.order_by("path__path", "sort_order"):
        enrollment = taken.get(link.course_id)
        done = enrollment is not None and enrollment.completed_at is not None
        if link.path_id not in paths and not done and link.course_id != course.pk and link.course.live:
            paths[link.path_id] = (link.path, link.course)
    exclude = set(taken) | {c.pk for _p, c in paths.values()} | {course.pk}
    others = list(
        CoursePage.objects.live().public().filter(is_public=True).exclude(pk__in=exclude).order_by("path")[:limit]
    )
    return NextSteps(paths=list(paths.values()), courses=others)


@dataclass
class LearnerHome:
    """The signed-in learner's block on the home page."""

    resume: Enrollment | None
    assigned: list[Enrollment]
    completed_count: int

    @property
    def is_empty(self) -> bool:
        return self.resume is None and not self.assigned and not self.completed_count


def learner_home_for(*, user, limit: int = 3) -> LearnerHome:
    """Continue where the learner left off, their open assigned courses by due date, and how many
    they completed: one query (the assignment-status rule gives the due dates)."""
    enrollments = enrollments_with_status_labels(
        Enrollment.objects.filter(user=user)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .select_related("course", "last_lesson", "assignment")
        .order_by(F("last_activity_at").desc(nulls_last=True), "-started_at"),
        today=timezone.localdate(),
    )
    open_ = [e for e in enrollments if e.completed_at is None]
    resume = next((e for e in open_ if enrollment_started(e)), open_[0] if open_ else None)
    assigned = sorted((e for e in open_ if e.assignment_id is not None and e is not resume), key=lambda e: e.due)
    return LearnerHome(
        resume=resume,
        assigned=assigned[:limit],
        completed_count=sum(1 for e in enrollments if e.completed_at is not None),
    )
