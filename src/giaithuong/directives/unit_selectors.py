"""Reads of the organisation tree for the unit pages and the API: where a person starts, search
by name without diacritics, children with their counts, officers, and export rows.

Lists are always paged by the caller; counts of children are read for one page of units at a
time, never for the whole tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Count, F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat

from giaithuong.accounts.models import RoleGrant
from giaithuong.accounts.roles import Role
from giaithuong.directives.models import OrganisationUnit
from giaithuong.directives.selectors import in_subtree, own_units, visible_units
from giaithuong.directives.unit_table import COLUMNS, PATH_SEPARATOR, fold

# Precomposed Latin letters and their bare lower-case letter, for folding in SQL where there is
# no Python (PostgreSQL's TRANSLATE).
_FOLD_FROM = "".join(chr(code) for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
                     if len(fold(chr(code))) == 1 and fold(chr(code)).isascii()
                     and fold(chr(code)) != chr(code).lower())
_FOLD_TO = "".join(fold(char) for char in _FOLD_FROM)
_FOLD_TABLE = str.maketrans(_FOLD_FROM, _FOLD_TO)


def _fold_stored(value: str | None) -> str | None:
    """`fold` for stored names, which are NFC with single spaces already: a table lookup per
    character, several times faster than decomposing (it runs once per row searched)."""
    return value.translate(_FOLD_TABLE).lower() if value else value


class Folded(Func):
    """A text column folded like `unit_table.fold` (no diacritics, đ → d, lower case), so
    "nam dong" finds "Nam Đồng". SQLite calls the Python function; PostgreSQL translates."""

    arity = 1
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        connection.ensure_connection()
        connection.connection.create_function("giaithuong_fold", 1, _fold_stored,
                                              deterministic=True)
        return super().as_sql(compiler, connection, function="giaithuong_fold", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = f"LOWER(TRANSLATE(%(expressions)s, '{_FOLD_FROM}', '{_FOLD_TO}'))"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sql(self, compiler, connection, **extra):  # other databases: case only
        return super().as_sql(compiler, connection, function="LOWER", **extra)


def matching(units: QuerySet[OrganisationUnit], query: str) -> QuerySet[OrganisationUnit]:
    """Units whose name or short name contains the query (diacritics and case ignored), or
    whose administrative code or id is the query."""
    folded = fold(query)
    if not folded:
        return units
    condition = Q(folded_names__contains=folded)
    query = query.strip()
    if query.isdigit() and len(query) <= 12:
        condition |= Q(admin_code=query) | Q(pk=int(query))
    # One folded text per row (name, a tab, short name): one call of the function per row.
    names = Concat(F("name"), Value("\t"), F("short_name"), output_field=TextField())
    return units.alias(folded_names=Folded(names)).filter(condition)


def start_units(user) -> QuerySet[OrganisationUnit]:
    """Where a person's tree starts: the top units for organisers, their own units for a unit
    officer."""
    units = own_units(user)
    if user.is_authenticated and user.has_role(Role.ORGANISER):
        units = units.filter(parent__isnull=True)
    return units.order_by("name", "id")


def search_units(user, query: str = "", *, kind: str = "",
                 parent: int | None = None) -> QuerySet[OrganisationUnit]:
    units = visible_units(user).select_related("parent")
    if kind:
        units = units.filter(kind=kind)
    if parent is not None:
        units = units.filter(parent_id=parent)
    return matching(units, query).order_by("depth", "name", "id")


def children_of(unit: OrganisationUnit) -> QuerySet[OrganisationUnit]:
    return OrganisationUnit.objects.filter(parent=unit).order_by("name", "id")


def with_children_counts(units: Sequence[OrganisationUnit]) -> Sequence[OrganisationUnit]:
    """Set `children_count` on each unit of one page, in one grouped query."""
    counts = dict(OrganisationUnit.objects.filter(parent_id__in=[unit.pk for unit in units])
                  .values("parent_id").annotate(n=Count("id")).values_list("parent_id", "n")
                  .order_by())
    for unit in units:
        unit.children_count = counts.get(unit.pk, 0)
    return units


def ancestors(unit: OrganisationUnit) -> list[OrganisationUnit]:
    """The units above `unit`, from the top down (one query, from the materialised path)."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    by_id = OrganisationUnit.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def unit_officers(unit: OrganisationUnit) -> QuerySet[RoleGrant]:
    return (RoleGrant.objects.filter(role=Role.UNIT_OFFICER, unit=unit)
            .select_related("user").order_by("user__full_name", "user__username"))


def export_rows(unit: OrganisationUnit) -> Iterator[list[str]]:
    """The subtree of `unit` as spreadsheet rows (columns of unit_table.COLUMNS), parents
    before children. Parents are written as full paths of names, which read back into any
    installation, not just this one."""
    above = tuple(ancestor.name for ancestor in ancestors(unit))
    names: dict[int, tuple[str, ...]] = {}
    fields = ("id", "parent_id", *(column for column in COLUMNS if column != "parent"))
    rows = (OrganisationUnit.objects.filter(in_subtree(unit.path)).order_by("path")
            .values(*fields).iterator(chunk_size=2000))
    for row in rows:
        parent_names = above if row["id"] == unit.pk else names.get(row["parent_id"], ())
        names[row["id"]] = (*parent_names, row["name"])
        row["parent"] = PATH_SEPARATOR.join(parent_names)
        yield [row[column] or "" for column in COLUMNS]
