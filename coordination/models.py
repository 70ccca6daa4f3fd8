from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class UnitTarget(models.Model):
    """A unit's completion target (chỉ tiêu, %) for the red/amber/green ranking of the dashboard and
    reports. It holds for the unit and every unit below it that has none of its own; a unit with no
    target above it uses ``COORDINATION_TARGET_PCT``."""

    unit = models.OneToOneField(
        "orgunits.OrgUnit", on_delete=models.CASCADE, related_name="completion_target", verbose_name=_("đơn vị")
    )
    target_pct = models.PositiveSmallIntegerField(
        _("chỉ tiêu hoàn thành (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu hoàn thành")
        verbose_name_plural = _("chỉ tiêu hoàn thành")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_pct__gte=1, target_pct__lte=100), name="unit_target_pct_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.target_pct}%"
