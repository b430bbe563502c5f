"""Reads of the cascade: what a person may see (letters, inbox, units), and the coverage roll-up
of a subtree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
)
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giaithuong.accounts.roles import Role
from giaithuong.common.text import collation_key, nfc
from giaithuong.directives import graph
from giaithuong.directives.grammar import classify_symbol, format_number_line
from giaithuong.directives.letter import Style
from giaithuong.directives.models import (
    CascadeProgress,
    Delivery,
    DeliveryState,
    Letter,
    LetterReference,
    LetterSource,
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
    units and the units below them, the top letter of every cascade their units take part in
    (so a ward can follow the national cascade it implements), and letters read in from outside
    (public official letters the cascade cites); drafts stay with the issuing unit's own
    officers."""
    if _is_organiser(user):
        return Letter.objects.all()
    issuer_scope = _scope(user, "issuer__path")
    if issuer_scope is None:
        return Letter.objects.none()
    delivered = Delivery.objects.filter(_scope(user, "unit__path"), letter=OuterRef("pk"))
    taking_part = CascadeProgress.objects.filter(cascade_root=OuterRef("pk"),
                                                 unit_id__in=officer_units(user))
    sent_or_received = Q(status=LetterStatus.ISSUED) & (
        issuer_scope | Exists(delivered) | Exists(taking_part))
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


# Coverage pages and the cascade graph ----------------------------------------------------------

class ProgressStatus(TextChoices):
    """Where one unit stands in one cascade."""

    DONE = "done", _("Done (reported)")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Pending")
    OVERDUE = "overdue", _("Overdue")


def progress_status(row, today: dt.date) -> str:
    """The status of a unit from its CascadeProgress row (or a dict with the same fields);
    a unit the cascade has not reached yet is pending."""
    if row is None:
        return ProgressStatus.PENDING
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name, None))
    if get("reported_at"):
        return ProgressStatus.DONE
    if get("due_date") and get("due_date") < today:
        return ProgressStatus.OVERDUE
    if get("acknowledged_at") or get("issued_at"):
        return ProgressStatus.IN_PROGRESS
    return ProgressStatus.PENDING


def cascade_roots(user) -> QuerySet[Letter]:
    """The top letters of the cascades this person can follow (each its own cascade root),
    newest first."""
    return (visible_letters(user).filter(status=LetterStatus.ISSUED, cascade_root=F("pk"))
            .select_related("issuer").order_by("-date", "-id"))


def visible_root(user, root_id: int) -> Letter | None:
    return cascade_roots(user).filter(pk=root_id).first()


def top_units(user) -> list[OrganisationUnit]:
    """Where a person's view of the tree starts: the roots of the tree for an organiser; for a
    unit officer, their units that are not below another of their units."""
    if _is_organiser(user):
        return list(OrganisationUnit.objects.filter(parent__isnull=True).order_by("path"))
    units = list(own_units(user).order_by("path"))
    return [u for u in units
            if not any(o.pk != u.pk and u.path.startswith(o.path) for o in units)]


def breadcrumbs(user, unit: OrganisationUnit) -> list[OrganisationUnit]:
    """The unit's ancestors this person can see, top first, ending with the unit."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return list(visible_units(user).filter(pk__in=ids).order_by("depth"))


@dataclass
class Rollup:
    """Counts of one subtree in one cascade; `units` counts active units."""

    units: int = 0
    received: int = 0
    acknowledged: int = 0
    issued: int = 0
    reported: int = 0
    audience: int = 0
    overdue: int = 0


_ROLLUP = {"received": Count("received_at"), "acknowledged": Count("acknowledged_at"),
           "issued": Count("issued_at"), "reported": Count("reported_at"),
           "audience": Sum("audience")}


def _overdue_count(today: dt.date) -> Count:
    return Count("id", filter=Q(due_date__lt=today, reported_at__isnull=True))


def _fill(rollup: Rollup, row: dict) -> Rollup:
    for name in ("received", "acknowledged", "issued", "reported", "overdue"):
        setattr(rollup, name, row.get(name) or 0)
    rollup.audience = row.get("audience") or 0
    return rollup


def _branch(prefix: str, column: str):
    """The id (as text) of the branch right below `prefix` that a row's path lies in:
    '/1/17/230/' below '/1/' → '17'. Lets one GROUP BY roll up every child's subtree."""
    rest = Substr(column, len(prefix) + 1)
    return Substr(rest, 1, StrIndex(rest, Value("/")) - 1)


def _branch_rollups(prefix: str, root: Letter, today: dt.date,
                    scope: Q | None = None) -> dict[int, Rollup]:
    """Roll-ups of every branch below `prefix` ('/' for the roots of the tree), in two grouped
    queries whatever the number of branches."""
    low, high = subtree_range(prefix)  # '/' gives every path
    units = (OrganisationUnit.objects.filter(path__gt=low, path__lt=high, is_active=True)
             .filter(scope or Q()).annotate(branch=_branch(prefix, "path"))
             .values("branch").annotate(n=Count("id")).order_by())
    result: dict[int, Rollup] = {int(r["branch"]): Rollup(units=r["n"]) for r in units}
    progress = (CascadeProgress.objects
                .filter(unit_path__gt=low, unit_path__lt=high, cascade_root=root)
                .filter(scope or Q()).annotate(branch=_branch(prefix, "unit_path"))
                .values("branch").annotate(**_ROLLUP, overdue=_overdue_count(today))
                .order_by())
    for row in progress:
        _fill(result.setdefault(int(row["branch"]), Rollup()), row)
    return result


def overdue_count(unit: OrganisationUnit, root: Letter, today: dt.date) -> int:
    return CascadeProgress.objects.filter(in_subtree(unit.path, "unit_path"), cascade_root=root,
                                          due_date__lt=today, reported_at__isnull=True).count()


@dataclass
class Branch:
    """A child unit in the tree view: its own status and the roll-up of its subtree."""

    unit: OrganisationUnit
    status: str
    rollup: Rollup
    progress: CascadeProgress | None = None


def child_branches(unit: OrganisationUnit, root: Letter, today: dt.date) -> list[Branch]:
    """The unit's direct children, each with its subtree roll-up (grouped queries, no N+1),
    in Vietnamese alphabetical order."""
    children = sorted(unit.children.filter(is_active=True),
                      key=lambda child: collation_key(child.name))
    rollups = _branch_rollups(unit.path, root, today)
    own = {p.unit_id: p for p in CascadeProgress.objects.filter(
        in_subtree(unit.path, "unit_path"), depth=unit.depth + 1, cascade_root=root)}
    return [Branch(child, progress_status(own.get(child.pk), today),
                   rollups.get(child.pk, Rollup()), own.get(child.pk)) for child in children]


@dataclass
class CascadeEntry:
    """Where a person enters one cascade: one of their top units, with its roll-up."""

    unit: OrganisationUnit
    rollup: Rollup


def cascade_entries(user, roots: list[Letter], today: dt.date) -> dict[int, list[CascadeEntry]]:
    """For each root letter, the person's top units the cascade has reached (or the issuer's
    own, before anything is delivered), with their roll-ups. Organisers: one grouped query
    over the branches of the whole tree; officers: one per unit they hold."""
    tops = top_units(user)
    ids = [root.pk for root in roots]
    found: dict[int, dict[int, Rollup]] = defaultdict(dict)
    if _is_organiser(user):
        units = {u.pk: u for u in tops}
        counts = (OrganisationUnit.objects.filter(is_active=True)
                  .annotate(branch=_branch("/", "path")).values("branch")
                  .annotate(n=Count("id")).order_by())
        sizes = {int(r["branch"]): r["n"] for r in counts}
        rows = (CascadeProgress.objects.filter(cascade_root_id__in=ids)
                .annotate(branch=_branch("/", "unit_path")).values("cascade_root_id", "branch")
                .annotate(**_ROLLUP, overdue=_overdue_count(today)).order_by())
        for row in rows:
            branch = int(row["branch"])
            found[row["cascade_root_id"]][branch] = _fill(Rollup(units=sizes.get(branch, 0)),
                                                          row)
    else:
        units = {u.pk: u for u in tops}
        for unit in tops:
            size = OrganisationUnit.objects.filter(in_subtree(unit.path), is_active=True).count()
            rows = (CascadeProgress.objects.filter(in_subtree(unit.path, "unit_path"),
                                                   cascade_root_id__in=ids)
                    .values("cascade_root_id")
                    .annotate(**_ROLLUP, overdue=_overdue_count(today)).order_by())
            for row in rows:
                found[row["cascade_root_id"]][unit.pk] = _fill(Rollup(units=size), row)
    entries: dict[int, list[CascadeEntry]] = {}
    for root in roots:
        reached = [CascadeEntry(units[pk], rollup)
                   for pk, rollup in found[root.pk].items() if pk in units]
        if not reached and root.issuer_id:
            # Nothing delivered yet: enter at the top unit holding the issuer.
            reached = [CascadeEntry(u, Rollup()) for u in tops
                       if root.issuer.path.startswith(u.path)]
        entries[root.pk] = sorted(reached, key=lambda e: e.unit.path)
    return entries


def level_delays(unit: OrganisationUnit, root: Letter,
                 levels: list[LevelCoverage]) -> dict[int, float]:
    """Median days from the root letter's date to the date each level issued its own letter
    (CascadeProgress.issued_at), per depth. Two indexed rows per level, never the whole list."""
    if root.date is None:
        return {}
    medians: dict[int, float] = {}
    for level in levels:
        n = level.issued
        if not n:
            continue
        ordered = (CascadeProgress.objects
                   .filter(in_subtree(unit.path, "unit_path"), cascade_root=root,
                           depth=level.depth, issued_at__isnull=False)
                   .order_by("issued_at").values_list("issued_at", flat=True))
        middle = [ordered[(n - 1) // 2]] if n % 2 else list(ordered[n // 2 - 1:n // 2 + 1])
        days = [(timezone.localtime(moment).date() - root.date).days for moment in middle]
        medians[level.depth] = sum(days) / len(days)
    return medians


def _progress_value(root: Letter, name: str) -> Subquery:
    rows = CascadeProgress.objects.filter(cascade_root=root, unit=OuterRef("pk"))
    return Subquery(rows.values(name)[:1])


def _status_filter(status: str, today: dt.date) -> Q:
    """The SQL twin of `progress_status`, on the `p_…` annotations of `coverage_rows` (NULLs
    spelled out: an annotation's nullability is unknown to the ORM's negation)."""
    reported, open_ = Q(p_reported_at__isnull=False), Q(p_reported_at__isnull=True)
    late = Q(p_due_date__lt=today)
    on_time = Q(p_due_date__isnull=True) | Q(p_due_date__gte=today)
    started = Q(p_acknowledged_at__isnull=False) | Q(p_issued_at__isnull=False)
    not_started = Q(p_acknowledged_at__isnull=True, p_issued_at__isnull=True)
    return {
        ProgressStatus.DONE: reported,
        ProgressStatus.OVERDUE: open_ & late,
        ProgressStatus.IN_PROGRESS: open_ & on_time & started,
        ProgressStatus.PENDING: open_ & on_time & not_started,  # includes units not reached
    }[status]


def coverage_rows(unit: OrganisationUnit, root: Letter, *, status: str = "",
                  level: int | None = None, today: dt.date | None = None) -> QuerySet:
    """Every active unit of the subtree in tree order with its progress in the cascade
    (`p_received_at`, `p_acknowledged_at`, `p_issued_at`, `p_reported_at`, `p_due_date`,
    `p_audience`): one indexed lookup per unit shown, so pages and CSV streams never load the
    whole tree."""
    today = today or timezone.localdate()
    rows = OrganisationUnit.objects.filter(in_subtree(unit.path), is_active=True).annotate(
        **{f"p_{name}": _progress_value(root, name)
           for name in ("received_at", "acknowledged_at", "issued_at", "reported_at",
                        "due_date", "audience")})
    if level is not None:
        rows = rows.filter(depth=unit.depth + level)
    if status in ProgressStatus.values:
        rows = rows.filter(_status_filter(status, today))
    return rows.order_by("path")


def subtree_depth(unit: OrganisationUnit) -> int:
    """How many levels lie below the unit (0 for a leaf)."""
    deepest = (OrganisationUnit.objects.filter(in_subtree(unit.path), is_active=True)
               .aggregate(deepest=Max("depth"))["deepest"])
    return (deepest or unit.depth) - unit.depth


# The cascade graph: letters linked by their citations, breadth first from one letter.

def _graph_status(letter: Letter) -> str:
    if letter.status == LetterStatus.DRAFT:
        return graph.DRAFT
    if letter.status == LetterStatus.EXTERNAL:
        return graph.CITED if letter.source == LetterSource.CITED else graph.EXTERNAL
    return graph.ISSUED


def _code_line(number: int | None, symbol: str, *, party: bool | None = None) -> str:
    symbol = nfc(symbol or "").strip()
    if not symbol:
        return f"Số {number}" if number is not None else ""
    if party is None:
        party = classify_symbol(symbol).party
    return format_number_line(number, symbol, party=party)


def letter_node(letter: Letter) -> graph.Node:
    return graph.Node(
        id=f"letter:{letter.pk}", issuer=letter.issuer_name or letter.header_name,
        code=_code_line(letter.number, letter.symbol, party=letter.style == Style.PARTY),
        date=letter.date, status=_graph_status(letter), subject=letter.subject)


def _links_of(frontier: list[int]) -> set[tuple[int, int, str]]:
    """(cited, citing, relation) of every citation and `implements` link touching `frontier`."""
    links = set(LetterReference.objects
                .filter(Q(letter_id__in=frontier) | Q(target_id__in=frontier),
                        target__isnull=False)
                .values_list("target_id", "letter_id", "relation"))
    links |= {(cited, citing, "implements") for citing, cited in Letter.objects
              .filter(Q(pk__in=frontier, implements__isnull=False)
                      | Q(implements_id__in=frontier))
              .values_list("pk", "implements_id")}
    return links


def letter_graph(user, letter: Letter, *, limit: int = 1000) -> tuple[graph.Graph, bool]:
    """Every letter linked to `letter` through citations (LetterReference.target) or
    `implements`, in both directions, breadth first, that this person may see; letters known
    only from a citation become placeholder nodes. Returns the graph and whether `limit` cut
    it short. Drafts other than `letter` itself stay out: they are not in the cascade yet."""
    visible = visible_letters(user).exclude(status=LetterStatus.DRAFT)
    seen = {letter.pk}
    links: set[tuple[int, int, str]] = set()
    frontier, truncated = [letter.pk], False
    while frontier:
        found = _links_of(frontier)
        links |= found
        new = {pk for link in found for pk in link[:2]} - seen
        allowed = sorted(visible.filter(pk__in=new).values_list("pk", flat=True)) if new else []
        room = limit - len(seen)
        if len(allowed) > room:
            truncated, allowed = True, allowed[:room]
        seen.update(allowed)
        frontier = allowed
    letters = Letter.objects.filter(pk__in=seen).only(
        "pk", "issuer_name", "header_name", "number", "symbol", "style", "date", "status",
        "source", "subject")
    nodes = {f"letter:{x.pk}": letter_node(x) for x in letters}
    relation: dict[tuple[int, int], str] = {}
    for cited, citing, kind in sorted(links, key=lambda link: link[2] == "implements"):
        if cited in seen and citing in seen:
            relation.setdefault((cited, citing), kind)  # a written citation names it best
    edges = [graph.Edge(f"letter:{a}", f"letter:{b}", kind)
             for (a, b), kind in sorted(relation.items())]
    placeholders: dict[tuple, str] = {}
    for ref in (LetterReference.objects.filter(letter_id__in=seen, target__isnull=True)
                .order_by("letter_id", "position")):
        key = (ref.number, nfc(ref.symbol).upper().replace(" ", ""), ref.date,
               nfc(ref.issuer_name).casefold().strip())
        if key not in placeholders:
            if len(nodes) >= limit:
                truncated = True
                continue
            node_id = placeholders[key] = f"cited:{ref.pk}"
            nodes[node_id] = graph.Node(
                id=node_id, issuer=nfc(ref.issuer_name) or ref.kind,
                code=_code_line(ref.number, ref.symbol), date=ref.date, status=graph.CITED,
                subject=nfc(ref.subject))
        edges.append(graph.Edge(placeholders[key], f"letter:{ref.letter_id}", ref.relation))
    ordered = sorted(nodes.values(), key=lambda n: (n.date or dt.date.max, n.id))
    return graph.Graph(tuple(ordered), tuple(edges), focus=f"letter:{letter.pk}"), truncated
