"""The import pages: upload or paste → review every field → save; and every kind of bad input
refused at its field with nothing saved."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from giaithuong.accounts.roles import Role
from giaithuong.directives.models import Letter, LetterSource, LetterStatus
from giaithuong.directives.views.importing import letter_url
from tests.directives.import_data import LETTER_783, build_tree, make_user, needs_seeds, seed_bytes
from tests.directives.test_extract import build_docx, build_pdf, zip_bomb

URL = "/letters/import/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def tree(db, media):
    return build_tree()


@pytest.fixture
def organiser_client(client, edition, tree):
    client.force_login(make_user("bantochuc", Role.ORGANISER, edition=edition))
    return client


@pytest.fixture
def ward_client(client, tree):
    client.force_login(make_user("namdong", unit=tree["ward"]))
    return client


def tmp_files(media: Path) -> list[str]:
    folder = media / "imports" / "tmp"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def upload(client, name: str, data: bytes):
    return client.post(URL, {"step": "read", "file": SimpleUploadedFile(name, data)})


def review_data(response, **changes) -> dict:
    """What the browser sends back from the review page as it was shown, with `changes`."""
    form, formset = response.context["form"], response.context["formset"]
    data = {"step": "save"}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    data.update({f"refs-{key}": value for key, value in
                 formset.management_form.initial.items()})
    for index, ref_form in enumerate(formset.forms):
        for name in ("relation", "kind", "number", "symbol", "date", "issuer", "subject"):
            value = ref_form.initial.get(name, ref_form.fields[name].initial)
            data[f"refs-{index}-{name}"] = "" if value is None else value
    data.update(changes)
    return data


# The whole path --------------------------------------------------------------------------------

def test_upload_review_and_save_a_docx(ward_client, tree, media):
    page = ward_client.get(URL)
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content

    review = upload(ward_client, "cong-van-31.docx", build_docx())
    assert review.status_code == 200
    html = review.content.decode()
    form = review.context["form"]
    assert form.initial["number"] == 31 and form.initial["symbol"] == "MTTQ-BTT"
    assert form.initial["header_name"] == "BAN THƯỜNG TRỰC"
    assert form.initial["issuer_unit"] == tree["ward"].pk  # the header names the ward's unit
    assert review.context["notes"]["number"]["value"] > 0.9
    assert 'id="id_number_confidence"' in html and 'aria-describedby="id_number_confidence' in html
    # Each reference says how it will resolve.
    outcomes = [row["preview"].outcome for row in review.context["rows"] if row["preview"]]
    assert outcomes == ["new_placeholder", "new_placeholder"]
    (sha,) = tmp_files(media)  # the file waits on the server, named by its checksum
    assert form.initial["source_sha"] == sha

    saved = ward_client.post(URL, review_data(review, signer_name="Đoàn Trung Thu (đã ký)"))
    letter = Letter.objects.get(number=31)
    assert saved.status_code == 302 and saved["Location"] == letter_url(letter)
    assert letter.status == LetterStatus.EXTERNAL and letter.source == LetterSource.PARSED
    assert letter.issuer == tree["ward"] and letter.created_by.username == "namdong"
    assert letter.signature["name"] == "Đoàn Trung Thu (đã ký)"
    assert letter.confidence["signer_name"] == 1.0  # corrected by the officer
    assert letter.confidence["number"] > 0.9
    assert [p["number"] for p in letter.body if p["number"]] == ["1", "2"]
    assert letter.attachments.get().sha256 == sha
    assert letter.implements.number == 783 and letter.implements.source == LetterSource.CITED
    assert tmp_files(media) == []  # cleaned up on save


@pytest.mark.usefixtures("english_pages")
def test_pasted_text_low_confidence_and_corrections(organiser_client, tree, media):
    text = LETTER_783.replace("Số: 783/MTTQ-BTT\n", "")  # the number line is missing
    review = organiser_client.post(URL, {"step": "read", "text": text})
    assert review.status_code == 200
    notes = review.context["notes"]
    assert notes["number"]["missing"] and notes["symbol"]["missing"]
    html = review.content.decode()
    assert "Not found in the letter" in html and "low-confidence" in html

    saved = organiser_client.post(URL, review_data(review, number="783", symbol="MTTQ-BTT"))
    assert saved.status_code == 302
    letter = Letter.objects.get(number=783)
    assert letter.issuer == tree["city"] and letter.confidence["number"] == 1.0
    assert letter.attachments.get().name == "pasted-letter.txt"


@needs_seeds
def test_the_seed_file_through_the_pages(organiser_client, tree):
    review = upload(organiser_client, "004.txt", seed_bytes("004"))
    saved = organiser_client.post(URL, review_data(review))
    letter = Letter.objects.get(number=31)
    assert saved["Location"] == letter_url(letter)
    assert [ref.target.number for ref in letter.references.all()] == [783, 379, 897]


def test_a_reference_can_be_corrected_removed_or_added(organiser_client, tree):
    review = upload(organiser_client, "31.docx", build_docx())
    data = review_data(review, **{
        "refs-0-symbol": "MTTQ-BTT",  # the bare "783" given its symbol
        "refs-1-DELETE": "on",
        "refs-2-relation": "according_to", "refs-2-kind": "Kế hoạch", "refs-2-number": "12",
        "refs-2-symbol": "KH-MTTQ", "refs-2-date": "2026-06-01",
        "refs-2-issuer": "Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng"})
    assert organiser_client.post(URL, data).status_code == 302
    letter = Letter.objects.get(number=31)
    assert [(r.relation, r.number, r.symbol) for r in letter.references.all()] == [
        ("implements", 783, "MTTQ-BTT"), ("according_to", 12, "KH-MTTQ")]
    assert letter.confidence["references"] == 1.0


@pytest.mark.usefixtures("english_pages")
def test_the_review_shows_existing_letters_and_a_retry_changes_nothing(organiser_client, tree,
                                                                       media):
    organiser_client.post(URL, review_data(upload(organiser_client, "783.txt",
                                                  LETTER_783.encode())))
    city_letter = Letter.objects.get(number=783)
    review = upload(organiser_client, "31.docx", build_docx())
    first = review.context["rows"][0]
    assert first["preview"].outcome == "existing" and first["preview"].target == city_letter
    assert first["url"] in review.content.decode()
    data = review_data(review)
    assert organiser_client.post(URL, data).status_code == 302
    count = Letter.objects.count()

    # The same form sent again: the file is gone, nothing is made twice.
    again = organiser_client.post(URL, data)
    assert again.status_code == 400 and "no longer kept" in again.content.decode()
    # Read in again: the page says so, and saving changes nothing.
    review = upload(organiser_client, "31 again.docx", build_docx())
    assert review.context["present"] == Letter.objects.get(number=31)
    saved = organiser_client.post(URL, review_data(review))
    assert saved["Location"] == letter_url(Letter.objects.get(number=31))
    assert Letter.objects.count() == count


def test_english_page(ward_client):
    response = ward_client.get("/en" + URL)
    assert response.status_code == 200 and b"Read in a letter" in response.content


# Bad input -------------------------------------------------------------------------------------

def scan_pdf() -> bytes:
    image = Image.new("RGB", (600, 800), "white")
    for x in range(100, 500):
        image.putpixel((x, 300), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PDF", resolution=100)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(("name", "make", "message"), [
    ("scan.pdf", scan_pdf, "This PDF has no text layer; scan it with OCR first"),
    ("bomb.docx", lambda: zip_bomb(8 * 1024 * 1024), "zip bomb"),
    ("empty.txt", lambda: b"", "The file is empty or holds no text."),
    ("blank.txt", lambda: b"  \n\n ", "The file is empty or holds no text."),
    ("photo.png", png, "Only .txt, .docx and .pdf files can be read"),
    ("photo.txt", png, "Only .txt, .docx and .pdf files can be read"),
    ("old.doc", lambda: b"\xd0\xcf\x11\xe0" + bytes(600), "Only .txt, .docx and .pdf"),
    ("broken.pdf", lambda: b"%PDF-1.7\nnot really", "The file cannot be read: The PDF"),
    ("big.txt", lambda: b"a" * (10 * 1024 * 1024 + 1), "larger than 10 MB"),
    ("notes.txt", "Xin chào.\nHẹn gặp lại các bạn.".encode, "No letter was recognised"),
])
@pytest.mark.usefixtures("english_pages")
def test_bad_files_are_refused_at_the_field(ward_client, media, name, make, message):
    response = upload(ward_client, name, make())
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'<div class="error" id="id_file_error" role="alert">(.*?)</div>', html,
                      re.S)
    assert error and message in error.group(1).replace("&#x27;", "'")
    assert 'aria-describedby="id_file_helptext id_file_error"' in html
    assert not Letter.objects.exists() and tmp_files(media) == []


@pytest.mark.usefixtures("english_pages")
def test_nothing_given_or_both_given(ward_client, media):
    nothing = ward_client.post(URL, {"step": "read", "text": "  "})
    assert nothing.status_code == 400 and "Choose a letter file" in nothing.content.decode()
    both = ward_client.post(URL, {"step": "read", "text": LETTER_783,
                                  "file": SimpleUploadedFile("a.txt", b"abc")})
    assert both.status_code == 400 and "not both" in both.content.decode()
    assert not Letter.objects.exists()


def test_a_review_with_errors_keeps_what_was_typed(organiser_client, media):
    review = upload(organiser_client, "31.docx", build_docx())
    data = review_data(review, subject="", number="31", symbol="", signer_title="CHỦ TỊCH MỚI")
    response = organiser_client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_subject_error"' in html and 'id="id_symbol_error"' in html
    assert "CHỦ TỊCH MỚI" in html  # nothing typed is lost
    assert not Letter.objects.exists() and len(tmp_files(media)) == 1


@pytest.mark.usefixtures("english_pages")
def test_a_forged_checksum_finds_nothing(organiser_client, media):
    review = upload(organiser_client, "31.docx", build_docx())
    for sha in ("0" * 64, "../../etc/passwd", ""):
        response = organiser_client.post(URL, review_data(review, source_sha=sha))
        assert response.status_code == 400 and "upload it again" in response.content.decode()
    assert not Letter.objects.exists()


def test_a_unit_officer_chooses_only_units_along_their_line(ward_client, tree):
    review = upload(ward_client, "783.txt", LETTER_783.encode())
    offered = {value for value, _ in review.context["form"].fields["issuer_unit"].choices}
    assert tree["city"].pk in offered and tree["ward"].pk in offered
    assert tree["other_ward"].pk not in offered and tree["city_party"].pk not in offered
    response = ward_client.post(URL, review_data(review, issuer_unit=tree["other_ward"].pk))
    assert response.status_code == 400 and 'id="id_issuer_unit_error"' in response.content.decode()
    # "Not in the system": the officer's choice stands, no unit is linked.
    assert ward_client.post(URL, review_data(review, issuer_unit="")).status_code == 302
    assert Letter.objects.get(number=783).issuer is None


def test_a_pdf_with_a_text_layer(organiser_client, tree):
    review = upload(organiser_client, "31.pdf", build_pdf())
    assert review.status_code == 200 and review.context["form"].initial["number"] == 31
    assert organiser_client.post(URL, review_data(review)).status_code == 302
    assert Letter.objects.get(number=31).attachments.get().content_type == "application/pdf"


def test_reverse_name():
    with translation.override("vi"):  # a request before may have left another language active
        assert reverse("directives:letter_import") == URL
