from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.orgunits.models import OrgUnit


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


class SigningMode(models.TextChoices):
    """Who signs the report for the unit head (Decree 30/2020, Art. 13)."""

    HEAD = "head", _("Người đứng đầu ký")
    KT = "KT", _("KT. — cấp phó ký thay người đứng đầu")
    TM = "TM", _("TM. — thay mặt tập thể lãnh đạo")
    Q = "Q", _("Q. — quyền người đứng đầu")
    TL = "TL", _("TL. — ký thừa lệnh")
    TUQ = "TUQ", _("TUQ. — ký thừa uỷ quyền")


abbreviation_validator = RegexValidator(
    r"^[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$",
    _("Chỉ dùng chữ in hoa, chữ số và dấu gạch nối, ví dụ SNV, UBND, VP-UBND."),
)


class ReportLetterhead(models.Model):
    """How a unit's Decree-30 report is headed and signed: configured by administrators.

    Every field left blank falls back to a value derived from the unit (``coordination.letterhead``),
    so an unconfigured unit still gets a correct header.
    """

    unit = models.OneToOneField(
        OrgUnit, on_delete=models.CASCADE, related_name="report_letterhead", verbose_name=_("đơn vị")
    )
    abbreviation = models.CharField(
        _("chữ viết tắt"),
        max_length=20,
        validators=[abbreviation_validator],
        help_text=_("Dùng trong số, ký hiệu (…/BC-SNV) và dòng “Lưu”. Ví dụ: SNV, UBND."),
    )
    authority_name = models.CharField(
        _("cơ quan chủ quản"),
        max_length=255,
        blank=True,
        help_text=_(
            "Dòng in hoa trên tên đơn vị, ví dụ UBND TỈNH BẮC NINH. Để trống: suy ra từ đơn vị cấp trên "
            "(Ủy ban nhân dân xã, tỉnh tự ban hành nên không có dòng này)."
        ),
    )
    issuer_name = models.TextField(
        _("tên cơ quan ban hành"),
        blank=True,
        help_text=_(
            "In hoa, đậm; mỗi dòng ở đây là một dòng trên văn bản. Để trống: theo tên đơn vị "
            "(Ủy ban nhân dân xã, tỉnh: ỦY BAN NHÂN DÂN / XÃ …)."
        ),
    )
    place = models.CharField(
        _("địa danh"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ: Bắc Ninh, Tiên Du. Để trống: tên tỉnh (cơ quan của tỉnh) hoặc tên xã, phường."),
    )
    head_title = models.CharField(
        _("chức danh người đứng đầu"),
        max_length=100,
        blank=True,
        help_text=_(
            "Ví dụ: GIÁM ĐỐC, CHỦ TỊCH; khi ký TM.: tên tập thể lãnh đạo, ví dụ ỦY BAN NHÂN DÂN. "
            "Để trống: suy ra từ loại đơn vị."
        ),
    )
    signing_mode = models.CharField(
        _("cách ký"),
        max_length=8,
        choices=SigningMode.choices,
        blank=True,
        help_text=_("Để trống: suy ra từ loại đơn vị."),
    )
    signer_title = models.TextField(
        _("chức vụ người ký"),
        blank=True,
        help_text=_(
            "Dòng dưới dòng KT./TM./TL./TUQ., ví dụ PHÓ GIÁM ĐỐC; mỗi dòng ở đây là một dòng trên văn bản "
            "(TM. ỦY BAN NHÂN DÂN có thể kèm KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)."
        ),
    )
    signer_name = models.CharField(
        _("họ và tên người ký"),
        max_length=100,
        blank=True,
        help_text=_("Để trống: để chỗ trống cho người ký tự ghi."),
    )
    recipients = models.TextField(
        _("nơi nhận"),
        blank=True,
        help_text=_(
            "Mỗi dòng một nơi nhận, ví dụ “UBND tỉnh (để báo cáo);”. Để trống: đơn vị cấp trên và "
            "“Lưu: VT, <chữ viết tắt>.”"
        ),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("đầu văn bản báo cáo")
        verbose_name_plural = _("đầu văn bản báo cáo")

    def __str__(self) -> str:
        return f"{self.unit.name} — BC-{self.abbreviation}"

    def clean(self) -> None:
        mode = self.signing_mode
        if mode in (SigningMode.KT, SigningMode.TM, SigningMode.TL, SigningMode.TUQ) and not self.signer_title.strip():
            raise ValidationError(
                {"signer_title": _("Ký %(mode)s cần chức vụ của người ký, ví dụ PHÓ GIÁM ĐỐC.") % {"mode": f"{mode}."}}
            )
