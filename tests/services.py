"""Which external services the suite can reach.

Locally a missing service skips the tests that need it; with ``CI=true`` it
fails the run: CI must prove the platform against the real services.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def tcp_reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def unreachable_services() -> list[str]:
    """Describe each configured service that cannot be reached."""
    problems = []
    checks = [
        ("DATABASE_URL", 5432),
        ("CELERY_BROKER_URL", 6379),
        ("CACHE_URL", 6379),
    ]
    for variable, port in checks:
        url = os.environ.get(variable, "")
        if url.startswith(("postgres", "redis")) and not tcp_reachable(url, port):
            problems.append(f"{variable}={url} is not reachable")
    return problems


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail in CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def fault_tolerant_cache_on(server, key_prefix: str) -> dict:
    """``CACHES`` with the settings' fault-tolerant Redis backend on ``server`` (a private Redis,
    ``tests.certificates.processes.PrivateRedis``); short timeouts, so a stopped server shows at once."""
    return {
        "default": {
            "BACKEND": "lms.cache_backends.FaultTolerantRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 2},
        }
    }
