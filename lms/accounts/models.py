from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.text import normalize_nfc

from .validators import EMAIL_MAX_LENGTH, FULL_NAME_MAX_LENGTH, PHONE_MAX_LENGTH, validate_full_name, validate_phone


class LearnerGroup(models.TextChoices):
    """Learner groups used in national targets and reports (DOMAIN §1)."""

    CAN_BO = "can_bo", _("Cán bộ")
    CONG_CHUC = "cong_chuc", _("Công chức")
    VIEN_CHUC = "vien_chuc", _("Viên chức")
    NGUOI_LAO_DONG = "nguoi_lao_dong", _("Người lao động")
    NGUOI_DAN = "nguoi_dan", _("Người dân")
    TO_CONG_NGHE_SO = "to_cong_nghe_so", _("Thành viên Tổ công nghệ số cộng đồng")
    HOC_SINH_SINH_VIEN = "hoc_sinh_sinh_vien", _("Học sinh – sinh viên")


class Position(models.TextChoices):
    LANH_DAO = "lanh_dao", _("Lãnh đạo")
    CHUYEN_VIEN = "chuyen_vien", _("Chuyên viên")
    VAN_THU = "van_thu", _("Văn thư")
    MOT_CUA = "mot_cua", _("Công chức một cửa")
    KHAC = "khac", _("Khác")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person on the platform, identified by e-mail.

    Holds no ID-card number (Law 91/2025: keep personal data minimal). The
    organisational unit is dated history in ``orgunits.Membership``.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("địa chỉ email"), max_length=EMAIL_MAX_LENGTH, unique=True)
    full_name = models.CharField(
        _("họ và tên"), max_length=FULL_NAME_MAX_LENGTH, blank=True, validators=[validate_full_name]
    )
    learner_group = models.CharField(_("nhóm người học"), max_length=32, choices=LearnerGroup.choices, blank=True)
    position = models.CharField(_("chức vụ"), max_length=32, choices=Position.choices, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=PHONE_MAX_LENGTH, blank=True, validators=[validate_phone])
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    consent_at = models.DateTimeField(_("đồng ý xử lý dữ liệu lúc"), null=True, blank=True)
    privacy_notice_version = models.CharField(_("phiên bản thông báo"), max_length=16, blank=True)
    anonymised_at = models.DateTimeField(_("ẩn danh hoá lúc"), null=True, blank=True)
    reminder_emails = models.BooleanField(
        _("nhận email nhắc hạn"), default=True, help_text=_("Nhắc trước hạn và khi quá hạn khoá học được giao.")
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.full_name = normalize_nfc(self.full_name)

    # Wagtail's admin shows users by these.
    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.email
