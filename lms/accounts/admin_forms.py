from django import forms
from django.utils.translation import gettext_lazy as _

from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import org_units_valid_on

from .models import User


class UserByEmailField(forms.EmailField):
    def clean(self, value):
        email = super().clean(value)
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Không có tài khoản đang hoạt động với email %(email)s.") % {"email": email})
        return user


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{'— ' * (obj.depth - 1)}{obj.name} ({obj.code})"


class CoordinatorScopeGrantForm(forms.Form):
    user = UserByEmailField(label=_("Email người được giao"))
    unit = UnitField(label=_("Đơn vị (gồm các đơn vị trực thuộc)"), queryset=OrgUnit.objects.none())
    reason = forms.CharField(label=_("Lý do / căn cứ"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org_units_valid_on().order_by("path")


class EditorRoleGrantForm(forms.Form):
    user = UserByEmailField(label=_("Email người được giao"))
    reason = forms.CharField(label=_("Lý do / căn cứ"), widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=500)


class NameCorrectionForm(forms.Form):
    """What ``user_name_correct`` needs; the service validates again (and decides)."""

    full_name = forms.CharField(
        label=_("Họ và tên đúng"), max_length=User._meta.get_field("full_name").max_length, required=False
    )
    reason = forms.CharField(
        label=_("Lý do / căn cứ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Ví dụ: theo đề nghị của người học ngày 05/03/2026, đã đối chiếu giấy tờ tuỳ thân (không ghi số giấy tờ)."
        ),
    )
