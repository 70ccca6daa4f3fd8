"""The digital-signature practice lab: a practice CA, learners' practice certificates (keys kept on
the server, encrypted), one-time codes that confirm each signature, lab results, the per-learner
sets of documents to check, and the public checker's short-lived requests.

Everything here is *practice*: certificates name "THỰC HÀNH" and carry no legal value.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PracticeAuthority(models.Model):
    """The practice CA (one row): its self-signed root and its private key, encrypted at rest."""

    slot = models.PositiveSmallIntegerField(default=1, unique=True)  # one practice CA: two first uses make one
    name = models.CharField(_("tên"), max_length=200)
    certificate_pem = models.TextField()
    key_encrypted = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("CA thực hành")
        verbose_name_plural = _("CA thực hành")

    def __str__(self) -> str:
        return self.name


class PracticeCertificateRole(models.TextChoices):
    LEARNER = "learner", _("Người học")
    LEADER = "leader", _("Lãnh đạo (mẫu)")
    SAMPLE = "sample", _("Mẫu cho bài kiểm tra văn bản")


class PracticeCertificate(models.Model):
    """A practice signing certificate. The learner's private key never leaves the server: it is
    kept encrypted and used only after a fresh one-time code (remote signing, "ký số từ xa")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="practice_certificates",
        verbose_name=_("người học"),
    )
    role = models.CharField(
        max_length=16, choices=PracticeCertificateRole.choices, default=PracticeCertificateRole.LEARNER
    )
    authority = models.ForeignKey(PracticeAuthority, on_delete=models.PROTECT, related_name="certificates")
    serial_number = models.CharField(max_length=64, unique=True)  # decimal: X.509 serials exceed 64 bits
    subject_name = models.CharField(_("chủ thể"), max_length=200)
    certificate_pem = models.TextField()
    key_encrypted = models.BinaryField()
    not_valid_before = models.DateTimeField()
    not_valid_after = models.DateTimeField()
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revocation_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư số thực hành")
        verbose_name_plural = _("chứng thư số thực hành")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.subject_name} ({self.serial_number})"


class OneTimeCodePurpose(models.TextChoices):
    SIGN = "sign", _("Xác nhận ký")


class OneTimeCode(models.Model):
    """A code sent by e-mail to confirm one signature; stored hashed, used at most once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=16, choices=OneTimeCodePurpose.choices, default=OneTimeCodePurpose.SIGN)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "used_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class LabActivity(models.TextChoices):
    SIGN = "sign", _("Ký số một văn bản")
    CHECK = "check", _("Kiểm tra văn bản đã ký")
    COUNTERSIGN = "countersign", _("Ký nối tiếp (ký sau lãnh đạo)")


class LabResult(models.Model):
    """One learner's result for one lab block of a lesson (``block_id``: the StreamField block's id)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_results")
    lesson = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    activity = models.CharField(max_length=16, choices=LabActivity.choices)
    passed = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(default=0)
    max_score = models.PositiveSmallIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True)
    signed_pdf = models.BinaryField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kết quả thực hành ký số")
        verbose_name_plural = _("kết quả thực hành ký số")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="signlab_one_result_per_block")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.activity} {self.block_id}"


class CheckDocument(models.Model):
    """One PDF of a learner's check-documents set: generated for that learner only, with its key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField()
    case = models.CharField(max_length=16)  # signlab.cases.CASES
    file_name = models.CharField(max_length=100)
    pdf = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id", "position"], name="signlab_one_document_per_slot"
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class SignatureCheckStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Không kiểm tra được")


class SignatureCheck(models.Model):
    """A request of the public "Kiểm tra chữ ký số" tool. The upload lives in ``upload`` only until
    the worker has read it (then it is emptied); the report is kept a short while for its page."""

    token = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    upload = models.BinaryField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=SignatureCheckStatus.choices, default=SignatureCheckStatus.QUEUED)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="queued") | Q(upload__isnull=True), name="signlab_upload_only_while_queued"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
