"""Learner state: enrolments, lesson progress and learning-path completions.

Plain Django models protected by database constraints and changed only by
``courses.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.signed_in_page_cache import LearnerStateQuerySet


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("Đang học")
    COMPLETED = "completed", _("Đã hoàn thành")
    WITHDRAWN = "withdrawn", _("Đã huỷ ghi danh")


class EnrollmentSource(models.TextChoices):
    SELF = "self", _("Tự ghi danh")
    ASSIGNMENT = "assignment", _("Được giao")
    IMPORT = "import", _("Nhập danh sách")
    COORDINATOR = "coordinator", _("Điều phối viên ghi danh")


class Enrollment(models.Model):
    """A learner taking one course, once per certification cycle.

    ``cycle`` starts at 1 and grows when a course with a validity period is
    taken again for recertification. ``source`` records why the learner was
    enrolled and ``assignment`` which assignment (if any) required it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="enrollments")
    cycle = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE)
    source = models.CharField(max_length=16, choices=EnrollmentSource.choices, default=EnrollmentSource.SELF)
    progress_pct = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)
    assignment = models.ForeignKey(
        "courses.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollments"
    )

    objects = LearnerStateQuerySet.as_manager()  # set-based writes retire learners' pages

    class Meta:
        verbose_name = _("ghi danh")
        verbose_name_plural = _("ghi danh")
        constraints = [
            models.UniqueConstraint(fields=["user", "course", "cycle"], name="enrollment_unique_cycle"),
            models.CheckConstraint(condition=Q(progress_pct__lte=100), name="enrollment_progress_range"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="enrollment_completed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"]), models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.course_id} (#{self.cycle})"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class LessonProgress(models.Model):
    """A learner's state in one lesson of one enrolment: viewed, time spent, done."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(default=0)

    objects = LearnerStateQuerySet.as_manager()  # set-based writes retire learners' pages

    class Meta:
        verbose_name = _("tiến độ bài học")
        verbose_name_plural = _("tiến độ bài học")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="lesson_progress_unique")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.lesson_id}"


class PathCompletion(models.Model):
    """A learner completed every course of a learning path (certificates may follow)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="path_completions")
    path = models.ForeignKey("courses.LearningPathPage", on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField()

    objects = LearnerStateQuerySet.as_manager()  # set-based writes retire learners' pages

    class Meta:
        verbose_name = _("hoàn thành lộ trình")
        verbose_name_plural = _("hoàn thành lộ trình")
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="path_completion_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} — {self.path_id}"
