"""Whole-page cache of the pages a signed-in learner reloads most: a lesson, a course, "Học tập của tôi".

Each learner has their own copies. A copy is served while nothing it shows can have changed:

- the published content (the anonymous page cache's generation: publish, unpublish, move…),
- the account menu's roles (``lms.accounts.selectors.ROLES_GENERATION_KEY``, registered with
  ``learner_pages_depend_on``),
- the learner's own state — their generation is bumped by every saved or deleted row of a model
  registered with ``learner_pages_invalidate_on`` (enrolments, progress, attempts, certificates…)
  and by the set-based writes of ``LearnerStateQuerySet`` scoped with ``of_learner``,
- every learner's state — one generation bumped by any set-based write not scoped to a learner
  (an import, a coordinator's assignment, a sweeper) and by models that concern many learners,
- the local date (deadlines and "today" are shown), and a time the view may set (a lesson's visit
  is recorded again once ``LESSON_VISIT_RECORD_SECONDS`` have passed: the copy is not served after).

The view opts in (``signed_in_page_cacheable``); a copy is stored only if the response is a 200
that sets no cookie. Staff, a pending flash message or a request without the CSRF cookie always get
a fresh page. The key holds the user, host, language, CSRF secret (the page's forms carry tokens of
it) and the full path. Copies are kept compressed. A copy also expires after
``SIGNED_IN_PAGE_CACHE_SECONDS``; 0 turns the cache off. A cache outage means fresh pages, never an
error.

A copy is tagged with the generations read when the request began, or — for a generation this
request bumped itself (the lesson visit it recorded) — with the value its own last bump produced,
provided that is still the current one when the page is stored: then every write the page could have
missed bumps the generation after the copy is stored, and the copy is never served.
"""

from __future__ import annotations

import hashlib
import logging
import time
import zlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from lms.page_cache import (
    GENERATION_KEY,
    HEADER,
    CacheUnavailable,
    _cache,
    _generation_of,
    _read_many,
    _request_generations,
    generation_read,
    generation_retire,
    request_bumps,
)

logger = logging.getLogger(__name__)

EVERY_LEARNER_KEY = "pagecache:learners:generation"
OPTED_IN = "_signed_in_page_cacheable"
CACHEABLE_VIEWS = {"wagtail_serve", "my_learning"}


def _learner_key(user_id: int) -> str:
    return f"pagecache:learner:{user_id}:generation"


# Generations of other values the pages show, registered by their apps (the account menu's roles).
_shown_generations: list[str] = []


def learner_pages_depend_on(generation_key: str) -> None:
    """Learners' pages show values kept under ``generation_key``: a bump retires every copy."""
    if generation_key not in _shown_generations:
        _shown_generations.append(generation_key)


# --- Invalidation ---------------------------------------------------------------------------------


def learner_pages_invalidate(user_ids) -> None:
    """What these learners see changed: their stored pages are stale. Never raises."""
    for user_id in {u for u in user_ids if u is not None}:
        generation_retire(_learner_key(user_id))


def every_learner_pages_invalidate() -> None:
    """Something many learners see changed (a set-based write): every stored page is stale."""
    generation_retire(EVERY_LEARNER_KEY)


def learner_pages_invalidate_on(model, user_of=None, deletes: bool = True) -> None:
    """Saving or deleting a row of ``model`` changes what its learner sees (``user_of(instance)``
    gives their id; by default the row's ``user_id``). With ``user_of=None`` on a model without a
    user, every learner's pages are retired. ``deletes=False`` for rows deleted only with a parent
    that retires the pages itself: no delete receiver, so Django still deletes them in one statement."""
    has_user = user_of is not None or any(f.name == "user" for f in model._meta.fields)
    user_of = user_of or (lambda instance: instance.user_id)

    def changed(instance=None, **_kwargs) -> None:
        user_id = user_of(instance) if has_user else None
        if user_id is not None:
            learner_pages_invalidate([user_id])
        else:  # no learner of its own, or theirs could not be told
            every_learner_pages_invalidate()

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"learner_pages_save_{model._meta.label}")
    if deletes:
        uid = f"learner_pages_delete_{model._meta.label}"
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


class LearnerStateQuerySet(models.QuerySet):
    """Set-based writes (``update``, ``delete``, ``bulk_create``, ``bulk_update``) retire every
    learner's stored pages — or only one learner's, when the queryset says whose rows it writes
    with ``of_learner(user_id)``."""

    _learner_ids: frozenset | None = None

    def of_learner(self, user_id: int) -> LearnerStateQuerySet:
        clone = self._chain()
        clone._learner_ids = frozenset([user_id])
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._learner_ids = self._learner_ids
        return clone

    def _written(self) -> None:
        if self._learner_ids is not None:
            learner_pages_invalidate(self._learner_ids)
        else:
            every_learner_pages_invalidate()

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            self._written()
        return rows

    def delete(self):
        result = super().delete()
        if result[0]:
            self._written()
        return result

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            self._written()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            self._written()
        return rows


# --- Serving --------------------------------------------------------------------------------------


def signed_in_page_cacheable(request, until: datetime | None = None) -> None:
    """The view says its page may be kept for this learner (see the module docstring); ``until``:
    not served after that moment (a lesson visit is recorded again then)."""
    setattr(request, OPTED_IN, until.timestamp() if until is not None else None)


class SignedInPageCacheMiddleware:
    """Serve and store signed-in learners' own copies (see the module docstring). Sits after the
    authentication, session and language middleware, beside the anonymous page cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SIGNED_IN_PAGE_CACHE_SECONDS or not self._learner_read(request):
            return self.get_response(request)
        user_id = request.user.pk
        generation_keys = [GENERATION_KEY, *_shown_generations, _learner_key(user_id), EVERY_LEARNER_KEY]
        key = self._key(request)
        try:
            generation_read(generation_keys)
            stored = _read_many([*generation_keys, key])
            started = tuple(_generation_of(stored, generation_key) for generation_key in generation_keys)
        except CacheUnavailable:  # a cache outage (logged by the backend): render afresh
            return self.get_response(request)
        except Exception as exc:
            logger.warning("Signed-in page cache unavailable (%s)", exc)
            return self.get_response(request)
        memo = _request_generations.get()
        if memo is not None:  # the values this render reads share the generations
            memo.update(zip(generation_keys[:-2], started[:-2], strict=True))
        entry = stored.get(key)
        today = timezone.localdate().isoformat()
        if entry is not None and self._fresh(entry, started, today):
            return self._rebuild(entry, request)
        response = self.get_response(request)
        if hasattr(request, OPTED_IN) and self._storable(request, response):
            self._store(key, generation_keys, started, today, getattr(request, OPTED_IN), response)
        return response

    @staticmethod
    def _learner_read(request) -> bool:
        user = request.user
        return (
            request.method in ("GET", "HEAD")
            and user.is_authenticated
            and not user.is_staff
            and not user.is_superuser
            and settings.CSRF_COOKIE_NAME in request.COOKIES
            and not request.COOKIES.get("messages")  # a flash message waits (emptied once shown)
            and not request.session.get("_messages")
        )

    @staticmethod
    def _key(request) -> str:
        secret = hashlib.sha256(request.COOKIES[settings.CSRF_COOKIE_NAME].encode()).hexdigest()[:16]
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        return f"pagecache:user:{request.user.pk}:{request.get_host()}:{request.LANGUAGE_CODE}:{secret}:{path}"

    @staticmethod
    def _fresh(entry, generations: tuple, today: str) -> bool:
        stored_generations, day, until = entry[:3]
        return stored_generations == generations and day == today and (until is None or time.time() < until)

    @staticmethod
    def _storable(request, response) -> bool:
        match = getattr(request, "resolver_match", None)
        return (
            request.method == "GET"
            and match is not None
            and match.url_name in CACHEABLE_VIEWS
            and response.status_code == 200
            and not response.streaming
            and not SignedInPageCacheMiddleware._sets_cookies(request, response)
            and "no-store" not in response.get("Cache-Control", "")
            and not getattr(request, "is_preview", False)
        )

    @staticmethod
    def _sets_cookies(request, response) -> bool:
        """Any cookie but Django's renewal of the CSRF cookie the request sent (every page using a
        token re-sends it to extend its life; a copy served later just does not renew it)."""
        renewal = response.cookies.get(settings.CSRF_COOKIE_NAME)
        others = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        return bool(others) or (renewal is not None and renewal.value != request.COOKIES[settings.CSRF_COOKIE_NAME])

    @staticmethod
    def _store(key: str, generation_keys: list, started: tuple, today: str, until, response) -> None:
        """Tag the copy with the generations it was rendered under (see the module docstring)."""
        bumped = request_bumps()
        tags = tuple(bumped.get(k, g) for k, g in zip(generation_keys, started, strict=True))
        try:
            if any(k in bumped for k in generation_keys):
                current = _read_many(generation_keys)
                if tuple(current.get(k) for k in generation_keys) != tags:
                    return  # someone else wrote meanwhile: the page may not show it
            patch_vary_headers(response, ["Cookie"])
            # compressed (≈ 6× for a page's HTML): a copy per learner and page must stay small in Redis
            content = zlib.compress(response.content, 1)
            entry = (tags, today, until, response.status_code, list(response.items()), content)
            _cache().set(key, entry, timeout=settings.SIGNED_IN_PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        except CacheUnavailable:
            return
        except Exception as exc:
            logger.warning("Signed-in page cache store failed (%s)", exc)

    @staticmethod
    def _rebuild(entry, request) -> HttpResponse:
        status, headers, content = entry[3:]
        response = HttpResponse(b"" if request.method == "HEAD" else zlib.decompress(content), status=status)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response
