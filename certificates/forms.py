from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage

from .credential_files import CredentialFileError, credential_token_from_bytes


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
    """A credential to check: pasted (VC-JWT) or uploaded (a baked PNG/SVG badge, .json, .jwt).
    ``cleaned_data["token"]`` is the VC-JWT either way."""

    token = forms.CharField(
        label=_("Dán chứng chỉ Open Badges (VC-JWT)"),
        max_length=64 * 1024,
        required=False,
        help_text=_("Một chuỗi dài gồm ba phần ngăn cách bằng dấu chấm."),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("Hoặc tải lên tệp chứng chỉ"),
        required=False,
        help_text=_("Ảnh huy hiệu (PNG, SVG) hoặc tệp .json, .jwt đã tải từ “Chứng chỉ của tôi”; tối đa 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.svg,.json,.jwt,.txt,image/png,image/svg+xml"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            try:  # a larger file is refused by its first limit + 1 bytes, unread beyond them
                cleaned["token"] = credential_token_from_bytes(upload.read(settings.CREDENTIAL_UPLOAD_MAX_BYTES + 1))
            except CredentialFileError as error:
                raise forms.ValidationError(str(error), code="no_credential") from error
        elif not (cleaned.get("token") or "").strip():
            raise forms.ValidationError(
                _("Hãy dán chứng chỉ Open Badges hoặc chọn một tệp chứng chỉ để tải lên."), code="empty"
            )
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RegenerationForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Khoá học"), queryset=CoursePage.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
