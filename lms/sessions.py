"""Sessions kept in the database and read from the shared cache (``SESSION_ENGINE = "lms.sessions"``).

Django's ``cached_db`` engine: every write goes to the database first, then to the cache; a read
asks the cache and falls back to the database (and refills the cache). A signed-in request then
costs one Redis round trip instead of a session query — a third of a reload served from the
learner's own copy (``lms.signed_in_page_cache``: 1.9 → 1.3 ms in process on the bench data).

Two limits on what the cache may hold, because the cache is optional at run time
(``lms.cache_backends``: an outage is bypassed, never raised):

- A cached session lives ``SESSION_CACHE_SECONDS`` at most (not the session's two weeks). A logout
  or a new session key (sign-in) deletes the cached copy; if Redis failed at that moment, the copy
  it kept can answer for that long at most — the database row is already gone. It is logged.
- When the cache is down, every read goes to the database, as with the plain database engine.

Only used with the shared Redis cache (``CACHE_URL``); the embedded default keeps the database
engine (its cache is the database).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)


class _CappedCache:
    """The session cache with every timeout capped at ``SESSION_CACHE_SECONDS``."""

    def __init__(self, cache):
        self._cache = cache

    def set(self, key, value, timeout=None):
        seconds = settings.SESSION_CACHE_SECONDS
        return self._cache.set(key, value, seconds if timeout is None else min(timeout, seconds))

    def __contains__(self, key) -> bool:
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


class SessionStore(CachedDBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _CappedCache(self._cache)

    def delete(self, session_key=None):
        super().delete(session_key)
        if getattr(self._cache, "degraded", False):
            logger.warning(
                "The cache was unavailable while a session was deleted; its cached copy may answer for"
                " %s s more at most",
                settings.SESSION_CACHE_SECONDS,
            )
