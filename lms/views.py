import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from lms import health


@never_cache
def healthz(request):
    """Liveness: the process answers. Public and constant time — no database, broker or cache."""
    return JsonResponse({"status": "ok"})


@never_cache
def healthz_deep(request):
    """Database, broker, worker round trip, queue depth, beat's heartbeat, oldest pending
    certificate: 200 when all are fine, else 503. Loopback clients and ``HEALTHZ_TOKEN`` only
    (anyone else: 404); computed at most once per ``HEALTHZ_DEEP_CACHE_SECONDS``."""
    if not (_from_loopback(request) or _token_matches(request)):
        raise Http404
    result = health.deep_check_cached()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)


FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def _from_loopback(request) -> bool:
    """A probe on this host, talking to the application directly. Behind a reverse proxy on the
    same host every request comes from loopback, so anything a proxy forwarded (it adds
    X-Forwarded-For or Forwarded) does not count: remote monitoring uses the token."""
    if any(header in request.META for header in FORWARDING_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _token_matches(request) -> bool:
    token = settings.HEALTHZ_TOKEN
    header = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(header.encode(), f"Bearer {token}".encode())


def favicon(request):
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links: the static icon
    (served by WhiteNoise under its hashed name, cached for a year). Not permanent: the hash changes
    with the icon."""
    return HttpResponseRedirect(static("img/favicon.ico"))
