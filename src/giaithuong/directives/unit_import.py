"""Importing units from a spreadsheet: every row is checked first, and only a file with no bad
row is written, all of it in one transaction.

The file is read by `unit_io` and checked by `unit_table` (both pure); this module looks the
parents up in the database, checks the importing person's rights row by row, and writes. A row
names a unit by its parent and its name, so importing the same file twice changes nothing the
second time, and an export imports back cleanly.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from giaithuong.common import audit
from giaithuong.directives.models import OrganisationUnit, UnitKind
from giaithuong.directives.services import fill_paths
from giaithuong.directives.unit_access import can_add_top_level, can_manage_unit
from giaithuong.directives.unit_io import UnitFileError, read_table
from giaithuong.directives.unit_table import (
    Found,
    ParentRef,
    RowError,
    Step,
    external_refs,
    fold,
    parse_table,
    plan_rows,
    row_error,
)

AUDIT_ID_LIMIT = 1000  # ids listed in the audit event; the counts are always complete


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    file_error: UnitFileError | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and self.file_error is None


def kind_spellings() -> dict[str, str]:
    """Accepted spellings of each kind, folded: its code and its label in English and Vietnamese
    (the labels as the catalogue translates them)."""
    from django.utils import translation

    spellings = {}
    for kind in UnitKind:
        spellings[fold(kind.value)] = kind.value
        for language in ("en", "vi"):
            with translation.override(language):
                spellings[fold(str(kind.label))] = kind.value
    return spellings


def _names_of(units: list[OrganisationUnit]) -> dict[int, tuple[str, ...]]:
    """Full name paths of some units, reading their ancestors in one query."""
    ids = {int(part) for unit in units for part in unit.path.strip("/").split("/") if part}
    names = dict(OrganisationUnit.objects.filter(pk__in=ids).values_list("id", "name"))
    return {unit.pk: tuple(names.get(int(part), "?") for part in unit.path.strip("/").split("/")
                           if part) for unit in units}


def _by_path(paths: set[tuple[str, ...]]) -> dict[tuple, list[OrganisationUnit]]:
    """Units whose full path of names is one of `paths`: one query for all the names involved,
    then a walk down from the top units."""
    if not paths:
        return {}
    names = {name for path in paths for name in path}
    depth = max(len(path) for path in paths)
    children: dict[int | None, dict[str, list[OrganisationUnit]]] = defaultdict(
        lambda: defaultdict(list))
    for unit in (OrganisationUnit.objects.filter(name__in=names, depth__lt=depth)
                 .only("id", "parent_id", "name", "kind", "path").iterator(chunk_size=2000)):
        children[unit.parent_id][unit.name].append(unit)
    found = {}
    for path in paths:
        level: list[OrganisationUnit | None] = [None]
        for name in path:
            level = [unit for parent in level
                     for unit in children[parent.pk if parent else None].get(name, [])]
        found[path] = level
    return found


def resolve(refs: set[ParentRef], user) -> dict[tuple, list[Found]]:
    """What each parent reference points at in the database (all units, so an officer can name
    the unit above their own; rights are checked per row afterwards)."""
    hits: dict[tuple, list[OrganisationUnit]] = {}
    ids = {ref.value for ref in refs if ref.by == "id"}
    by_id = OrganisationUnit.objects.in_bulk(ids) if ids else {}
    codes = {ref.value for ref in refs if ref.by == "admin"}
    by_code: dict[str, list[OrganisationUnit]] = defaultdict(list)
    for unit in OrganisationUnit.objects.filter(admin_code__in=codes) if codes else []:
        by_code[unit.admin_code].append(unit)
    by_path = _by_path({ref.value for ref in refs if ref.by == "path"})
    for ref in refs:
        if ref.by == "id":
            hits[ref.key] = [by_id[ref.value]] if ref.value in by_id else []
        elif ref.by == "admin":
            hits[ref.key] = [unit for unit in by_code[ref.value]
                             if not ref.line or unit.kind == ref.line]
        else:
            hits[ref.key] = by_path.get(ref.value, [])
    everything = [unit for units in hits.values() for unit in units]
    names = _names_of(everything)
    return {key: [Found(id=unit.pk, kind=unit.kind, names=names[unit.pk]) for unit in units]
            for key, units in hits.items()}


def _check_rights(steps: list[Step], user) -> tuple[list[RowError], dict[int, OrganisationUnit]]:
    """Each row must land where the person may manage: under a unit they manage, or it is
    itself a unit they manage (an officer re-importing their own unit's row). Units that exist
    already are returned by row number."""
    errors: list[RowError] = []
    parent_ids = {step.parent_id for step in steps if step.parent_id}
    parents = OrganisationUnit.objects.in_bulk(parent_ids)
    names = {step.row.name for step in steps if step.parent_row is None}
    existing_units = {}
    for unit in OrganisationUnit.objects.filter(name__in=names).filter(
            parent_id__in=parent_ids) if parent_ids else []:
        existing_units[(unit.parent_id, unit.name)] = unit
    for unit in OrganisationUnit.objects.filter(name__in=names, parent__isnull=True):
        existing_units[(None, unit.name)] = unit
    found_rows: dict[int, OrganisationUnit] = {}
    rejected_rows: set[int] = set()
    for step in steps:
        if step.parent_row is not None:
            if step.parent_row in rejected_rows:
                rejected_rows.add(step.row.row)  # already reported at its parent
            continue
        current = existing_units.get((step.parent_id, step.row.name))
        if current is not None:
            found_rows[step.row.row] = current
        if step.parent_id is None:
            allowed = can_add_top_level(user) or (current is not None
                                                  and can_manage_unit(user, current))
            if not allowed:
                errors.append(row_error(step.row.row, "parent", "root_not_allowed"))
                rejected_rows.add(step.row.row)
            continue
        allowed = can_manage_unit(user, parents[step.parent_id]) or (
            current is not None and can_manage_unit(user, current))
        if not allowed:
            # Same words as a parent that does not exist: a file must not reveal the tree.
            errors.append(row_error(step.row.row, "parent", "unknown_parent",
                                    value=step.row.parent.text))
            rejected_rows.add(step.row.row)
    return errors, found_rows


def check_file(data: bytes, filename: str, user) -> tuple[ImportResult, list[Step]]:
    """Read and check a file without writing anything."""
    result = ImportResult()
    try:
        header, rows = read_table(data, filename)
    except UnitFileError as error:
        result.file_error = error
        return result, []
    table = parse_table(header, rows, kinds=kind_spellings())
    result.errors.extend(table.errors)
    if any(error.row == 1 for error in table.errors):
        return result, []  # without a usable header the rows mean nothing
    plan = plan_rows(table.rows, resolve(external_refs(table.rows), user),
                     rejected=table.rejected)
    result.errors.extend(plan.errors)
    rights, _ = _check_rights(plan.steps, user)
    result.errors.extend(rights)
    result.errors.sort(key=lambda error: (error.row, error.column))
    return result, plan.steps


def import_units(data: bytes, filename: str, *, actor) -> ImportResult:
    """Check the whole file; if every row is good, create or update all of them at once."""
    result, steps = check_file(data, filename, actor)
    if not result.ok or not steps:
        return result
    with transaction.atomic():
        created_ids, updated_ids = _write(steps, result)
        audit.record("units.imported", actor=actor, after={
            "file": filename[:200], "sha256": hashlib.sha256(data).hexdigest(),
            "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "created_ids": created_ids[:AUDIT_ID_LIMIT],
            "updated_ids": updated_ids[:AUDIT_ID_LIMIT]})
    return result


def _write(steps: list[Step], result: ImportResult) -> tuple[list[int], list[int]]:
    """Level by level (parents first): look up existing units under their parents, update them
    in bulk, create the others in bulk, then fill in the paths."""
    pk_of_row: dict[int, int] = {}
    created_ids: list[int] = []
    updated_ids: list[int] = []
    levels: dict[int, list[Step]] = defaultdict(list)
    for step in steps:
        levels[len(step.names)].append(step)
    for depth in sorted(levels):
        level = levels[depth]
        placed = [(step, pk_of_row[step.parent_row] if step.parent_row else step.parent_id)
                  for step in level]
        # Lock the parents: a second import of the same file waits and then finds the units.
        list(OrganisationUnit.objects.select_for_update().filter(
            pk__in={parent_id for _, parent_id in placed if parent_id}).values_list("id"))
        existing = _existing(placed)
        new, changed, changed_fields = [], [], set()
        for step, parent_id in placed:
            values = step.row.values()
            unit = existing.get((parent_id, step.row.name))
            if unit is None:
                if not values.get("seat"):
                    values["seat"] = ""  # filled from the parent below
                new.append((step, OrganisationUnit(parent_id=parent_id, name=step.row.name,
                                                   path="", **values)))
                continue
            if unit.seat and not values.get("seat"):
                values.pop("seat", None)  # an empty seat keeps the one the unit has
            diff = {name: value for name, value in values.items()
                    if getattr(unit, name) != value}
            pk_of_row[step.row.row] = unit.pk
            if not diff:
                result.unchanged += 1
                continue
            for name, value in diff.items():
                setattr(unit, name, value)
            changed.append(unit)
            changed_fields.update(diff)
        if changed:
            OrganisationUnit.objects.bulk_update(changed, sorted(changed_fields), batch_size=500)
            result.updated += len(changed)
            updated_ids.extend(unit.pk for unit in changed)
        _inherit_seats([unit for _, unit in new])
        made = OrganisationUnit.objects.bulk_create([unit for _, unit in new], batch_size=500)
        for (step, _), unit in zip(new, made, strict=True):
            pk_of_row[step.row.row] = unit.pk
            created_ids.append(unit.pk)
        result.created += len(made)
        if made:
            fill_paths()
    return created_ids, updated_ids


def _existing(placed: list[tuple[Step, int | None]]) -> dict[tuple, OrganisationUnit]:
    names = {step.row.name for step, _ in placed}
    parent_ids = {parent_id for _, parent_id in placed if parent_id is not None}
    units = OrganisationUnit.objects.filter(name__in=names, parent_id__in=parent_ids) \
        if parent_ids else OrganisationUnit.objects.none()
    found = {(unit.parent_id, unit.name): unit for unit in units}
    if any(parent_id is None for _, parent_id in placed):
        found.update({(None, unit.name): unit for unit in OrganisationUnit.objects.filter(
            name__in=names, parent__isnull=True)})
    return found


def _inherit_seats(units: list[OrganisationUnit]) -> None:
    """A new unit without a seat takes its parent's (residential groups write their ward's
    name on their letters)."""
    missing = [unit for unit in units if not unit.seat]
    seats = dict(OrganisationUnit.objects.filter(
        pk__in={unit.parent_id for unit in missing}).values_list("id", "seat"))
    for unit in missing:
        unit.seat = seats.get(unit.parent_id, "")
