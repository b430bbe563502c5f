"""The imports API: read a letter and say what would be saved (writing nothing), then save the
reviewed fields, idempotently."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_api_token
from giaithuong.common.models import AuditEvent
from giaithuong.directives.models import Letter, LetterReference, LetterSource
from giaithuong.directives.parser import parse_letter_text
from tests.directives.cascade_api import Api, as_person
from tests.directives.import_data import LETTER_783, build_tree, make_user
from tests.directives.test_extract import build_docx, zip_bomb
from tests.directives.test_import_pages import png, scan_pdf


@pytest.fixture
def tree(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_tree()


@pytest.fixture
def organiser(client, edition, tree) -> Api:
    return as_person(client, make_user("bantochuc", Role.ORGANISER, edition=edition))


@pytest.fixture
def ward(client, tree) -> Api:
    return as_person(client, make_user("namdong", unit=tree["ward"]))


def post_file(client, user, name: str, data: bytes):
    _, token = create_api_token(user, "files")
    return client.post("/api/v1/imports/parse", {"file": SimpleUploadedFile(name, data)},
                       headers={"Authorization": f"Bearer {token}"})


def counts():
    return Letter.objects.count(), LetterReference.objects.count(), AuditEvent.objects.filter(
        action__startswith="letter.").count()


# Parse -----------------------------------------------------------------------------------------

def test_parse_text_says_what_would_be_saved_and_writes_nothing(organiser, tree):
    before = counts()
    response = organiser.post("/imports/parse", {"text": LETTER_783})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["fields"] == parse_letter_text(LETTER_783).to_json()
    assert data["confidence"]["number"] == 0.95 and data["problems"] == []
    assert data["issuer_unit"] == tree["city"].pk and data["present"] is None
    assert data["references"] == [{
        "relation": "implements", "kind": "Công văn", "number": 379, "symbol": "MTTW-BTT",
        "date": "2026-06-08", "issuer": "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
        "subject": "thông tin, tuyên truyền, hưởng ứng, tham gia Giải thưởng toàn quốc về thông "
                   "tin đối ngoại lần thứ XII",
        "resolution": "new_placeholder", "target": None}]
    review = data["review"]
    assert (review["number"], review["symbol"], review["header_name"]) == (
        783, "MTTQ-BTT", "BAN THƯỜNG TRỰC")
    assert review["issuer_name"] == "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng"
    assert review["signer_name"] == "Nguyễn Văn Tùng" and len(review["body"]) == 4
    assert data["source"]["name"] == "pasted-letter.txt" and len(data["source"]["sha256"]) == 64
    assert counts() == before


def test_parse_a_file(organiser, client, tree):
    response = post_file(client, _user("bantochuc"), "31.docx", build_docx())
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["fields"]["number"] == 31 and data["issuer_unit"] == tree["ward"].pk
    assert data["source"]["content_type"].endswith("wordprocessingml.document")
    assert not Letter.objects.exists()


def _user(username):
    from giaithuong.accounts.models import User

    return User.objects.get(username=username)


@pytest.mark.parametrize(("name", "make", "status", "code"), [
    ("scan.pdf", scan_pdf, 400, "no_text_layer"),
    ("bomb.docx", lambda: zip_bomb(8 * 1024 * 1024), 400, "zip_bomb"),
    ("big.txt", lambda: b"a" * (10 * 1024 * 1024 + 1), 413, "too_large"),
    ("photo.png", png, 415, "wrong_type"),
    ("empty.txt", lambda: b"", 400, "empty"),
    ("notes.txt", "Xin chào.".encode, 400, "not_a_letter"),
])
def test_parse_refuses_bad_files(organiser, client, tree, name, make, status, code):
    response = post_file(client, _user("bantochuc"), name, make())
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["detail"]
    assert not Letter.objects.exists()


def test_parse_refuses_a_body_without_text(organiser):
    assert organiser.post("/imports/parse", {}).json()["code"] == "empty"
    bad = organiser.client.post("/api/v1/imports/parse", data="{not json",
                                content_type="application/json", headers=organiser.headers)
    assert bad.status_code == 400


# Import ----------------------------------------------------------------------------------------

def test_import_the_reviewed_fields_then_again(organiser, tree):
    review = organiser.post("/imports/parse", {"text": LETTER_783}).json()["review"]
    review["signer_name"] = "Nguyễn Văn Tùng"
    response = organiser.post("/imports", {**review, "source_text": LETTER_783})
    assert response.status_code == 201, response.json()
    data = response.json()
    letter = Letter.objects.get(pk=data["id"])
    assert data["outcome"] == "created" and data["issuer"] == tree["city"].pk
    assert letter.source == LetterSource.PARSED and letter.attachments.count() == 1
    assert [p["number"] for p in letter.body if p["number"]] == ["1", "2"]
    (ref,) = data["references"]
    assert ref["resolution"] == "placeholder" and ref["target"] == data["implements"]
    assert data["cascade_root"] == data["implements"]
    assert data["url"].endswith(f"/{letter.pk}/") or data["url"] == ""

    before = counts()
    for again in ({**review, "source_text": LETTER_783}, review):  # same file; same fields
        repeat = organiser.post("/imports", again)
        assert repeat.status_code == 200
        assert repeat.json()["id"] == letter.pk and repeat.json()["outcome"] == "present"
    assert counts() == before
    parsed = organiser.post("/imports/parse", {"text": LETTER_783}).json()
    assert parsed["present"] == letter.pk


def test_import_with_a_file_and_a_placeholder_filled(organiser, tree):
    ward_letter = organiser.post("/imports", {**organiser.post(
        "/imports/parse", {"text": LETTER_783.replace("783/", "784/")}).json()["review"]})
    assert ward_letter.status_code == 201
    docx = base64.b64encode(build_docx()).decode()
    parsed = post_file(organiser.client, _user("bantochuc"), "31.docx", build_docx()).json()
    response = organiser.post("/imports", {**parsed["review"], "source_file": {
        "name": "31.docx", "content_base64": docx}})
    assert response.status_code == 201, response.json()
    letter = Letter.objects.get(pk=response.json()["id"])
    assert letter.issuer == tree["ward"] and letter.attachments.get().name == "31.docx"
    placeholder = letter.implements
    assert placeholder.number == 783 and placeholder.source == LetterSource.CITED

    review = organiser.post("/imports/parse", {"text": LETTER_783}).json()["review"]
    filled = organiser.post("/imports", review).json()
    assert filled["outcome"] == "filled" and filled["id"] == placeholder.pk


def test_import_refusals(organiser, ward, tree, client, edition):
    assert organiser.post("/imports", {}).status_code == 400  # nothing identifies a letter
    review = organiser.post("/imports/parse", {"text": LETTER_783}).json()["review"]
    unknown = organiser.post("/imports", {**review, "issuer_unit": 999_999})
    assert unknown.status_code == 400 and "999999" in unknown.json()["detail"]
    both = organiser.post("/imports", {**review, "source_text": "x",
                                       "source_file": {"name": "a.txt", "content_base64": "eA=="}})
    assert both.status_code == 400
    bad64 = organiser.post("/imports", {**review, "source_file": {"name": "a.txt",
                                                                  "content_base64": "***"}})
    assert bad64.status_code == 400
    scan = base64.b64encode(scan_pdf()).decode()
    refused = organiser.post("/imports", {**review, "source_file": {"name": "scan.pdf",
                                                                    "content_base64": scan}})
    assert refused.status_code == 400 and refused.json()["code"] == "no_text_layer"
    # A ward officer cannot name a sibling ward as the issuer.
    sibling = ward.post("/imports", {**review, "issuer_unit": tree["other_ward"].pk})
    assert sibling.status_code == 403
    participant = as_person(client, make_user("tacgia", Role.PARTICIPANT, edition=edition))
    assert participant.post("/imports", review).status_code == 403
    assert participant.post("/imports/parse", {"text": LETTER_783}).status_code == 403
    assert not Letter.objects.exists()
