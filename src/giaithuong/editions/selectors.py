"""Reads of editions for pages and the API.

The current edition with its categories, criteria, tiers and milestones is cached and keyed by
(id, revision). Each process re-reads that key from the database at most once a second, so an
edition loaded by any process shows everywhere within a second and at once in the process that
loaded it; inside a transaction (services, tests) the key is always read afresh.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch

from giaithuong.editions.models import Category, Edition

KEY_TTL_SECONDS = 1.0


@dataclass(frozen=True)
class CurrentEditionKey:
    id: int
    revision: int

    def cache_key(self, *parts: object) -> str:
        return ":".join(["edition", str(self.id), str(self.revision), *map(str, parts)])


class _KeyMemo:
    def __init__(self):
        self.lock = threading.Lock()
        self.key: CurrentEditionKey | None = None
        self.read_at = float("-inf")


_memo = _KeyMemo()


def forget_current_edition_key() -> None:
    """Called after an edition is loaded or made current, so this process sees it at once."""
    with _memo.lock:
        _memo.read_at = float("-inf")


def _read_key() -> CurrentEditionKey | None:
    row = Edition.objects.filter(is_current=True).values_list("id", "revision").first()
    return CurrentEditionKey(*row) if row else None


def current_edition_key() -> CurrentEditionKey | None:
    if connection.in_atomic_block:
        return _read_key()
    now = time.monotonic()
    if now - _memo.read_at < KEY_TTL_SECONDS:
        return _memo.key
    key = _read_key()
    with _memo.lock:
        _memo.key, _memo.read_at = key, now
    return key


def _load(edition_id: int) -> Edition:
    return (
        Edition.objects.select_related("award")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.filter(is_active=True)),
            "criteria", "prize_tiers", "milestones",
        )
        .get(pk=edition_id)
    )


def current_edition() -> Edition | None:
    key = current_edition_key()
    if key is None:
        return None
    edition = cache.get(key.cache_key("full"))
    if edition is None:
        edition = _load(key.id)
        edition.rules  # noqa: B018  (parse the spec once, cached with the object)
        cache.set(key.cache_key("full"), edition, timeout=3600)
    return edition


def category_by_code(edition: Edition, code: str) -> Category | None:
    return next((c for c in edition.categories.all() if c.code == code), None)
