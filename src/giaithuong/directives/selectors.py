"""Reads of the cascade: the coverage roll-up of a subtree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from giaithuong.directives.models import CascadeProgress, Letter, OrganisationUnit


def subtree_range(path: str) -> tuple[str, str]:
    """Paths below `path` sort in [path, path-with-its-last-'/'-raised): an index range scan
    (LIKE 'x%' with an ESCAPE clause cannot use SQLite's index)."""
    return path, path[:-1] + chr(ord("/") + 1)


def in_subtree(path: str, column: str = "path") -> Q:
    low, high = subtree_range(path)
    return Q(**{f"{column}__gte": low, f"{column}__lt": high})


@dataclass
class LevelCoverage:
    depth: int
    units: int = 0
    received: int = 0
    acknowledged: int = 0
    issued: int = 0
    reported: int = 0
    audience: int = 0


@dataclass
class Coverage:
    unit: OrganisationUnit
    root: Letter
    levels: list[LevelCoverage] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)

    @property
    def totals(self) -> LevelCoverage:
        total = LevelCoverage(depth=-1)
        for level in self.levels:
            for name in ("units", "received", "acknowledged", "issued", "reported", "audience"):
                setattr(total, name, getattr(total, name) + getattr(level, name))
        return total


def coverage(unit: OrganisationUnit, root: Letter, *, overdue_limit: int = 50) -> Coverage:
    """How far the cascade of `root` has reached in `unit`'s subtree, level by level."""
    levels: dict[int, LevelCoverage] = {}
    units = (OrganisationUnit.objects.filter(in_subtree(unit.path), is_active=True)
             .values("depth").annotate(n=Count("id")).order_by())
    for row in units:
        levels[row["depth"]] = LevelCoverage(depth=row["depth"], units=row["n"])
    progress = (CascadeProgress.objects.filter(in_subtree(unit.path, "unit_path"),
                                               cascade_root=root)
                .values("depth")
                .annotate(received=Count("received_at"), acknowledged=Count("acknowledged_at"),
                          issued=Count("issued_at"), reported=Count("reported_at"),
                          audience=Sum("audience"))
                .order_by())
    for row in progress:
        level = levels.setdefault(row["depth"], LevelCoverage(depth=row["depth"]))
        level.received, level.acknowledged = row["received"], row["acknowledged"]
        level.issued, level.reported = row["issued"], row["reported"]
        level.audience = row["audience"] or 0
    overdue = list(
        CascadeProgress.objects.filter(in_subtree(unit.path, "unit_path"), cascade_root=root,
                                       due_date__lt=timezone.localdate(),
                                       reported_at__isnull=True)
        .order_by("due_date", "unit_path")
        .values("unit_id", "unit__name", "due_date", "acknowledged_at")[:overdue_limit])
    return Coverage(unit=unit, root=root, levels=[levels[d] for d in sorted(levels)],
                    overdue=overdue)

