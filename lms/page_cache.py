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

import contextvars
import hashlib
import logging
import pickle  # nosec B403  # only what this process pickled itself (_local_put)
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from lms.cache_backends import cache_degraded

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
SERVED_VIEWS = {"wagtail_serve"}
HEADER = "X-Page-Cache"


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


class CacheUnavailable(Exception):
    """The shared cache answered from its outage bypass (``lms.cache_backends``): what it returned
    is not what it holds, so no generation read from it may tag a value kept in this process."""


def _read_many(keys: list[str]) -> dict:
    stored = _cache().get_many(keys)
    if cache_degraded(_cache()):
        raise CacheUnavailable("the shared cache is bypassed")
    return stored


# Generations this process could not bump during a cache outage: bumped again once the cache
# answers, so a publish made during the outage still retires what other processes keep.
_missed_bumps: set[str] = set()


# Per request, each generation is read from the shared cache once (``ContentCacheScopeMiddleware``
# opens the scope); values of the current generation are also kept in this process, pickled, so a
# warm request asks the shared cache one question per generation instead of one per value.
_request_generations: contextvars.ContextVar[dict | None] = contextvars.ContextVar("generations", default=None)
# The value each generation took at this request's own latest bump (``lms.signed_in_page_cache``).
_request_bumped: contextvars.ContextVar[dict | None] = contextvars.ContextVar("bumped", default=None)
# The open transaction's ``_CommitBumps`` and its place among the connection's pending callbacks; per
# thread, as the database connection and its transaction are.
_thread = threading.local()


# Generations nearly every request reads (the content's, the account roles'): the first generation a
# request reads from the shared cache brings these along in the same round trip.
_read_together: list[str] = [GENERATION_KEY]


def generation_read_with_every_request(generation_key: str) -> None:
    """``generation_key`` is read by nearly every request (called in an app's ready()): it comes with
    the first generation the request reads, in the same round trip."""
    if generation_key not in _read_together:
        _read_together.append(generation_key)


_local: dict[str, tuple[int, bytes]] = {}
_local_bytes = 0
_local_lock = threading.Lock()
LOCAL_MAX_BYTES = 32 * 1024 * 1024


def generation_bump(generation_key: str = GENERATION_KEY) -> None:
    """Retire every value kept under ``generation_key``. Never raises."""
    memo = _request_generations.get()
    if memo is not None:
        memo.pop(generation_key, None)  # this request reads the new generation too
    try:
        cache = _cache()
        try:
            value = cache.incr(generation_key)
        except ValueError:  # no generation yet (or the cache is bypassed: checked below)
            value = _generation_new()
            cache.set(generation_key, value, timeout=None)
        if cache_degraded(cache):
            raise CacheUnavailable("the shared cache is bypassed")
        _missed_bumps.discard(generation_key)
        bumped = _request_bumped.get()
        if bumped is not None:
            bumped[generation_key] = value
    except Exception as exc:
        _missed_bumps.add(generation_key)
        logger.info("Cache invalidation of %s failed (%s); retried once the cache answers", generation_key, exc)


def _missed_bumps_retry() -> None:
    for generation_key in list(_missed_bumps):
        try:
            if cache_degraded(_cache()):
                return
        except Exception:  # still down (a backend raising rather than bypassing): the next request retries
            return
        generation_bump(generation_key)


def _generation_new() -> int:
    """A generation never used before, even after the shared cache lost its keys (a restart, a
    flush): processes may still hold values of the old generations in memory."""
    return time.time_ns()


def _generation_of(stored: dict, generation_key: str) -> int:
    generation = stored.get(generation_key)
    if generation is None:
        _cache().add(generation_key, _generation_new(), timeout=None)
        generation = _cache().get(generation_key)
        if generation is None or cache_degraded(_cache()):
            raise CacheUnavailable("no generation could be read")
    return generation


def local_content_forget() -> None:
    """Drop the values this process keeps in memory (the test suite does, with the shared cache)."""
    global _local_bytes
    with _local_lock:
        _local.clear()
        _local_bytes = 0


def _local_get(key: str, generation: int):
    entry = _local.get(key)
    if entry is None or entry[0] != generation or entry[1] < time.monotonic():
        return None
    return pickle.loads(entry[2])  # nosec B301  # bytes this process pickled (_local_put), never received


def _local_put(key: str, generation: int, value, timeout: int) -> None:
    global _local_bytes
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    with _local_lock:
        if _local_bytes + len(data) > LOCAL_MAX_BYTES:
            _local.clear()
            _local_bytes = 0
        previous = _local.get(key)
        _local_bytes += len(data) - (len(previous[2]) if previous else 0)
        _local[key] = (generation, time.monotonic() + timeout, data)


class ContentCacheScopeMiddleware:
    """Read each cache generation once per request (see ``cached_under_generation``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _missed_bumps:
            _missed_bumps_retry()
        token = _request_generations.set({})
        bumped_token = _request_bumped.set({})
        try:
            return self.get_response(request)
        finally:
            _request_generations.reset(token)
            _request_bumped.reset(bumped_token)


def request_bumps() -> dict:
    """The generations this request bumped, each with the value its latest bump produced."""
    return dict(_request_bumped.get() or {})


def page_cache_invalidate(**_kwargs) -> None:
    """Make every stored page and content value stale (a new generation). Never raises: a cache
    outage only means pages are rendered fresh."""
    generation_retire(GENERATION_KEY)


def generation_retire(generation_key: str) -> None:
    """Retire what is kept under ``generation_key`` because this transaction changes it. Never raises.

    Bumped once after the commit, however often the transaction retires it (a learner's several rows
    written in one unit of work). Other processes and threads cannot see the transaction's rows
    before its commit, so only a reader in this thread needs the generation bumped sooner: it is
    bumped when this thread next reads it (``generation_read``) — a reader in this transaction then
    sees the change — and not at all before the commit when nothing reads it (a mark-done, a quiz
    submit: one Redis round trip fewer). A request that rebuilt a value from the not-yet-committed
    database in between stored it under a generation the commit's bump retires. Outside a
    transaction the change is committed: one bump."""
    if not transaction.get_connection().in_atomic_block:
        generation_bump(generation_key)
        return
    commit_bumps = _commit_bumps()
    if commit_bumps is None:
        commit_bumps = _CommitBumps()
        transaction.on_commit(commit_bumps)
        _thread.commit_bumps = (commit_bumps, len(transaction.get_connection().run_on_commit) - 1)
    commit_bumps.keys.add(generation_key)
    commit_bumps.unread.add(generation_key)


class _CommitBumps:
    """What one transaction retired: ``keys``, bumped once after its commit (one ``on_commit`` callback
    for them all, found in O(1) — a regrade retires thousands of learners' generations), and
    ``unread``, those retired since this thread last read them, bumped before it reads them again
    (``generation_read``)."""

    def __init__(self):
        self.keys: set[str] = set()
        self.unread: set[str] = set()

    def __call__(self) -> None:
        if getattr(_thread, "commit_bumps", (None,))[0] is self:
            _thread.commit_bumps = None  # committed: nothing of it is due any more
        for generation_key in self.keys:
            generation_bump(generation_key)


def _commit_bumps() -> _CommitBumps | None:
    """The open transaction's ``_CommitBumps``, if it registered one that is still due (a callback
    registered in a savepoint rolled back is gone from the connection's pending callbacks)."""
    held = getattr(_thread, "commit_bumps", None)
    if held is None:
        return None
    commit_bumps, index = held
    pending = transaction.get_connection().run_on_commit
    if index < len(pending) and pending[index][1] is commit_bumps:
        return commit_bumps
    for position, (_savepoints, callback, _robust) in enumerate(pending):  # moved by a savepoint rolled back
        if callback is commit_bumps:
            _thread.commit_bumps = (commit_bumps, position)
            return commit_bumps
    _thread.commit_bumps = None  # a transaction ended since, or the savepoint holding it rolled back
    return None


def generation_read(generation_keys) -> None:
    """This thread is about to read ``generation_keys``: those its open transaction retired since it
    last read them are bumped now, so it never reads a value kept before its own writes."""
    if getattr(_thread, "commit_bumps", None) is None:
        return
    commit_bumps = _commit_bumps()  # None once the transaction ended or its savepoint rolled back
    if commit_bumps is None or not commit_bumps.unread:
        return
    for generation_key in commit_bumps.unread.intersection(generation_keys):
        commit_bumps.unread.discard(generation_key)
        generation_bump(generation_key)


def cached_under_generation(generation_key: str, key: str, build, timeout: int):
    """``build()``, kept in the shared cache until ``generation_bump(generation_key)``.

    The entry is tagged with the generation, so a bump makes it stale on every process; it also
    expires after ``timeout`` seconds. Within a request the generation is read once and a value of
    the current generation already seen by this process is served from its memory (a fresh copy,
    unpickled); otherwise the generation and the value are read in one round trip, with the other
    generations nearly every request reads (``generation_read_with_every_request``). A cache outage
    means ``build()`` runs every time, never an error. ``build()`` must return something picklable;
    ``None`` is returned but never kept."""
    generation_read([generation_key])
    memo = _request_generations.get()
    generation = memo.get(generation_key) if memo is not None else None
    try:
        if generation is not None:
            value = _local_get(key, generation)
            if value is not None:
                return value
            entry = _cache().get(key)
            if cache_degraded(_cache()):
                raise CacheUnavailable("the shared cache is bypassed")
        else:
            together = [k for k in _read_together if k != generation_key and k not in memo] if memo is not None else []
            generation_read(together)
            stored = _read_many([generation_key, key, *together])
            generation = _generation_of(stored, generation_key)
            if memo is not None:
                memo[generation_key] = generation
                memo.update((k, stored[k]) for k in together if stored.get(k) is not None)
            entry = stored.get(key)
    except CacheUnavailable:  # the backend logs the outage once per interval
        return build()
    except Exception as exc:
        logger.warning("Cache unavailable (%s)", exc)
        return build()
    if entry is not None and entry[0] == generation:
        _local_put(key, generation, entry[1], timeout)
        return entry[1]
    value = build()
    if value is None:  # a miss is not kept: a stream of unknown keys must not fill the cache
        return value
    try:
        _cache().set(key, (generation, value), timeout=timeout)
    except Exception as exc:
        logger.warning("Cache store failed (%s)", exc)
        return value
    if cache_degraded(_cache()):  # not stored: not kept in memory either
        return value
    _local_put(key, generation, value, timeout)
    return value


def content_cached(key: str, build):
    """``build()``, kept until the published content changes (or ``CONTENT_CACHE_SECONDS``).

    For values derived only from published pages and the models registered with
    ``page_cache_invalidate_on`` (site settings, menus, course outlines, page routes): they share
    the page cache's generation, so a publish, unpublish, move or delete retires them at once."""
    return cached_under_generation(GENERATION_KEY, f"content:{key}", build, settings.CONTENT_CACHE_SECONDS)


def page_cache_invalidate_on(*models) -> None:
    """Saving or deleting one of ``models`` changes what public pages show (called in ready())."""
    for model in models:
        post_save.connect(page_cache_invalidate, sender=model, dispatch_uid=f"page_cache_save_{model._meta.label}")
        post_delete.connect(page_cache_invalidate, sender=model, dispatch_uid=f"page_cache_delete_{model._meta.label}")


def connect_page_signals() -> None:
    """Wagtail's page lifecycle: publish, unpublish, move, delete, and a page created live in code."""
    from wagtail.signals import page_published, page_unpublished, post_page_move  # noqa: PLC0415 — idem

    page_published.connect(page_cache_invalidate, dispatch_uid="page_cache_published")
    page_unpublished.connect(page_cache_invalidate, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(page_cache_invalidate, dispatch_uid="page_cache_moved")
    post_delete.connect(_page_deleted, dispatch_uid="page_cache_page_deleted")
    post_save.connect(_page_created, dispatch_uid="page_cache_page_created")


def _page_created(sender, **kwargs) -> None:
    """A page added live in code (``add_child``: the demo, imports, tests) is not "published"."""
    from wagtail.models import Page  # noqa: PLC0415 — the app registry must be ready

    if kwargs.get("created") and isinstance(kwargs.get("instance"), Page):
        page_cache_invalidate()


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
            generation_read([GENERATION_KEY])
            stored = _read_many([GENERATION_KEY, key])
            generation = _generation_of(stored, GENERATION_KEY)
        except CacheUnavailable:  # a cache outage (logged by the backend): render as if nothing were stored
            return self.get_response(request)
        except Exception as exc:  # a cache outage: render as if nothing were stored
            logger.warning("Page cache unavailable (%s)", exc)
            return self.get_response(request)
        memo = _request_generations.get()
        if memo is not None:  # the content values this render reads share the generation
            memo[GENERATION_KEY] = generation
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
