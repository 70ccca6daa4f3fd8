from allauth.account import views as allauth_views
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import include, path, re_path, reverse
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import views as course_views
from lms import views as lms_views
from lms.accounts import views as account_views
from lms.media import media_serve


def to_allauth(url_name: str):
    """Send a Wagtail login or password-reset URL to allauth's throttled view.

    307 keeps the method and body, so a POST aimed at ``/admin/login/`` is
    answered (and rate-limited) by allauth exactly like one to ``/accounts/login/``.
    """

    def view(request, *args, **kwargs):
        target = reverse(url_name)
        query = request.META.get("QUERY_STRING")
        return HttpResponseRedirect(f"{target}?{query}" if query else target, status=307)

    return view


def login_or_forbidden(request, *args, **kwargs):
    """allauth's login, except for a signed-in person Wagtail turned away from the admin.

    Wagtail sends them here with ``next=/admin/…`` and its message "You do not have permission to
    access the admin."; allauth sends a signed-in visitor straight on to ``next``, and the two would
    bounce the browser between them forever. They get the 403 page, which shows the message.
    """
    next_path = request.GET.get("next", "")
    admin_path = reverse("wagtailadmin_home")
    if (
        request.user.is_authenticated
        and next_path.startswith(admin_path)
        and not request.user.has_perm("wagtailadmin.access_admin")
    ):
        raise PermissionDenied
    return allauth_views.login(request, *args, **kwargs)


urlpatterns = [
    # Before Wagtail's own patterns: these paths must never reach Wagtail's login views.
    path("admin/login/", to_allauth("account_login")),
    path("_util/login/", to_allauth("account_login")),
    re_path(r"^admin/password_reset/", to_allauth("account_reset_password")),
    path("healthz", lms_views.healthz, name="healthz"),
    path("healthz/deep", lms_views.healthz_deep, name="healthz_deep"),
    path("favicon.ico", lms_views.favicon, name="favicon"),
    path("language/", account_views.language_switch, name="language_switch"),
    path("privacy/", account_views.privacy_notice, name="privacy_notice"),
    path("learn/", include("courses.urls")),
    path("", include("certificates.urls")),
    path("quiz/", include("quizzes.urls")),
    path("coordinate/", include("coordination.urls")),
    path("", include("signlab.urls")),
    path("jobs/", include("lms.jobs.urls")),
    path("search/", course_views.search, name="search"),
    path("accounts/login/", login_or_forbidden),  # before allauth's own, which it calls
    path("accounts/", include("lms.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", include("lms.accounts.admin_urls")),  # answers 403 itself, so before Wagtail's wrapper
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", media_serve),  # renditions only (lms/media.py)
    ]

urlpatterns += [path("", include(wagtail_urls))]
