from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import org_units_valid_on
from lms.text import normalize_nfc

from .models import LearnerGroup, Position, User
from .validators import FULL_NAME_MAX_LENGTH, phone_normalize, validate_full_name


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gains: full name and privacy consent."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=FULL_NAME_MAX_LENGTH, validators=[validate_full_name])
    consent = forms.BooleanField(
        label=_("Tôi đã đọc và đồng ý với thông báo xử lý dữ liệu cá nhân"),
        error_messages={"required": _("Bạn cần đồng ý với thông báo xử lý dữ liệu cá nhân để đăng ký.")},
    )

    field_order = ["full_name", "email", "password1", "password2", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = format_html(
            '<a href="{}" target="_blank">{}</a>', reverse_lazy("privacy_notice"), _("Đọc thông báo")
        )

    def clean_full_name(self):
        name = normalize_nfc(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError(_("Vui lòng nhập họ và tên."))
        return name

    def signup(self, request, user):
        """allauth calls this after creating the user; the adapter already saved the fields."""


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        indent = "— " * (obj.depth - 1)
        return f"{indent}{obj.name}"


class ProfileForm(forms.ModelForm):
    unit = UnitChoiceField(
        label=_("Đơn vị công tác"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("— Người dân / không thuộc đơn vị —"),
        help_text=_("Đơn vị bạn tự khai báo sẽ được điều phối viên xác nhận."),
    )

    class Meta:
        model = User
        fields = ["full_name", "learner_group", "position", "phone", "language", "reminder_emails"]
        help_texts = {"phone": _("Không bắt buộc.")}

    def __init__(self, *args, current_unit: OrgUnit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org_units_valid_on().order_by("path")
        self.fields["unit"].initial = current_unit
        self.fields["full_name"].required = True
        self.fields["learner_group"].choices = [("", "—")] + list(LearnerGroup.choices)
        self.fields["position"].choices = [("", "—")] + list(Position.choices)

    def clean_full_name(self):
        name = normalize_nfc(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError(_("Vui lòng nhập họ và tên."))
        return name

    def clean_phone(self):
        return phone_normalize(self.cleaned_data.get("phone"))  # the model's validator then checks it


class AccountDeleteForm(forms.Form):
    password = forms.CharField(label=_("Mật khẩu hiện tại"), widget=forms.PasswordInput)
    confirm = forms.BooleanField(
        label=_("Tôi hiểu rằng tài khoản sẽ bị ẩn danh hoá và không thể khôi phục"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mật khẩu không đúng."))
        return password
