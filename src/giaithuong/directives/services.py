"""State changes of the organisation tree."""

from __future__ import annotations

from django.db import transaction

from giaithuong.common import audit
from giaithuong.common.text import nfc
from giaithuong.directives.models import OrganisationUnit


def _place(unit: OrganisationUnit) -> None:
    parent_path = unit.parent.path if unit.parent_id else "/"
    unit.path = f"{parent_path}{unit.pk}/"
    unit.depth = unit.path.count("/") - 2


def save_unit(unit: OrganisationUnit, *, actor=None) -> OrganisationUnit:
    """Create or update a unit, keeping the materialised paths of it and its subtree right."""
    with transaction.atomic():
        for field in ("name", "short_name", "code", "seat"):
            setattr(unit, field, nfc(getattr(unit, field)).strip())
        created = unit.pk is None
        old_path = None if created else OrganisationUnit.objects.get(pk=unit.pk).path
        if unit.parent_id and not created and f"/{unit.pk}/" in unit.parent.path:
            raise ValueError("A unit cannot be placed under its own subtree.")
        unit.save()
        _place(unit)
        OrganisationUnit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
        if old_path and old_path != unit.path:
            for child in OrganisationUnit.objects.filter(path__startswith=old_path).exclude(
                    pk=unit.pk).order_by("depth"):
                child.parent.refresh_from_db()
                _place(child)
                child.save(update_fields=["path", "depth"])
        audit.record("unit.created" if created else "unit.changed", actor=actor, target=unit,
                     after={"name": unit.name, "parent": unit.parent_id, "code": unit.code})
    return unit


def ensure_unit(*, name: str, kind: str, parent: OrganisationUnit | None = None,
                code: str = "", short_name: str = "", seat: str = "",
                actor=None) -> OrganisationUnit:
    """Idempotent: the unit of that name under that parent, created if missing."""
    existing = OrganisationUnit.objects.filter(name=nfc(name), parent=parent).first()
    if existing is not None:
        return existing
    return save_unit(OrganisationUnit(name=name, kind=kind, parent=parent, code=code,
                                      short_name=short_name, seat=seat), actor=actor)
