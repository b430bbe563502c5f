"""Coverage pages and the cascade graph, on a small tree worked through the letter services:
the roll-up per level, the children's statuses, the table's filters and CSV, who may see which
subtree, and the graph of the seed letters."""

import csv
import datetime as dt
import io

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.directives import letters, selectors
from giaithuong.directives.models import (
    CascadeProgress,
    Delivery,
    LetterReference,
    Relation,
    UnitKind,
)
from giaithuong.directives.services import ensure_unit

PASSWORD = "x-Very-long-1"


def officer(username, unit):
    user = create_user(username=username, password=PASSWORD)
    grant_role(user, Role.UNIT_OFFICER, unit=unit)
    return user


def url(name, *args, lang=None, **query):
    with translation.override(lang or "vi"):
        path = reverse(f"directives:{name}", args=args)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


@pytest.fixture
def tree(db):
    front = ensure_unit(name="Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
                        kind=UnitKind.FRONT, code="MTTW-BTT", seat="Hà Nội")
    city = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
                       kind=UnitKind.FRONT, parent=front, code="MTTQ-BTT", seat="Hải Phòng")
    wards = {name: ensure_unit(name=f"Ban Thường trực Ủy ban MTTQ Việt Nam phường {name}",
                               kind=UnitKind.FRONT, parent=city, code="MTTQ-BTT", seat=name)
             for name in ("Nam Đồng", "Lê Chân", "Hồng Bàng")}
    groups = [ensure_unit(name=f"Ban Công tác Mặt trận Tổ dân phố số {n}",
                          kind=UnitKind.RESIDENTIAL, parent=wards["Nam Đồng"], seat="Nam Đồng")
              for n in range(1, 4)]
    return {"front": front, "city": city, "wards": wards, "groups": groups}


def delivery(letter, unit):
    return Delivery.objects.get(letter=letter, unit=unit)


@pytest.fixture
def cascade(tree):
    """The city's letter goes to three wards. Nam Đồng acknowledges, issues its own letter to its
    three residential groups (due two days ago) and reports; Lê Chân only acknowledges; Hồng Bàng
    does nothing. Group 1 reports, group 2 acknowledges, group 3 does nothing."""
    today = timezone.localdate()
    people = {"city": officer("haiphong", tree["city"]),
              "namdong": officer("namdong", tree["wards"]["Nam Đồng"]),
              "lechan": officer("lechan", tree["wards"]["Lê Chân"]),
              "group1": officer("to1", tree["groups"][0]),
              "group2": officer("to2", tree["groups"][1])}
    draft = letters.create_draft(
        actor=people["city"], issuer=tree["city"], symbol="MTTQ-BTT",
        subject="tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối "
                "ngoại lần thứ XII",
        addressee_units=list(tree["wards"].values()), due_date=today + dt.timedelta(days=5),
        body=[{"text": "Tuyên truyền sâu rộng về Giải thưởng.", "number": "1"}])
    root = letters.issue_letter(draft, actor=people["city"], on=dt.date(2026, 6, 10),
                                number=783)
    nam_dong = delivery(root, tree["wards"]["Nam Đồng"])
    letters.acknowledge(nam_dong, actor=people["namdong"])
    own = letters.draft_implementing_letter(nam_dong, actor=people["namdong"])
    own = letters.update_draft(own, actor=people["namdong"],
                               due_date=today - dt.timedelta(days=2))
    own = letters.issue_letter(own, actor=people["namdong"], on=dt.date(2026, 6, 18),
                               number=31)
    letters.report_activity(nam_dong, actor=people["namdong"], kind="conference", date=today,
                            audience=120, channel="Hội trường phường")
    letters.acknowledge(delivery(root, tree["wards"]["Lê Chân"]), actor=people["lechan"])
    letters.report_activity(delivery(own, tree["groups"][0]), actor=people["group1"],
                            kind="loudspeaker", date=today, audience=30)
    letters.acknowledge(delivery(own, tree["groups"][1]), actor=people["group2"])
    return {**tree, "root": root, "ward_letter": own, "people": people, "today": today}


@pytest.fixture
def organiser(edition):
    user = create_user(username="btc", password=PASSWORD)
    grant_role(user, Role.ORGANISER, edition=edition)
    return user


# The roll-up --------------------------------------------------------------------------------

def test_the_roll_up_per_level_counts_what_the_services_did(cascade):
    city, root = cascade["city"], cascade["root"]
    cov = selectors.coverage(city, root)
    rows = {level.depth - city.depth: (level.units, level.received, level.acknowledged,
                                       level.issued, level.reported, level.audience)
            for level in cov.levels}
    assert rows == {0: (1, 0, 0, 0, 0, 0),  # the city issued the top letter: not received
                    1: (3, 3, 2, 1, 1, 120),
                    2: (3, 3, 2, 0, 1, 30)}
    assert {row["unit__name"] for row in cov.overdue} == {
        "Ban Công tác Mặt trận Tổ dân phố số 2", "Ban Công tác Mặt trận Tổ dân phố số 3"}


def test_the_coverage_page_shows_levels_totals_children_and_overdue_units(client, cascade):
    city, root = cascade["city"], cascade["root"]
    client.force_login(cascade["people"]["city"])
    response = client.get(url("coverage", root.pk, city.pk, lang="en"))
    assert response.status_code == 200
    page = response.content.decode()
    levels = response.context["levels"]
    assert [row["name"] for row in levels] == ["This unit", "Level 1 (directly below)",
                                               "Level 2"]
    wards = levels[1]["shares"]
    assert [(s.label, s.count, s.total, s.percent) for s in wards] == [
        ("Received", 3, 3, 100), ("Acknowledged", 2, 3, 67), ("Issued own letter", 1, 3, 33),
        ("Reported", 1, 3, 33)]
    totals = response.context["totals"]
    assert (totals.units, totals.received, totals.acknowledged, totals.issued,
            totals.reported, totals.audience) == (7, 6, 4, 1, 2, 150)
    assert '<meter min="0" max="3" value="2"' in page and "2/3 (67%)" in page
    assert "style=" not in page  # CSP: no inline styles
    assert response.context["overdue_total"] == 2
    for group in cascade["groups"][1:]:
        assert url("coverage", root.pk, group.pk, lang="en") in page
    assert url("cascade_graph_svg", root.pk, lang="en") in page
    crumbs = [unit.pk for unit in response.context["crumbs"]]
    assert crumbs == [city.pk]  # the city officer's view starts at the city


def test_children_have_a_status_and_a_subtree_roll_up(cascade):
    city, root, today = cascade["city"], cascade["root"], cascade["today"]
    branches = {b.unit.name.split("phường ")[1]: b
                for b in selectors.child_branches(city, root, today)}
    nam_dong, le_chan, hong_bang = (branches["Nam Đồng"], branches["Lê Chân"],
                                    branches["Hồng Bàng"])
    assert (nam_dong.status, le_chan.status, hong_bang.status) == (
        "done", "in_progress", "pending")
    r = nam_dong.rollup
    assert (r.units, r.received, r.acknowledged, r.issued, r.reported, r.audience,
            r.overdue) == (4, 4, 3, 1, 2, 150, 2)
    assert (le_chan.rollup.units, le_chan.rollup.acknowledged, le_chan.rollup.reported) == (
        1, 1, 0)
    groups = [b.status for b in selectors.child_branches(cascade["wards"]["Nam Đồng"], root,
                                                         today)]
    assert groups == ["done", "overdue", "overdue"]


def test_the_tree_view_takes_the_same_queries_for_three_children_or_thirty(cascade, client):
    city, root = cascade["city"], cascade["root"]
    client.force_login(cascade["people"]["city"])
    target = url("coverage", root.pk, city.pk)
    client.get(target)
    with CaptureQueriesContext(connection) as few:
        assert client.get(target).status_code == 200
    for n in range(27):
        ensure_unit(name=f"Ban Thường trực Ủy ban MTTQ Việt Nam phường mới {n}",
                    kind=UnitKind.FRONT, parent=city, seat="Hải Phòng")
    with CaptureQueriesContext(connection) as many:
        response = client.get(target)
    assert len(response.context["branches"]) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_median_days_from_the_top_letter_to_each_levels_own_letter(cascade, client):
    city, root, wards = cascade["city"], cascade["root"], cascade["wards"]

    def issued_on(unit, day):
        moment = timezone.make_aware(dt.datetime(2026, 6, day, 15, 0))
        CascadeProgress.objects.filter(cascade_root=root, unit=unit).update(issued_at=moment)

    # Arrange the calendar the letters were issued on (the services stamp the real clock).
    issued_on(wards["Nam Đồng"], 18)
    cov = selectors.coverage(city, root)
    assert selectors.level_delays(city, root, cov.levels) == {city.depth + 1: 8}
    issued_on(wards["Lê Chân"], 14)
    cov = selectors.coverage(city, root)
    assert selectors.level_delays(city, root, cov.levels) == {city.depth + 1: 6}
    client.force_login(cascade["people"]["city"])
    response = client.get(url("coverage", root.pk, city.pk))
    assert [row["delay"] for row in response.context["levels"]] == ["", "6", ""]


# The table and the CSV ----------------------------------------------------------------------

def names(response):
    return [row["unit"].name.replace("Ban Thường trực Ủy ban MTTQ Việt Nam ", "")
            .replace("Ban Công tác Mặt trận ", "") for row in response.context["rows"]]


@pytest.mark.parametrize(("query", "expected"), [
    ({}, 7),
    ({"status": "done"}, {"phường Nam Đồng", "Tổ dân phố số 1"}),
    ({"status": "overdue"}, {"Tổ dân phố số 2", "Tổ dân phố số 3"}),
    ({"status": "in_progress"}, {"phường Lê Chân"}),
    ({"status": "pending"}, {"thành phố Hải Phòng", "phường Hồng Bàng"}),
    ({"level": 1}, {"phường Nam Đồng", "phường Lê Chân", "phường Hồng Bàng"}),
    ({"level": 2, "status": "overdue"}, {"Tổ dân phố số 2", "Tổ dân phố số 3"}),
    ({"level": 0, "status": "done"}, set()),
])
def test_the_table_filters_by_status_and_level(cascade, client, query, expected):
    city, root = cascade["city"], cascade["root"]
    client.force_login(cascade["people"]["city"])
    response = client.get(url("coverage_table", root.pk, city.pk, **query))
    assert response.status_code == 200
    if isinstance(expected, int):
        assert len(names(response)) == expected
    else:
        assert set(names(response)) == expected


def test_a_wrong_filter_is_named_at_its_field_and_the_rest_still_applies(cascade, client):
    city, root = cascade["city"], cascade["root"]
    client.force_login(cascade["people"]["city"])
    response = client.get(url("coverage_table", root.pk, city.pk, level=9, status="done",
                              lang="en"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "level" in form.errors and "status" not in form.errors
    page = response.content.decode()
    assert 'aria-describedby="id_level_error"' in page and 'id="id_level_error"' in page
    assert set(names(response)) == {"phường Nam Đồng", "Tổ dân phố số 1"}


def test_the_table_is_paginated(cascade, client, monkeypatch):
    from giaithuong.directives.views import coverage as views

    monkeypatch.setattr(views, "TABLE_PAGE_SIZE", 3)
    city, root = cascade["city"], cascade["root"]
    client.force_login(cascade["people"]["city"])
    first = client.get(url("coverage_table", root.pk, city.pk, status="pending"))
    assert first.context["page"].paginator.num_pages == 1
    first = client.get(url("coverage_table", root.pk, city.pk))
    last = client.get(url("coverage_table", root.pk, city.pk, page=3))
    assert len(first.context["rows"]) == 3 and len(last.context["rows"]) == 1
    assert "?page=2" in first.content.decode()
    filtered = client.get(url("coverage_table", root.pk, city.pk, level=2))
    assert filtered.context["query"] == "level=2"


def read_csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_streams_the_same_rows_with_a_bom(cascade, client):
    city, root = cascade["city"], cascade["root"]
    client.force_login(cascade["people"]["city"])
    response = client.get(url("coverage_csv", root.pk, city.pk, lang="en"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="coverage-')
    rows = read_csv(response)
    assert rows[0][:3] == ["Unit", "Symbol code", "Level"]
    assert len(rows) == 1 + 7
    by_name = {row[0]: row for row in rows[1:]}
    nam_dong = by_name["Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng"]
    assert nam_dong[2] == "Level 1 (directly below)" and nam_dong[8] == "120"
    assert nam_dong[9] == "Done (reported)" and nam_dong[3] and nam_dong[6]
    overdue = read_csv(client.get(url("coverage_csv", root.pk, city.pk, status="overdue")))
    assert {row[0] for row in overdue[1:]} == {"Ban Công tác Mặt trận Tổ dân phố số 2",
                                               "Ban Công tác Mặt trận Tổ dân phố số 3"}


# Who may see what ---------------------------------------------------------------------------

def test_another_units_subtree_does_not_exist_for_an_officer(cascade, client):
    root, wards = cascade["root"], cascade["wards"]
    client.force_login(cascade["people"]["namdong"])
    own = wards["Nam Đồng"]
    assert client.get(url("coverage", root.pk, own.pk)).status_code == 200
    assert client.get(url("coverage", root.pk, cascade["groups"][0].pk)).status_code == 200
    for unit in (wards["Lê Chân"], cascade["city"], cascade["front"]):
        for name in ("coverage", "coverage_table", "coverage_csv"):
            assert client.get(url(name, root.pk, unit.pk)).status_code == 404, (name, unit)
    # Breadcrumbs stop at the officer's own unit.
    response = client.get(url("coverage", root.pk, cascade["groups"][0].pk))
    assert [u.pk for u in response.context["crumbs"]] == [own.pk, cascade["groups"][0].pk]


def test_a_root_the_officer_cannot_see_is_not_found(cascade, client):
    central = officer("mttw", cascade["front"])
    draft = letters.create_draft(actor=central, issuer=cascade["front"], symbol="MTTW-BTT",
                                 subject="thông tin, tuyên truyền Giải thưởng",
                                 addressee_units=[cascade["city"]])
    top = letters.issue_letter(draft, actor=central, on=dt.date(2026, 6, 8), number=379)
    client.force_login(cascade["people"]["namdong"])
    own = cascade["wards"]["Nam Đồng"]
    assert client.get(url("coverage", top.pk, own.pk)).status_code == 404
    assert client.get(url("cascade_graph", top.pk)).status_code == 404
    assert client.get(url("cascade_graph_svg", top.pk)).status_code == 404
    # Not a cascade root: an implementing letter is not a cascade of its own.
    ward_letter = cascade["ward_letter"]
    assert client.get(url("coverage", ward_letter.pk, own.pk)).status_code == 404


def test_other_roles_are_refused_and_visitors_sent_to_sign_in(cascade, client):
    city, root = cascade["city"], cascade["root"]
    juror = create_user(username="giamkhao", password=PASSWORD)
    target = url("coverage", root.pk, city.pk)
    assert client.get(target).status_code == 302
    client.force_login(juror)
    assert client.get(target).status_code == 403


def test_the_home_lists_the_cascades_each_person_can_follow(cascade, client, organiser):
    root = cascade["root"]
    client.force_login(cascade["people"]["namdong"])
    response = client.get(url("coverage_home", lang="en"))
    assert response.status_code == 200
    (item,) = response.context["cascades"]
    assert item["root"] == root and item["code"] == "783/MTTQ-BTT"
    (entry,) = item["entries"]
    assert entry["unit"] == cascade["wards"]["Nam Đồng"]
    assert (entry["rollup"].units, entry["rollup"].received, entry["rollup"].reported) == (
        4, 4, 2)
    assert url("coverage", root.pk, entry["unit"].pk, lang="en") in response.content.decode()

    client.force_login(organiser)
    response = client.get(url("coverage_home"))
    (item,) = response.context["cascades"]
    (entry,) = item["entries"]  # the whole tree hangs under the central Front
    assert entry["unit"] == cascade["front"]
    assert (entry["rollup"].units, entry["rollup"].received, entry["rollup"].acknowledged,
            entry["rollup"].reported, entry["rollup"].audience) == (8, 6, 4, 2, 150)

    client.force_login(cascade["people"]["lechan"])
    (item,) = client.get(url("coverage_home")).context["cascades"]
    assert [e["unit"] for e in item["entries"]] == [cascade["wards"]["Lê Chân"]]


# The cascade graph --------------------------------------------------------------------------

@pytest.fixture
def seed_letters(tree):
    """The seed letters: 379/MTTW-BTT (central Front) → 783/MTTQ-BTT (city Front) → 31/MTTQ-BTT
    (Nam Đồng), which also cites 379 and the city Party letter 897-CV/BTGDVTU, known here only
    from that citation."""
    central = officer("mttw", tree["front"])
    city = officer("haiphong", tree["city"])
    ward = officer("namdong", tree["wards"]["Nam Đồng"])
    top = letters.issue_letter(letters.create_draft(
        actor=central, issuer=tree["front"], symbol="MTTW-BTT",
        subject="thông tin, tuyên truyền, hưởng ứng, tham gia Giải thưởng",
        addressee_units=[tree["city"]]), actor=central, on=dt.date(2026, 6, 8), number=379)
    city_letter = letters.draft_implementing_letter(delivery(top, tree["city"]), actor=city)
    city_letter = letters.issue_letter(city_letter, actor=city, on=dt.date(2026, 6, 10),
                                       number=783)
    ward_letter = letters.draft_implementing_letter(
        delivery(city_letter, tree["wards"]["Nam Đồng"]), actor=ward)
    references = [
        {field: getattr(ref, field) for field in ("relation", "target", "kind", "number",
                                                  "symbol", "date", "issuer_name", "subject")}
        for ref in ward_letter.references.all()]
    references.append({"relation": Relation.BASED_ON, "target": None, "kind": "Công văn",
                       "number": 897, "symbol": "CV/BTGDVTU", "date": dt.date(2026, 6, 4),
                       "issuer_name": "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng <&>",
                       "subject": "triển khai, hưởng ứng Giải thưởng"})
    ward_letter = letters.update_draft(ward_letter, actor=ward, references=references)
    ward_letter = letters.issue_letter(ward_letter, actor=ward, on=dt.date(2026, 6, 18),
                                       number=31)
    return {"top": top, "city": city_letter, "ward": ward_letter,
            "people": {"central": central, "city": city, "ward": ward}}


def test_the_graph_selector_walks_citations_both_ways(seed_letters, organiser):
    top, city, ward = seed_letters["top"], seed_letters["city"], seed_letters["ward"]
    assert set(LetterReference.objects.filter(letter=ward).values_list("relation", flat=True)
               ) == {"implements", "based_on"}
    for start in (top, city, ward):
        drawn, truncated = selectors.letter_graph(organiser, start)
        assert not truncated and drawn.focus == f"letter:{start.pk}"
        codes = {n.code: n for n in drawn.nodes}
        assert set(codes) == {"Số: 379/MTTW-BTT", "Số: 783/MTTQ-BTT", "Số: 31/MTTQ-BTT",
                              "Số 897-CV/BTGDVTU"}
        assert codes["Số 897-CV/BTGDVTU"].status == "cited"
        by_id = {n.id: n.code for n in drawn.nodes}
        edges = {(by_id[e.source], by_id[e.target], e.relation) for e in drawn.edges}
        assert edges == {
            ("Số: 379/MTTW-BTT", "Số: 783/MTTQ-BTT", "implements"),
            ("Số: 783/MTTQ-BTT", "Số: 31/MTTQ-BTT", "implements"),
            ("Số: 379/MTTW-BTT", "Số: 31/MTTQ-BTT", "based_on"),
            ("Số 897-CV/BTGDVTU", "Số: 31/MTTQ-BTT", "based_on")}
    small, truncated = selectors.letter_graph(organiser, ward, limit=2)
    assert truncated and len([n for n in small.nodes if n.id.startswith("letter:")]) == 2


def test_the_graph_shows_only_letters_the_person_may_see(seed_letters, tree):
    drawn, _ = selectors.letter_graph(seed_letters["people"]["ward"], seed_letters["ward"])
    codes = {n.code for n in drawn.nodes}
    # The ward takes part in the central letter's cascade, so it follows that letter too.
    assert codes == {"Số: 379/MTTW-BTT", "Số: 783/MTTQ-BTT", "Số: 31/MTTQ-BTT",
                     "Số 897-CV/BTGDVTU"}
    # A sibling ward got the city's letter but never sees Nam Đồng's own letter.
    sibling = officer("lechan", tree["wards"]["Lê Chân"])
    drawn, _ = selectors.letter_graph(sibling, seed_letters["city"])
    assert {n.code for n in drawn.nodes} == {"Số: 379/MTTW-BTT", "Số: 783/MTTQ-BTT"}


def test_the_graph_page_and_the_svg(seed_letters, client, organiser):
    ward = seed_letters["ward"]
    client.force_login(organiser)
    response = client.get(url("cascade_graph_svg", ward.pk, lang="en"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = response.content.decode()
    assert "Thành ủy Hải Phòng &lt;&amp;&gt;" in text
    for label in ("2 days", "8 days", "10 days", "14 days"):
        assert f">{label}</text>" in text

    page = client.get(url("cascade_graph", ward.pk, lang="en"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<?xml" not in body and "<script" not in body
    edges = page.context["edges"]
    assert len(edges) == 4
    assert any(e.startswith("Số 897-CV/BTGDVTU") and e.endswith("Based on (Căn cứ), 14 days")
               for e in edges)
    assert url("cascade_graph", seed_letters["city"].pk, lang="en") in body


def test_the_coverage_page_of_the_seed_cascade_embeds_its_graph(seed_letters, client, organiser):
    top = seed_letters["top"]
    front = top.issuer
    client.force_login(organiser)
    response = client.get(url("coverage", top.pk, front.pk))
    assert response.status_code == 200
    assert f'src="{url("cascade_graph_svg", top.pk)}"' in response.content.decode()
