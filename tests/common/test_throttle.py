"""Limits per client: written like "10/hour", counted in the cache in fixed windows; the client
is the peer, or the address a trusted proxy forwarded."""

import pytest
from django.test import RequestFactory

from giaithuong.common import throttle
from giaithuong.common.throttle import Limit, Throttled


@pytest.mark.parametrize(("text", "limit"), [
    ("10/hour", Limit(10, 3600)), ("3/minute", Limit(3, 60)), (" 1 / day ", Limit(1, 86400)),
    ("", None), ("  ", None)])
def test_limits_are_read_from_their_text(text, limit):
    assert Limit.parse(text) == limit


@pytest.mark.parametrize("text", ["10", "ten/hour", "10/fortnight", "0/hour", "-1/hour"])
def test_a_malformed_limit_is_refused(text):
    with pytest.raises(ValueError, match="10/hour"):
        Limit.parse(text)


def test_the_attempt_past_the_limit_waits_for_the_next_window(monkeypatch):
    now = [7200.0 + 600]  # ten minutes into an hour
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    limit = Limit(3, 3600)
    for _ in range(3):
        throttle.hit("register", "203.0.113.9", limit)
    with pytest.raises(Throttled) as refused:
        throttle.hit("register", "203.0.113.9", limit)
    assert refused.value.retry_after == 3000  # fifty minutes to the next window
    throttle.hit("register", "198.51.100.4", limit)  # another client has its own count
    throttle.hit("resend", "203.0.113.9", limit)  # and another scope
    now[0] = 10800.0  # the next window
    throttle.hit("register", "203.0.113.9", limit)


def test_no_limit_or_no_client_is_never_throttled():
    for _ in range(50):
        throttle.hit("register", "203.0.113.9", None)
        throttle.hit("register", "", Limit(1, 60))


def _request(peer, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **extra)


@pytest.mark.parametrize(("peer", "forwarded", "client"), [
    ("203.0.113.9", None, "203.0.113.9"),
    ("203.0.113.9", "198.51.100.4", "203.0.113.9"),  # an untrusted peer cannot claim another
    ("127.0.0.1", "198.51.100.4", "198.51.100.4"),
    ("127.0.0.1", "10.9.9.9, 198.51.100.4", "198.51.100.4"),  # the hop the proxy saw
    ("127.0.0.1", "198.51.100.4, 10.0.0.2", "198.51.100.4"),  # a second trusted proxy
    ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ("127.0.0.1", "", "127.0.0.1"),
])
def test_the_client_is_the_peer_or_what_a_trusted_proxy_forwarded(settings, peer, forwarded,
                                                                  client):
    settings.GIAITHUONG_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.2"]
    assert throttle.client_address(_request(peer, forwarded)) == client
