"""Writes of learner state: enrolment, lesson visits, completion, recomputation.

Each public function is one transaction. Marking a lesson done is idempotent;
the enrolment row is locked while progress is recomputed, so a double submit
completes a course exactly once and calls the completion hooks once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services import audit_record

from . import completion
from .models import (
    CoursePage,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LearningPathCourse,
    LessonPage,
    LessonProgress,
    PathCompletion,
)
from .selectors import Outline, course_for_lesson_cached, course_outline, course_outline_cached, lesson_is_locked

# Gaps longer than this between two actions are not counted as learning time.
ACTIVITY_GAP = timedelta(minutes=30)


class LearningError(Exception):
    """A learner action that cannot be done; the message is for people."""


class LessonLocked(LearningError):
    pass


@dataclass
class LessonCompleteResult:
    enrollment: Enrollment
    lesson_newly_completed: bool
    course_newly_completed: bool
    # The course and the outline the decision was made on: where the learner goes next is read
    # from them, with no second look at the enrolment.
    course: CoursePage | None = None
    outline: Outline | None = None


def enrollment_is_expired(enrollment: Enrollment, course: CoursePage) -> bool:
    if not (enrollment.completed_at and course.validity_months):
        return False
    return timezone.now() >= enrollment.completed_at + relativedelta(months=course.validity_months)


@transaction.atomic
def enrollment_create(*, user, course: CoursePage, source: str = EnrollmentSource.SELF) -> Enrollment:
    """Enrol ``user`` (idempotent). Re-activates a withdrawn enrolment; starts a
    new cycle when a completed one has passed the course's validity period.

    Raises ``LearningError`` when self-enrolment is closed or a prerequisite
    course is not completed.
    """
    if source == EnrollmentSource.SELF and not course.is_public:
        raise LearningError(_("Khoá học này chỉ dành cho người được giao."))
    missing = [
        prerequisite.title
        for prerequisite in course.prerequisites.all()
        if not Enrollment.objects.filter(user=user, course=prerequisite, completed_at__isnull=False).exists()
    ]
    if missing:
        raise LearningError(_("Bạn cần hoàn thành trước: %(courses)s.") % {"courses": ", ".join(missing)})
    latest = Enrollment.objects.select_for_update().filter(user=user, course=course).order_by("-cycle").first()
    if latest is None:
        return Enrollment.objects.create(user=user, course=course, source=source)
    if latest.status == EnrollmentStatus.WITHDRAWN:
        latest.status = EnrollmentStatus.ACTIVE
        latest.withdrawn_at = None
        latest.save(update_fields=["status", "withdrawn_at"])
        return latest
    if enrollment_is_expired(latest, course):
        return Enrollment.objects.create(user=user, course=course, source=source, cycle=latest.cycle + 1)
    return latest


@transaction.atomic
def enrollment_withdraw(*, user, course: CoursePage) -> Enrollment:
    """Unenrol. Progress is kept (re-enrolling resumes it); a completed course cannot be withdrawn."""
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).order_by("-cycle").first()
    if enrollment is None or enrollment.status == EnrollmentStatus.WITHDRAWN:
        raise LearningError(_("Bạn chưa ghi danh khoá học này."))
    if enrollment.status == EnrollmentStatus.COMPLETED:
        raise LearningError(_("Bạn đã hoàn thành khoá học này nên không thể huỷ ghi danh."))
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.withdrawn_at = timezone.now()
    enrollment.save(update_fields=["status", "withdrawn_at"])
    return enrollment


def _active_enrollment_for_update(*, user, course: CoursePage) -> Enrollment | None:
    return (
        Enrollment.objects.select_for_update()
        .filter(user=user, course=course)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .order_by("-cycle")
        .first()
    )


def _count_activity(enrollment: Enrollment, now) -> None:
    """Add the time since the learner's previous action to the lesson they were on."""
    if enrollment.last_lesson_id and enrollment.last_activity_at:
        seconds = int((now - enrollment.last_activity_at).total_seconds())
        if 0 < seconds <= ACTIVITY_GAP.total_seconds():
            LessonProgress.objects.of_learner(enrollment.user_id).filter(
                enrollment=enrollment, lesson_id=enrollment.last_lesson_id
            ).update(time_spent_seconds=F("time_spent_seconds") + seconds)


def _commit_without_waiting_for_disk() -> None:
    """PostgreSQL: this transaction's commit does not wait for its WAL record to reach the disk.

    For records whose loss in a database crash costs nothing that matters (a visit's time and the
    "continue" position, never a completion): the commit returns without an fsync, the row is
    durable a fraction of a second later, and a crash in between loses only that visit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def lesson_visit(*, user, lesson: LessonPage, course: CoursePage, enrollment: Enrollment | None = None) -> bool:
    """Record that an enrolled learner opened a lesson ("continue" and time spent).

    One short write transaction, nothing read back: the time since the previous action is added
    to the lesson then open (skipped when there is none), the visit is inserted or its time
    updated in one upsert, and the enrolment remembers the lesson. ``enrollment`` is the learner's
    current enrolment when the caller has just read it (the lesson page has); otherwise it is read.

    Opening again the lesson the enrolment already remembers, within
    ``LESSON_VISIT_RECORD_SECONDS`` of the action recorded last, writes nothing (as Moodle records a
    learner's last access at most once a minute): the "continue" position is already this lesson,
    and the time spent meanwhile is counted by the next recorded action, which adds the whole time
    since the last one to this lesson. Returns False for a visitor who is not enrolled (nothing is
    recorded), True otherwise.
    """
    if enrollment is None:
        enrollment = Enrollment.objects.filter(user=user, course=course).order_by("-cycle").first()
    if enrollment is None or enrollment.status == EnrollmentStatus.WITHDRAWN:
        return False
    now = timezone.now()
    if _visit_recorded_recently(enrollment, lesson, now):
        return True
    _visit_record(enrollment, lesson, now)
    return True


def lesson_visit_due(enrollment: Enrollment | None, lesson: LessonPage):
    """When opening ``lesson`` again must record a visit (``lesson_visit`` skips it until then);
    None when nothing is recorded for this reader (not enrolled)."""
    if enrollment is None or enrollment.status == EnrollmentStatus.WITHDRAWN:
        return None
    if enrollment.last_lesson_id != lesson.pk or enrollment.last_activity_at is None:
        return timezone.now()
    return enrollment.last_activity_at + timedelta(seconds=settings.LESSON_VISIT_RECORD_SECONDS)


def _visit_recorded_recently(enrollment: Enrollment, lesson: LessonPage, now) -> bool:
    last = enrollment.last_activity_at
    return (
        enrollment.last_lesson_id == lesson.pk
        and last is not None
        and timedelta(0) <= now - last < timedelta(seconds=settings.LESSON_VISIT_RECORD_SECONDS)
    )


@transaction.atomic
def _visit_record(enrollment: Enrollment, lesson: LessonPage, now) -> None:
    _commit_without_waiting_for_disk()
    _count_activity(enrollment, now)
    LessonProgress.objects.of_learner(enrollment.user_id).bulk_create(
        [LessonProgress(enrollment=enrollment, lesson=lesson, first_viewed_at=now, last_viewed_at=now)],
        update_conflicts=True,
        unique_fields=["enrollment", "lesson"],
        update_fields=["last_viewed_at"],
    )
    Enrollment.objects.of_learner(enrollment.user_id).filter(pk=enrollment.pk).update(
        last_lesson=lesson, last_activity_at=now
    )
    enrollment.last_lesson, enrollment.last_activity_at = lesson, now  # the page rendered next shows it


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> LessonCompleteResult:
    """Mark a lesson done for ``user`` and complete the course if its rules now hold.

    Idempotent: a lesson already done stays done once; the course completes —
    and the completion hooks run — exactly once, in this transaction.
    Raises ``LearningError`` (not enrolled, rule refuses) or ``LessonLocked``.
    """
    return lesson_complete_within(user=user, lesson=lesson)


def lesson_complete_within(*, user, lesson: LessonPage) -> LessonCompleteResult:
    """``lesson_complete`` as part of the caller's open transaction (a quiz's submit), without a
    savepoint of its own: it raises ``LearningError`` only before it writes anything, so a caller
    may catch the refusal and go on.

    One short write transaction: the enrolment is locked, the learner's done lessons read, the
    lesson's progress written in one upsert and the enrolment's progress in one update. The course
    and its outline come from the content cache (as the pages the learner reads them on), except
    when the cached outline says the course is now complete: a completion is decided on the
    outline read from the database (``_outline_completing``).
    """
    course = course_for_lesson_cached(lesson)
    enrollment = _active_enrollment_for_update(user=user, course=course) if course else None
    if enrollment is None:
        raise LearningError(_("Bạn cần ghi danh khoá học để lưu tiến độ."))
    outline = course_outline_cached(course)
    completed_ids = set(
        LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )
    if lesson.pk in completed_ids:
        return LessonCompleteResult(enrollment, False, False, course, outline)
    if course.sequential and lesson_is_locked(outline=outline, completed_ids=completed_ids, lesson=lesson):
        raise LessonLocked(_("Bài học này chưa mở: hãy hoàn thành các bài bắt buộc trước đó."))
    for rule in completion.lesson_rules.values():
        refusal = rule(lesson=lesson, enrollment=enrollment)
        if refusal:
            raise LearningError(refusal)
    now = timezone.now()
    _count_activity(enrollment, now)
    LessonProgress.objects.of_learner(enrollment.user_id).bulk_create(
        [
            LessonProgress(
                enrollment=enrollment, lesson=lesson, first_viewed_at=now, last_viewed_at=now, completed_at=now
            )
        ],
        update_conflicts=True,
        unique_fields=["enrollment", "lesson"],
        update_fields=["completed_at"],
    )
    completed_ids.add(lesson.pk)
    enrollment.last_lesson = lesson
    enrollment.last_activity_at = now
    outline = _outline_completing(course, outline, completed_ids)
    course_completed = _enrollment_refresh(enrollment, outline.required_ids, completed_ids)
    return LessonCompleteResult(enrollment, True, course_completed, course, outline)


def _outline_completing(course: CoursePage, cached: Outline, completed_ids: set[int]) -> Outline:
    """The outline to decide completion on: the cached one while it leaves a required lesson
    to do; the database's when the cached one says every required lesson is done (a lesson
    published a moment ago, whose retirement of the cache has not reached this process, must
    not let a course complete without it)."""
    if not set(cached.required_ids) <= completed_ids:
        return cached
    return course_outline(course)


def _enrollment_refresh(enrollment: Enrollment, required_ids: list[int], completed_ids: set[int]) -> bool:
    """Store progress %; complete the enrolment if every rule holds. True if it completed now."""
    done = len(set(required_ids) & completed_ids)
    enrollment.progress_pct = round(100 * done / len(required_ids)) if required_ids else 0
    newly_completed = False
    if enrollment.completed_at is None and required_ids and done == len(required_ids):
        enrollment.completed_at = timezone.now()
        enrollment.status = EnrollmentStatus.COMPLETED
        newly_completed = True
    enrollment.save(update_fields=["progress_pct", "completed_at", "status", "last_lesson", "last_activity_at"])
    if newly_completed:
        _run_hooks(completion.Completion(kind="course", user=enrollment.user, enrollment=enrollment))
        _complete_paths_containing(enrollment)
    return newly_completed


@transaction.atomic
def enrollment_complete_manually(*, actor, user, course: CoursePage, note: str) -> Enrollment:
    """Record training done in person: the learner's enrolment completes now, with the coordinator's
    note in the audit log; completion hooks (certificates) run as for any completion. Idempotent."""

    if not (note or "").strip():
        raise LearningError(_("Cần ghi chú căn cứ (ví dụ: lớp tập huấn trực tiếp ngày 05/02/2026)."))
    enrollment = enrollment_create(user=user, course=course, source=EnrollmentSource.COORDINATOR)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.completed_at is not None:
        return enrollment
    previous_status = enrollment.status
    enrollment.completed_at = timezone.now()
    enrollment.status = EnrollmentStatus.COMPLETED
    enrollment.progress_pct = 100
    enrollment.save(update_fields=["completed_at", "status", "progress_pct"])
    audit_record(
        actor=actor,
        action="enrollment.manual_completion",
        target=user,
        data={
            "course_id": course.pk,
            "enrollment_id": enrollment.pk,
            "changes": {"course": [None, course.title], "status": [previous_status, EnrollmentStatus.COMPLETED.value]},
        },
        reason=note,
    )
    _run_hooks(completion.Completion(kind="course", user=user, enrollment=enrollment))
    _complete_paths_containing(enrollment)
    return enrollment


def _complete_paths_containing(enrollment: Enrollment) -> None:
    for link in LearningPathCourse.objects.filter(course_id=enrollment.course_id).select_related("path"):
        course_ids = set(LearningPathCourse.objects.filter(path=link.path).values_list("course_id", flat=True))
        done = set(
            Enrollment.objects.filter(
                user=enrollment.user, course_id__in=course_ids, completed_at__isnull=False
            ).values_list("course_id", flat=True)
        )
        if done == course_ids:
            path_completion, created = PathCompletion.objects.get_or_create(
                user=enrollment.user, path=link.path, defaults={"completed_at": timezone.now()}
            )
            if created:
                _run_hooks(completion.Completion(kind="path", user=enrollment.user, path_completion=path_completion))


def _run_hooks(event: completion.Completion) -> None:
    for hook in completion.completion_hooks.values():
        hook(event)


def _run_hooks_many(events: list[completion.Completion]) -> None:
    """Completion hooks for many completions: a hook's set-based version when it has one."""
    if not events:
        return
    for name, hook in completion.completion_hooks.items():
        batch = completion.completion_batch_hooks.get(name)
        if batch is not None:
            batch(events)
        else:
            for event in events:
                hook(event)


@transaction.atomic
def course_progress_recompute(*, course: CoursePage) -> int:
    """Recompute progress of every enrolment not yet complete (after a publish), set-based.

    A completed enrolment is never touched: editing a course never revokes a completion. A required
    lesson added later lowers only unfinished progress; removing one may complete enrolments — in
    bulk, with the completion hooks' set-based versions (certificates). A constant number of queries
    per chunk of enrolments. Returns the number of enrolments whose progress changed.
    """
    outline = course_outline(course)
    required = set(outline.required_ids)
    open_rows = list(
        Enrollment.objects.select_for_update()
        .filter(course=course, completed_at__isnull=True)
        .values_list("pk", "progress_pct", "status")
    )
    done_counts = dict(
        LessonProgress.objects.filter(
            enrollment__course=course,
            enrollment__completed_at__isnull=True,
            completed_at__isnull=False,
            lesson_id__in=required,
        )
        .values_list("enrollment_id")
        .annotate(n=Count("id"))
    )
    by_pct: dict[int, list[int]] = defaultdict(list)
    to_complete = []
    for pk, pct, status in open_rows:
        done = done_counts.get(pk, 0)
        if required and done == len(required) and status == EnrollmentStatus.ACTIVE:
            to_complete.append(pk)
            continue
        new_pct = round(100 * done / len(required)) if required else 0
        if new_pct != pct:
            by_pct[new_pct].append(pk)
    for pct, pks in by_pct.items():  # at most 101 distinct values: one UPDATE each
        for start in range(0, len(pks), BULK_CHUNK):
            Enrollment.objects.filter(pk__in=pks[start : start + BULK_CHUNK]).update(progress_pct=pct)
    enrollments_complete(ids=to_complete)
    return sum(len(pks) for pks in by_pct.values()) + len(to_complete)


BULK_CHUNK = 5000


def enrollments_complete(*, ids: list[int]) -> list[Enrollment]:
    """Complete many open enrolments at once (in the caller's transaction): one UPDATE per chunk,
    the completion hooks in bulk, then any learning path now complete. Idempotent."""
    now = timezone.now()
    completed: list[Enrollment] = []
    for start in range(0, len(ids), BULK_CHUNK):
        chunk = ids[start : start + BULK_CHUNK]
        open_ids = list(Enrollment.objects.filter(pk__in=chunk, completed_at__isnull=True).values_list("pk", flat=True))
        Enrollment.objects.filter(pk__in=open_ids).update(
            completed_at=now, status=EnrollmentStatus.COMPLETED, progress_pct=100
        )
        completed += list(Enrollment.objects.filter(pk__in=open_ids).select_related("user", "course"))
    _run_hooks_many([completion.Completion(kind="course", user=e.user, enrollment=e) for e in completed])
    _complete_paths_for_many(completed)
    return completed


def _complete_paths_for_many(enrollments: list[Enrollment]) -> None:
    """Learning paths completed by these completions: a few queries per path, not per learner."""
    by_course: dict[int, set[int]] = defaultdict(set)
    for enrollment in enrollments:
        by_course[enrollment.course_id].add(enrollment.user_id)
    for course_id, user_ids in by_course.items():
        for link in LearningPathCourse.objects.filter(course_id=course_id).select_related("path"):
            course_ids = set(LearningPathCourse.objects.filter(path=link.path).values_list("course_id", flat=True))
            done = (
                Enrollment.objects.filter(user_id__in=user_ids, course_id__in=course_ids, completed_at__isnull=False)
                .values("user_id")
                .annotate(n=Count("course_id", distinct=True))
                .filter(n=len(course_ids))
                .values_list("user_id", flat=True)
            )
            already = set(
                PathCompletion.objects.filter(path=link.path, user_id__in=user_ids).values_list("user_id", flat=True)
            )
            fresh = [uid for uid in done if uid not in already]
            PathCompletion.objects.bulk_create(
                [PathCompletion(user_id=uid, path=link.path, completed_at=timezone.now()) for uid in fresh],
                ignore_conflicts=True,
            )
            created = PathCompletion.objects.filter(path=link.path, user_id__in=fresh).select_related("user", "path")
            _run_hooks_many([completion.Completion(kind="path", user=pc.user, path_completion=pc) for pc in created])
