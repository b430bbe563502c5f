"""The cascade in a browser: the Hải Phòng Front drafts and issues a letter to its wards; the Nam
Đồng officer receives it, acknowledges it, implements it with the ward's own letter to its groups
and member organisations, and reports a conference; the city's coverage page shows Nam Đồng done
and the other wards pending, and the cascade graph draws both letters. Pages are the English ones
(/en/), so the assertions do not depend on the translation catalogue; the letters themselves are
Vietnamese."""

import re

import pytest
from playwright.sync_api import expect

PASSWORD = "Mật-khẩu-thử-2026"
SUBJECT = ("tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối ngoại lần "
           "thứ XII")
WARDS = ("Nam Đồng", "Lê Chân", "Hồng Bàng")
GROUPS = ("Ban Công tác Mặt trận Tổ dân phố số 1", "Ban Công tác Mặt trận Tổ dân phố số 2")
MEMBER = "Hội Liên hiệp Phụ nữ phường Nam Đồng"


@pytest.fixture
def cascade(live_server, transactional_db):
    from giaithuong.accounts.roles import Role
    from giaithuong.accounts.services import create_user, grant_role
    from giaithuong.directives.models import UnitKind
    from giaithuong.directives.services import ensure_unit, save_unit
    from giaithuong.editions.services import load_edition_file
    from tests.conftest import EDITION_FILE

    load_edition_file(EDITION_FILE)
    city = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
                       kind=UnitKind.FRONT, code="MTTQ-BTT", seat="Hải Phòng")
    city.header_name = "BAN THƯỜNG TRỰC"
    city.header_parent = "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HẢI PHÒNG"
    save_unit(city)
    wards = {}
    for name in WARDS:
        ward = ensure_unit(name=f"Ban Thường trực Ủy ban MTTQ Việt Nam phường {name}",
                           kind=UnitKind.FRONT, parent=city, code="MTTQ-BTT", seat=name)
        ward.header_name = "BAN THƯỜNG TRỰC"
        ward.header_parent = f"ỦY BAN MTTQ VIỆT NAM PHƯỜNG {name.upper()}"
        wards[name] = save_unit(ward)
    for group in GROUPS:
        ensure_unit(name=group, kind=UnitKind.RESIDENTIAL, parent=wards["Nam Đồng"],
                    seat="Nam Đồng")
    ensure_unit(name=MEMBER, kind=UnitKind.MASS_ORGANISATION, parent=wards["Nam Đồng"],
                seat="Nam Đồng")
    for username, unit in (("haiphong", city), ("namdong", wards["Nam Đồng"])):
        user = create_user(username=username, password=PASSWORD, full_name=username)
        grant_role(user, Role.UNIT_OFFICER, unit=unit)
    return live_server.url


def _sign_in(browser, site, username):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Issue this letter now?"
    page.goto(site + "/en/account/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/en/account/$"))
    return page


def test_a_letter_goes_down_the_cascade(cascade, browser, tmp_path):
    site = cascade

    # The city Front drafts a letter to its three wards and issues it.
    city = _sign_in(browser, site, "haiphong")
    city.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Letters").click()
    city.get_by_role("link", name="New letter").click()
    city.get_by_label("Subject (V/v)").fill(SUBJECT)
    city.get_by_role("button", name="Create the draft").click()
    city.wait_for_url(re.compile(r"/en/letters/\d+/edit/$"))
    for ward in WARDS:
        city.get_by_label(f"Ban Thường trực Ủy ban MTTQ Việt Nam phường {ward}",
                          exact=True).check()
    city.get_by_label("Kính gửi as written on the letter").fill(
        "Ban Thường trực Ủy ban MTTQ Việt Nam các phường")
    city.get_by_label("Body", exact=True).fill(
        "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng đề nghị:\n"
        "1. Tuyên truyền sâu rộng về Giải thưởng tới các tầng lớp Nhân dân.\n"
        "2. Phát hiện, giới thiệu các cá nhân, tập thể có khả năng xây dựng tác phẩm dự thi.")
    city.get_by_label("Signing authority").fill("TM. BAN THƯỜNG TRỰC")
    city.get_by_label("Signer's title").fill("PHÓ CHỦ TỊCH")
    city.get_by_label("Signer's name").fill("Nguyễn Thị Hương")
    city.get_by_label("Nơi nhận (distribution list)").fill("Như trên\nLưu: VT")
    city.get_by_role("button", name="Save and issue").click()
    city.wait_for_url(re.compile(r"/en/letters/\d+/$"))
    city_letter_url = city.url
    expect(city.locator(".letter-title .badge")).to_have_text("Issued")
    paper = city.locator("article.paper")
    expect(paper).to_contain_text("Số: 01/MTTQ-BTT")
    expect(paper).to_contain_text("Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam các phường.")
    expect(city.locator(".deliveries-table tbody tr")).to_have_count(3)
    expect(city.locator(".deliveries-table .badge")).to_have_text(["Received"] * 3)

    # The Nam Đồng officer finds it in the inbox and acknowledges it.
    ward = _sign_in(browser, site, "namdong")
    ward.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Letters").click()
    ward.wait_for_url(re.compile(r"/en/letters/$"))
    row = ward.locator(".letters-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("01/MTTQ-BTT")
    expect(row.locator(".badge")).to_have_text("Received")
    row.get_by_role("link", name=re.compile("tuyên truyền, triển khai")).click()
    panel = ward.locator(".delivery-panel")
    panel.get_by_role("button", name="Acknowledge").click()
    expect(panel.locator(".badge")).to_have_text("Acknowledged")

    # Implement: the ward's own letter, drafted from the city's, to its groups and members.
    panel.get_by_role("button", name="Implement").click()
    ward.wait_for_url(re.compile(r"/en/letters/\d+/edit/$"))
    expect(ward.get_by_label("Body", exact=True)).to_have_value(re.compile(
        r"^Thực hiện Công văn số 01/MTTQ-BTT ngày \d\d/\d{1,2}/\d{4} của Ban Thường trực Ủy ban "
        r"MTTQ Việt Nam thành phố Hải Phòng về việc tuyên truyền"))
    for addressee in (*GROUPS, MEMBER):
        box = ward.get_by_label(addressee, exact=True)
        box.check()
        expect(box).to_be_checked()
    expect(ward.get_by_label("Signing authority")).to_have_value("TM. BAN THƯỜNG TRỰC")
    ward.get_by_label("Signer's title").fill("CHỦ TỊCH")
    ward.get_by_label("Signer's name").fill("Đoàn Trung Thu")
    ward.get_by_role("button", name="Save and issue").click()
    ward.wait_for_url(re.compile(r"/en/letters/\d+/$"))
    expect(ward.locator(".letter-title .badge")).to_have_text("Issued")
    expect(ward.locator("article.paper")).to_contain_text("Nam Đồng, ngày")
    expect(ward.locator(".deliveries-table tbody tr")).to_have_count(3)

    # Back on the city's letter, Nam Đồng reports a conference with 120 people.
    ward.get_by_role("link", name=re.compile(r"Công văn no\. 01\/MTTQ-BTT")).click()
    panel = ward.locator(".delivery-panel")
    expect(panel.locator(".badge")).to_have_text("In progress")
    expect(panel.get_by_role("link", name=re.compile(r"Our letter 01\/MTTQ-BTT"))).to_be_visible()
    panel.get_by_role("link", name="Report activity").click()
    ward.get_by_role("combobox", name="Activity", exact=True).select_option(label="Conference")
    ward.get_by_label("People reached").fill("120")
    ward.get_by_label("Where or through which channel").fill("Hội trường phường")
    ward.get_by_label("What was done").fill("Hội nghị quán triệt Giải thưởng.")
    ward.get_by_role("button", name="Send the report").click()
    ward.wait_for_url(re.compile(r"/en/letters/\d+/#delivery-\d+$"))
    panel = ward.locator(".delivery-panel")
    expect(panel.locator(".badge")).to_have_text("Done")
    expect(panel).to_contain_text("120 people reached")
    ward.screenshot(path=str(tmp_path / "ward.png"), full_page=True)

    # The city sees Nam Đồng done and the other wards still to act.
    city.goto(city_letter_url)
    states = dict(zip(city.locator(".deliveries-table tbody td:first-child").all_inner_texts(),
                      city.locator(".deliveries-table tbody .badge").all_inner_texts(),
                      strict=True))
    assert states == {"Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng": "Done",
                      "Ban Thường trực Ủy ban MTTQ Việt Nam phường Lê Chân": "Received",
                      "Ban Thường trực Ủy ban MTTQ Việt Nam phường Hồng Bàng": "Received"}
    city.screenshot(path=str(tmp_path / "city.png"), full_page=True)

    # The city's coverage page: Nam Đồng done, the other wards pending.
    city.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Coverage").click()
    city.get_by_role("link", name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
                     exact=True).click()
    city.wait_for_url(re.compile(r"/en/coverage/\d+/\d+/$"))
    branches = city.locator(".branch-list .branch")
    expect(branches).to_have_count(3)
    statuses = dict(zip(branches.locator(".branch-head a").all_inner_texts(),
                        branches.locator(".branch-head .status").all_inner_texts(),
                        strict=True))
    assert statuses == {
        "Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng": "Done (reported)",
        "Ban Thường trực Ủy ban MTTQ Việt Nam phường Lê Chân": "Pending",
        "Ban Thường trực Ủy ban MTTQ Việt Nam phường Hồng Bàng": "Pending"}
    expect(city.locator(".coverage-table")).to_contain_text("120")

    # The cascade graph draws both letters, the ward's under the city's.
    city.get_by_role("link", name="Open the graph with the list of its links as text").click()
    graph = city.locator(".graph-scroll svg")
    expect(graph).to_contain_text("01/MTTQ-BTT")
    expect(graph.locator("text", has_text="Nam Đồng")).not_to_have_count(0)
    edges = city.locator(".edge-list li").all_inner_texts()
    assert len(edges) == 1 and edges[0].startswith("Số: 01/MTTQ-BTT"), edges
    city.screenshot(path=str(tmp_path / "graph.png"), full_page=True)
    city.context.close()
    ward.context.close()
