"""Wagtail's user screens for a user model with one full name instead of first/last.

The name is entered once, when an administrator creates the account; afterwards it
is read-only here and corrected only on the administrators' "Sửa họ tên" screen
(``user_name_correct``: a reason, an audit entry with the old and new name).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import DeleteView, UserViewSet

from lms.text import normalize_nfc

from .services import user_anonymise

PROFILE_FIELDS = {"email", "full_name", "learner_group", "position", "is_superuser", "groups"}


class FullNameMixin:
    def clean_full_name(self):
        name = normalize_nfc(self.cleaned_data.get("full_name"))
        if not name:
            raise forms.ValidationError(forms.Field.default_error_messages["required"])
        return name


class LmsUserCreationForm(FullNameMixin, UserCreationForm):
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = PROFILE_FIELDS


class LmsUserEditForm(UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = PROFILE_FIELDS | {"is_active"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Disabled: Django ignores a posted value and keeps the account's name.
        field = self.fields["full_name"]
        field.disabled = True
        field.required = False
        field.help_text = _("Chỉ quản trị viên sửa được họ tên, tại màn hình “Sửa họ tên” (cần ghi lý do; có nhật ký).")


class LmsUserDeleteView(DeleteView):
    """An administrator's "delete" anonymises the account (the retention rule, ``user_anonymise``):
    learning records stay for unit statistics and certificates stay verifiable. Django's delete
    would erase them, or fail with a 500 on the protected enrolments and certificates."""

    def delete_action(self):
        user_anonymise(user=self.object, actor=self.request.user)


class LmsUserViewSet(UserViewSet):
    delete_view_class = LmsUserDeleteView

    def get_form_class(self, for_update=False):
        return LmsUserEditForm if for_update else LmsUserCreationForm
