"""A Redis cache that is optional at run time: an outage is logged and bypassed, never raised.

Everything the platform keeps in the shared cache can be rebuilt (page and content values, Wagtail's
site root paths, rate-limit counters, kept report figures), so a request must not fail because Redis
is down or slow. ``FaultTolerantRedisCache`` is Django's ``RedisCache`` with every operation guarded:
on a Redis error it logs one warning per ``LOG_INTERVAL`` seconds (not one per call), answers as if
the key were absent (``get`` → default, ``get_many`` → ``{}``, ``add``/``delete``/``has_key`` →
``False``, ``incr`` → ``ValueError`` as for a missing key) and then stops asking Redis for
``retry_after`` seconds (``OPTIONS["RETRY_AFTER"]``, 5 s by default), so a hung server costs one
timeout per process per interval rather than one per value. ``degraded`` says whether the last
answers came from the bypass — ``lms.page_cache`` reads it to avoid remembering a value under a
generation it never really read.

Short socket timeouts (settings: ``CACHE_SOCKET_TIMEOUT``) bound what one failed call may cost.
Each process keeps one ``redis.Redis`` per connection pool (Django's client builds one per call).
Rate limits kept in the cache are not enforced during an outage: that is the price of pages that
answer, and it is logged.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

LOG_INTERVAL = 60.0


# INCRBY of a key that exists, else nothing (nil): Django's ``incr`` semantics in one round trip. The
# new value is read back as the stored string: Lua turns integer replies into doubles, which round the
# clock-based page generations (≈ 1.8·10¹⁸).
INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    redis.call('INCRBY', KEYS[1], ARGV[1])
    return redis.call('GET', KEYS[1])
end
return false
"""


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a ``redis.Redis`` for every call (≈ 0.15 ms: redis-py registers its
    response callbacks each time); one per connection pool serves every call and thread (a
    ``redis.Redis`` is thread-safe, its pool hands each command a connection).

    ``incr`` is one round trip (Django's asks ``EXISTS`` then ``INCRBY``: two, and not atomic): a
    server-side script increments the key only if it exists, as Django's contract says — a page
    generation bumped after every write a learner makes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._incr_existing: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        script = self._incr_existing.get(id(client))
        if script is None:
            script = self._incr_existing.setdefault(id(client), client.register_script(INCR_EXISTING))
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)


class FaultTolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self._down_until = 0.0
        self._last_log = 0.0
        self._lock = threading.Lock()

    @property
    def degraded(self) -> bool:
        """Redis failed less than ``retry_after`` seconds ago: answers are the bypass's defaults."""
        return time.monotonic() < self._down_until

    def _guard(self, operation: str, call, default, passthrough: tuple = ()):
        if self.degraded:
            return default
        try:
            return call()
        except passthrough:
            raise
        except Exception as exc:  # redis-py's errors, a socket error, a timeout: all mean "unavailable"
            self._failed(operation, exc)
            return default

    def _failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.retry_after
            if now - self._last_log < LOG_INTERVAL:
                return
            self._last_log = now
        logger.warning(
            "Cache unavailable (%s: %s during %s); bypassed for %.0f s at a time, next warning in %.0f s",
            type(exc).__name__,
            exc,
            operation,
            self.retry_after,
            LOG_INTERVAL,
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", lambda: super(FaultTolerantRedisCache, self).add(key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self._guard("get", lambda: super(FaultTolerantRedisCache, self).get(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", lambda: super(FaultTolerantRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", lambda: super(FaultTolerantRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._guard("delete", lambda: super(FaultTolerantRedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None):
        return self._guard("get_many", lambda: super(FaultTolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._guard("has_key", lambda: super(FaultTolerantRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._guard(
            "incr", lambda: super(FaultTolerantRedisCache, self).incr(key, delta, version), missing, (ValueError,)
        )
        if result is missing:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "set_many", lambda: super(FaultTolerantRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", lambda: super(FaultTolerantRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._guard("clear", lambda: super(FaultTolerantRedisCache, self).clear(), False)


def cache_degraded(cache) -> bool:
    """Whether ``cache`` is a fault-tolerant cache answering from its bypass (other backends: never)."""
    return bool(getattr(cache, "degraded", False))
