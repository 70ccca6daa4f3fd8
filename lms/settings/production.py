"""Production settings: everything from the environment, nothing insecure.

Refuses to start without ``SECRET_KEY`` and without the production services:
PostgreSQL (``DATABASE_URL``), a Redis broker (``CELERY_BROKER_URL``), a Redis
cache (``CACHE_URL``), a real mail server (``EMAIL_URL``) and the public address
(``SITE_URL``, printed in signed certificates, so it has no default here). The embedded
default would otherwise start silently — one SQLite file, a broker that loses
a killed worker's task, rate limits in the database, e-mails printed to a log
no one reads. A small single-server install may choose one of them on purpose
with its ``HOCSO_ALLOW_*`` variable. Keeps database connections open
(``CONN_MAX_AGE``) and passes ``manage.py check --deploy --fail-level WARNING``.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

# (what is wrong, the opt-in that accepts it, the message naming what to set)
_EMBEDDED_DEFAULTS = [
    (
        DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",  # noqa: F405
        "HOCSO_ALLOW_SQLITE",
        "DATABASE_URL is unset or SQLite: set DATABASE_URL=postgres://user:password@host:5432/hocso "
        "(or HOCSO_ALLOW_SQLITE=1 for a single-server install).",
    ),
    (
        CELERY_BROKER_URL.startswith("filesystem://"),  # noqa: F405
        "HOCSO_ALLOW_FILESYSTEM_BROKER",
        "CELERY_BROKER_URL is unset or filesystem://: set CELERY_BROKER_URL=redis://host:6379/0 "
        "(or HOCSO_ALLOW_FILESYSTEM_BROKER=1 for a single-server install).",
    ),
    (
        CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache",  # noqa: F405
        "HOCSO_ALLOW_DATABASE_CACHE",
        "CACHE_URL is unset: set CACHE_URL=redis://host:6379/1 "
        "(or HOCSO_ALLOW_DATABASE_CACHE=1 for a single-server install).",
    ),
    (
        EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend",  # noqa: F405
        "HOCSO_ALLOW_CONSOLE_EMAIL",
        "EMAIL_URL is unset or console://: set EMAIL_URL=smtp+tls://user:password@host:587 "
        "(or HOCSO_ALLOW_CONSOLE_EMAIL=1 to print e-mails to the log).",
    ),
]

_refusals = [] if SECRET_KEY else ["SECRET_KEY must be set in the environment for production."]  # noqa: F405
_refusals += [message for embedded, opt_in, message in _EMBEDDED_DEFAULTS if embedded and not env_bool(opt_in)]
# No opt-in: a signed certificate prints its verification URL and QR code for good.
if not env_str("SITE_URL"):
    _refusals.append(
        "SITE_URL is not set: set SITE_URL=https://hocso.example.vn, the public address printed in "
        "certificates' QR codes and used by every link in e-mails."
    )
if _refusals:
    # One line, every problem at once: an operator fixes them in one go.
    raise ImproperlyConfigured(" ".join(_refusals))

DEBUG = False


def _proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` → ``("HTTP_X_FORWARDED_PROTO", "https")``; empty → trust no header.

    Only a reverse proxy that sets (and overwrites) this header may be trusted with it: without one,
    any client could claim HTTPS."""
    name = name.strip()
    return ("HTTP_" + name.upper().replace("-", "_"), "https") if name else None


# HTTPS. The proxy that terminates TLS names the scheme in a header (HOCSO_PROXY_SSL_HEADER, e.g.
# X-Forwarded-Proto); behind such a proxy leaving it unset makes SECURE_SSL_REDIRECT loop.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env_str("HOCSO_PROXY_SSL_HEADER"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/deep$"]
# HSTS: one year, subdomains and preload by default. An operator who lowers them (a first rollout,
# a subdomain still on HTTP) sees check --deploy's W004/W005/W021 warnings: that is the honest state.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies travel over HTTPS only (the language cookie's other attributes: lms.settings.base).
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# seed_demo's accounts have a published password: only a throwaway demo or benchmark site opts in.
DEMO_DATA_ALLOWED = env_bool("HOCSO_ALLOW_DEMO_DATA")
