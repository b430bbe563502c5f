"""The letters API: drafting, issuing, rendering, addressees' progress and coverage, and who may
see and do what (two officers of sibling wards and one of their city)."""

import datetime as dt
import unicodedata

import pytest

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.directives.models import CascadeProgress, Delivery, Letter, LetterStatus
from tests.directives.cascade_api import SUBJECT, Api, as_person, city_letter, officer, tree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]
__all__ = ["tree"]  # the fixture, imported for pytest


@pytest.fixture
def city(client, tree):
    return as_person(client, tree["officers"]["city"])


def _api(client, tree, who: str) -> Api:
    return as_person(client, tree["officers"][who])


def _issued(api: Api, tree, **extra) -> dict:
    draft = api.post("/letters", city_letter(tree, **extra)).json()
    response = api.post(f"/letters/{draft['id']}/issue", {"date": "2026-06-10"})
    assert response.status_code == 200, response.json()
    return response.json()


# Drafting ------------------------------------------------------------------------------------

def test_a_draft_is_written_with_everything_a_letter_needs(city, tree):
    decomposed = unicodedata.normalize("NFD", SUBJECT)
    response = city.post("/letters", city_letter(tree, subject=decomposed, attach_trailer_qr=True))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["number"] is None and data["code"] == ""
    assert data["subject"] == SUBJECT  # stored NFC whatever the client sent
    assert data["symbol"] == "MTTQ-BTT"  # the issuer's code when none is given
    assert data["issuer"] == {"id": tree["city"].pk, "name": tree["city"].name,
                              "code": "MTTQ-BTT"}
    assert [u["id"] for u in data["addressee_units"]] == [tree["namdong"].pk, tree["lechan"].pk]
    assert data["body"][0] == {"text": "Tuyên truyền sâu rộng về Giải thưởng.", "number": "1",
                               "bullet": False, "level": 0}
    assert data["signature"]["authority"] == ["TM. BAN THƯỜNG TRỰC"]
    assert data["due_date"] == "2026-07-15" and data["attach_trailer_qr"] is True
    assert data["place"] == "Hải Phòng"


def test_a_reference_to_a_letter_in_the_system_takes_its_citation(city, tree):
    top = _issued(city, tree)
    body = city_letter(tree, references=[{"relation": "based_on", "target": top["id"]},
                                         {"relation": "according_to", "kind": "Kế hoạch",
                                          "number": 12, "symbol": "KH-BTGDVTW",
                                          "date": "2026-05-02"}])
    data = city.post("/letters", body).json()
    first, second = data["references"]
    assert first["target"] == top["id"] and first["number"] == 1
    assert first["symbol"] == "MTTQ-BTT" and first["date"] == "2026-06-10"
    assert first["subject"] == SUBJECT and first["issuer_name"] == tree["city"].name
    assert second["target"] is None and second["symbol"] == "KH-BTGDVTW"


def test_bad_drafts_are_refused_with_the_reason(city, tree):
    missing = city.post("/letters", {"issuer": tree["city"].pk})
    assert missing.status_code == 422
    assert ["body", "payload", "subject"] in [e["loc"] for e in missing.json()["detail"]]
    level = city.post("/letters", city_letter(tree, body=[{"text": "x", "level": 9}]))
    assert level.status_code == 422 and level.json()["detail"][0]["loc"][-1] == "level"
    unknown = city.post("/letters", city_letter(tree, addressee_units=[tree["lechan"].pk, 99999]))
    assert unknown.status_code == 400 and "99999" in unknown.json()["detail"]
    assert "addressee_units" in unknown.json()["detail"]
    no_issuer = city.post("/letters", city_letter(tree, issuer=88888))
    assert no_issuer.status_code == 400 and "88888" in no_issuer.json()["detail"]
    no_target = city.post("/letters", city_letter(
        tree, references=[{"relation": "based_on", "target": 77777}]))
    assert no_target.status_code == 400 and "77777" in no_target.json()["detail"]
    blank = city.post("/letters", city_letter(tree, subject="   "))
    assert blank.status_code == 400 and "subject" in blank.json()["detail"]
    assert not Letter.objects.exists()  # nothing half-written was kept


def test_an_officer_writes_only_for_their_own_unit(client, tree):
    ward = _api(client, tree, "namdong")
    response = ward.post("/letters", city_letter(tree))  # issuer: the city, not theirs
    assert response.status_code == 403 and tree["city"].name in response.json()["detail"]
    sibling = ward.post("/letters", city_letter(tree, issuer=tree["lechan"].pk))
    assert sibling.status_code == 403
    assert not Letter.objects.exists()


def test_a_draft_is_changed_then_discarded(city, tree):
    draft = city.post("/letters", city_letter(tree)).json()
    response = city.patch(f"/letters/{draft['id']}", {
        "subject": "hưởng ứng Giải thưởng", "addressee_units": [tree["lechan"].pk],
        "due_date": None, "references": []})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["subject"] == "hưởng ứng Giải thưởng" and data["due_date"] is None
    assert [u["id"] for u in data["addressee_units"]] == [tree["lechan"].pk]
    assert data["body"] == draft["body"]  # fields not sent are left alone

    nulled = city.patch(f"/letters/{draft['id']}", {"subject": None})
    assert nulled.status_code == 422 and nulled.json()["detail"][0]["loc"][-1] == "subject"
    unknown = city.patch(f"/letters/{draft['id']}", {"addressee_units": [424242]})
    assert unknown.status_code == 400 and "424242" in unknown.json()["detail"]
    assert city.get(f"/letters/{draft['id']}").json()["subject"] == "hưởng ứng Giải thưởng"

    assert city.delete(f"/letters/{draft['id']}").status_code == 204
    assert city.get(f"/letters/{draft['id']}").status_code == 404
    assert city.delete(f"/letters/{draft['id']}").status_code == 404


def test_an_issued_letter_is_neither_changed_nor_discarded(city, tree):
    issued = _issued(city, tree)
    changed = city.patch(f"/letters/{issued['id']}", {"subject": "khác"})
    assert changed.status_code == 409 and "issued" in changed.json()["detail"]
    assert city.delete(f"/letters/{issued['id']}").status_code == 409
    assert city.get(f"/letters/{issued['id']}").json()["subject"] == SUBJECT


def test_unknown_letters_are_404(city):
    for response in (city.get("/letters/123456"), city.patch("/letters/123456", {}),
                     city.post("/letters/123456/issue"), city.get("/letters/123456/pdf"),
                     city.get("/letters/123456/coverage")):
        assert response.status_code == 404
        assert response.json()["detail"] == "There is no such letter, or it is not yours to see."
    vietnamese = city.client.get("/api/v1/letters/123456", headers={**city.headers,
                                                                    "Accept-Language": "vi"})
    assert vietnamese.json()["detail"] == "Không có công văn này, hoặc bạn không có quyền xem."


# Issuing -------------------------------------------------------------------------------------

def test_issuing_numbers_dates_and_delivers(city, tree):
    issued = _issued(city, tree)
    assert issued["status"] == "issued" and issued["number"] == 1
    assert issued["code"] == "01/MTTQ-BTT" and issued["date"] == "2026-06-10"
    assert issued["cascade_root"] == issued["id"] and issued["issued_at"]
    assert Delivery.objects.filter(letter_id=issued["id"]).count() == 2
    second = _issued(city, tree)
    assert second["number"] == 2


def test_issuing_twice_never_takes_a_second_number(city, tree):
    issued = _issued(city, tree)
    again = city.post(f"/letters/{issued['id']}/issue")
    assert again.status_code == 409
    assert "already been issued" in again.json()["detail"]
    letter = Letter.objects.get(pk=issued["id"])
    assert letter.number == 1 and Delivery.objects.filter(letter=letter).count() == 2


def test_a_forced_number_and_date(city, tree):
    draft = city.post("/letters", city_letter(tree)).json()
    response = city.post(f"/letters/{draft['id']}/issue", {"number": 31, "date": "2026-06-12"})
    assert response.status_code == 200
    assert (response.json()["number"], response.json()["date"]) == (31, "2026-06-12")
    other = city.post("/letters", city_letter(tree)).json()
    taken = city.post(f"/letters/{other['id']}/issue", {"number": 31, "date": "2026-08-01"})
    assert taken.status_code == 409 and "31" in taken.json()["detail"]
    assert Letter.objects.get(pk=other["id"]).status == LetterStatus.DRAFT
    bad = city.post(f"/letters/{other['id']}/issue", {"number": 0, "date": "12/06/2026"})
    assert bad.status_code == 422
    assert {e["loc"][-1] for e in bad.json()["detail"]} == {"number", "date"}
    # The next free number follows the forced one.
    assert city.post(f"/letters/{other['id']}/issue", {"date": "2026-08-01"}).json()[
        "number"] == 32


def test_a_letter_without_addressees_is_not_issued(city, tree):
    draft = city.post("/letters", city_letter(tree, addressee_units=[], addressee_texts=[]))
    assert draft.status_code == 201  # a draft may wait for its addressees
    response = city.post(f"/letters/{draft.json()['id']}/issue")
    assert response.status_code == 400 and "no addressees" in response.json()["detail"]
    assert city.get(f"/letters/{draft.json()['id']}").json()["status"] == "draft"


# Who sees what -------------------------------------------------------------------------------

def test_sibling_and_parent_officers_see_only_their_part(client, tree):
    city, namdong, lechan = (_api(client, tree, who) for who in ("city", "namdong", "lechan"))
    top = _issued(city, tree)
    city_draft = city.post("/letters", city_letter(tree)).json()
    ward_draft = namdong.post("/letters", {
        "issuer": tree["namdong"].pk, "subject": SUBJECT,
        "addressee_units": [g.pk for g in tree["groups"]]}).json()

    # Drafts stay with the issuing unit's officers: others cannot even tell they exist.
    for api in (namdong, lechan):
        assert api.get(f"/letters/{city_draft['id']}").status_code == 404
    for api in (city, lechan):
        assert api.get(f"/letters/{ward_draft['id']}").status_code == 404
        assert api.post(f"/letters/{ward_draft['id']}/issue").status_code == 404
        assert api.delete(f"/letters/{ward_draft['id']}").status_code == 404
    # The issued city letter reaches both wards.
    assert lechan.get(f"/letters/{top['id']}").status_code == 200

    issued = namdong.post(f"/letters/{ward_draft['id']}/issue").json()
    assert city.get(f"/letters/{issued['id']}").status_code == 200  # a unit below the city
    assert lechan.get(f"/letters/{issued['id']}").status_code == 404  # a sibling's business
    # Seeing is not acting: the city cannot change or re-issue the ward's letter.
    assert city.patch(f"/letters/{issued['id']}", {"subject": "x"}).status_code == 403
    assert city.post(f"/letters/{issued['id']}/issue").status_code == 403

    def ids(api):
        return {item["id"] for item in api.get("/letters").json()["items"]}

    assert ids(city) == {top["id"], city_draft["id"], issued["id"]}
    assert ids(namdong) == {top["id"], issued["id"]}
    assert ids(lechan) == {top["id"]}


def test_list_filters_and_pages_in_a_stable_order(city, tree):
    first, second = _issued(city, tree), _issued(city, tree, subject="hội nghị tập huấn")
    draft = city.post("/letters", city_letter(tree, symbol="KH-MTTQ")).json()
    page = city.get("/letters", page_size=2).json()
    assert page["count"] == 3
    assert [item["id"] for item in page["items"]] == [draft["id"], second["id"]]
    assert [i["id"] for i in city.get("/letters", page_size=2, page=2).json()["items"]] == [
        first["id"]]

    def ids(**params):
        response = city.get("/letters", **params)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["items"]]

    assert ids(status="draft") == [draft["id"]]
    assert ids(q="tập huấn") == [second["id"]]
    assert ids(q="KH-MTTQ") == [draft["id"]]
    assert ids(root=first["id"]) == [first["id"]]
    assert ids(issuer=tree["lechan"].pk) == []
    assert city.get("/letters", status="sent").status_code == 422


# Files ---------------------------------------------------------------------------------------

def test_pdf_and_docx(city, tree):
    issued = _issued(city, tree)
    pdf = city.get(f"/letters/{issued['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="01-MTTQ-BTT-2026-06-10.pdf"' in pdf["Content-Disposition"]
    docx = city.get(f"/letters/{issued['id']}/docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    draft = city.post("/letters", city_letter(tree)).json()  # officers preview drafts too
    preview = city.get(f"/letters/{draft['id']}/pdf")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert f'filename="du-thao-{draft["id"]}.pdf"' in preview["Content-Disposition"]


# Progress ------------------------------------------------------------------------------------

def test_the_issuer_follows_each_addressee(client, tree):
    city, namdong = _api(client, tree, "city"), _api(client, tree, "namdong")
    top = _issued(city, tree)
    delivery = Delivery.objects.get(letter_id=top["id"], unit=tree["namdong"])
    namdong.post(f"/deliveries/{delivery.pk}/acknowledge")

    rows = city.get(f"/letters/{top['id']}/deliveries").json()
    assert rows["count"] == 2
    by_unit = {row["unit"]["id"]: row for row in rows["items"]}
    assert by_unit[tree["namdong"].pk]["state"] == "acknowledged"
    assert by_unit[tree["namdong"].pk]["edxml_status"] == "03"
    assert by_unit[tree["namdong"].pk]["acknowledged_at"]
    assert by_unit[tree["lechan"].pk]["state"] == "received"
    assert by_unit[tree["lechan"].pk]["acknowledged_at"] is None
    pending = city.get(f"/letters/{top['id']}/deliveries", state="received").json()
    assert [row["unit"]["id"] for row in pending["items"]] == [tree["lechan"].pk]
    # An addressee sees the letter, not how the other addressees are getting on.
    assert namdong.get(f"/letters/{top['id']}/deliveries").status_code == 403


def test_coverage_by_level_with_overdue_units(client, tree):
    city, namdong, lechan = (_api(client, tree, who) for who in ("city", "namdong", "lechan"))
    top = _issued(city, tree)
    CascadeProgress.objects.filter(cascade_root_id=top["id"]).update(
        due_date=dt.date(2026, 1, 1))

    data = city.get(f"/letters/{top['id']}/coverage").json()
    assert data["unit"]["id"] == tree["city"].pk and data["cascade_root"] == top["id"]
    levels = {level["depth"]: level for level in data["levels"]}
    wards = levels[tree["city"].depth + 1]
    assert (wards["units"], wards["received"], wards["acknowledged"]) == (2, 2, 0)
    assert data["totals"]["units"] == 5 and data["totals"]["received"] == 2
    assert {row["name"] for row in data["overdue"]} == {tree["namdong"].name,
                                                        tree["lechan"].name}
    assert data["overdue"][0]["due_date"] == "2026-01-01"

    # A ward sees its own subtree, and only its own.
    own = namdong.get(f"/letters/{top['id']}/coverage", unit=tree["namdong"].pk).json()
    assert [level["units"] for level in own["levels"]] == [1, 2]
    assert [row["unit"] for row in own["overdue"]] == [tree["namdong"].pk]
    assert namdong.get(f"/letters/{top['id']}/coverage").json()["unit"]["id"] == tree[
        "namdong"].pk
    assert lechan.get(f"/letters/{top['id']}/coverage",
                      unit=tree["namdong"].pk).status_code == 404
    assert lechan.get(f"/letters/{top['id']}/coverage", unit=987654).status_code == 404


# Authentication and the API document ---------------------------------------------------------

def test_token_and_session_authentication(client, tree):
    anonymous = Api(client)
    assert anonymous.get("/letters").status_code == 401
    assert anonymous.post("/letters", city_letter(tree)).status_code == 401
    assert Api(client, "gt_not-a-token").get("/letters").status_code == 401

    client.force_login(tree["officers"]["city"])
    session = Api(client)  # the browser's session, no token
    created = session.post("/letters", city_letter(tree))
    assert created.status_code == 201
    assert session.get(f"/letters/{created.json()['id']}").status_code == 200


def test_other_roles_are_refused_before_their_input_is_read(client, tree):
    juror = create_user(username="juror", password="x-Very-long-1")
    grant_role(juror, Role.PARTICIPANT)
    api = as_person(client, juror)
    assert api.get("/letters").status_code == 403
    refused = api.post("/letters", {})  # a bad body: still a 403, not a 422
    assert refused.status_code == 403
    assert refused.json()["detail"] == "You do not have a role that allows this."


def test_an_organiser_acts_for_every_unit(client, tree):
    organiser = create_user(username="btc", password="x-Very-long-1")
    grant_role(organiser, Role.ORGANISER)
    api = as_person(client, organiser)
    draft = api.post("/letters", city_letter(tree, issuer=tree["lechan"].pk,
                                             addressee_units=[tree["lechan"].pk]))
    assert draft.status_code == 201
    assert api.post(f"/letters/{draft.json()['id']}/issue").status_code == 200


def test_the_openapi_document_lists_the_letters_api(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/letters": {"get", "post"},
        "/api/v1/letters/{letter_id}": {"get", "patch", "delete"},
        "/api/v1/letters/{letter_id}/issue": {"post"},
        "/api/v1/letters/{letter_id}/pdf": {"get"},
        "/api/v1/letters/{letter_id}/docx": {"get"},
        "/api/v1/letters/{letter_id}/deliveries": {"get"},
        "/api/v1/letters/{letter_id}/coverage": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    pdf = paths["/api/v1/letters/{letter_id}/pdf"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in pdf


def test_another_officer_of_the_same_unit_shares_its_drafts(client, tree):
    colleague = officer("haiphong-2", tree["city"])
    draft = as_person(client, tree["officers"]["city"]).post("/letters", city_letter(tree)).json()
    api = as_person(client, colleague)
    assert api.post(f"/letters/{draft['id']}/issue").status_code == 200
