"""Reading configuration from the environment.

Every setting that differs between a laptop, CI and production comes from an
environment variable; nothing secret is committed. ``dj-database-url`` parses
``DATABASE_URL``; the small parsers here cover booleans, lists and ``EMAIL_URL``.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def email_settings_from_url(url: str) -> dict[str, object]:
    """Translate ``EMAIL_URL`` into Django email settings.

    Supported forms: ``console://``, ``file:///abs/dir``, ``locmem://``,
    ``smtp://user:pass@host:25``, ``smtp+tls://…:587``, ``smtps://…:465``
    (``?from=`` sets ``DEFAULT_FROM_EMAIL``).
    """
    parsed = urlparse(url)
    scheme = parsed.scheme
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    result: dict[str, object] = {}
    if scheme == "console":
        result["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    elif scheme == "locmem":
        result["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    elif scheme == "file":
        result["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        result["EMAIL_FILE_PATH"] = unquote(parsed.path)
    elif scheme in {"smtp", "smtp+tls", "smtps"}:
        result["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        result["EMAIL_HOST"] = parsed.hostname or "localhost"
        result["EMAIL_PORT"] = parsed.port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[scheme]
        result["EMAIL_HOST_USER"] = unquote(parsed.username or "")
        result["EMAIL_HOST_PASSWORD"] = unquote(parsed.password or "")
        result["EMAIL_USE_TLS"] = scheme == "smtp+tls"
        result["EMAIL_USE_SSL"] = scheme == "smtps"
    else:
        raise ValueError(f"EMAIL_URL: unsupported scheme {scheme!r}")
    if "from" in query:
        result["DEFAULT_FROM_EMAIL"] = query["from"]
        result["SERVER_EMAIL"] = query["from"]
    return result
