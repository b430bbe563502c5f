"""Coverage pages (theo dõi kết quả triển khai): how far a cascade has reached in a unit's
subtree, level by level and child by child, as a table and a CSV file; and the cascade graph,
which letter cites which.

Thin: `directives.selectors` reads, `directives.graph` draws. A unit outside the person's
visible tree, or a letter they may not see, does not exist for them (404).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giaithuong.accounts.roles import Role
from giaithuong.common.access import access, roles
from giaithuong.directives import graph, selectors
from giaithuong.directives.forms.coverage import CoverageFilterForm, level_name
from giaithuong.directives.grammar import format_code
from giaithuong.directives.letter import Style
from giaithuong.directives.models import (
    Letter,
    LetterSource,
    LetterStatus,
    OrganisationUnit,
    Relation,
)

COVERAGE_PEOPLE = roles(Role.ORGANISER, Role.UNIT_OFFICER)
ROOTS_PAGE_SIZE = 10
CHILDREN_PAGE_SIZE = 100
TABLE_PAGE_SIZE = 50


# Lookups with the object-level checks ----------------------------------------------------------

def _unit_and_root(request, root_id: int, unit_id: int) -> tuple[OrganisationUnit, Letter]:
    unit = selectors.visible_units(request.user).filter(pk=unit_id).first()
    root = selectors.visible_root(request.user, root_id)
    if unit is None or root is None:
        raise Http404
    return unit, root


def _visible_letter(request, letter_id: int) -> Letter:
    letter = selectors.visible_letters(request.user).filter(pk=letter_id).first()
    if letter is None:
        raise Http404
    return letter


# Numbers as the pages show them ----------------------------------------------------------------

@dataclass
class Share:
    label: str
    count: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.total) if self.total else None

    @property
    def bar_max(self) -> int:
        """A meter's maximum: a unit deactivated after it was reached must not overflow it."""
        return max(self.total, self.count, 1)


def _shares(rollup) -> list[Share]:
    return [Share(_("Received"), rollup.received, rollup.units),
            Share(_("Acknowledged"), rollup.acknowledged, rollup.units),
            Share(_("Issued own letter"), rollup.issued, rollup.units),
            Share(_("Reported"), rollup.reported, rollup.units)]


def _code(letter: Letter) -> str:
    """"783/MTTQ-BTT", "897-CV/BTGDVTU": the letter's number and symbol as cited in text."""
    if not letter.symbol:
        return str(letter.number or "")
    return format_code(letter.number, letter.symbol, party=letter.style == Style.PARTY)


def _days(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# Pages -----------------------------------------------------------------------------------------

@access(COVERAGE_PEOPLE)
@require_GET
def coverage_home(request):
    """The cascades this person can follow, with their progress where the person stands."""
    today = timezone.localdate()
    page = Paginator(selectors.cascade_roots(request.user), ROOTS_PAGE_SIZE).get_page(
        request.GET.get("page"))
    roots = list(page.object_list)
    entries = selectors.cascade_entries(request.user, roots, today)
    cascades = [{"root": root, "code": _code(root),
                 "entries": [{"unit": e.unit, "rollup": e.rollup, "shares": _shares(e.rollup)}
                             for e in entries.get(root.pk, [])]}
                for root in roots]
    return render(request, "directives/coverage/home.html",
                  {"page": page, "cascades": cascades})


@access(COVERAGE_PEOPLE)
@require_GET
def coverage(request, root_id: int, unit_id: int):
    """One unit's subtree in one cascade: per level, the children, the overdue units."""
    unit, root = _unit_and_root(request, root_id, unit_id)
    today = timezone.localdate()
    cov = selectors.coverage(unit, root)
    delays = selectors.level_delays(unit, root, cov.levels)
    levels = [{"name": level_name(level.depth - unit.depth), "level": level,
               "shares": _shares(level), "delay": _days(delays.get(level.depth))}
              for level in cov.levels]
    totals = cov.totals
    children = Paginator(selectors.child_branches(unit, root, today),
                         CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directives/coverage/unit.html", {
        "unit": unit, "root": root, "code": _code(root), "levels": levels,
        "totals": totals, "total_shares": _shares(totals),
        "overdue": cov.overdue, "overdue_total": selectors.overdue_count(unit, root, today),
        "children": children,
        "branches": [{"branch": b, "shares": _shares(b.rollup),
                      "status_label": selectors.ProgressStatus(b.status).label}
                     for b in children.object_list],
        "crumbs": selectors.breadcrumbs(request.user, unit),
    })


def _filtered_rows(request, unit, root):
    form = CoverageFilterForm(request.GET or None, levels=selectors.subtree_depth(unit))
    filters = form.filters() if request.GET else {"status": "", "level": None}
    return form, filters, selectors.coverage_rows(unit, root, **filters)


@access(COVERAGE_PEOPLE)
@require_GET
def coverage_table(request, root_id: int, unit_id: int):
    """Every unit of the subtree, filtered by status and level, a page at a time."""
    unit, root = _unit_and_root(request, root_id, unit_id)
    today = timezone.localdate()
    form, filters, rows = _filtered_rows(request, unit, root)
    page = Paginator(rows, TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in {"status": filters["status"], "level": filters["level"]}.items()
            if v not in ("", None)}
    return render(request, "directives/coverage/table.html", {
        "unit": unit, "root": root, "code": _code(root), "form": form, "page": page,
        "rows": [_table_row(row, unit, today) for row in page.object_list],
        "query": urlencode(kept), "crumbs": selectors.breadcrumbs(request.user, unit),
    })


_PROGRESS = ("received_at", "acknowledged_at", "issued_at", "reported_at", "due_date",
             "audience")


def _table_row(row: OrganisationUnit, unit: OrganisationUnit, today: dt.date) -> dict:
    values = {name: getattr(row, f"p_{name}") for name in _PROGRESS}
    status = selectors.progress_status(values, today)
    return {"unit": row, "level": level_name(row.depth - unit.depth), **values,
            "status": status, "status_label": selectors.ProgressStatus(status).label}


class _Echo:
    """A file-like sink for csv.writer that hands each line back, for streaming."""

    def write(self, value: str) -> str:
        return value


@access(COVERAGE_PEOPLE)
@require_GET
def coverage_csv(request, root_id: int, unit_id: int):
    """The table's rows as CSV, streamed a batch at a time: UTF-8 with a BOM so that Excel
    shows Vietnamese. Dates and times are local."""
    unit, root = _unit_and_root(request, root_id, unit_id)
    today = timezone.localdate()
    _form, _filters, rows = _filtered_rows(request, unit, root)
    fields = ("name", "code", "depth", *(f"p_{name}" for name in _PROGRESS))
    rows = rows.values(*fields).iterator(chunk_size=2000)
    header = [_("Unit"), _("Symbol code"), _("Level"), _("Received"), _("Acknowledged"),
              _("Issued own letter"), _("Reported"), _("Due date"), _("Audience reached"),
              _("Status")]
    statuses = {value: str(label) for value, label in selectors.ProgressStatus.choices}
    # Words are translated now, not while the rows stream out after the view has returned.
    levels = {depth: level_name(depth) for depth in range(selectors.subtree_depth(unit) + 1)}
    zone = timezone.get_current_timezone()
    writer = csv.writer(_Echo())

    def stamp(moment) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    def lines():
        yield "\ufeff" + writer.writerow(header)
        batch = []
        for row in rows:
            depth = row["depth"] - unit.depth
            status = selectors.progress_status(
                {name: row[f"p_{name}"] for name in _PROGRESS}, today)
            batch.append(writer.writerow([
                row["name"], row["code"], levels[depth], stamp(row["p_received_at"]),
                stamp(row["p_acknowledged_at"]), stamp(row["p_issued_at"]),
                stamp(row["p_reported_at"]),
                row["p_due_date"].isoformat() if row["p_due_date"] else "",
                row["p_audience"] or 0, statuses[status]]))
            if len(batch) == 500:
                yield "".join(batch)
                batch = []
        if batch:
            yield "".join(batch)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"coverage-{root.pk}-{unit.pk}-{today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# The cascade graph -----------------------------------------------------------------------------

def _labels(letter: Letter) -> graph.Labels:
    return graph.Labels(
        title=_("Letters linked to %(code)s") % {"code": _code(letter)},
        desc=_("Each arrow runs from a letter to a letter that cites or implements it; the "
               "number on an arrow is the days between the two letters' dates."),
        more=_("+{n} more"), day_one=_("{days} day"), day_many=_("{days} days"),
        date_unknown=_("date unknown"),
        statuses={graph.ISSUED: str(LetterStatus.ISSUED.label),
                  graph.EXTERNAL: str(LetterStatus.EXTERNAL.label),
                  graph.CITED: str(LetterSource.CITED.label),
                  graph.DRAFT: str(LetterStatus.DRAFT.label)},
        relations={value: str(label) for value, label in Relation.choices})


def _graph_layout(request, letter: Letter) -> tuple[graph.Layout, bool]:
    drawn, truncated = selectors.letter_graph(request.user, letter)
    linked = tuple(
        replace(node, href=reverse("directives:cascade_graph",
                                   kwargs={"letter_id": int(node.id.split(":")[1])}))
        if node.id.startswith("letter:") else node for node in drawn.nodes)
    return graph.layout(replace(drawn, nodes=linked)), truncated


@access(COVERAGE_PEOPLE)
@require_GET
def cascade_graph(request, letter_id: int):
    """The graph drawn in the page, with the same links as a text list for screen readers."""
    letter = _visible_letter(request, letter_id)
    drawn, truncated = _graph_layout(request, letter)
    labels = _labels(letter)
    # Safe: every text and attribute in the drawing is escaped by graph.esc.
    picture = mark_safe(graph.svg(drawn, labels, standalone=False))  # noqa: S308
    letters = [{"summary": graph.node_summary(p.node, labels), "href": p.node.href,
                "focus": p.node.id == drawn.focus}
               for p in drawn.nodes if p.node is not None]
    return render(request, "directives/coverage/graph.html", {
        "letter": letter, "code": _code(letter), "svg": picture,
        "edges": [graph.edge_summary(e, labels) for e in drawn.edges],
        "letters": letters, "hidden": drawn.hidden, "truncated": truncated,
        "root": letter.cascade_root if letter.cascade_root_id else None,
    })


@access(COVERAGE_PEOPLE)
@require_GET
def cascade_graph_svg(request, letter_id: int):
    """The same drawing as a standalone SVG file (image/svg+xml)."""
    letter = _visible_letter(request, letter_id)
    drawn, _truncated = _graph_layout(request, letter)
    response = HttpResponse(graph.svg(drawn, _labels(letter)).encode("utf-8"),
                            content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="cascade-{letter.pk}.svg"'
    response["Cache-Control"] = "private, max-age=60"
    return response
