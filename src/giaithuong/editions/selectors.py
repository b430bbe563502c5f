"""Reads of editions for pages and the API.

The current edition with its categories, criteria, tiers and milestones is cached per process and
keyed by (id, revision): one small query per request finds the key, so a reload from another
process is seen at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch

from giaithuong.editions.models import Category, Edition


@dataclass(frozen=True)
class CurrentEditionKey:
    id: int
    revision: int

    def cache_key(self, *parts: object) -> str:
        return ":".join(["edition", str(self.id), str(self.revision), *map(str, parts)])


def current_edition_key() -> CurrentEditionKey | None:
    row = Edition.objects.filter(is_current=True).values_list("id", "revision").first()
    return CurrentEditionKey(*row) if row else None


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
