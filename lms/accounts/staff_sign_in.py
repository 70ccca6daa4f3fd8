"""Staff sign-in: a second factor before any staff screen, and an idle timeout for staff sessions.

The roles that see other people's data (``MFA_REQUIRED_ROLES``: administrator, coordinator,
editor) must hold an authenticator app (allauth.mfa); allauth then asks for its code at every
sign-in. Until they have one, every staff screen sends them to the enrolment page, which explains
why; learners' pages stay open to them. A session of anyone holding a staff role ends after
``STAFF_SESSION_IDLE_SECONDS`` without a request; learners keep the usual session length.
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from .selectors import account_roles, staff_roles_requiring_second_factor

# Screens that show or change other people's data: the coordinators' pages, the Wagtail admin and
# our screens inside it, certificate management and downloads, background jobs' results.
STAFF_PATHS = re.compile(r"^/(coordinate|admin|jobs|certificates)/")
# Under those prefixes, the links a learner follows from an e-mail (answering an invitation,
# turning reminders off) are no staff screens.
LEARNER_URL_NAMES = frozenset({"coordination_invitation", "coordination_reminders_off"})

SEEN_AT_KEY = "staff_seen_at"
NEXT_KEY = "staff_second_factor_next"
# The last request's time is written at most once a minute: a staff page does not write its
# session on every request.
SEEN_AT_RESOLUTION = 60


def is_staff_screen(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in LEARNER_URL_NAMES:
        return False
    return bool(STAFF_PATHS.match(request.path_info))


def second_factor_next(request) -> str:
    """Where a person who has just enrolled continues: the staff screen that sent them, else the
    one their role opens."""
    target = request.session.get(NEXT_KEY) or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/coordinate/" if account_roles(request.user).coordinates else reverse("wagtailadmin_home")


class StaffSignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and account_roles(user).staff_roles:
            ended = self._idle_session_end(request)
            if ended is not None:
                return ended
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not is_staff_screen(request):
            return None
        if not staff_roles_requiring_second_factor(user) or account_roles(user).second_factor:
            return None
        if request.method == "GET":
            request.session[NEXT_KEY] = request.get_full_path()
        return HttpResponseRedirect(reverse("mfa_activate_totp"))

    def _idle_session_end(self, request):
        now = int(time.time())
        idle = settings.STAFF_SESSION_IDLE_SECONDS
        seen_at = request.session.get(SEEN_AT_KEY)
        if seen_at is not None and now - seen_at > idle:
            logout(request)
            messages.info(
                request,
                _("Phiên làm việc đã kết thúc sau %(minutes)d phút không hoạt động. Vui lòng đăng nhập lại.")
                % {"minutes": idle // 60},
            )
            login = reverse("account_login")
            if request.method == "GET":
                login += "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(login)
        if seen_at is None or now - seen_at >= SEEN_AT_RESOLUTION:
            request.session[SEEN_AT_KEY] = now
            request.session.set_expiry(idle)
        return None
