from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """A learner file a coordinator uploaded: previewed first, applied all-or-nothing."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Xem trước")
        APPLIED = "applied", _("Đã áp dụng")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEW)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tệp nhập người học")
        verbose_name_plural = _("tệp nhập người học")

    def __str__(self) -> str:
        return self.filename


class ReminderClaim(models.Model):
    """A reminder about to be sent, committed *before* sending.

    The unique constraint makes a second send impossible: a worker restarted
    mid-run skips every claimed reminder (a crash between claim and send loses
    at most that one reminder, and it is logged).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_claims")
    assignment = models.ForeignKey(
        "courses.Assignment", null=True, blank=True, on_delete=models.CASCADE, related_name="reminder_claims"
    )
    kind = models.CharField(max_length=32)  # due_soon | overdue | digest-YYYY-Www
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assignment", "kind"],
                condition=models.Q(assignment__isnull=False),
                name="reminder_claim_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"], condition=models.Q(assignment__isnull=True), name="reminder_digest_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.assignment_id} {self.kind}"


class ExportJob(models.Model):
    """A large XLSX export built by a worker; only its owner downloads it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        DONE = "done", _("Xong")
        FAILED = "failed", _("Lỗi")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.CharField(max_length=255, blank=True)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"
