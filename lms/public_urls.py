"""The site as the public sees it: its base URL and its name.

Every absolute link the platform hands out — the QR code and URL printed in a signed certificate,
links in e-mails, the Wagtail admin's own links — is built here from the one ``SITE_URL`` setting,
never from the request that happened to trigger it (a worker has none; behind a proxy the request's
host is the proxy's). A signed PDF cannot be corrected later, so the base must be the true one:
``make run`` derives it from ``PORT``, production refuses to start without it.

The site's name (the one e-mails greet from) is an editor's setting that lives in ``cms``, a layer
above this one; ``cms`` registers where to read it in ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_SITE_NAME = "Học Số"

_site_name_provider: Callable[[], str] | None = None


def public_url(path: str = "/") -> str:
    """``path`` (or the path, query and fragment of a URL) on the public base URL ``SITE_URL``."""
    bits = urlsplit(path)
    tail = bits.path or "/"
    if not tail.startswith("/"):
        tail = "/" + tail
    if bits.query:
        tail += "?" + bits.query
    if bits.fragment:
        tail += "#" + bits.fragment
    return settings.SITE_URL.rstrip("/") + tail


def public_host() -> str:
    """The host (and port, if any) of ``SITE_URL``: ``hocso.example.vn``, ``127.0.0.1:8781``."""
    return urlsplit(settings.SITE_URL).netloc


def public_site_name() -> str:
    """The site's name as its editors set it, or "Học Số" before any is set."""
    name = _site_name_provider() if _site_name_provider else ""
    return name or DEFAULT_SITE_NAME


def public_site_name_register(provider: Callable[[], str]) -> None:
    """Where ``public_site_name`` reads the name (called once, by the app that holds it)."""
    global _site_name_provider  # noqa: PLW0603 — one registration at start-up, like a signal receiver
    _site_name_provider = provider
