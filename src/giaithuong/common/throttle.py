"""Limits on how often one client may do something (register an account, …).

Counts live in Django's cache in fixed windows: shared by every web process when the cache is
Redis (docs/deploy.md), per process with the default local-memory cache. A limit is written
"10/hour" (also "/minute", "/day"); an empty setting turns it off.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
clock = time.time  # patched by tests to move through windows


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit | None:
        """"10/hour" -> Limit(10, 3600); "" -> None (no limit). Raises ValueError."""
        text = (text or "").strip()
        if not text:
            return None
        count, _, unit = text.partition("/")
        if unit.strip() not in UNITS or not count.strip().isdigit() or int(count) < 1:
            raise ValueError(f"a limit is written like 10/hour, not {text!r}")
        return cls(int(count), UNITS[unit.strip()])


class Throttled(Exception):
    """Too many attempts; `retry_after` seconds until the window ends."""

    def __init__(self, retry_after: int):
        super().__init__(f"throttled for {retry_after} s")
        self.retry_after = retry_after


def hit(scope: str, client: str, limit: Limit | None) -> None:
    """Count one attempt by `client`; raise `Throttled` beyond the limit of the window."""
    if limit is None or not client:
        return
    now = clock()
    window = int(now // limit.seconds)
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]  # no addresses in the cache
    key = f"throttle:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=limit.seconds + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=limit.seconds + 60)
        count = 1
    if count > limit.count:
        raise Throttled(max(1, int((window + 1) * limit.seconds - now)))


def client_address(request) -> str:
    """The client's IP address: the peer's, or, when the peer is a trusted proxy
    (GIAITHUONG_TRUSTED_PROXIES), the last address before it in X-Forwarded-For."""
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "GIAITHUONG_TRUSTED_PROXIES", [])
    if peer not in trusted:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if hop in trusted:
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return peer  # a forged or garbled header counts as the proxy itself
    return peer
