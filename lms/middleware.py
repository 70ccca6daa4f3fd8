"""Language choice for the site; the liveness answer."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation


class LivenessMiddleware:
    """``/healthz`` answers before anything else runs — no session, site, cache or database — so a
    probe costs the same whatever the state of the services (the deep check is ``/healthz/deep``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            response = JsonResponse({"status": "ok"})
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class SiteLanguageMiddleware:
    """Pick the page language: the learner's saved choice, then the language
    cookie set by the switcher, else Vietnamese.

    Django's ``LocaleMiddleware`` would follow the browser's Accept-Language,
    which shows an English page to a civil servant whose phone came set to
    English; Vietnamese is the default here, English an explicit choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = self._language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response

    def _language_for(self, request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.supported:
            return user.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in self.supported:
            return cookie
        return settings.LANGUAGE_CODE
