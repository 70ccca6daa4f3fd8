from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One privileged action: who did what to which object, when and why.

    Entries are append-only; they are written by ``audit.services.audit_record``
    inside the transaction of the action they describe.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
        verbose_name=_("người thực hiện"),
    )
    actor_label = models.CharField(_("người thực hiện (lúc ghi)"), max_length=255, blank=True)
    action = models.CharField(_("hành động"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("loại đối tượng")
    )
    target_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    target_label = models.CharField(_("đối tượng"), max_length=255, blank=True)
    # The person the action changed (a learner moved, renamed, exempted, their certificate revoked…),
    # so the log filters by person whatever the target is. Kept when the account is anonymised.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries_about",
        verbose_name=_("người liên quan"),
    )
    subject_label = models.CharField(_("người liên quan (lúc ghi)"), max_length=255, blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký kiểm toán")
        indexes = [models.Index(fields=["target_type", "target_id"]), models.Index(fields=["subject", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"
