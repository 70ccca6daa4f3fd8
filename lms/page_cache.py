"""Whole-page cache for anonymous visitors of the public pages (Wagtail's page serving).

A visitor without a session who asks for a page (GET or HEAD) gets the stored copy when there is
one; otherwise the page is rendered and stored if it can be shared with everyone: status 200, no
cookie set, no CSRF token used, not marked private or ``no-store``. Signed-in learners, editors
(previews) and any request carrying a session or a flash message always get a fresh page.

Invalidation is by generation: publishing, unpublishing, moving or deleting a page, and saving a
model an app registered with ``page_cache_invalidate_on`` (site settings, images…), bumps one
counter in the shared cache and every stored page becomes stale at once, on every process. A
stored page also expires after ``PAGE_CACHE_SECONDS`` (things that change with time, like an
enrolment window, are never older than that). The key holds the host, the language and the full
path; the response says ``Vary: Cookie`` (a signed-in visitor is never served a stored page).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
SERVED_VIEWS = {"wagtail_serve"}
HEADER = "X-Page-Cache"


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def page_cache_invalidate(**_kwargs) -> None:
    """Make every stored page stale (a new generation). Never raises: a cache outage only means
    pages are rendered fresh."""
    try:
        cache = _cache()
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet
            cache.set(GENERATION_KEY, 1, timeout=None)
    except Exception as exc:
        logger.warning("Page cache invalidation failed (%s)", exc)


def page_cache_invalidate_on(*models) -> None:
    """Saving or deleting one of ``models`` changes what public pages show (called in ready())."""
    for model in models:
        post_save.connect(page_cache_invalidate, sender=model, dispatch_uid=f"page_cache_save_{model._meta.label}")
        post_delete.connect(page_cache_invalidate, sender=model, dispatch_uid=f"page_cache_delete_{model._meta.label}")


def connect_page_signals() -> None:
    """Wagtail's page lifecycle: publish, unpublish, move, delete (any page type)."""
    from wagtail.signals import page_published, page_unpublished, post_page_move  # noqa: PLC0415 — idem

    page_published.connect(page_cache_invalidate, dispatch_uid="page_cache_published")
    page_unpublished.connect(page_cache_invalidate, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(page_cache_invalidate, dispatch_uid="page_cache_moved")
    post_delete.connect(_page_deleted, dispatch_uid="page_cache_page_deleted")


def _page_deleted(sender, **kwargs) -> None:
    from wagtail.models import Page  # noqa: PLC0415 — the app registry must be ready

    if isinstance(kwargs.get("instance"), Page):
        page_cache_invalidate()


class AnonymousPageCacheMiddleware:
    """Serve and store anonymous visitors' public pages (see the module docstring).

    Sits after the authentication and language middleware (it needs ``request.user`` and the
    language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not self._anonymous_read(request):
            return self.get_response(request)
        key = self._key(request)
        try:
            stored = _cache().get_many([GENERATION_KEY, key])
        except Exception as exc:  # a cache outage: render as if nothing were stored
            logger.warning("Page cache unavailable (%s)", exc)
            return self.get_response(request)
        generation = stored.get(GENERATION_KEY, 0)
        entry = stored.get(key)
        if entry is not None and entry[0] == generation:
            return self._rebuild(entry, request)
        response = self.get_response(request)
        if self._shareable(request, response):
            patch_vary_headers(response, ["Cookie"])
            entry = (generation, response.status_code, list(response.items()), response.content)
            try:
                _cache().set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
                response[HEADER] = "miss"
            except Exception as exc:
                logger.warning("Page cache store failed (%s)", exc)
        return response

    @staticmethod
    def _anonymous_read(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
        )

    @staticmethod
    def _key(request) -> str:
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        return f"pagecache:{request.get_host()}:{request.LANGUAGE_CODE}:{digest}"

    @staticmethod
    def _shareable(request, response) -> bool:
        match = getattr(request, "resolver_match", None)
        cache_control = response.get("Cache-Control", "")
        return (
            match is not None
            and match.url_name in SERVED_VIEWS
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_USED")
            and "private" not in cache_control
            and "no-store" not in cache_control
            and not getattr(request, "is_preview", False)
        )

    @staticmethod
    def _rebuild(entry, request) -> HttpResponse:
        _generation, status, headers, content = entry
        response = HttpResponse(b"" if request.method == "HEAD" else content, status=status)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response
