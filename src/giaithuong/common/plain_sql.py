"""Reads written out in SQL, for the few hot paths where Django's query compiler costs more than
the database (a submit, an API token): table and column names come from the models, and rows
become model instances converted exactly as the ORM converts them (SQLite's dates and decimals,
JSON), so the code that uses them cannot tell. Decision 0014 has the measurements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DatabaseError, connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def marks(values: Sequence[Any]) -> str:
    """`%s, %s, …`, one per value (for `IN (…)`)."""
    return ", ".join(["%s"] * len(values))


def rows(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def lock_clause(alias: str) -> str:
    """Row locks on `alias`'s table only, until the transaction ends; nothing on SQLite,
    which locks the whole database for a writing transaction."""
    features = connection.features
    if features.has_select_for_update_of:
        return f" FOR UPDATE OF {alias}"
    return " FOR UPDATE" if features.has_select_for_update else ""


class Loader:
    """Instances of `model` from its columns in a row (`alias.column, …`, in `columns`), all
    concrete fields but those `left_out` (deferred, read on first use as the ORM would)."""

    def __init__(self, model, alias: str, left_out: tuple[str, ...] = ()):
        self.model = model
        fields = [f for f in model._meta.concrete_fields if f.name not in left_out]
        self.columns = [f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields]
        self.names = [f.attname for f in fields]
        self.width = len(fields)
        self.converters = []
        for index, field in enumerate(fields):
            expression = field.get_col(model._meta.db_table)
            found = [*connection.ops.get_db_converters(expression),
                     *expression.get_db_converters(connection)]
            if found:
                self.converters.append((index, expression, found))

    def load(self, values: Sequence[Any]):
        """The instance from the first `width` values."""
        values = list(values[:self.width])
        for index, expression, converters in self.converters:
            for convert in converters:
                values[index] = convert(values[index], expression, connection)
        return self.model.from_db(connection.alias, self.names, values)


def load_row(values: Sequence[Any], loaders: Sequence[Loader]) -> tuple[list, tuple]:
    """The instances of a joined row, one per loader in column order, and the values after
    theirs."""
    instances = []
    for loader in loaders:
        instances.append(loader.load(values))
        values = values[loader.width:]
    return instances, tuple(values)


def insert(instance) -> None:
    """INSERT the new `instance` as `save()` would: each field's `pre_save` (auto_now_add)
    and value prepared by the field for this database; then set its primary key. Neither the
    model's `save()` nor its signals run: for rows written on hot paths by models that have
    neither (tested)."""
    meta = instance._meta
    fields = [f for f in meta.concrete_fields
              if not (f.primary_key and getattr(instance, f.attname) is None)]
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table(instance)} ({names}) VALUES ({marks(values)})"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {connection.ops.quote_name(meta.pk.column)}",
                           values)
            key = cursor.fetchone()[0]
        else:  # SQLite before 3.35
            cursor.execute(sql, values)
            key = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    setattr(instance, meta.pk.attname, key)
    instance._state.adding, instance._state.db = False, connection.alias


def update(instance, names: Sequence[str]) -> None:
    """UPDATE these fields of the saved `instance` as `save(update_fields=names)` would (each
    field's `pre_save`: auto_now), without `save()` or signals (see `insert`)."""
    meta = instance._meta
    fields = [meta.get_field(name) for name in names]
    values = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table(instance)} SET {assignments} "  # noqa: S608
                       f"WHERE {connection.ops.quote_name(meta.pk.column)} = %s",
                       [*values, instance.pk])
        if cursor.rowcount != 1:
            raise DatabaseError(f"{meta.label} {instance.pk} was not updated")
