"""Fixed-window limits on public requests (verification lookups, signature checks), per client IP,
in the shared cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the trusted proxies saw (TRUSTED_PROXY_COUNT, as allauth)."""
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def verification_allowed(request) -> bool:
    """Count one lookup; False once the IP spent its budget for the current window."""
    return window_allowed(request, scope="certificates:verify", rate=settings.CERTIFICATE_VERIFY_RATE)


def window_allowed(request, *, scope: str, rate: str) -> bool:
    """Count one request of ``scope`` from the client's IP; False once it spent ``rate``
    ("requests/seconds") in the current window."""
    limit, window = (int(part) for part in rate.split("/"))
    bucket = int(time.time() // window)
    key = f"{scope}:{client_ip(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
