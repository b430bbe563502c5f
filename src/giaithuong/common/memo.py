"""Small in-process memories of things derived from immutable input (a parsed edition file)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


def remembered(store: dict, key: Hashable, make: Callable[[], T], *, size: int = 16) -> T:
    """`store[key]`, made by `make()` the first time; the oldest key goes beyond `size`."""
    try:
        return store[key]
    except KeyError:
        pass
    value = make()
    if len(store) >= size:
        store.pop(next(iter(store)))
    store[key] = value
    return value
