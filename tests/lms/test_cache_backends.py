"""The fault-tolerant Redis cache: an unreachable Redis is bypassed (absent keys, one warning per
interval), and the content cache then neither serves nor keeps values under a guessed generation."""

import logging

import pytest

from lms import page_cache
from lms.cache_backends import FaultTolerantRedisCache

UNREACHABLE = {
    "BACKEND": "lms.cache_backends.FaultTolerantRedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "RETRY_AFTER": 30},
}


def test_an_unreachable_redis_answers_as_if_every_key_were_absent(caplog):
    cache = FaultTolerantRedisCache(UNREACHABLE["LOCATION"], {"OPTIONS": dict(UNREACHABLE["OPTIONS"])})
    assert cache.degraded is False
    with caplog.at_level(logging.WARNING, logger="lms.cache_backends"):
        assert cache.get("key", "default") == "default"
        assert cache.degraded is True
        cache.set("key", 1)
        assert cache.add("key", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("key") is False
        assert cache.has_key("key") is False
        assert cache.get_or_set("key", 5) == 5
        with pytest.raises(ValueError):
            cache.incr("counter")
    warnings = [record for record in caplog.records if record.name == "lms.cache_backends"]
    assert len(warnings) == 1 and "Cache unavailable" in warnings[0].getMessage()


def test_a_missing_key_still_raises_on_incr_when_redis_answers(settings):
    from tests.services import require

    url = settings.CACHES["default"].get("LOCATION", "")
    require(str(url).startswith("redis://"), "needs CACHE_URL=redis://…")
    cache = FaultTolerantRedisCache(url, {"KEY_PREFIX": "incr-test"})
    cache.delete("absent")
    with pytest.raises(ValueError):
        cache.incr("absent")
    assert cache.degraded is False  # a missing key is not an outage


def test_incr_is_one_round_trip_and_keeps_django_s_contract(settings):
    """A page generation is bumped after every write a learner makes: one command, not EXISTS then
    INCRBY; an existing key moves by ``delta`` and reads back as a number, a missing one raises."""
    import redis.client

    from tests.services import require

    url = settings.CACHES["default"].get("LOCATION", "")
    require(str(url).startswith("redis://"), "needs CACHE_URL=redis://…")
    cache = FaultTolerantRedisCache(url, {"KEY_PREFIX": "incr-test"})
    cache.set("generation", 1_800_000_000_000_000_000, timeout=None)
    cache.incr("generation")  # the script is loaded once per client
    sent = []
    real = redis.client.Redis.execute_command

    def counted(client, *args, **options):
        sent.append(args[0])
        return real(client, *args, **options)

    redis.client.Redis.execute_command = counted
    try:
        assert cache.incr("generation", 5) == 1_800_000_000_000_000_006
    finally:
        redis.client.Redis.execute_command = real
    assert sent == ["EVALSHA"], sent
    assert cache.get("generation") == 1_800_000_000_000_000_006
    cache.delete("generation")
    with pytest.raises(ValueError):
        cache.incr("generation")
    assert cache.get("generation") is None  # not created by the attempt


def test_content_values_are_built_fresh_and_not_kept_during_an_outage(settings):
    settings.CACHES = {"default": UNREACHABLE}
    page_cache.local_content_forget()
    builds = []
    for _ in range(3):
        assert page_cache.content_cached("menu", lambda: builds.append(1) or ["Trang chủ"]) == ["Trang chủ"]
    assert len(builds) == 3  # each read built afresh: nothing kept in memory under a guessed generation
    assert page_cache._local == {}
