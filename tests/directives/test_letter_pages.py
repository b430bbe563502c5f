"""The letter pages: inbox and sent letters, drafting, issuing, and the work on a received letter,
through the Django test client as officers of different units."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.directives import letters
from giaithuong.directives.models import (
    ActivityReport,
    Delivery,
    DeliveryState,
    Letter,
    LetterStatus,
    UnitKind,
)
from giaithuong.directives.services import ensure_unit

SUBJECT = ("tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối ngoại lần "
           "thứ XII")
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
              for n in range(1, 3)]
    members = [ensure_unit(name="Hội Liên hiệp Phụ nữ phường Nam Đồng",
                           kind=UnitKind.MASS_ORGANISATION, parent=wards["Nam Đồng"],
                           seat="Nam Đồng")]
    return {"front": front, "city": city, "wards": wards, "groups": groups, "members": members}


def _officer(username, *units):
    user = create_user(username=username, password="x-Very-long-1", full_name=username)
    for unit in units:
        grant_role(user, Role.UNIT_OFFICER, unit=unit)
    return user


@pytest.fixture
def people(tree):
    return {"city": _officer("haiphong", tree["city"]),
            "namdong": _officer("namdong", tree["wards"]["Nam Đồng"]),
            "lechan": _officer("lechan", tree["wards"]["Lê Chân"])}


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client
    return sign_in


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _city_letter(tree, people, *, issue=True, due=None, **extra):
    draft = letters.create_draft(
        actor=people["city"], issuer=tree["city"], symbol="MTTQ-BTT", subject=SUBJECT,
        addressee_units=list(tree["wards"].values()),
        addressee_texts=["Ban Thường trực Ủy ban MTTQ Việt Nam các phường"],
        body=[{"text": "Tuyên truyền sâu rộng về Giải thưởng.", "number": "1"},
              {"text": "Phát hiện, giới thiệu tác giả.", "number": "2"}],
        recipients=["Như trên", "Lưu: VT"], due_date=due,
        signature={"authority": ["TM. BAN THƯỜNG TRỰC"], "title": "PHÓ CHỦ TỊCH",
                   "name": "Nguyễn Thị Hương"},
        references=[{"relation": "based_on", "kind": "Công văn", "number": 379,
                     "symbol": "MTTW-BTT", "date": dt.date(2026, 6, 8),
                     "issuer_name": "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
                     "subject": "thông tin, tuyên truyền Giải thưởng"}], **extra)
    if not issue:
        return draft
    return letters.issue_letter(draft, actor=people["city"], on=dt.date(2026, 6, 10),
                                number=783)


def _delivery(letter, unit):
    return Delivery.objects.get(letter=letter, unit=unit)


def _text(response) -> str:
    """The page's visible text, tags dropped and spaces squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Inbox and sent letters ------------------------------------------------------------------------

def test_the_inbox_shows_received_letters_with_state_and_overdue(tree, people, as_user):
    late = _city_letter(tree, people, due=timezone.localdate() - dt.timedelta(days=1))
    client = as_user(people["namdong"])
    response = client.get(reverse("directives:inbox"))
    assert response.status_code == 200
    text = _text(response)
    assert "783/MTTQ-BTT" in text and "10/06/2026" in text and f"V/v {SUBJECT}" in text
    assert "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng" in text
    (row,) = response.context["page"].object_list
    assert row.letter == late and row.is_overdue
    assert 'class="is-overdue"' in response.content.decode()
    assert 'class="badge state-received"' in response.content.decode()

    letters.acknowledge(_delivery(late, tree["wards"]["Nam Đồng"]), actor=people["namdong"])
    assert not client.get(reverse("directives:inbox"), {"state": "received"}).context[
        "page"].object_list
    assert len(client.get(reverse("directives:inbox"), {"state": "overdue"}).context[
        "page"].object_list) == 1
    assert len(client.get(reverse("directives:inbox"), {"state": "acknowledged"}).context[
        "page"].object_list) == 1


def test_the_inbox_holds_only_the_persons_own_units(tree, people, as_user):
    _city_letter(tree, people)
    assert not as_user(people["city"]).get(reverse("directives:inbox")).context[
        "page"].object_list
    response = as_user(people["lechan"]).get(reverse("directives:inbox"))
    assert [d.unit for d in response.context["page"].object_list] == [tree["wards"]["Lê Chân"]]
    assert not response.context["form"].several_units


def test_an_officer_of_two_units_filters_by_unit(tree, people, as_user):
    both = _officer("hai-phuong", tree["wards"]["Nam Đồng"], tree["wards"]["Lê Chân"])
    _city_letter(tree, people)
    client = as_user(both)
    response = client.get(reverse("directives:inbox"))
    assert response.context["form"].several_units and len(
        response.context["page"].object_list) == 2
    only = client.get(reverse("directives:inbox"), {"unit": tree["wards"]["Lê Chân"].pk})
    assert [d.unit for d in only.context["page"].object_list] == [tree["wards"]["Lê Chân"]]
    # A unit the person does not act for is an error at the field, not someone else's inbox.
    other = client.get(reverse("directives:inbox"), {"unit": tree["city"].pk})
    assert other.context["form"].errors["unit"]


def test_the_inbox_is_paginated(tree, people, as_user):
    for _ in range(27):
        letters.issue_letter(_city_letter(tree, people, issue=False), actor=people["city"])
    client = as_user(people["namdong"])
    first = client.get(reverse("directives:inbox"))
    assert len(first.context["page"].object_list) == 25
    assert "?page=2" in first.content.decode()
    assert len(client.get(reverse("directives:inbox"), {"page": 2}).context[
        "page"].object_list) == 2


@pytest.mark.usefixtures("english_pages")
def test_sent_letters_show_drafts_and_delivery_counts(tree, people, as_user):
    issued = _city_letter(tree, people)
    _city_letter(tree, people, issue=False)
    letters.acknowledge(_delivery(issued, tree["wards"]["Nam Đồng"]), actor=people["namdong"])
    letters.report_activity(_delivery(issued, tree["wards"]["Nam Đồng"]),
                            actor=people["namdong"], kind="conference",
                            date=timezone.localdate(), audience=10)
    response = as_user(people["city"]).get(reverse("directives:outbox"))
    rows = list(response.context["page"].object_list)
    assert [row.status for row in rows] == [LetterStatus.DRAFT, LetterStatus.ISSUED]
    assert (rows[1].deliveries_total, rows[1].deliveries_acknowledged,
            rows[1].deliveries_done) == (3, 1, 1)
    text = _text(response)
    assert "1 of 3" in text and "…/MTTQ-BTT" in text
    drafts = as_user(people["city"]).get(reverse("directives:outbox"), {"state": "draft"})
    assert [row.status for row in drafts.context["page"].object_list] == [LetterStatus.DRAFT]
    # Another ward sees none of the city's letters here.
    assert not as_user(people["lechan"]).get(reverse("directives:outbox")).context[
        "page"].object_list


def test_the_navigation_shows_letters_to_officers_only(tree, people, as_user, client):
    page = as_user(people["namdong"]).get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{reverse("directives:inbox")}"' in page
    participant = create_user(username="author", password="x-Very-long-1")
    client.force_login(participant)
    assert client.get(reverse("directives:inbox")).status_code == 403
    assert f'href="{reverse("directives:inbox")}"' not in client.get(
        reverse("accounts:dashboard")).content.decode()


# A new draft ----------------------------------------------------------------------------------

def test_a_new_draft_takes_the_units_usual_symbol_and_goes_to_edit(tree, people, as_user):
    client = as_user(people["namdong"])
    page = client.get(reverse("directives:letter_new"))
    token = page.context["token"]
    assert [choice[1] for choice in page.context["form"].fields["issuer"].choices] == [
        tree["wards"]["Nam Đồng"].name]
    data = {"issuer": tree["wards"]["Nam Đồng"].pk, "kind": "ke_hoach", "token": token,
            "subject": "  triển khai   Giải thưởng  "}
    response = client.post(reverse("directives:letter_new"), data)
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:letter_edit", args=[letter.pk])
    assert (letter.symbol, letter.kind, letter.subject, letter.status, letter.place) == (
        "KH-MTTQ-BTT", "ke_hoach", "triển khai Giải thưởng", LetterStatus.DRAFT, "Nam Đồng")
    # A standing board signs on behalf of the board; the list opens and ends as NĐ 30 says.
    assert letter.signature["authority"] == ["TM. BAN THƯỜNG TRỰC"]
    assert letter.recipients == ["Như trên", "Lưu: VT"]
    # The same form sent again (a double click, a reload) opens the same draft.
    again = client.post(reverse("directives:letter_new"), data)
    assert again["Location"] == response["Location"] and Letter.objects.count() == 1


def test_a_party_unit_writes_party_symbols(db, as_user):
    party = ensure_unit(name="Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng",
                        kind=UnitKind.PARTY, code="BTGDVTU", seat="Hải Phòng")
    client = as_user(_officer("btgdv", party))
    client.post(reverse("directives:letter_new"),
                {"issuer": party.pk, "kind": "cong_van", "subject": "triển khai Giải thưởng"})
    letter = Letter.objects.get()
    assert (letter.symbol, letter.style) == ("CV/BTGDVTU", "party")
    page = client.get(reverse("directives:letter_detail", args=[letter.pk]))
    assert "Số -CV/BTGDVTU" in " ".join(_text(page).split()) or "Số    -CV/BTGDVTU" in (
        page.content.decode())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in _text(page)


def test_bad_input_for_a_new_draft_is_shown_at_the_field(tree, people, as_user):
    client = as_user(people["namdong"])
    response = client.post(reverse("directives:letter_new"), {
        "issuer": tree["wards"]["Nam Đồng"].pk, "kind": "cong_van", "subject": "",
        "symbol": "MTTQ BTT!"})
    assert response.status_code == 400 and not Letter.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"subject", "symbol"}
    html = response.content.decode()
    assert 'id="id_subject_error"' in html
    assert re.search(r'aria-describedby="[^"]*\bid_subject_error\b', html)
    assert 'value="MTTQ BTT!"' in html  # what was typed is kept
    # A unit the person is not an officer of cannot issue through them.
    response = client.post(reverse("directives:letter_new"), {
        "issuer": tree["city"].pk, "kind": "cong_van", "subject": "x"})
    assert "issuer" in response.context["form"].errors and not Letter.objects.exists()


# Editing and issuing --------------------------------------------------------------------------

def _edit_data(tree, **changes):
    data = {
        "subject": SUBJECT, "kind": "cong_van", "symbol": "MTTQ-BTT",
        "header_parent": "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HẢI PHÒNG",
        "header_name": "BAN THƯỜNG TRỰC", "place": "Hải Phòng",
        "addressee_units": [u.pk for u in tree["wards"].values()],
        "addressee_texts": "", "body": (
            "Căn cứ Công văn số 379/MTTW-BTT ngày 08/6/2026 …, Ban Thường trực đề nghị:\n"
            "1. Đẩy mạnh công tác tuyên truyền:\n- Tăng cường thông tin.\n"
            "2. Báo cáo kết quả."),
        "recipients": "- Như trên;\n- Lưu: VT.",
        "signature_authority": "tm. ban thường trực", "signature_title": "Phó Chủ tịch",
        "signature_name": "Nguyễn Thị Hương", "due_date": "2026-07-15",
        "attach_trailer_qr": "on",
    }
    data.update(changes)
    return data


def test_editing_a_draft_saves_every_part(tree, people, as_user):
    draft = letters.create_draft(actor=people["city"], issuer=tree["city"], symbol="MTTQ-BTT",
                                 subject="tạm")
    client = as_user(people["city"])
    page = client.get(reverse("directives:letter_edit", args=[draft.pk]))
    offered = {choice[1] for choice in page.context["form"].fields["addressee_units"].choices}
    assert offered == {unit.name for unit in tree["wards"].values()}  # the city's children
    response = client.post(reverse("directives:letter_edit", args=[draft.pk]), _edit_data(tree))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.subject == SUBJECT and draft.header_name == "BAN THƯỜNG TRỰC"
    assert set(draft.addressee_units.all()) == set(tree["wards"].values())
    assert draft.addressee_texts == [u.name for u in tree["wards"].values()]  # by name
    assert [(p["number"], p["bullet"]) for p in draft.body] == [
        (None, False), ("1", False), (None, True), ("2", False)]
    assert draft.recipients == ["Như trên", "Lưu: VT."]
    assert draft.signature == {"authority": ["TM. BAN THƯỜNG TRỰC"], "title": "PHÓ CHỦ TỊCH",
                               "name": "Nguyễn Thị Hương"}
    assert draft.due_date == dt.date(2026, 7, 15) and draft.attach_trailer_qr
    # Shown again, the textarea holds the same lines and "by name" stays empty.
    again = client.get(reverse("directives:letter_edit", args=[draft.pk])).context["form"]
    assert again.initial["addressee_texts"] == ""
    assert again.initial["body"].splitlines()[1:] == [
        "1. Đẩy mạnh công tác tuyên truyền:", "- Tăng cường thông tin.", "2. Báo cáo kết quả."]


def test_free_text_addressees_and_bad_input_keep_what_was_typed(tree, people, as_user):
    draft = letters.create_draft(actor=people["city"], issuer=tree["city"], symbol="MTTQ-BTT",
                                 subject="tạm")
    client = as_user(people["city"])
    response = client.post(reverse("directives:letter_edit", args=[draft.pk]), _edit_data(
        tree, due_date="31/02/2026", symbol="MTTQ BTT", addressee_units=[],
        address_subtree="on", addressee_texts="Các phường"))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"due_date", "symbol", "address_subtree"}
    html = response.content.decode()
    assert "Đẩy mạnh công tác tuyên truyền" in html and "Các phường" in html
    draft.refresh_from_db()
    assert draft.subject == "tạm"  # nothing half-saved
    client.post(reverse("directives:letter_edit", args=[draft.pk]),
                _edit_data(tree, addressee_texts="- Các phường;\nBan Thường trực các xã"))
    draft.refresh_from_db()
    assert draft.addressee_texts == ["Các phường", "Ban Thường trực các xã"]


def test_only_the_issuers_officers_see_and_edit_a_draft(tree, people, as_user):
    draft = letters.create_draft(actor=people["city"], issuer=tree["city"], symbol="MTTQ-BTT",
                                 subject="tạm")
    for url in (reverse("directives:letter_detail", args=[draft.pk]),
                reverse("directives:letter_edit", args=[draft.pk])):
        assert as_user(people["namdong"]).get(url).status_code == 404
    response = as_user(people["namdong"]).post(
        reverse("directives:letter_edit", args=[draft.pk]), _edit_data(tree))
    assert response.status_code == 404
    assert as_user(people["namdong"]).post(
        reverse("directives:letter_issue", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.subject == "tạm" and draft.status == LetterStatus.DRAFT


def test_issuing_shows_the_number_and_a_second_issue_changes_nothing(tree, people, as_user):
    draft = _city_letter(tree, people, issue=False)
    client = as_user(people["city"])
    url = reverse("directives:letter_issue", args=[draft.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    draft.refresh_from_db()
    assert draft.status == LetterStatus.ISSUED and draft.number == 1
    assert any("01/MTTQ-BTT" in m and "3" in m for m in _messages(response))
    again = client.post(url, follow=True)
    assert again.status_code == 200
    assert Delivery.objects.filter(letter=draft).count() == 3
    assert Letter.objects.get(pk=draft.pk).number == 1
    assert len(_messages(again)) == 1
    # Editing an issued letter goes back to the letter.
    edit = client.get(reverse("directives:letter_edit", args=[draft.pk]))
    assert edit.status_code == 302


def test_issue_errors_are_shown_in_the_pages_language(tree, people, as_user):
    draft = letters.create_draft(actor=people["city"], issuer=tree["city"], symbol="MTTQ-BTT",
                                 subject="không có nơi nhận")
    client = as_user(people["city"])
    response = client.post("/en" + reverse("directives:letter_issue", args=[draft.pk]),
                           follow=True)
    assert "The letter has no addressees (Kính gửi)." in _messages(response)
    assert response.request["PATH_INFO"].startswith("/en/")
    draft.refresh_from_db()
    assert draft.status == LetterStatus.DRAFT


def test_save_and_issue_from_the_edit_page(tree, people, as_user):
    draft = letters.create_draft(actor=people["city"], issuer=tree["city"], symbol="MTTQ-BTT",
                                 subject="tạm")
    response = as_user(people["city"]).post(
        reverse("directives:letter_edit", args=[draft.pk]), {**_edit_data(tree), "issue": ""})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == LetterStatus.ISSUED and draft.deliveries.count() == 3


def test_discarding_a_draft(tree, people, as_user):
    draft = _city_letter(tree, people, issue=False)
    assert as_user(people["lechan"]).post(
        reverse("directives:letter_discard", args=[draft.pk])).status_code == 404
    response = as_user(people["city"]).post(reverse("directives:letter_discard",
                                                    args=[draft.pk]))
    assert response["Location"] == reverse("directives:outbox")
    assert not Letter.objects.filter(pk=draft.pk).exists()


# The letter on paper --------------------------------------------------------------------------

def test_the_letter_reads_like_paper(tree, people, as_user):
    issued = _city_letter(tree, people)
    response = as_user(people["city"]).get(reverse("directives:letter_detail", args=[issued.pk]))
    text = _text(response)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Số: 783/MTTQ-BTT", "Hải Phòng, ngày 10 tháng 6 năm 2026",
                     "V/v tuyên truyền", "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam các "
                     "phường.", "1. Tuyên truyền sâu rộng về Giải thưởng.", "Nơi nhận:",
                     "- Như trên;", "- Lưu: VT.", "TM. BAN THƯỜNG TRỰC", "PHÓ CHỦ TỊCH",
                     "Nguyễn Thị Hương"):
        assert expected in text, expected
    assert '<p class="paper-date i">' in response.content.decode()
    # The city's officers follow the deliveries; the letter it is based on is not in the system.
    assert response.context["deliveries_total"] == 3
    assert "Ban Thường trực Ủy ban MTTQ Việt Nam phường Lê Chân" in text
    (ref,) = response.context["references"]
    assert ref["external"] and not ref["linked"] and "379/MTTW-BTT" in text


def test_an_addressee_acts_on_its_own_delivery_only(tree, people, as_user):
    issued = _city_letter(tree, people)
    response = as_user(people["lechan"]).get(reverse("directives:letter_detail",
                                                     args=[issued.pk]))
    (mine,) = response.context["my_deliveries"]
    assert mine.unit == tree["wards"]["Lê Chân"]
    assert "delivery_page" not in response.context  # not the issuer: no delivery table
    nam_dong = _delivery(issued, tree["wards"]["Nam Đồng"])
    for name in ("delivery_acknowledge", "delivery_implement", "delivery_refuse"):
        assert as_user(people["lechan"]).post(
            reverse(f"directives:{name}", args=[nam_dong.pk]),
            {f"refuse-{nam_dong.pk}-reason": "x"}).status_code == 403
    assert as_user(people["lechan"]).get(reverse("directives:delivery_report",
                                                 args=[nam_dong.pk])).status_code == 403
    nam_dong.refresh_from_db()
    assert nam_dong.state == DeliveryState.RECEIVED
    # Someone who cannot even see the letter is told it does not exist.
    outsider = _officer("elsewhere", tree["front"])
    hidden = letters.create_draft(actor=people["lechan"], issuer=tree["wards"]["Lê Chân"],
                                  symbol="MTTQ-BTT", subject="x")
    assert as_user(outsider).get(reverse("directives:letter_detail",
                                         args=[hidden.pk])).status_code == 404


def test_acknowledge_implement_refuse_from_the_letter(tree, people, as_user):
    issued = _city_letter(tree, people)
    client = as_user(people["namdong"])
    delivery = _delivery(issued, tree["wards"]["Nam Đồng"])
    response = client.post(reverse("directives:delivery_acknowledge", args=[delivery.pk]))
    assert response["Location"].endswith(f"#delivery-{delivery.pk}")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ACKNOWLEDGED
    client.post(reverse("directives:delivery_acknowledge", args=[delivery.pk]))  # no change

    response = client.post(reverse("directives:delivery_implement", args=[delivery.pk]))
    own = Letter.objects.get(implements=issued)
    assert response["Location"] == reverse("directives:letter_edit", args=[own.pk])
    assert own.body[0]["text"].startswith(
        "Thực hiện Công văn số 783/MTTQ-BTT ngày 10/6/2026 của Ban Thường trực Ủy ban MTTQ Việt "
        "Nam thành phố Hải Phòng về việc tuyên truyền")
    assert own.body[1]["text"].startswith("Căn cứ Công văn số 379/MTTW-BTT ngày 08/6/2026")
    assert own.signature["authority"] == ["TM. BAN THƯỜNG TRỰC"]
    assert set(own.addressee_units.all()) == {*tree["groups"], *tree["members"]}
    # Implementing again opens the same draft.
    again = client.post(reverse("directives:delivery_implement", args=[delivery.pk]))
    assert again["Location"] == response["Location"]
    assert Letter.objects.filter(implements=issued).count() == 1
    detail = client.get(reverse("directives:letter_detail", args=[issued.pk]))
    assert "Continue our implementing letter" in _text(detail)

    lechan = _delivery(issued, tree["wards"]["Lê Chân"])
    client = as_user(people["lechan"])
    empty = client.post(reverse("directives:delivery_refuse", args=[lechan.pk]),
                        {f"refuse-{lechan.pk}-reason": "   "})
    assert empty.status_code == 400
    assert f'id="id_refuse-{lechan.pk}-reason_error"' in empty.content.decode()
    client.post(reverse("directives:delivery_refuse", args=[lechan.pk]),
                {f"refuse-{lechan.pk}-reason": "Gửi nhầm đơn vị"})
    lechan.refresh_from_db()
    assert (lechan.state, lechan.refusal_reason) == (DeliveryState.REFUSED, "Gửi nhầm đơn vị")
    city_view = as_user(people["city"]).get(reverse("directives:letter_detail",
                                                    args=[issued.pk]))
    assert "Gửi nhầm đơn vị" in _text(city_view)


def test_an_issued_implementing_letter_links_back_in_the_system(tree, people, as_user):
    issued = _city_letter(tree, people)
    delivery = _delivery(issued, tree["wards"]["Nam Đồng"])
    own = letters.draft_implementing_letter(delivery, actor=people["namdong"])
    own = letters.issue_letter(own, actor=people["namdong"], on=dt.date(2026, 6, 18))
    response = as_user(people["namdong"]).get(reverse("directives:letter_detail",
                                                      args=[own.pk]))
    implemented = response.context["references"][0]
    assert implemented["linked"] and not implemented["external"]
    assert reverse("directives:letter_detail", args=[issued.pk]) in response.content.decode()
    # The next implementing letter of the ward is signed as this one was.
    second = _city_letter(tree, people, issue=False)
    second = letters.issue_letter(second, actor=people["city"])
    signed = letters.draft_implementing_letter(_delivery(second, tree["wards"]["Nam Đồng"]),
                                               actor=people["namdong"])
    assert signed.signature == own.signature


def test_downloads_are_named_after_the_letter(tree, people, as_user):
    issued = _city_letter(tree, people)
    client = as_user(people["namdong"])
    pdf = client.get(reverse("directives:letter_pdf", args=[issued.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="783-MTTQ-BTT-2026-06-10.pdf"'
    docx = client.get(reverse("directives:letter_docx", args=[issued.pk]))
    assert docx.content.startswith(b"PK") and docx["Content-Disposition"].endswith('.docx"')
    draft = _city_letter(tree, people, issue=False)
    assert client.get(reverse("directives:letter_pdf", args=[draft.pk])).status_code == 404


# Reporting an activity ------------------------------------------------------------------------

def _report_data(**changes):
    data = {"kind": "conference", "date": timezone.localdate().isoformat(), "audience": "120",
            "channel": "Hội trường phường", "description": "Hội nghị quán triệt Giải thưởng.",
            "links": "https://example.vn/tin-tuc\n\nhttp://example.vn/anh",
            "candidates_introduced": "2", "entries_submitted": "0"}
    data.update(changes)
    return data


def _upload(name, data):
    file = io.BytesIO(data)
    file.name = name
    return file


def test_reporting_an_activity_with_evidence(tree, people, as_user):
    issued = _city_letter(tree, people)
    delivery = _delivery(issued, tree["wards"]["Nam Đồng"])
    client = as_user(people["namdong"])
    url = reverse("directives:delivery_report", args=[delivery.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**_report_data(), "evidence": _upload("bien-ban.pdf",
                                                                        PDF_BYTES)})
    assert response.status_code == 302
    report = ActivityReport.objects.get()
    assert (report.audience, report.links, report.candidates_introduced) == (
        120, ["https://example.vn/tin-tuc", "http://example.vn/anh"], 2)
    assert report.evidence.name.startswith("evidence/") and report.evidence.read() == PDF_BYTES
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DONE
    # Sent again (a resend), it is kept once.
    client.post(url, {**_report_data(), "evidence": _upload("bien-ban.pdf", PDF_BYTES)})
    assert ActivityReport.objects.count() == 1
    # The evidence is for the ward and the units above it, not for another ward.
    evidence = reverse("directives:report_evidence", args=[report.pk])
    assert b"".join(client.get(evidence).streaming_content) == PDF_BYTES
    assert as_user(people["city"]).get(evidence).status_code == 200
    assert as_user(people["lechan"]).get(evidence).status_code == 404
    detail = as_user(people["namdong"]).get(reverse("directives:letter_detail",
                                                    args=[issued.pk]))
    assert "120 people reached" in _text(detail)


@pytest.mark.parametrize(("changes", "field"), [
    ({"links": "javascript:alert(1)"}, "links"),
    ({"links": "ftp://example.vn/a"}, "links"),
    ({"date": "2999-01-01"}, "date"),
    ({"audience": "-5"}, "audience"),
    ({"kind": "picnic"}, "kind"),
    ({"evidence": ("virus.pdf", b"MZ\x90\x00 not a pdf")}, "evidence"),
    ({"evidence": ("photo.png", PDF_BYTES)}, "evidence"),
])
def test_bad_report_input_is_shown_at_the_field(tree, people, as_user, changes, field):
    issued = _city_letter(tree, people)
    delivery = _delivery(issued, tree["wards"]["Nam Đồng"])
    data = _report_data(**{k: v for k, v in changes.items() if k != "evidence"})
    if "evidence" in changes:
        data["evidence"] = _upload(*changes["evidence"])
    response = as_user(people["namdong"]).post(
        reverse("directives:delivery_report", args=[delivery.pk]), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert "Hội trường phường" in response.content.decode()  # the rest is kept
    assert not ActivityReport.objects.exists()


def test_evidence_over_20_mb_is_refused(tree, people, as_user, settings):
    from giaithuong.directives import letters as services

    issued = _city_letter(tree, people)
    delivery = _delivery(issued, tree["wards"]["Nam Đồng"])
    big = _upload("scan.pdf", PDF_BYTES + b"0" * services.EVIDENCE_MAX_BYTES)
    response = as_user(people["namdong"]).post(
        reverse("directives:delivery_report", args=[delivery.pk]),
        {**_report_data(), "evidence": big})
    assert response.status_code == 400 and "20 MB" in str(response.context["form"].errors)


def test_a_refused_delivery_takes_no_report(tree, people, as_user):
    issued = _city_letter(tree, people)
    delivery = _delivery(issued, tree["wards"]["Nam Đồng"])
    letters.refuse(delivery, actor=people["namdong"], reason="Nhầm")
    client = as_user(people["namdong"])
    response = client.post(reverse("directives:delivery_report", args=[delivery.pk]),
                           _report_data())
    assert response.status_code == 302 and not ActivityReport.objects.exists()
    implement = client.post(reverse("directives:delivery_implement", args=[delivery.pk]),
                            follow=True)
    assert not Letter.objects.filter(implements=issued).exists()
    assert _messages(implement)
