from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")
    CANCELLED = "cancelled", _("Đã huỷ")
    EXPIRED = "expired", _("Đã hết hạn")


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED_STATUSES = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class BackgroundJob(models.Model):
    """One piece of work that grows with learners (an import, an assignment, an export, a report…).

    The row is the source of truth: it is written before the task is published, so the sweeper
    can publish it again when a broker or a worker loses the message. A run *claims* the job with a
    fresh token; only the claiming run may record progress or finish it, so a redelivered or
    duplicated message never finishes a job twice. Files and results (which may hold personal
    data) are purged at ``expires_at``.
    """

    kind = models.CharField(_("loại"), max_length=64, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="background_jobs", verbose_name=_("người tạo")
    )
    title = models.CharField(_("tên"), max_length=255)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("thông báo"), blank=True)
    result = models.JSONField(default=dict, blank=True)
    # A resumable runner's checkpoint (e.g. the last item done): read again after a killed worker.
    state = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    file = models.CharField(max_length=255, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    back_url = models.CharField(max_length=255, blank=True)
    back_label = models.CharField(max_length=100, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("công việc chạy nền")
        verbose_name_plural = _("công việc chạy nền")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_total=0) | Q(progress_done__lte=models.F("progress_total")),
                name="job_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class SweepHeartbeat(models.Model):
    """When the sweeps last ran, by who ran them: ``beat`` (the periodic task beat schedules and a
    worker runs) or ``worker-fallback`` (a worker sweeping itself because beat fell silent).
    ``/healthz``'s deep check reads the ``beat`` row's age; the fallback row is also its claim, so
    several workers never sweep in the same interval."""

    name = models.CharField(max_length=32, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
