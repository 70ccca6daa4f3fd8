from django.http import HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from lms import health


@never_cache
def healthz(request):
    """JSON status of database, broker and worker: 200 when all are up, else 503."""
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    if checks["database"]["ok"] and checks["broker"]["ok"]:
        checks["worker"] = health.check_worker()
    else:
        checks["worker"] = {"ok": False, "error": "not checked"}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def favicon(request):
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links: the static icon
    (served by WhiteNoise under its hashed name, cached for a year). Not permanent: the hash changes
    with the icon."""
    return HttpResponseRedirect(static("img/favicon.ico"))
