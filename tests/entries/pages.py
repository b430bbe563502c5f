"""Helpers of the participant page tests: the pages' clock, a signed-in participant, and
reading what a page says."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from tests.entries.conftest import NOW, new_participant


class Clock:
    """The moment the pages act at; tests move it instead of waiting for dates."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    from giaithuong.entries.views import common

    moment = Clock(NOW)
    monkeypatch.setattr(common, "clock", moment)
    return moment


@pytest.fixture
def owner(edition):
    return new_participant(edition)


@pytest.fixture
def signed_in(client, owner, clock):
    client.force_login(owner)
    return client


def text(response) -> str:
    """The page's visible words on one line (tags dropped, entities read)."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def element(response, element_id: str) -> str:
    """The inner HTML of the element with `element_id` (first level match, good enough for
    the flat partials these pages have)."""
    body = response.content.decode()
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', body, re.S)
    assert match, f"no #{element_id} in the page"
    return match.group(2)


def hidden(response, name: str) -> str:
    body = response.content.decode()
    match = re.search(rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)"', body)
    assert match, f"no hidden {name}"
    return unescape(match.group(1))
