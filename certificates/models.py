"""Certificates: issuer keys, CMS-editable templates, certificates.

``Certificate`` is learner state (a plain model changed only by
``certificates.services``); ``CertificateTemplate`` is editorial content (a
Wagtail snippet).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from lms.signed_in_page_cache import LearnerStateQuerySet

from .codes import code_display
from .storage import certificate_storage


class IssuerKey(models.Model):
    """A signing certificate the platform has used. Certificates signed with a
    key keep verifying after it is replaced, unless it is declared compromised."""

    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    subject = models.CharField(_("chủ thể"), max_length=500)
    certificate_pem = models.TextField(_("chứng thư (PEM)"))
    not_valid_before = models.DateTimeField(_("hiệu lực từ"))
    not_valid_after = models.DateTimeField(_("hiệu lực đến"))
    active = models.BooleanField(_("đang dùng để ký"), default=False)
    compromised_at = models.DateTimeField(_("bị lộ lúc"), null=True, blank=True)
    compromise_reason = models.TextField(_("lý do"), blank=True)
    first_used_at = models.DateTimeField(_("dùng lần đầu"), auto_now_add=True)

    class Meta:
        verbose_name = _("khoá ký của đơn vị cấp")
        verbose_name_plural = _("khoá ký của đơn vị cấp")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="issuer_key_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.fingerprint_display[:23]}…)"

    @property
    def fingerprint_display(self) -> str:
        return ":".join(self.fingerprint[i : i + 2] for i in range(0, len(self.fingerprint), 2)).upper()


class CertificateLayout(models.TextChoices):
    CLASSIC = "classic", _("Trang trọng (chữ có chân, khung viền)")
    MODERN = "modern", _("Hiện đại (chữ không chân)")


class CertificateTemplate(models.Model):
    """How certificates look: edited in the CMS (Snippets › Mẫu chứng chỉ).

    Images are pre-processed with Pillow when the template is saved
    (``services.certificate_template_prepare``): the background to the A4
    landscape page size as a compressed JPEG, signature and seal to small PNGs.
    """

    name = models.CharField(_("tên mẫu"), max_length=120)
    layout = models.CharField(
        _("bố cục"), max_length=16, choices=CertificateLayout.choices, default=CertificateLayout.CLASSIC
    )
    title = models.CharField(_("tiêu đề"), max_length=120, default="CHỨNG CHỈ")
    body = models.TextField(
        _("nội dung"),
        default="Đã hoàn thành khoá học “{khoa_hoc}” trên nền tảng Học Số {ngay_hoan_thanh}.",
        help_text=_(
            "Chữ thường, không HTML. Chỗ trống: {ho_ten}, {khoa_hoc}, {don_vi}, {ngay_hoan_thanh}, {diem}, {ma_so}."
        ),
    )
    issuer_name = models.CharField(_("đơn vị cấp"), max_length=200, default="Nền tảng học tập Học Số")
    place = models.CharField(_("địa danh"), max_length=80, blank=True, help_text=_("Ví dụ: Bắc Ninh"))
    signatory_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signatory_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ảnh chữ ký"),
    )
    seal_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ảnh con dấu"),
    )
    background_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ảnh nền"),
    )
    courses = models.ManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="+",
        verbose_name=_("dùng cho khoá học"),
        help_text=_("Để trống và chọn “mẫu mặc định” để dùng cho mọi khoá học khác."),
    )
    is_default = models.BooleanField(_("mẫu mặc định"), default=False)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    prepared_version = models.PositiveIntegerField(default=0, editable=False)
    prepared_background = models.FileField(
        upload_to="certificates/templates/", storage=certificate_storage, blank=True, editable=False
    )
    prepared_signature = models.FileField(
        upload_to="certificates/templates/", storage=certificate_storage, blank=True, editable=False
    )
    prepared_seal = models.FileField(
        upload_to="certificates/templates/", storage=certificate_storage, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("layout"),
        MultiFieldPanel([FieldPanel("title"), FieldPanel("body")], _("Nội dung")),
        MultiFieldPanel(
            [
                FieldPanel("issuer_name"),
                FieldPanel("place"),
                FieldPanel("signatory_name"),
                FieldPanel("signatory_title"),
            ],
            _("Đơn vị cấp và người ký"),
        ),
        MultiFieldPanel(
            [FieldPanel("signature_image"), FieldPanel("seal_image"), FieldPanel("background_image")], _("Hình ảnh")
        ),
        MultiFieldPanel([FieldPanel("is_default"), FieldPanel("courses")], _("Áp dụng")),
    ]

    class Meta:
        verbose_name = _("mẫu chứng chỉ")
        verbose_name_plural = _("mẫu chứng chỉ")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="certificate_template_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CertificateStatus(models.TextChoices):
    PENDING = "pending", _("Đang tạo")
    ISSUED = "issued", _("Đã cấp")
    FAILED = "failed", _("Lỗi khi tạo")
    REVOKED = "revoked", _("Đã thu hồi")
    EXPIRED = "expired", _("Hết hiệu lực")
    SUPERSEDED = "superseded", _("Đã được thay thế")


class CertificateKind(models.TextChoices):
    COURSE = "course", _("Khoá học")
    PATH = "path", _("Lộ trình học")


class Certificate(models.Model):
    """One certificate per course completion (per enrolment, so per cycle) or
    per learning-path completion; a reissue supersedes it with a new one.

    ``frozen`` holds what was true at issue — the learner's full name, course
    title, unit, completion date, score, issuer and template version — so an
    anonymised account or a renamed course never changes a certificate.
    """

    code = models.CharField(_("mã xác minh"), max_length=16, unique=True)
    kind = models.CharField(_("loại"), max_length=8, choices=CertificateKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("người học")
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    path_completion = models.ForeignKey(
        "courses.PathCompletion", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    cycle = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.PENDING
    )
    frozen = models.JSONField(_("dữ liệu khi cấp"), default=dict)
    template = models.ForeignKey(
        CertificateTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    template_version = models.PositiveIntegerField(null=True, blank=True)
    pdf = models.CharField(_("tệp PDF"), max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    issuer_key = models.ForeignKey(IssuerKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # The last publish of the render task that the broker refused (None once one succeeds): the
    # sweeper retries such a certificate seconds after it, not minutes (docs/reliability.md).
    enqueue_failed_at = models.DateTimeField(null=True, blank=True)
    render_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    issued_at = models.DateTimeField(_("cấp lúc"), null=True, blank=True)
    expires_on = models.DateField(_("hết hiệu lực ngày"), null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.TextField(_("lý do thu hồi"), blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    objects = LearnerStateQuerySet.as_manager()  # set-based writes retire learners' pages

    class Meta:
        verbose_name = _("chứng chỉ")
        verbose_name_plural = _("chứng chỉ")
        constraints = [
            # One current certificate per enrolment (= per course cycle) and per path completion.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(enrollment__isnull=False) & ~Q(status="superseded"),
                name="certificate_one_current_per_enrollment",
            ),
            models.UniqueConstraint(
                fields=["path_completion"],
                condition=Q(path_completion__isnull=False) & ~Q(status="superseded"),
                name="certificate_one_current_per_path_completion",
            ),
            models.CheckConstraint(
                condition=(Q(kind="course", enrollment__isnull=False, path_completion__isnull=True))
                | (Q(kind="path", enrollment__isnull=True, path_completion__isnull=False)),
                name="certificate_kind_matches_source",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in CertificateStatus]),
                name="certificate_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["issued", "expired"]) | (Q(issued_at__isnull=False) & ~Q(pdf="")),
                name="certificate_issued_has_pdf",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="certificate_revoked_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"]),
            models.Index(fields=["user", "status"]),
            models.Index(fields=["status", "expires_on"]),
            # The "certificate issued" e-mails still owed (the outbox the sweeper reads).
            models.Index(fields=["issued_at"], condition=Q(notified_at__isnull=True), name="certificate_notify_owed"),
        ]

    def __str__(self) -> str:
        return f"{self.code_display} — {self.frozen.get('full_name', '')}"

    @property
    def code_display(self) -> str:
        return code_display(self.code)

    @property
    def title(self) -> str:
        return self.frozen.get("course_title") or self.frozen.get("path_title") or ""


class CredentialKey(models.Model):
    """An ES256 (P-256) key that has signed Open Badges credentials (docs/open-badges.md).

    Like ``IssuerKey``: the first use of a new key makes it the active one and the previous
    ones stay published in the JWKS and the DID document, so credentials they signed keep
    verifying, until an operator retires them."""

    kid = models.CharField(_("mã khoá (RFC 7638)"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("khoá công khai (JWK)"))
    active = models.BooleanField(_("đang dùng để ký"), default=False)
    retired_at = models.DateTimeField(_("thôi công bố lúc"), null=True, blank=True)
    first_used_at = models.DateTimeField(_("dùng lần đầu"), auto_now_add=True)

    class Meta:
        verbose_name = _("khoá ký chứng chỉ Open Badges")
        verbose_name_plural = _("khoá ký chứng chỉ Open Badges")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="credential_key_one_active"),
        ]

    def __str__(self) -> str:
        return self.kid


class Credential(models.Model):
    """The Open Badges 3.0 credential of an issued certificate: made once, in the transaction
    that marks the certificate issued (``certificates.credentials.credential_issue``).

    ``status_list`` and ``status_index`` place it in the Bitstring Status List published at
    ``/credentials/status/<status_list>``; the pair is allocated from the row's own id, so it
    is unique without a lock (and the database constraint says so)."""

    certificate = models.OneToOneField(Certificate, on_delete=models.PROTECT, related_name="credential")
    # The credential's ``id`` is ``urn:uuid:<public_id>``; the employer link is /credentials/<public_id>/.
    public_id = models.UUIDField(_("mã công khai"), unique=True, default=uuid.uuid4, editable=False)
    key = models.ForeignKey(CredentialKey, on_delete=models.PROTECT, related_name="credentials")
    jwt = models.TextField(_("VC-JWT"))
    payload = models.JSONField(_("nội dung (JSON)"), default=dict)
    status_list = models.PositiveIntegerField(null=True, blank=True)
    status_index = models.PositiveIntegerField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chứng chỉ Open Badges")
        verbose_name_plural = _("chứng chỉ Open Badges")
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="credential_status_slot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate.code_display} (Open Badges)"
