"""File inspection: hash, size and type from the content, pages, dimensions and running time, and
every bad file of the issue's list (wrong type behind a right extension, zero bytes, oversized,
cut off, malformed PDF or DOCX, decompression and archive bombs) answered with a clear problem,
never a crash. Pure core: no database; ffprobe is the real one (apt-get install ffmpeg)."""

import dataclasses
import hashlib
import io
import random
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giaithuong.editions.rules import parse_edition
from giaithuong.entries import inspection as ins
from giaithuong.entries import inspection_messages as words
from giaithuong.entries.eligibility import EntryFacts, Severity, check
from giaithuong.entries.eligibility_messages import MIB
from giaithuong.entries.eligibility_rules import rules_by_category
from giaithuong.entries.inspection import check_against_rules, inspect_file
from tests.conftest import EDITION_FILE
from tests.entries import files

RULES = rules_by_category(parse_edition(EDITION_FILE.read_text(encoding="utf-8")))
PRINT, RADIO, TV, PHOTO = (RULES[c] for c in (
    "bao-tap-chi-tieng-viet", "phat-thanh", "truyen-hinh", "anh"))


def write(tmp_path, data: bytes, name: str = "stored.bin"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def codes(found) -> list[tuple[str, str]]:
    return [(p.code, str(p.severity)) for p in found.problems]


# --- hash, size, names ---------------------------------------------------------------------

def test_sha256_and_size_are_streamed_over_the_whole_file(tmp_path):
    data = random.Random(4).randbytes(3 * ins.CHUNK + 123)  # several chunks and a remainder
    found = inspect_file(write(tmp_path, data), declared_name="dữ liệu.bin")
    assert found.size_bytes == len(data)
    assert found.sha256 == hashlib.sha256(data).hexdigest()


def test_zero_byte_file_is_refused(tmp_path):
    found = inspect_file(write(tmp_path, b""), declared_name="Bài báo.pdf")
    assert codes(found) == [("file_empty", "blocking")]
    assert not found.ok
    assert "0 byte" in found.problems[0].message_vi


def test_missing_file_is_a_problem_not_a_crash(tmp_path):
    found = inspect_file(tmp_path / "gone", declared_name="a.pdf")
    assert codes(found) == [("file_unreadable", "blocking")]


def test_declared_name_is_made_safe(tmp_path):
    path = write(tmp_path, files.pdf_bytes(1))
    found = inspect_file(path, declared_name="..\\..\\C:\\Users\\An\\Tác phẩm\u202e.pdf")
    assert found.name == found.stored_name == "Tác phẩm.pdf"


# --- type from the content, not the name ----------------------------------------------------

def test_png_named_pdf_is_reported_and_stored_as_png(tmp_path):
    found = inspect_file(write(tmp_path, files.image("PNG")), declared_name="Bài báo.pdf")
    assert found.mime == "image/png"
    assert found.kind == "image"
    assert codes(found) == [("extension_mismatch", "warning")]
    assert found.problems[0].message_en == (
        "The name “Bài báo.pdf” says .pdf, but the file is a PNG image; it is kept as a PNG "
        "image (.png).")
    assert found.problems[0].message_vi.startswith(
        "Tên tệp “Bài báo.pdf” có đuôi .pdf nhưng nội dung là ảnh PNG")
    assert found.stored_name == "Bài báo.png"
    assert found.ok  # the content is a kind entries carry; the category decides the rest


def test_html_named_pdf_is_refused_with_both_names(tmp_path):
    path = write(tmp_path, b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    found = inspect_file(path, declared_name="bai-bao.pdf")
    assert codes(found) == [("type_not_accepted", "blocking")]
    assert found.kind is None
    message = found.problems[0].message_en
    assert "says .pdf, but the file is an HTML page" in message
    assert "PDF" in message and "images" in message


@pytest.mark.parametrize(("data", "hint"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "DOCX or PDF"),
    (b"{\\rtf1\\ansi Hello}", "DOCX or PDF"),
    (b"GIF89a" + b"\x00" * 40, "PNG"),
])
def test_old_formats_are_refused_with_what_to_convert_to(tmp_path, data, hint):
    found = inspect_file(write(tmp_path, data), declared_name="tac-pham.doc")
    assert codes(found) == [("type_not_accepted", "blocking")]
    assert f"please convert it to {hint}" in found.problems[0].message_en


def test_plain_zip_is_not_a_docx(tmp_path):
    path = write(tmp_path, files.zip_bytes({"a.txt": b"hello"}))
    found = inspect_file(path, declared_name="tac-pham.docx")
    assert found.mime == "application/zip"
    assert codes(found) == [("type_not_accepted", "blocking")]


def test_a_name_without_extension_gets_the_right_one(tmp_path):
    found = inspect_file(write(tmp_path, files.pdf_bytes(1)), declared_name="Phóng sự")
    assert found.problems == ()
    assert found.stored_name == "Phóng sự.pdf"


# --- PDF -------------------------------------------------------------------------------------

def test_pdf_pages_are_counted(tmp_path):
    found = inspect_file(write(tmp_path, files.pdf_bytes(3)), declared_name="sach.pdf")
    assert (found.kind, found.pages, found.problems) == ("pdf", 3, ())
    assert found.entry_file().kind == "pdf"


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage\n%%EOF\n",
    b"%PDF-1.4\n" + b"\xff" * 4000 + b"\n%%EOF",
    b"%PDF-1.4\ntrailer << /Root 1 0 R /Size 1 >>\nstartxref\n9999999\n%%EOF",
])
def test_malformed_pdf_is_a_problem_not_a_crash(tmp_path, data):
    found = inspect_file(write(tmp_path, data), declared_name="bai.pdf")
    assert found.kind == "pdf"
    assert ("pdf_malformed", "blocking") in codes(found) or ("pdf_no_pages", "blocking") in codes(
        found)
    assert not found.ok


def test_pdf_cut_off_mid_way_is_refused(tmp_path):
    data = files.pdf_bytes(3)
    found = inspect_file(write(tmp_path, data[: len(data) * 2 // 3]), declared_name="bai.pdf")
    assert codes(found) == [("pdf_malformed", "blocking")]
    assert "damaged" in found.problems[0].message_en


def test_password_protected_pdf_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf_bytes(1))))
    writer.encrypt(user_password="mật-khẩu", owner_password="x", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    found = inspect_file(write(tmp_path, out.getvalue()), declared_name="bai.pdf")
    assert codes(found) == [("pdf_encrypted", "blocking")]


def test_pdf_with_only_an_owner_password_opens(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf_bytes(2))))
    writer.encrypt(user_password="", owner_password="chủ", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    found = inspect_file(write(tmp_path, out.getvalue()), declared_name="bai.pdf")
    assert (found.pages, found.problems) == (2, ())


# --- DOCX ------------------------------------------------------------------------------------

def test_docx_is_opened(tmp_path):
    found = inspect_file(write(tmp_path, files.docx_bytes()), declared_name="bai.docx")
    assert (found.kind, found.mime, found.problems) == (
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ())


def test_docx_zip_bomb_is_refused_unopened(tmp_path):
    path = write(tmp_path, files.docx_bomb())
    assert path.stat().st_size < 2 * MIB
    found = inspect_file(path, declared_name="bai.docx")
    assert codes(found) == [("archive_bomb", "blocking")]
    assert "would unpack beyond 512 MB" in found.problems[0].message_en


def test_docx_that_lies_about_its_sizes_is_refused(tmp_path):
    data = bytearray(files.zip_bytes({"[Content_Types].xml": b"<Types/>",
                                      "word/document.xml": b"<w:document/>" * 50_000}))
    # Forge the central directory: document.xml claims to unpack to 13 bytes.
    entry = data.rfind(b"PK\x01\x02")
    data[entry + 24:entry + 28] = (13).to_bytes(4, "little")
    found = inspect_file(write(tmp_path, bytes(data)), declared_name="bai.docx")
    assert not found.ok
    assert codes(found)[0][0] in {"archive_bomb", "docx_malformed"}


def test_check_archive_stops_at_the_limit_while_unpacking(tmp_path):
    # Declared sizes within bounds, real content beyond the (lowered) limit.
    path = write(tmp_path, files.zip_bytes({"word/document.xml": b"a" * 5000}))
    assert ins.check_archive(path, max_bytes=4000, max_ratio=10**6) == "archive_bomb"
    assert ins.check_archive(path, max_bytes=6000, max_ratio=10**6) is None


def test_malformed_docx_is_a_problem_not_a_crash(tmp_path):
    data = files.zip_bytes({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:doc"})
    found = inspect_file(write(tmp_path, data), declared_name="bai.docx")
    assert codes(found) == [("docx_malformed", "blocking")]


def test_docx_cut_off_is_a_problem(tmp_path):
    data = files.docx_bytes()
    found = inspect_file(write(tmp_path, data[: len(data) // 2]), declared_name="bai.docx")
    assert codes(found) == [("docx_malformed", "blocking")]
    assert found.kind == "docx"


# --- images ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_image_dimensions(tmp_path, fmt):
    found = inspect_file(write(tmp_path, files.image(fmt, (64, 48))), declared_name="anh")
    assert (found.kind, found.width, found.height, found.problems) == ("image", 64, 48, ())


def test_image_dimensions_follow_the_camera_orientation(tmp_path):
    data = files.image("JPEG", (64, 48), orientation=6)
    found = inspect_file(write(tmp_path, data), declared_name="anh.jpg")
    assert (found.width, found.height) == (48, 64)


def test_truncated_jpeg_is_refused(tmp_path):
    data = files.image("JPEG", (400, 300))
    found = inspect_file(write(tmp_path, data[: len(data) // 2]), declared_name="anh.jpg")
    assert codes(found) == [("image_malformed", "blocking")]


def test_image_over_our_pixel_limit_is_refused_without_decoding(tmp_path):
    found = inspect_file(write(tmp_path, files.png_header(13_000, 12_000)),
                         declared_name="anh.png")
    assert codes(found) == [("image_too_large", "blocking")]
    assert "13000 × 12000 pixels" in found.problems[0].message_en


def test_decompression_bomb_is_refused(tmp_path):
    found = inspect_file(write(tmp_path, files.png_header(60_000, 60_000)),
                         declared_name="anh.png")
    assert codes(found) == [("image_too_large", "blocking")]
    assert "not opened, for safety" in found.problems[0].message_en


# --- audio and video (ffprobe) ---------------------------------------------------------------

@pytest.fixture
def media(tmp_path):
    files.media_tools()
    return tmp_path


@pytest.mark.parametrize(("name", "make", "kind", "seconds"), [
    ("a.mp3", lambda p: files.sine(p, 3), "audio", 3),
    ("a.wav", lambda p: files.sine(p, 2), "audio", 2),
    ("a.m4a", lambda p: files.sine(p, 2), "audio", 2),
    ("a.aac", lambda p: files.sine(p, 2), "audio", 2),
    ("v.mp4", lambda p: files.clip(p, 2), "video", 2),
    ("v.mov", lambda p: files.clip(p, 2), "video", 2),
    ("v.mkv", lambda p: files.clip(p, 2), "video", 2),
    ("v.webm", lambda p: files.clip(p, 1, "-c:v", "libvpx", "-c:a", "libopus"), "video", 1),
    ("sound-only.mp4", lambda p: files.sine(p, 2), "audio", 2),
])
def test_media_kind_and_running_time(media, name, make, kind, seconds):
    path = make(media / name)
    found = inspect_file(path, declared_name=name)
    assert found.problems == ()
    assert found.kind == kind
    assert found.duration_seconds == seconds
    assert found.duration == pytest.approx(seconds, abs=0.1)


def test_mp3_with_cover_art_is_still_audio(media):
    cover = media / "cover.png"
    cover.write_bytes(files.image("PNG"))
    sound = files.sine(media / "plain.mp3", 2)
    path = files.ffmpeg(media / "a.mp3", "-i", str(sound), "-i", str(cover), "-map", "0",
                        "-map", "1", "-c", "copy", "-disposition:v", "attached_pic")
    found = inspect_file(path, declared_name="a.mp3")
    assert (found.kind, found.problems) == ("audio", ())


def test_video_cut_off_mid_way_is_refused(media):
    data = files.clip(media / "v.mp4", 2).read_bytes()
    found = inspect_file(write(media, data[: len(data) // 2], "cut.mp4"),
                         declared_name="v.mp4")
    assert codes(found) == [("media_malformed", "blocking")]


def test_garbage_behind_a_media_signature_is_refused(media):
    data = b"ID3\x04\x00\x00\x00\x00\x00\x00" + random.Random(1).randbytes(3000)
    found = inspect_file(write(media, data), declared_name="a.mp3")
    assert codes(found) == [("media_malformed", "blocking")]


def test_without_ffprobe_media_is_passed_to_intake(monkeypatch, media):
    path = files.sine(media / "a.mp3", 1)
    monkeypatch.setattr(ins, "FFPROBE", "ffprobe-not-installed")
    found = inspect_file(path, declared_name="a.mp3")
    assert codes(found) == [("media_not_checked", "warning")]
    assert found.ok and found.kind == "audio" and found.duration is None


def test_a_path_is_never_read_as_an_ffmpeg_protocol(media):
    path = files.sine(media / "concat:a.mp3", 1)
    found = inspect_file(path, declared_name="a.mp3")
    assert (found.kind, found.problems) == ("audio", ())


# --- against the category's rules from the edition file --------------------------------------

def inspected(tmp_path, **changes) -> ins.Inspection:
    found = inspect_file(write(tmp_path, files.pdf_bytes(2)), declared_name="Bài báo.pdf")
    return dataclasses.replace(found, **changes)


def test_file_within_every_limit_passes(tmp_path):
    assert check_against_rules(inspected(tmp_path), PRINT) == []


def test_kind_the_category_does_not_accept(tmp_path):
    found = check_against_rules(inspected(tmp_path), RADIO)
    assert [p.code for p in found] == ["kind_not_accepted"]
    assert found[0].message_en == (
        "File “Bài báo.pdf” is PDF, which category “Radio” does not accept; files accepted: "
        "audio.")
    assert found[0].message_vi == (
        "Tệp “Bài báo.pdf” là PDF, hạng mục “Phát thanh” không nhận; loại tệp được nhận: "
        "âm thanh.")
    assert found[0].blocking


@pytest.mark.parametrize(("extra", "expected"), [(0, []), (1, ["too_large"])])
def test_size_limit_at_its_boundary(tmp_path, extra, expected):
    found = inspected(tmp_path, size_bytes=PRINT.max_file_bytes + extra)
    assert [p.code for p in check_against_rules(found, PRINT)] == expected


@pytest.mark.parametrize(("seconds", "expected"), [
    (7200.0, []), (7200.9, []), (7201.0, ["too_long"])])
def test_running_time_limit_at_its_boundary(tmp_path, seconds, expected):
    found = inspected(tmp_path, kind="video", duration=seconds)
    problems = check_against_rules(found, TV)
    assert [p.code for p in problems] == expected
    if expected:
        assert "120 min" in problems[0].message_en
        assert "120 phút" in problems[0].message_vi


@pytest.mark.parametrize(("pages", "expected"), [(2, []), (3, ["too_many_pages"])])
def test_page_limit_when_the_edition_sets_one(tmp_path, pages, expected):
    rules = dataclasses.replace(PRINT, max_pages=2)
    found = inspected(tmp_path, pages=pages)
    assert [p.code for p in check_against_rules(found, rules)] == expected


def test_inspection_feeds_the_eligibility_engine(tmp_path):
    found = inspected(tmp_path)
    facts = EntryFacts(category_code=RADIO.category_code, files=(found.entry_file(),))
    violations = {v.code for v in check(facts, RADIO)}
    assert "file_kind_not_accepted" in violations
    facts = dataclasses.replace(facts, category_code=PRINT.category_code)
    assert not {"file_kind_not_accepted", "file_too_large"} & {
        v.code for v in check(facts, PRINT)}


def test_as_dict_is_plain_json(tmp_path):
    import json

    found = inspect_file(write(tmp_path, files.image("PNG")), declared_name="a.pdf")
    data = json.loads(json.dumps(found.as_dict()))
    assert data["kind"] == "image" and data["problems"][0]["code"] == "extension_mismatch"


# --- the words -------------------------------------------------------------------------------

def test_every_message_is_nfc_in_both_languages():
    for key, (vi, en) in words.MESSAGES.items():
        assert vi and en, key
        assert unicodedata.is_normalized("NFC", vi), key
        assert set(_fields(vi)) == set(_fields(en)), key


def test_every_problem_has_a_severity():
    for key in words.MESSAGES:
        found = ins.problem(key.partition(".")[0], key.partition(".")[2],
                            **dict.fromkeys(_fields(words.MESSAGES[key][0]), "x"))
        assert found.severity in (Severity.BLOCKING, Severity.WARNING)


def _fields(template: str) -> list[str]:
    import string

    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


# --- never a crash ---------------------------------------------------------------------------

SIGNATURES = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n",
              b"RIFF\x00\x00\x00\x00WEBP", b"II*\x00", b"ID3", b"RIFF\x00\x00\x00\x00WAVE",
              b"\x00\x00\x00\x18ftypisom", b"\x1a\x45\xdf\xa3"]


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from(SIGNATURES), body=st.binary(max_size=2000),
       name=st.text(max_size=80))
def test_any_bytes_under_any_name_give_an_answer(tmp_path, head, body, name):
    files.media_tools()
    path = tmp_path / "any"
    path.write_bytes(head + body)
    found = inspect_file(path, declared_name=name, probe_timeout=20)
    assert found.size_bytes == len(head + body)
    assert found.name and "/" not in found.name
    for item in found.problems:
        assert item.message_vi and item.message_en
    if found.size_bytes == 0:
        assert not found.ok
