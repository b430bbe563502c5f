"""State changes of the organisation tree: units one by one, residential groups in bulk,
unit officers, and the administrative units of the 2025 reorganisation.

Every function here that takes an `actor` checks that person's right (unit_access) and writes an
audit event; `actor=None` is the system itself (management commands, data loads).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from giaithuong.common import audit
from giaithuong.common.text import nfc
from giaithuong.directives import admin_units
from giaithuong.directives.admin_units import Line
from giaithuong.directives.models import CascadeProgress, OrganisationUnit, UnitKind
from giaithuong.directives.unit_access import (
    can_add_top_level,
    can_grant_officers,
    can_manage_unit,
    forget,
)

# The fields a person edits; `path`, `depth` and `parent` are the tree's own business.
EDITABLE = ("kind", "name", "short_name", "code", "seat", "admin_code", "email", "phone",
            "header_name", "header_parent", "is_active")
_TEXT = ("name", "short_name", "code", "seat", "admin_code", "email", "phone", "header_name",
         "header_parent")
DEFAULT_GROUP_PATTERN = "Tổ dân phố số {n}"
MAX_GROUPS = 500


class UnitError(ValueError):
    """A rule of the tree was broken; `field` names the form field it belongs to ("" for the
    whole form)."""

    def __init__(self, message, field: str = ""):
        super().__init__(message)
        self.field = field


def _require_manager(actor, unit: OrganisationUnit | None) -> None:
    if actor is None:
        return  # the system itself (commands, loads)
    allowed = can_add_top_level(actor) if unit is None else can_manage_unit(actor, unit)
    if not allowed:
        raise PermissionError(gettext_lazy("You may not change this part of the tree."))


def _clean_text(value: str) -> str:
    return " ".join(nfc(value or "").split())


def _check(unit: OrganisationUnit) -> None:
    """The checks a form would make, for callers without one (the API)."""
    if not unit.name:
        raise UnitError(gettext_lazy("The name is required."), "name")
    if unit.kind not in UnitKind.values:
        raise UnitError(gettext_lazy("Choose one of the kinds offered."), "kind")
    if unit.email:
        try:
            validate_email(unit.email)
        except ValidationError as error:
            raise UnitError(gettext_lazy("Enter a valid e-mail address."), "email") from error


def _snapshot(unit: OrganisationUnit) -> dict:
    return {name: getattr(unit, name) for name in (*EDITABLE, "parent_id")}


def _place(unit: OrganisationUnit) -> None:
    parent_path = unit.parent.path if unit.parent_id else "/"
    unit.path = f"{parent_path}{unit.pk}/"
    unit.depth = unit.path.count("/") - 2


def save_unit(unit: OrganisationUnit, *, actor=None) -> OrganisationUnit:
    """Create or update a unit, keeping the materialised paths of it and its subtree right."""
    with transaction.atomic():
        for name in _TEXT:
            setattr(unit, name, _clean_text(getattr(unit, name)))
        created = unit.pk is None
        old = None if created else OrganisationUnit.objects.get(pk=unit.pk)
        if unit.parent_id and not created and f"/{unit.pk}/" in unit.parent.path:
            raise UnitError(gettext_lazy("A unit cannot be placed under its own subtree."),
                            "parent")
        unit.save()
        _place(unit)
        OrganisationUnit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
        if old is not None and old.path and old.path != unit.path:
            for child in OrganisationUnit.objects.filter(path__startswith=old.path).exclude(
                    pk=unit.pk).order_by("depth"):
                child.parent.refresh_from_db()
                _place(child)
                child.save(update_fields=["path", "depth"])
            _follow_progress(unit.path)
        before = None if old is None else _snapshot(old)
        after = _snapshot(unit)
        if before is not None:
            changed = {name for name in after if before[name] != after[name]}
            before = {name: before[name] for name in changed}
            after = {name: after[name] for name in changed}
        audit.record("unit.created" if created else "unit.changed", actor=actor, target=unit,
                     before=before, after=after)
    return unit


def _follow_progress(path: str) -> None:
    """Cascade progress rows carry their unit's path for the roll-ups: a moved subtree's rows
    move with it."""
    moved = OrganisationUnit.objects.filter(pk=OuterRef("unit_id"))
    CascadeProgress.objects.filter(unit__path__startswith=path).update(
        unit_path=Subquery(moved.values("path")[:1]),
        depth=Subquery(moved.values("depth")[:1]))


def ensure_unit(*, name: str, kind: str, parent: OrganisationUnit | None = None,
                code: str = "", short_name: str = "", seat: str = "",
                actor=None) -> OrganisationUnit:
    """Idempotent: the unit of that name under that parent, created if missing."""
    existing = OrganisationUnit.objects.filter(name=_clean_text(name), parent=parent).first()
    if existing is not None:
        return existing
    return save_unit(OrganisationUnit(name=name, kind=kind, parent=parent, code=code,
                                      short_name=short_name, seat=seat), actor=actor)


def fill_paths() -> int:
    """Give units inserted in bulk (path "") their path and depth: one UPDATE per level, top
    down, whatever the number of units."""
    units = OrganisationUnit.objects
    filled = units.filter(path="", parent__isnull=True).update(
        path=Concat(Value("/"), Cast("id", CharField()), Value("/"), output_field=CharField()),
        depth=0)
    parent = OrganisationUnit.objects.filter(pk=OuterRef("parent_id"))
    while True:
        count = (units.filter(path="", parent__isnull=False).exclude(parent__path="")
                 .update(path=Concat(Subquery(parent.values("path")[:1]), Cast("id", CharField()),
                                     Value("/"), output_field=CharField()),
                         depth=Subquery(parent.values("depth")[:1]) + 1))
        if not count:
            return filled
        filled += count


def _lock(parent: OrganisationUnit | None) -> None:
    """Serialise additions under one parent, so two requests cannot both add the same name."""
    if parent is not None:
        list(OrganisationUnit.objects.select_for_update().filter(pk=parent.pk).values_list("id"))


def _sibling_exists(parent: OrganisationUnit | None, name: str,
                    exclude: int | None = None) -> bool:
    siblings = OrganisationUnit.objects.filter(parent=parent, name=name)
    return siblings.exclude(pk=exclude).exists() if exclude else siblings.exists()


def _name_taken() -> UnitError:
    return UnitError(gettext_lazy("A unit of this name already exists here."), "name")


def create_unit(*, actor, parent: OrganisationUnit | None, **fields) -> OrganisationUnit:
    """A new unit under `parent` (at the top when None). Names are unique among siblings, so a
    form sent twice never makes two units."""
    _require_manager(actor, parent)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    unit = OrganisationUnit(parent=parent, **fields)
    unit.name, unit.email = _clean_text(unit.name), _clean_text(unit.email)
    _check(unit)
    if not _clean_text(unit.seat):
        unit.seat = parent.seat if parent is not None else ""
    if not unit.seat:
        raise UnitError(gettext_lazy("The seat is required for a top-level unit."), "seat")
    with transaction.atomic():
        _lock(parent)
        if _sibling_exists(parent, unit.name):
            raise _name_taken()
        return save_unit(unit, actor=actor)


def update_unit(unit: OrganisationUnit, *, actor, **fields) -> OrganisationUnit:
    """Change the editable fields of a unit (the tree's shape is not changed here)."""
    _require_manager(actor, unit)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        unit = OrganisationUnit.objects.select_for_update().get(pk=unit.pk)
        for name, value in fields.items():
            setattr(unit, name, value)
        unit.name, unit.email = _clean_text(unit.name), _clean_text(unit.email)
        _check(unit)
        if not _clean_text(unit.seat):
            raise UnitError(gettext_lazy("The seat is required."), "seat")
        if _sibling_exists(unit.parent, unit.name, exclude=unit.pk):
            raise _name_taken()
        return save_unit(unit, actor=actor)


# Residential groups --------------------------------------------------------------------------

@dataclass
class GroupsResult:
    created: list[OrganisationUnit] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def group_names(*, names: Iterable[str] | None = None, count: int | None = None,
                pattern: str = DEFAULT_GROUP_PATTERN, start: int = 1) -> list[str]:
    """The names asked for: a list as given (cleaned, blanks and repeats dropped), or `count`
    names from a pattern where {n} is the number."""
    if names is not None and count is not None:
        raise UnitError(gettext_lazy("Give either a list of names or a number, not both."))
    if names is not None:
        wanted = list(dict.fromkeys(filter(None, (_clean_text(name) for name in names))))
        if not wanted:
            raise UnitError(gettext_lazy("Give at least one name."), "names")
    elif count is not None:
        if not 1 <= count <= MAX_GROUPS:
            raise UnitError(format_lazy(gettext_lazy("Give a number from 1 to {limit}."),
                                        limit=MAX_GROUPS), "count")
        pattern = _clean_text(pattern)
        if pattern.count("{n}") != 1:
            raise UnitError(gettext_lazy("The pattern must contain {n} once, where the number "
                                         "goes."), "pattern")
        if not 1 <= start <= 100_000:
            raise UnitError(gettext_lazy("The first number must be between 1 and 100000."),
                            "start")
        # Plain replacement, not str.format: a pattern is user text, never a format program.
        wanted = [pattern.replace("{n}", str(number)) for number in range(start, start + count)]
    else:
        raise UnitError(gettext_lazy("Give a list of names or how many groups to create."))
    if len(wanted) > MAX_GROUPS:
        raise UnitError(format_lazy(gettext_lazy("At most {limit} groups at a time."),
                                    limit=MAX_GROUPS), "names")
    too_long = [name for name in wanted if len(name) > 300]
    if too_long:
        raise UnitError(gettext_lazy("A name is longer than 300 characters."), "names")
    return wanted


def create_residential_groups(ward: OrganisationUnit, *, actor, names: Iterable[str] | None = None,
                              count: int | None = None, pattern: str = DEFAULT_GROUP_PATTERN,
                              start: int = 1) -> GroupsResult:
    """Residential groups (tổ dân phố, thôn) under a ward in one go. Idempotent: names already
    under the ward are kept as they are and reported as existing."""
    _require_manager(actor, ward)
    wanted = group_names(names=names, count=count, pattern=pattern, start=start)
    result = GroupsResult()
    with transaction.atomic():
        _lock(ward)
        taken = set(OrganisationUnit.objects.filter(parent=ward, name__in=wanted)
                    .values_list("name", flat=True))
        result.existing = [name for name in wanted if name in taken]
        new = [OrganisationUnit(kind=UnitKind.RESIDENTIAL, name=name, parent=ward,
                                seat=ward.seat, path="") for name in wanted if name not in taken]
        if new:
            OrganisationUnit.objects.bulk_create(new, batch_size=500)
            fill_paths()
            result.created = list(OrganisationUnit.objects.filter(
                parent=ward, name__in=[unit.name for unit in new]).order_by("id"))
            audit.record("units.groups_created", actor=actor, target=ward,
                         after={"count": len(new), "names": [unit.name for unit in new],
                                "kept": len(result.existing)})
    return result


# Unit officers -------------------------------------------------------------------------------

def _require_granter(actor, unit: OrganisationUnit) -> None:
    if not can_grant_officers(actor, unit):
        raise PermissionError(gettext_lazy(
            "Only organisers and officers of a unit above may appoint this unit's officers."))


def grant_unit_officer(unit: OrganisationUnit, user, *, actor):
    """Make `user` an officer of `unit` (idempotent)."""
    from giaithuong.accounts.services import grant_role

    _require_granter(actor, unit)
    grant = grant_role(user, "unit_officer", unit=unit, actor=actor)
    forget(user)
    return grant


def revoke_unit_officer(unit: OrganisationUnit, user, *, actor) -> bool:
    """Take the officer role for `unit` from `user` (idempotent)."""
    from giaithuong.accounts.services import revoke_role

    _require_granter(actor, unit)
    removed = revoke_role(user, "unit_officer", unit=unit, actor=actor)
    forget(user)
    return removed


# Administrative units ------------------------------------------------------------------------

@dataclass
class LineLoad:
    """What loading one line did: units created, existing units adopted (given their code),
    and units that were already there."""

    line: str
    provinces: int = 0
    wards: int = 0
    created: int = 0
    adopted: int = 0
    existing: int = 0


def _spec_fields(spec: admin_units.UnitSpec) -> dict:
    return {"name": spec.name, "short_name": spec.short_name, "seat": spec.seat,
            "code": spec.code, "admin_code": spec.admin_code, "header_name": spec.header_name,
            "header_parent": spec.header_parent}


def _line_root(line: Line, load: LineLoad) -> OrganisationUnit:
    roots = {unit.name: unit for unit in OrganisationUnit.objects.filter(
        parent__isnull=True, name__in=admin_units.ROOT_ALIASES[line])}
    for name in admin_units.ROOT_ALIASES[line]:
        if name in roots:
            load.existing += 1
            return roots[name]
    load.created += 1
    return OrganisationUnit.objects.create(kind=line.value, path="",
                                           **_spec_fields(admin_units.root_spec(line)))


def _load_level(line: Line, load: LineLoad, divisions, parent_of, existing: dict) -> dict:
    """Units for one level of divisions; returns {admin code: unit id} for the level."""
    parent_ids = {parent_of(division) for division in divisions}
    adoptable = {(unit.parent_id, unit.name): unit.pk for unit in OrganisationUnit.objects.filter(
        parent_id__in=parent_ids, kind=line.value, admin_code="")}
    ids, new, adopted = {}, [], []
    for division in divisions:
        spec = admin_units.unit_spec(line, division)
        if spec.admin_code in existing:
            ids[spec.admin_code] = existing[spec.admin_code]
            load.existing += 1
            continue
        parent_id = parent_of(division)
        match = next((adoptable[(parent_id, prefix + spec.name)]
                      for prefix in admin_units.ADOPT_PREFIXES
                      if (parent_id, prefix + spec.name) in adoptable), None)
        if match is not None:
            adopted.append(OrganisationUnit(pk=match, admin_code=spec.admin_code))
            ids[spec.admin_code] = match
            continue
        new.append(OrganisationUnit(kind=line.value, parent_id=parent_id, path="",
                                    **_spec_fields(spec)))
    if adopted:
        OrganisationUnit.objects.bulk_update(adopted, ["admin_code"], batch_size=500)
        load.adopted += len(adopted)
    for unit in OrganisationUnit.objects.bulk_create(new, batch_size=500):
        ids[unit.admin_code] = unit.pk
    load.created += len(new)
    return ids


def _load_line(line: Line, provinces, wards) -> LineLoad:
    load = LineLoad(line=line.value, provinces=len(provinces), wards=len(wards))
    root = _line_root(line, load)
    existing = dict(OrganisationUnit.objects.filter(kind=line.value).exclude(admin_code="")
                    .values_list("admin_code", "id"))
    province_ids = _load_level(line, load, provinces, lambda _: root.pk, existing)
    _load_level(line, load, wards, lambda ward: province_ids[ward.province_code], existing)
    return load


def load_admin_units(*, lines: Iterable[str] = (Line.STATE, Line.FRONT),
                     actor=None) -> list[LineLoad]:
    """Load the provinces and communes of the 2025 reorganisation into the State and Front
    lines. Idempotent (a unit is known by its administrative code and line); a run that finds
    everything in place writes nothing. One audit event sums up a load that changed anything."""
    provinces, wards = admin_units.divisions()
    with transaction.atomic():
        loads = [_load_line(Line(line), provinces, wards) for line in lines]
        if any(load.created or load.adopted for load in loads):
            fill_paths()
            audit.record("units.admin_loaded", actor=actor,
                         after={load.line: {"created": load.created, "adopted": load.adopted,
                                            "existing": load.existing} for load in loads})
    return loads
