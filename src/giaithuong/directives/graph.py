"""The cascade graph (sơ đồ lan tỏa văn bản): which letter cites which, drawn as SVG.

Pure core: no Django. Plain dataclasses in (nodes = letters, edges = "this letter cites that
one"), a `Layout` out, then standalone SVG text. Rows are generations: a letter sits one row below
the furthest letter it cites (longest path from a source), so a ward letter that cites a city
letter and the central letter above it sits below both. The drawing is capped: past `max_nodes`
(or `max_per_row` in a row) the rest of a row folds into one "+N more" node.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from giaithuong.common.text import nfc

ISSUED, EXTERNAL, CITED, DRAFT = "issued", "external", "cited", "draft"

# Geometry in SVG user units (px at 100 %).
NODE_W, NODE_H = 236, 82
H_GAP, V_GAP = 28, 76
BEND_W = 12  # the slot an arrow takes in a row it passes through
MARGIN = 24
LINE_CHARS = 34  # ~ what fits in NODE_W at 12 px in a Vietnamese-capable sans font
FONT_FAMILY = ("'Noto Sans', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', "
               "'Liberation Sans', sans-serif")


@dataclass(frozen=True)
class Node:
    """A letter: `code` is its number line ("Số: 783/MTTQ-BTT"), `status` one of ISSUED,
    EXTERNAL (read in from outside), CITED (known only from a citation) or DRAFT."""

    id: str
    issuer: str
    code: str
    date: dt.date | None = None
    status: str = ISSUED
    subject: str = ""
    href: str = ""


@dataclass(frozen=True)
class Edge:
    """`source` is the cited or implemented letter, `target` the letter citing it."""

    source: str
    target: str
    relation: str = "implements"


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    focus: str | None = None  # the letter the graph was drawn from, outlined


@dataclass(frozen=True)
class Labels:
    """Every word the drawing shows, so the caller can translate them."""

    title: str = "Cascade of letters"
    desc: str = "Each arrow runs from a letter to a letter that cites or implements it."
    more: str = "+{n} more"
    day_one: str = "{days} day"
    day_many: str = "{days} days"
    date_unknown: str = "date unknown"
    statuses: dict[str, str] = field(default_factory=lambda: {
        ISSUED: "Issued", EXTERNAL: "Read in from outside", CITED: "Known only from a citation",
        DRAFT: "Draft"})
    relations: dict[str, str] = field(default_factory=lambda: {
        "implements": "Implements", "based_on": "Based on", "according_to": "According to"})

    def delay(self, days: int) -> str:
        return (self.day_one if abs(days) == 1 else self.day_many).format(days=days)


@dataclass
class Placed:
    """A box in the drawing: a letter, a "+N more" box standing for `more` hidden letters, or
    (`bend`) the narrow slot where an arrow that skips a row passes through it."""

    node: Node | None
    row: int
    x: float = 0.0  # left edge
    y: float = 0.0  # top edge
    more: int = 0
    bend: str = ""

    @property
    def key(self) -> str:
        if self.node:
            return self.node.id
        return self.bend or f"more:{self.row}"

    @property
    def width(self) -> float:
        return BEND_W if self.bend else NODE_W

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass
class PlacedEdge:
    edge: Edge
    source: Placed
    target: Placed  # a letter, or the "+N more" box of the row its letter is folded into
    delay: int | None  # days from the cited letter's date to the citing letter's
    via: list[Placed] = field(default_factory=list)
    path: str = ""
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass
class Layout:
    nodes: list[Placed]  # letters and "+N more" boxes, row by row
    edges: list[PlacedEdge]
    width: float
    height: float
    rows: int
    hidden: int  # letters folded into "+N more" boxes
    focus: str | None = None


# Layering ------------------------------------------------------------------------------------

def generations(graph: Graph) -> dict[str, int]:
    """Row of each node: the longest path from a source. A cycle (two letters citing each other,
    a data error) is broken at its earliest letter so every node still gets a row."""
    ids = list(dict.fromkeys(n.id for n in graph.nodes))
    known = set(ids)
    parents: dict[str, set[str]] = defaultdict(set)
    children: dict[str, set[str]] = defaultdict(set)
    for e in graph.edges:
        if e.source in known and e.target in known and e.source != e.target:
            parents[e.target].add(e.source)
            children[e.source].add(e.target)
    order = {n.id: (n.date or dt.date.max, n.id) for n in graph.nodes}
    waiting = {i: len(parents[i]) for i in ids}
    gen: dict[str, int] = {}
    ready = sorted((i for i in ids if waiting[i] == 0), key=order.__getitem__, reverse=True)
    while len(gen) < len(ids):
        if not ready:  # only cycles remain: start from the earliest letter left
            ready = [min((i for i in ids if i not in gen), key=order.__getitem__)]
        current = ready.pop()
        if current in gen:
            continue
        gen[current] = max((gen[p] + 1 for p in parents[current] if p in gen), default=0)
        for child in sorted(children[current], key=order.__getitem__):
            waiting[child] -= 1
            if waiting[child] == 0 and child not in gen:
                ready.append(child)
    return gen


# Layout --------------------------------------------------------------------------------------

def layout(graph: Graph, *, max_nodes: int = 300, max_per_row: int = 20) -> Layout:
    """Rows by generation. Each row keeps the letter the graph is drawn from and the letters
    citing ones already shown, up to the caps; the rest fold into a "+N more" box. An arrow that
    skips rows passes through a narrow slot reserved in each row between, so it never runs
    behind a box; within a row, boxes sit under the middle of what they come from."""
    by_id = {n.id: n for n in graph.nodes}
    gen = generations(graph)
    rows: dict[int, list[Node]] = defaultdict(list)
    for node in by_id.values():
        rows[gen[node.id]].append(node)
    count = max(rows, default=-1) + 1
    edges = list({(e.source, e.target): e for e in reversed(graph.edges)
                  if e.source in by_id and e.target in by_id and e.source != e.target}.values())
    edges.reverse()
    parents: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        parents[e.target].add(e.source)

    kept, folded = _choose(rows, count, parents, graph.focus, max_nodes, max_per_row)
    placed: dict[str, Placed] = {i: Placed(by_id[i], gen[i]) for i in kept}
    for r, n in folded.items():
        placed[f"more:{r}"] = Placed(None, r, more=n)

    # Arrows drawn: between shown letters; one per cited letter into a row's "+N more" box.
    drawn: dict[tuple[str, str], Edge] = {}
    for e in edges:
        if e.source in kept:
            target = e.target if e.target in kept else f"more:{gen[e.target]}"
            drawn.setdefault((e.source, target), Edge(e.source, target, e.relation))
    chains: list[list[str]] = []
    before: dict[str, list[str]] = defaultdict(list)  # what each box hangs under
    for i, e in enumerate(drawn.values()):
        top, bottom = placed[e.source].row, placed[e.target].row
        chain = [e.source]
        for r in range(top + 1, bottom):
            bend = f"bend:{i}:{r}"
            placed[bend] = Placed(None, r, bend=bend)
            chain.append(bend)
        chain.append(e.target)
        chains.append(chain)
        if bottom > top:
            for upper, lower in itertools.pairwise(chain):
                before[lower].append(upper)

    by_row: dict[int, list[Placed]] = defaultdict(list)
    for p in placed.values():
        by_row[p.row].append(p)
    offset: dict[str, float] = {}  # centre of each box from the centre line of the drawing
    row_lists = []
    for r in range(count):

        def rank(p: Placed) -> tuple:
            linked = [offset[k] for k in before[p.key] if k in offset]
            centre = sum(linked) / len(linked) if linked else float("inf")
            date = p.node.date if p.node and p.node.date else dt.date.max
            return (p.more > 0, centre, date, p.key)

        row = sorted(by_row[r], key=rank)
        cursor = -_span(row) / 2
        for index, p in enumerate(row):
            cursor += _gap(row[index - 1], p) if index else 0
            offset[p.key] = cursor + p.width / 2
            cursor += p.width
        row_lists.append(row)

    # At least two boxes wide, so that the legend below fits on a line or two.
    width = max([2 * MARGIN + _span(row) for row in row_lists] + [2 * MARGIN + 2 * NODE_W + H_GAP])
    for r, row in enumerate(row_lists):
        for p in row:
            p.x = width / 2 + offset[p.key] - p.width / 2
            p.y = MARGIN + r * (NODE_H + V_GAP)
    height = 2 * MARGIN + count * NODE_H + max(count - 1, 0) * V_GAP
    placed_edges = [
        PlacedEdge(e, placed[e.source], placed[e.target],
                   _delay(placed[e.source].node, placed[e.target].node),
                   via=[placed[k] for k in chain[1:-1]])
        for e, chain in zip(drawn.values(), chains, strict=True)]
    _route(placed_edges)
    boxes = [p for row in row_lists for p in row if not p.bend]
    return Layout(boxes, placed_edges, width, height, count, sum(folded.values()), graph.focus)


def _choose(rows, count, parents, focus, max_nodes, max_per_row) -> tuple[set[str], dict]:
    """Which letters are drawn, row by row from the top: the focus first, then letters citing
    letters already shown, then the earliest. Returns the kept ids and, per row, how many fold
    into a "+N more" box."""
    kept: set[str] = set()
    folded: dict[int, int] = {}
    budget = max_nodes
    for r in range(count):
        chosen = sorted(rows.get(r, []), key=lambda n: (
            n.id != focus, not (parents[n.id] & kept), n.date or dt.date.max, n.id))
        room = min(max_per_row, budget)
        if len(chosen) > room:
            room = max(room - 1, 0)  # the "+N more" box takes the last slot
            if room == 0 and chosen[0].id == focus:
                room = 1  # the letter the graph is drawn from is always shown
        shown = chosen[:room]
        kept.update(n.id for n in shown)
        if len(chosen) > len(shown):
            folded[r] = len(chosen) - len(shown)
        budget = max(budget - len(shown), 0)
    return kept, folded


def _gap(left: Placed, right: Placed) -> float:
    return H_GAP / 2 if left.bend or right.bend else H_GAP


def _span(row: list[Placed]) -> float:
    return sum(p.width for p in row) + sum(_gap(a, b) for a, b in itertools.pairwise(row))


def _delay(source: Node | None, target: Node | None) -> int | None:
    if source and target and source.date and target.date:
        return (target.date - source.date).days
    return None


def _route(edges: list[PlacedEdge]) -> None:
    """Cubic curves from the bottom of the cited letter to the top of the citing one, straight
    down through the slots of the rows skipped. Ends are spread along each box's edge, so a
    letter citing three others shows three arrowheads."""
    leaving: dict[str, list[PlacedEdge]] = defaultdict(list)
    arriving: dict[str, list[PlacedEdge]] = defaultdict(list)
    for e in edges:
        leaving[e.source.key].append(e)
        arriving[e.target.key].append(e)
    start: dict[int, float] = {}
    end: dict[int, float] = {}
    slot: dict[int, int] = {}
    for bunch in leaving.values():
        bunch.sort(key=lambda e: (e.via[0] if e.via else e.target).centre)
        for i, e in enumerate(bunch):
            start[id(e)] = e.source.x + NODE_W * (i + 1) / (len(bunch) + 1)
    for bunch in arriving.values():
        bunch.sort(key=lambda e: (e.via[-1] if e.via else e.source).centre)
        for i, e in enumerate(bunch):
            end[id(e)] = e.target.x + NODE_W * (i + 1) / (len(bunch) + 1)
            slot[id(e)] = i
    for e in edges:
        point = (start[id(e)], e.source.y + NODE_H)
        parts = [f"M{point[0]:.1f},{point[1]:.1f}"]
        for bend in e.via:
            parts.append(_curve(point, (bend.centre, bend.y))[0])
            point = (bend.centre, bend.y + NODE_H)
            parts.append(f"L{point[0]:.1f},{point[1]:.1f}")
        tip = (end[id(e)], e.target.y - 2)  # the arrowhead's tip touches the box
        last, controls = _curve(point, tip)
        parts.append(last)
        e.path = " ".join(parts)
        # The label sits just above its arrowhead: arrowheads are spread along the box, so the
        # labels are too, and neighbours alternate heights so close ones do not overlap.
        wanted = tip[1] - 16 - (14 if slot[id(e)] % 2 else 0)
        e.label_x, e.label_y = _point_at_y(point, *controls, tip, wanted)


def _curve(a: tuple[float, float], b: tuple[float, float]):
    bend = max(abs(b[1] - a[1]) / 2, V_GAP / 2)
    c1, c2 = (a[0], a[1] + bend), (b[0], b[1] - bend)
    text = f"C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {b[0]:.1f},{b[1]:.1f}"
    return text, (c1, c2)


def _point_at_y(p0, p1, p2, p3, y: float) -> tuple[float, float]:
    """The point of a cubic Bézier at height `y` (bisection; the curves here fall steadily,
    and a curve that does not reach `y` gives its nearest end)."""

    def at(t: float) -> tuple[float, float]:
        u = 1 - t
        x_, y_ = (u ** 3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t ** 3 * d
                  for a, b, c, d in zip(p0, p1, p2, p3, strict=True))
        return x_, y_

    low, high = 0.0, 1.0
    rising = at(1.0)[1] >= at(0.0)[1]
    for _ in range(40):
        middle = (low + high) / 2
        if (at(middle)[1] < y) == rising:
            low = middle
        else:
            high = middle
    return at((low + high) / 2)


# SVG -----------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """NFC text without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", nfc(text or ""))


def esc(text: str) -> str:
    """Escaped for both element text and double-quoted attributes."""
    return (clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def wrap(text: str, width: int = LINE_CHARS, lines: int = 2) -> list[str]:
    """Greedy word wrap into at most `lines` lines; the last one ends in "…" when cut."""
    words, out, line = clean(text).split(), [], ""
    for index, word in enumerate(words):
        candidate = f"{line} {word}".strip()
        if len(candidate) <= width:
            line = candidate
            continue
        if line:
            out.append(line)
        line = word
        if len(out) == lines - 1:
            rest = " ".join([word, *words[index + 1:]])
            line = rest if len(rest) <= width else rest[:width - 1].rstrip() + "…"
            break
    if line:
        out.append(line if len(line) <= width else line[:width - 1] + "…")
    return out[:lines]


def format_date(date: dt.date | None, labels: Labels) -> str:
    return date.strftime("%d/%m/%Y") if date else labels.date_unknown


_STYLE = {  # fill, stroke, dash: statuses differ in line pattern too, not only colour
    ISSUED: ("#ffffff", "#8b1a1a", ""),
    EXTERNAL: ("#f6f3ee", "#0b4f8a", "6 3"),
    CITED: ("#ffffff", "#5c5c5c", "2 3"),
    DRAFT: ("#fff8e1", "#8a4b00", "10 4"),
}
def _dash(pattern: str) -> str:
    return f' stroke-dasharray="{pattern}"' if pattern else ""


_EDGE_DASH = {"implements": "", "based_on": "7 4", "according_to": "2 4"}


def node_summary(node: Node, labels: Labels) -> str:
    """One line saying everything the box shows, for tooltips and screen readers."""
    parts = [node.issuer, node.code, format_date(node.date, labels),
             labels.statuses.get(node.status, node.status)]
    if node.subject:
        parts.append(node.subject)
    return " · ".join(clean(p) for p in parts if p)


def edge_summary(edge: PlacedEdge, labels: Labels) -> str:
    """"cited (issuer) → citing (issuer): relation, delay" for tooltips and the text list."""

    def name(p: Placed) -> str:
        if p.node is None:
            return labels.more.format(n=p.more)
        return f"{clean(p.node.code)} ({clean(p.node.issuer)})"

    relation = labels.relations.get(edge.edge.relation, edge.edge.relation)
    text = f"{name(edge.source)} → {name(edge.target)}: {relation}"
    return text + (f", {labels.delay(edge.delay)}" if edge.delay is not None else "")


def svg(result: Layout, labels: Labels | None = None, *, standalone: bool = True,
        id_prefix: str = "cg") -> str:
    """The drawing as SVG text: a file of its own (`standalone`, with the XML declaration), or
    markup to place inside an HTML page. `id_prefix` keeps ids unique when a page holds two."""
    labels = labels or Labels()
    legend, legend_height = _legend(labels, result.width, result.height)
    width, height = round(result.width), round(result.height + legend_height)
    out = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="{FONT_FAMILY}" font-size="12" class="cascade-graph">\n'
        f'<title id="{id_prefix}-title">{esc(labels.title)}</title>\n'
        f'<desc id="{id_prefix}-desc">{esc(labels.desc)}</desc>\n'
        f'<defs><marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="#4a4a4a"/></marker></defs>\n'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>\n')
    out.append('<g class="edges" fill="none" stroke="#4a4a4a" stroke-width="1.5">\n')
    for e in result.edges:
        dash = _EDGE_DASH.get(e.edge.relation, "")
        out.append(f'<path d="{e.path}" marker-end="url(#{id_prefix}-arrow)"'
                   f'{_dash(dash)}>'
                   f'<title>{esc(edge_summary(e, labels))}</title></path>\n')
    out.append("</g>\n")
    out.append('<g class="delays" font-size="11" text-anchor="middle" fill="#1a1a1a" '
               'stroke="#ffffff" stroke-width="4" paint-order="stroke">\n')
    for e in result.edges:
        if e.delay is not None:
            out.append(f'<text x="{e.label_x:.1f}" y="{e.label_y + 4:.1f}">'
                       f'{esc(labels.delay(e.delay))}</text>\n')
    out.append("</g>\n")
    out.append('<g class="letters">\n')
    for p in result.nodes:
        out.append(_node_svg(p, labels, focus=result.focus))
    out.append("</g>\n")
    out.append(legend)
    out.append("</svg>\n")
    return "".join(out)


def _node_svg(p: Placed, labels: Labels, *, focus: str | None) -> str:
    x, y = p.x, p.y
    if p.node is None:
        text = esc(labels.more.format(n=p.more))
        return (f'<g class="more"><title>{text}</title>'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="12" '
                f'fill="#f6f3ee" stroke="#5c5c5c" stroke-dasharray="4 3"/>'
                f'<text x="{x + NODE_W / 2:.1f}" y="{y + NODE_H / 2 + 5:.1f}" '
                f'text-anchor="middle" font-size="14" font-weight="700">{text}</text></g>\n')
    node = p.node
    fill, stroke, dash = _STYLE.get(node.status, _STYLE[ISSUED])
    is_focus = node.id == focus
    lines = wrap(node.issuer)
    ink = "#4a4a4a" if node.status == CITED else "#1a1a1a"
    rows = [f'<text x="{x + 10:.1f}" y="{y + 18 + 15 * i:.1f}" fill="{ink}">{esc(line)}</text>'
            for i, line in enumerate(lines)]
    base = y + 18 + 15 * max(len(lines), 1)
    rows.append(f'<text x="{x + 10:.1f}" y="{base + 2:.1f}" fill="{ink}" font-weight="700">'
                f'{esc(wrap(node.code, LINE_CHARS, 1)[0] if node.code else "")}</text>')
    rows.append(f'<text x="{x + 10:.1f}" y="{base + 18:.1f}" fill="{ink}">'
                f'{esc(format_date(node.date, labels))} · '
                f'{esc(labels.statuses.get(node.status, node.status))}</text>')
    box = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="4" '
           f'fill="{fill}" stroke="{stroke}" stroke-width="{4 if is_focus else 1.5}"'
           f'{_dash(dash)}/>')
    inner = (f'<title>{esc(node_summary(node, labels))}</title>{box}' + "".join(rows))
    group = f'<g class="letter letter-{esc(node.status)}{" focus" if is_focus else ""}">'
    if node.href:
        return f'{group}<a href="{esc(node.href)}">{inner}</a></g>\n'
    return f"{group}{inner}</g>\n"


def _legend(labels: Labels, width: float, top: float) -> tuple[str, float]:
    """Box styles and line styles, each with its word, flowing in lines along the bottom (the
    words are the caller's, so their length is not known here). Returns markup and height."""
    entries = [("box", status, labels.statuses.get(status, status))
               for status in (ISSUED, EXTERNAL, CITED)]
    entries += [("line", relation, labels.relations.get(relation, relation))
                for relation in _EDGE_DASH]
    items, x, y = [], MARGIN, top + 8
    for shape, key, word in entries:
        span = 36 + 7 * len(clean(word)) + 16  # a rough width: no font metrics in a core
        if x > MARGIN and x + span > width - MARGIN:
            x, y = MARGIN, y + 22
        if shape == "box":
            fill, stroke, dash = _STYLE[key]
            items.append(f'<rect x="{x}" y="{y}" width="26" height="14" fill="{fill}" '
                         f'stroke="{stroke}" stroke-width="1.5"{_dash(dash)}/>')
        else:
            items.append(f'<path d="M{x},{y + 7} L{x + 26},{y + 7}" stroke="#4a4a4a" '
                         f'stroke-width="1.5"{_dash(_EDGE_DASH[key])}/>')
        items.append(f'<text x="{x + 32}" y="{y + 11}">{esc(word)}</text>')
        x += span
    markup = f'<g class="legend" fill="#1a1a1a">{"".join(items)}</g>\n'
    return markup, y + 22 - top + 8
