"""Reads of editions for pages and the API.

The current edition with its categories, criteria, tiers and milestones is cached per process and
keyed by (id, revision): one small query per request finds the key, so a reload from another
process is seen at once.

That query is the whole cost of a cached public page, so it is kept cheap: its SQL is compiled once
per process, and on a SQLite file it runs on a long-lived read-only connection of its own (one per
thread). Django opens and closes the request's SQLite connection on every request (CONN_MAX_AGE=0),
which costs more than the rest of a cached page together. The probe connection is in autocommit
mode, so each read sees the last committed revision, whoever wrote it. Inside a transaction
(tests, services) and on other databases the request's own connection answers instead.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch

from giaithuong.editions.models import Category, Edition


@dataclass(frozen=True)
class CurrentEditionKey:
    id: int
    revision: int

    def cache_key(self, *parts: object) -> str:
        return ":".join(["edition", str(self.id), str(self.revision), *map(str, parts)])


_key_sql: tuple[str, tuple] | None = None
_probe = threading.local()
_inherited: list[sqlite3.Connection] = []


def _current_key_sql() -> tuple[str, tuple]:
    """SELECT id, revision of the current edition: the ORM's own SQL, compiled once."""
    global _key_sql
    if _key_sql is None:
        query = Edition.objects.filter(is_current=True).values_list("id", "revision")[:1].query
        _key_sql = query.sql_with_params()
    return _key_sql


def _probe_connection() -> sqlite3.Connection | None:
    """This thread's read-only connection to the SQLite file, or None where it does not apply."""
    if connection.vendor != "sqlite" or connection.in_atomic_block or connection.is_in_memory_db():
        return None
    name = str(connection.settings_dict["NAME"])
    key = (os.getpid(), name)
    conn = getattr(_probe, "conn", None)
    if conn is not None:
        if _probe.key == key:
            return conn
        if _probe.key[0] != key[0]:
            # Inherited through fork: never use it nor close it here (closing an SQLite
            # connection in a forked child can disturb the parent's locks); just keep it alive.
            _inherited.append(conn)
        else:
            conn.close()
        _probe.conn = None
    if not os.path.exists(name):  # never create a database file as a side effect
        return None
    timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)
    conn = sqlite3.connect(name, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    _probe.conn, _probe.key = conn, key
    return conn


def current_edition_key() -> CurrentEditionKey | None:
    sql, params = _current_key_sql()
    probe = None if params else _probe_connection()
    if probe is not None:
        try:
            row = probe.execute(sql).fetchone()
        except sqlite3.Error:  # e.g. not migrated yet, or locked for too long: ask Django
            _probe.conn = None
            probe.close()
        else:
            return CurrentEditionKey(*row) if row else None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
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
