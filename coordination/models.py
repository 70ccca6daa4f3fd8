from django.conf import settings
from django.db import models


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
