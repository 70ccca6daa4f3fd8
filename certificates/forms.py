from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác minh"),
        max_length=40,
        help_text=_(
            "12 ký tự in trên chứng chỉ, ví dụ 7K3M-Q9ZA-H2PD. Không phân biệt hoa thường; dấu gạch có thể bỏ."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


class CredentialCheckForm(forms.Form):
    token = forms.CharField(
        label=_("Chứng chỉ Open Badges (VC-JWT)"),
        max_length=64 * 1024,
        help_text=_("Dán nội dung chứng chỉ Open Badges: một chuỗi dài gồm ba phần ngăn cách bằng dấu chấm."),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RegenerationForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Khoá học"), queryset=CoursePage.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
