"""Reads of the cascade: what a person may see (letters, inbox, units), and the coverage roll-up
of a subtree."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from giaithuong.accounts.roles import Role
from giaithuong.directives.models import (
    CascadeProgress,
    Delivery,
    DeliveryState,
    Letter,
    LetterStatus,
    OrganisationUnit,
)
from giaithuong.directives.permissions import officer_units


def subtree_range(path: str) -> tuple[str, str]:
    """Paths below `path` sort in [path, path-with-its-last-'/'-raised): an index range scan
    (LIKE 'x%' with an ESCAPE clause cannot use SQLite's index)."""
    return path, path[:-1] + chr(ord("/") + 1)


def in_subtree(path: str, column: str = "path") -> Q:
    low, high = subtree_range(path)
    return Q(**{f"{column}__gte": low, f"{column}__lt": high})


def _is_organiser(user) -> bool:
    return user is not None and user.is_authenticated and user.has_role(Role.ORGANISER)


def own_units(user) -> QuerySet[OrganisationUnit]:
    """The units this person acts for (an organiser acts for every unit)."""
    if _is_organiser(user):
        return OrganisationUnit.objects.all()
    if user is None or not user.is_authenticated:
        return OrganisationUnit.objects.none()
    return OrganisationUnit.objects.filter(pk__in=officer_units(user))


def _scope(user, column: str) -> Q | None:
    """Rows whose `column` path lies in the subtree of one of the person's units; None when the
    person has no unit."""
    if user is None or not user.is_authenticated:
        return None
    paths = list(OrganisationUnit.objects.filter(pk__in=officer_units(user))
                 .values_list("path", flat=True))
    return reduce(or_, (in_subtree(path, column) for path in paths)) if paths else None


def visible_units(user) -> QuerySet[OrganisationUnit]:
    """Organisers see the whole tree; a unit officer sees their units and everything below."""
    if _is_organiser(user):
        return OrganisationUnit.objects.all()
    scope = _scope(user, "path")
    return OrganisationUnit.objects.filter(scope) if scope else OrganisationUnit.objects.none()


def visible_letters(user) -> QuerySet[Letter]:
    """Organisers see every letter. A unit officer sees letters issued by or addressed to their
    units and the units below them, and letters read in from outside (public official letters
    the cascade cites); drafts stay with the issuing unit's own officers."""
    if _is_organiser(user):
        return Letter.objects.all()
    issuer_scope = _scope(user, "issuer__path")
    if issuer_scope is None:
        return Letter.objects.none()
    delivered = Delivery.objects.filter(_scope(user, "unit__path"), letter=OuterRef("pk"))
    sent_or_received = Q(status=LetterStatus.ISSUED) & (issuer_scope | Exists(delivered))
    own_drafts = Q(status=LetterStatus.DRAFT, issuer__in=list(officer_units(user)))
    return Letter.objects.filter(sent_or_received | own_drafts | Q(status=LetterStatus.EXTERNAL))


def can_view_letter(user, letter: Letter) -> bool:
    return visible_letters(user).filter(pk=letter.pk).exists()


def inbox(user, *, unit: OrganisationUnit | None = None) -> QuerySet[Delivery]:
    """Deliveries to the units this person acts for (văn bản đến), newest first; an organiser's
    inbox is every delivery, so pass `unit` to narrow it."""
    deliveries = Delivery.objects.select_related("letter", "unit").order_by("-received_at", "-id")
    if unit is not None:
        deliveries = deliveries.filter(unit=unit)
    if _is_organiser(user):
        return deliveries
    if user is None or not user.is_authenticated:
        return deliveries.none()
    return deliveries.filter(unit_id__in=officer_units(user))


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


def sent_letters(user, *, unit: OrganisationUnit | None = None) -> QuerySet[Letter]:
    """Drafts and issued letters of the units this person acts for (văn bản đi), newest first,
    with their delivery counts: `deliveries_total`, `deliveries_acknowledged` (acknowledged or
    further on) and `deliveries_done`."""
    letters = Letter.objects.filter(status__in=[LetterStatus.DRAFT, LetterStatus.ISSUED])
    if unit is not None:
        letters = letters.filter(issuer=unit)
    if not _is_organiser(user):
        if user is None or not user.is_authenticated:
            return letters.none()
        letters = letters.filter(issuer_id__in=officer_units(user))
    moved_on = [DeliveryState.ACKNOWLEDGED, DeliveryState.ASSIGNED, DeliveryState.IN_PROGRESS,
                DeliveryState.DONE]
    return (letters.select_related("issuer")
            # One join to the deliveries, so no row is counted twice.
            .annotate(deliveries_total=Count("deliveries"),
                      deliveries_acknowledged=Count(
                          "deliveries", filter=Q(deliveries__state__in=moved_on)),
                      deliveries_done=Count("deliveries",
                                            filter=Q(deliveries__state=DeliveryState.DONE)))
            .order_by(F("issued_at").desc(nulls_first=True), "-created_at", "-id"))
