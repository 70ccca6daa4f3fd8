"""Wagtail's user screens for a user model with one full name instead of first/last."""

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from lms.text import normalize_nfc

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


class LmsUserEditForm(FullNameMixin, UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = PROFILE_FIELDS | {"is_active"}


class LmsUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return LmsUserEditForm if for_update else LmsUserCreationForm
