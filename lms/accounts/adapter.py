from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import timezone, translation

from lms.text import normalize_nfc


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up rules: NFC full name, recorded privacy consent, page language kept."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.full_name = normalize_nfc(data.get("full_name", ""))
        user.consent_at = timezone.now()
        user.privacy_notice_version = settings.PRIVACY_NOTICE_VERSION
        language = translation.get_language() or settings.LANGUAGE_CODE
        user.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        if commit:
            user.save()
        return user
