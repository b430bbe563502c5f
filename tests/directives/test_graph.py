"""The cascade graph core: rows by generation, several parents, delays, escaping, the cap, and
SVG that parses as XML."""

import datetime as dt
import unicodedata

import pytest
from defusedxml import ElementTree

from giaithuong.directives import graph as g

SVG = "{http://www.w3.org/2000/svg}"


def node(id_, day=None, issuer=None, status=g.ISSUED, code=None):
    return g.Node(id=id_, issuer=issuer or f"Đơn vị {id_}", code=code or f"Số: {id_}/MTTQ-BTT",
                  date=dt.date(2026, 6, day) if day else None, status=status)


@pytest.fixture
def seed_graph():
    """The seed ward letter 31/MTTQ-BTT cites the city Party letter, the city Front letter and
    the central Front letter; the city Front letter implements the central one."""
    nodes = (
        node("1390", 2, "Ban Tuyên giáo và Dân vận Trung ương", g.EXTERNAL, "Số 1390-CV/BTGDVTW"),
        node("897", 4, "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng", g.CITED,
             "Số 897-CV/BTGDVTU"),
        node("379", 8, "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam", g.ISSUED,
             "Số: 379/MTTW-BTT"),
        node("783", 10, "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng"),
        node("31", 18, "Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng"),
    )
    edges = (g.Edge("1390", "897"), g.Edge("379", "783"), g.Edge("783", "31"),
             g.Edge("379", "31", "based_on"), g.Edge("897", "31", "based_on"))
    return g.Graph(nodes, edges, focus="31")


def test_rows_are_the_longest_path_from_a_source(seed_graph):
    assert g.generations(seed_graph) == {"1390": 0, "379": 0, "897": 1, "783": 1, "31": 2}
    drawn = g.layout(seed_graph)
    rows = {p.node.id: p.row for p in drawn.nodes}
    assert rows == {"1390": 0, "379": 0, "897": 1, "783": 1, "31": 2}
    ys = {p.node.id: p.y for p in drawn.nodes}
    assert ys["1390"] == ys["379"] < ys["897"] == ys["783"] < ys["31"]
    xs = sorted(p.x for p in drawn.nodes if p.row == 1)
    assert xs[1] - xs[0] >= g.NODE_W  # spread within the row, never on top of each other


def test_a_letter_citing_three_letters_has_an_arrow_from_each(seed_graph):
    drawn = g.layout(seed_graph)
    into = {e.source.node.id: e for e in drawn.edges if e.target.node.id == "31"}
    assert set(into) == {"379", "783", "897"}
    ends = {e.path.rsplit(" ", 1)[-1] for e in into.values()}
    assert len(ends) == 3  # three separate arrowheads on the box
    assert into["379"].edge.relation == "based_on"
    # 379 skips a row: it passes through a slot of its own in that row, clear of every box.
    (bend,) = into["379"].via
    assert bend.row == 1
    for p in drawn.nodes:
        if p.row == 1:
            assert not p.x <= bend.centre <= p.x + g.NODE_W


def test_each_arrow_carries_the_days_between_the_two_dates(seed_graph):
    drawn = g.layout(seed_graph)
    delays = {(e.source.node.id, e.target.node.id): e.delay for e in drawn.edges}
    assert delays == {("1390", "897"): 2, ("379", "783"): 2, ("783", "31"): 8,
                      ("379", "31"): 10, ("897", "31"): 14}
    text = g.svg(drawn)
    for label in ("2 days", "8 days", "10 days", "14 days"):
        assert f">{label}</text>" in text
    summaries = [g.edge_summary(e, g.Labels()) for e in drawn.edges]
    assert ("Số 897-CV/BTGDVTU (Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng) → Số: 31/MTTQ-BTT "
            "(Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng): Based on, 14 days"
            ) in summaries


def test_no_delay_when_a_date_is_unknown():
    drawn = g.layout(g.Graph((node("a"), node("b", 5)), (g.Edge("a", "b"),)))
    (edge,) = drawn.edges
    assert edge.delay is None
    assert "day" not in g.svg(drawn).split('class="delays"')[1].split("</g>")[0]
    assert g.Labels().delay(1) == "1 day"


def test_the_svg_is_standalone_accessible_xml(seed_graph):
    text = g.svg(g.layout(seed_graph), g.Labels(title="Sơ đồ", desc="Mô tả"))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(text.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox").startswith("0 0 ")
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Sơ đồ"
    assert root.find(f"{SVG}desc").text == "Mô tả"
    assert "Noto Sans" in root.get("font-family") and "sans-serif" in root.get("font-family")
    markers = root.findall(f".//{SVG}marker")
    assert len(markers) == 1
    assert len([p for p in root.iter(f"{SVG}path") if p.get("marker-end")]) == 5
    inline = g.svg(g.layout(seed_graph), standalone=False, id_prefix="x")
    assert inline.startswith("<svg") and 'id="x-arrow"' in inline
    ElementTree.fromstring(inline)


def test_names_are_escaped_and_nfc():
    decomposed = unicodedata.normalize("NFD", "Phường Nam Đồng")
    nodes = (node("a", 1, issuer='Ban "A" <&> ' + decomposed),
             node("b", 3, issuer="Tổ <script>", code="Số: 1/<b>"))
    nodes = (*nodes, g.Node(id="c", issuer="ctrl\x01char", code="x", href="/a?b=1&c=<2>"))
    text = g.svg(g.layout(g.Graph(nodes, (g.Edge("a", "b"), g.Edge("b", "c")))))
    assert "<script>" not in text and "<&>" not in text and "<b>" not in text
    root = ElementTree.fromstring(text.encode("utf-8"))
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert 'Ban "A" <&>' in texts
    assert unicodedata.normalize("NFC", "Phường Nam Đồng") in texts
    assert decomposed not in text
    assert "ctrlchar" in texts
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == ["/a?b=1&c=<2>"]


def test_long_names_wrap_onto_two_lines_and_end_with_an_ellipsis():
    assert g.wrap("Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng") == [
        "Ban Thường trực Ủy ban MTTQ Việt", "Nam thành phố Hải Phòng"]
    lines = g.wrap("Một tên rất dài " * 10)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(len(line) <= g.LINE_CHARS for line in lines)


def test_the_drawing_is_capped_with_a_more_box_per_row():
    top = node("top", 1)
    wards = [node(f"w{i:03d}", 5) for i in range(500)]
    groups = [node(f"g{i:03d}", 9) for i in range(40)]
    edges = [g.Edge("top", w.id) for w in wards]
    edges += [g.Edge(f"w{i:03d}", grp.id) for i, grp in enumerate(groups)]
    drawn = g.layout(g.Graph((top, *wards, *groups), tuple(edges), focus="g039"),
                     max_nodes=30, max_per_row=20)
    letters = [p for p in drawn.nodes if p.node]
    more = {p.row: p.more for p in drawn.nodes if p.more}
    assert len(letters) <= 31
    assert more[1] == 500 - 19  # 19 letters and one "+481 more" box
    assert any(p.node.id == "g039" for p in letters)  # the focus is never folded away
    assert drawn.hidden == sum(more.values()) == 540 + 1 - len(letters)
    assert drawn.width <= 2 * g.MARGIN + 20 * g.NODE_W + 19 * g.H_GAP + 1
    text = g.svg(drawn)
    assert "+481 more" in text
    ElementTree.fromstring(text.encode("utf-8"))
    # The hidden wards' arrows come together into the "+N more" box, once.
    into_more = [e for e in drawn.edges if e.target.more and e.target.row == 1]
    assert len(into_more) == 1 and "+481 more" in g.edge_summary(into_more[0], g.Labels())
    # Each ward shown whose residential group is folded points at its row's box.
    into_groups = [e for e in drawn.edges if e.target.more and e.target.row == 2]
    assert into_groups and all(e.source.row == 1 and e.delay is None for e in into_groups)


def test_three_hundred_nodes_by_default():
    many = [node(f"n{i:04d}", 3) for i in range(1000)]
    rows_of_50 = [g.Edge(many[i - 50].id, many[i].id) for i in range(50, 1000)]
    drawn = g.layout(g.Graph(tuple(many), tuple(rows_of_50)))
    assert len([p for p in drawn.nodes if p.node]) <= 300
    assert drawn.hidden == 1000 - len([p for p in drawn.nodes if p.node])


def test_a_cycle_still_gives_every_letter_a_row():
    nodes = (node("a", 1), node("b", 2), node("c", 3))
    edges = (g.Edge("a", "b"), g.Edge("b", "c"), g.Edge("c", "b"))
    rows = g.generations(g.Graph(nodes, edges))
    assert set(rows) == {"a", "b", "c"} and rows["a"] == 0
    text = g.svg(g.layout(g.Graph(nodes, edges)))
    ElementTree.fromstring(text.encode("utf-8"))


def test_an_empty_or_single_letter_graph_draws():
    ElementTree.fromstring(g.svg(g.layout(g.Graph((), ()))).encode("utf-8"))
    drawn = g.layout(g.Graph((node("only", 1),), (), focus="only"))
    assert [p.node.id for p in drawn.nodes] == ["only"] and not drawn.edges
