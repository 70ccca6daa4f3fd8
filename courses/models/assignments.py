"""Assignments: a unit's plan requiring courses of its learners by a due date.

A coordinator assigns courses to unit subtrees, learner groups and/or
positions, or to named learners. Matching learners — including those who
join later — are enrolled with ``source="assignment"``. Per-learner
exceptions extend the deadline or exempt the learner.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.signed_in_page_cache import LearnerStateQuerySet


class Assignment(models.Model):
    title = models.CharField(_("tên đợt giao"), max_length=255)
    plan_reference = models.CharField(
        _("căn cứ"), max_length=255, blank=True, help_text=_("Ví dụ: Kế hoạch số 138/KH-UBND.")
    )
    courses = models.ManyToManyField("courses.CoursePage", related_name="assignments", verbose_name=_("khoá học"))
    units = models.ManyToManyField(
        "orgunits.OrgUnit", blank=True, related_name="assignments", verbose_name=_("đơn vị (gồm đơn vị trực thuộc)")
    )
    learner_groups = models.JSONField(_("nhóm người học"), default=list, blank=True)
    positions = models.JSONField(_("chức vụ"), default=list, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="named_assignments", verbose_name=_("người học cụ thể")
    )
    due_date = models.DateField(_("hạn hoàn thành"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="assignments_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Cancelling keeps the row (and its audit trail); its enrolments are detached, their progress kept.
    cancelled_at = models.DateTimeField(_("huỷ lúc"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LearnerStateQuerySet.as_manager()  # set-based writes retire learners' pages

    class Meta:
        verbose_name = _("đợt giao khoá học")
        verbose_name_plural = _("đợt giao khoá học")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ExceptionKind(models.TextChoices):
    EXTENSION = "extension", _("Gia hạn")
    EXEMPTION = "exemption", _("Miễn")


class AssignmentStatus(models.TextChoices):
    """Where a learner stands on an assigned course (``courses.assignment_status`` computes it)."""

    NOT_STARTED = "not_started", _("chưa bắt đầu")
    IN_PROGRESS = "in_progress", _("đang học")
    COMPLETED = "completed", _("hoàn thành")
    OVERDUE = "overdue", _("quá hạn")
    EXEMPTED = "exempted", _("được miễn")


class AssignmentException(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="exceptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_exceptions")
    kind = models.CharField(max_length=16, choices=ExceptionKind.choices)
    due_date = models.DateField(null=True, blank=True)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LearnerStateQuerySet.as_manager()  # set-based writes retire learners' pages

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user"], name="assignment_exception_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="extension") | models.Q(due_date__isnull=False),
                name="assignment_extension_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.user_id} {self.kind}"
