from dataclasses import dataclass
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_str

from lms.public_urls import public_host, public_site_name, public_url
from lms.text import normalize_nfc

from .selectors import staff_roles_requiring_second_factor


@dataclass(frozen=True)
class PublicSite:
    """What allauth's e-mail templates read as ``current_site``: our name and public host, not the request's."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up rules: NFC full name, recorded privacy consent, page language kept.

    E-mails greet from the site's name and link to the public base URL (``SITE_URL``), not to the
    host the request came through (without ``django.contrib.sites`` allauth would print that host,
    e.g. "Hello from 127.0.0.1:8781").
    """

    # --- Failed logins: locked per (account, IP), with a larger ceiling per account -----------------
    # allauth counts "login_failed" per e-mail alone, so five wrong passwords from anyone lock the
    # account for everyone. Here "login_failed" (ACCOUNT_RATE_LIMITS) is counted per account *and*
    # client IP, and "login_failed_account" per account from every IP together, with a higher limit.

    def _login_failed_keys(self, request, **credentials) -> tuple[str, str]:
        account = self._get_login_attempts_cache_key(request, **credentials)
        return account, f"{account}|{ratelimit.get_ip(request)}"

    def pre_authenticate(self, request, **credentials) -> None:
        account, pair = self._login_failed_keys(request, **credentials)
        per_pair = ratelimit.consume(request, app="allauth.account", action="login_failed", key=pair)
        if per_pair:
            per_account = ratelimit.consume(request, app="allauth.account", action="login_failed_account", key=account)
            if per_account:
                # allauth rolls this back when the password is right (a success costs nothing).
                self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=per_pair.usage + per_account.usage)
                return
            per_pair.rollback()
        raise self.validation_error("too_many_login_attempts")

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        """After a password reset: the account's ceiling and this IP's count start again."""
        account, pair = self._login_failed_keys(request, **credentials)
        ratelimit.clear(request, app="allauth.account", action="login_failed", key=pair)
        ratelimit.clear(request, app="allauth.account", action="login_failed_account", key=account)

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

    # --- E-mails ------------------------------------------------------------------

    def format_email_subject(self, subject: str) -> str:
        return f"[{public_site_name()}] {force_str(subject)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        ctx = {
            "request": allauth_context.request,
            "email": email,
            "current_site": PublicSite(name=public_site_name(), domain=public_host()),
            **context,
        }
        if "signup_url" in ctx:  # the "unknown account" e-mail builds it from the request
            ctx["signup_url"] = public_url(reverse("account_signup"))
        self.render_mail(template_prefix, email, ctx).send()

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return public_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's opaque "<uidb36>-<key>" goes where its URL pattern puts both parts.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return public_url(path.replace("UID-KEY", quote(key)))

    def send_account_already_exists_mail(self, email: str) -> None:
        context = {
            "signup_url": public_url(reverse("account_signup")),
            "password_reset_url": public_url(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, context)


class MFAAdapter(DefaultMFAAdapter):
    """allauth.mfa for Học Số: the site's name as the authenticator app's issuer, and no way for a
    role that requires a second factor (``MFA_REQUIRED_ROLES``) to turn it off."""

    def get_totp_issuer(self) -> str:
        return str(public_site_name())

    def can_delete_authenticator(self, authenticator) -> bool:
        return not staff_roles_requiring_second_factor(authenticator.user)
