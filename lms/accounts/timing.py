"""Answers that take the same time whatever the account: sign-up and password reset.

With ``ACCOUNT_PREVENT_ENUMERATION`` allauth answers both the same way whether an e-mail is
registered, but not in the same time (creating an account hashes a password and writes rows; an
existing address only sends an e-mail). The sign-up form does the hashing in both cases
(``SignupForm``) and these views answer a POST no sooner than ``AUTH_RESPONSE_FLOOR_SECONDS``,
so what is left of the difference is hidden under the floor.
"""

from __future__ import annotations

import functools
import time

from allauth.account import views as allauth_views
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.conf import settings
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (with ``forms.SignupExtraForm``'s fields) that does the same work
    whether or not the e-mail is registered: an existing address still hashes the password, as
    creating the account would, before allauth sends the "you already have an account" e-mail."""

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)


def uniform_duration(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        started = time.monotonic()
        response = view(request, *args, **kwargs)
        remaining = settings.AUTH_RESPONSE_FLOOR_SECONDS - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        return response

    return wrapped


signup = uniform_duration(allauth_views.signup)
password_reset = uniform_duration(allauth_views.password_reset)
