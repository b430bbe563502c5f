"""Entry receipts: one A4 page that says what was received and when, with a QR that scans."""

import dataclasses
import datetime as dt
import io
import shutil
import subprocess
import unicodedata

import pypdf
import pytest
import zxingcpp
from PIL import Image

from giaithuong.documents.receipt import (
    ReceiptData,
    ReceiptFile,
    award_line,
    english_ordinal,
    pieces,
    receipt_fields,
    render_receipt_pdf,
    roman_to_int,
    size_text,
    submitted_line,
    wrap,
)

MM = 72 / 25.4
URL = "https://giaithuong.ttdn.vn/vi/entries/6f1c2a9e-3b7d-4e21-9a55-0c8f7d3e2b14/status/"
HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
# 23:59:59 on 31 July 2026 in Hanoi, given in UTC as a server would store it.
DEADLINE_UTC = dt.datetime(2026, 7, 31, 16, 59, 59, tzinfo=dt.UTC)


def receipt(**changes) -> ReceiptData:
    data = ReceiptData(
        award_title_vi="Giải thưởng toàn quốc về thông tin đối ngoại",
        award_title_en="National Award for External Information",
        edition_ordinal="XII",
        receipt_number="XII-BC-0042",
        entry_title="Hà Nội – những câu chuyện chưa kể về người giữ đảo Trường Sa",
        category_name_vi="Báo in",
        category_name_en="Print press",
        participant_name="Nguyễn Thị Hồng Nhung",
        authors=("Nguyễn Thị Hồng Nhung", "Trần Văn Đức"),
        submitted_at=DEADLINE_UTC,
        files=(
            ReceiptFile("Phóng sự Trường Sa - kỳ 1.pdf", 12_345_678, HASH, "Tác phẩm / Work"),
            ReceiptFile("bản dịch tiếng Anh.docx", 48_213, "ab" * 32, "Bản dịch / Translation"),
        ),
        status_url=URL,
    )
    return dataclasses.replace(data, **changes)


def flat(text: str) -> str:
    """Extracted text with line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def page_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def rasterise(pdf: bytes, tmp_path, dpi: int) -> Image.Image:
    """Page 1 as a PNG drawn by poppler's pdftoppm, as a phone camera would see the paper."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing; install poppler-utils (apt-get install poppler-utils)")
    source = tmp_path / "receipt.pdf"
    source.write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(source), str(tmp_path / "page")], check=True, timeout=60)
    return Image.open(tmp_path / "page.png")


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_receipt_pdf(receipt())


def test_one_a4_page(pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(210 * MM, abs=0.5)
    assert float(box.height) == pytest.approx(297 * MM, abs=0.5)
    assert reader.metadata.title == "Giấy biên nhận XII-BC-0042"


def test_states_the_number_the_work_the_people_and_the_time(pdf):
    text = flat(page_text(pdf))
    for expected in (
        "XII-BC-0042",
        "Hà Nội – những câu chuyện chưa kể về người giữ đảo Trường Sa",
        "Giải thưởng toàn quốc về thông tin đối ngoại lần thứ XII",
        "The 12th National Award for External Information",
        "GIẤY BIÊN NHẬN TÁC PHẨM DỰ THI",
        "Báo in", "Print press",
        "Nguyễn Thị Hồng Nhung, Trần Văn Đức",
        "23:59:59 ngày 31/7/2026",
        "23:59:59 on 31 July 2026",
    ):
        assert expected in text


def test_vietnamese_comes_out_nfc_with_its_diacritics(pdf):
    text = page_text(pdf)
    assert unicodedata.is_normalized("NFC", text)
    for word in ("Trường Sa", "Người dự thi", "Tệp đã nhận", "Hạng mục", "Thời điểm nộp"):
        assert word in text


def test_decomposed_input_is_printed_composed():
    decomposed = unicodedata.normalize("NFD", "Đồng bằng sông Cửu Long mùa nước nổi")
    text = page_text(render_receipt_pdf(receipt(entry_title=decomposed)))
    assert "Đồng bằng sông Cửu Long mùa nước nổi" in flat(text)
    assert unicodedata.is_normalized("NFC", text)


def test_every_file_with_its_size_and_hash_short_and_full(pdf):
    text = flat(page_text(pdf))
    assert "Phóng sự Trường Sa - kỳ 1.pdf" in text
    assert "bản dịch tiếng Anh.docx" in text
    assert "11,8 MB" in text and "12.345.678 byte" in text
    assert "47,1 KB" in text
    assert "9f86 d081 884c 7d65" in text  # the short form, grouped for reading aloud
    assert HASH in text.replace(" ", "")
    assert "ab" * 32 in text.replace(" ", "")


def test_qr_code_scans_to_the_status_page(pdf, tmp_path):
    # 100 dpi is coarser than any phone camera held over the paper.
    (decoded,) = zxingcpp.read_barcodes(rasterise(pdf, tmp_path, dpi=100))
    assert decoded.format == zxingcpp.BarcodeFormat.QRCode
    assert decoded.text == URL


def test_qr_code_is_printed_large(pdf, tmp_path):
    (decoded,) = zxingcpp.read_barcodes(rasterise(pdf, tmp_path, dpi=100))
    corners = decoded.position
    width_px = abs(corners.top_right.x - corners.top_left.x)
    assert width_px / 100 * 25.4 >= 35, "about 4 cm across, so a phone reads it at arm's length"


def test_long_file_names_and_urls_wrap_and_survive_whole():
    name = "ảnh_" + "Phú_Quốc" * 20 + "X" * 80 + ".jpg"
    url = "https://giaithuong.ttdn.vn/vi/entries/" + "a" * 150 + "/status/"
    pdf = render_receipt_pdf(receipt(files=(ReceiptFile(name, 3, HASH),), status_url=url))
    text = page_text(pdf)
    assert name not in text, "wrapped over several lines"
    assert name in "".join(text.split())
    assert url in "".join(text.split())
    starts: list[float] = []

    def visit(text, cm, tm, *_):
        if text.strip():
            starts.append(cm[4] + tm[4])

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    assert max(starts) < 210 * MM


def test_a_photo_set_of_45_files_stays_on_one_page():
    files = tuple(ReceiptFile(f"Bộ ảnh mùa lúa chín Mù Cang Chải {n:02d}.jpg", 8_000_000 + n,
                              f"{n:064x}") for n in range(1, 46))
    pdf = render_receipt_pdf(receipt(files=files))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    text = page_text(pdf).replace(" ", "").replace("\n", "")
    assert all(f"{n:064x}" in text for n in range(1, 46))


def test_very_many_files_run_on_rather_than_leave_one_out():
    files = tuple(ReceiptFile(f"ảnh {n:03d}.jpg", 1_000_000, f"{n:064x}") for n in range(1, 121))
    pdf = render_receipt_pdf(receipt(files=files))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 1
    text = page_text(pdf).replace(" ", "").replace("\n", "")
    assert all(f"{n:064x}" in text for n in range(1, 121))
    assert "XII-BC-0042 · Giải thưởng toàn quốc về thông tin đối ngoại lần thứ XII · 2/" in (
        page_text(pdf))


def test_an_entry_without_files_says_so():
    text = flat(page_text(render_receipt_pdf(receipt(files=()))))
    assert "Hồ sơ không kèm tệp." in text


def test_markup_in_user_text_is_printed_as_text():
    title = '#set page(width: 10mm) $x^2$ [*bold*] <script>alert("x")</script> // not a comment'
    pdf = render_receipt_pdf(receipt(entry_title=title))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    assert title in flat(page_text(pdf))


def test_same_data_same_bytes(pdf):
    assert render_receipt_pdf(receipt()) == pdf


@pytest.mark.parametrize("changes, message", [
    ({"submitted_at": dt.datetime(2026, 7, 31, 23, 59, 59)}, "timezone-aware"),
    ({"files": (ReceiptFile("a.pdf", 1, "not-a-hash"),)}, "SHA-256"),
    ({"files": (ReceiptFile("a.pdf", -1, HASH),)}, "negative"),
    ({"status_url": "javascript:alert(1)"}, "http"),
    ({"receipt_number": "  "}, "number"),
])
def test_data_a_receipt_must_not_carry_is_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        receipt_fields(receipt(**changes))


# ---- Formatting, without Typst -----------------------------------------------------------------

@pytest.mark.parametrize("moment, vi, en", [
    (DEADLINE_UTC, "23:59:59 ngày 31/7/2026", "23:59:59 on 31 July 2026"),
    # One second later it is the next day in Hanoi; months 1 and 2 take a leading zero.
    (DEADLINE_UTC + dt.timedelta(seconds=1),
     "00:00:00 ngày 01/8/2026", "00:00:00 on 1 August 2026"),
    (dt.datetime(2026, 2, 3, 8, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
     "20:05:00 ngày 03/02/2026", "20:05:00 on 3 February 2026"),
])
def test_submission_time_is_printed_in_vietnam_time(moment, vi, en):
    line = submitted_line(moment)
    assert line["vi"].startswith(vi + " (giờ Việt Nam")
    assert line["en"].startswith(en + " (Vietnam time")


@pytest.mark.parametrize("size, vi, en", [
    (0, "0 byte", "0 bytes"),
    (1023, "1023 byte", "1023 bytes"),
    (1024, "1 KB", "1 KB"),
    (48_213, "47,1 KB", "47.1 KB"),
    (1024 * 1024 - 1, "1 MB", "1 MB"),
    (12_345_678, "11,8 MB", "11.8 MB"),
    (4 * 1024**3, "4 GB", "4 GB"),
    (5_000 * 1024**3, "5.000 GB", "5,000 GB"),
])
def test_sizes(size, vi, en):
    assert size_text(size) == {"vi": vi, "en": en}


@pytest.mark.parametrize("roman, number", [
    ("I", 1), ("IV", 4), ("IX", 9), ("XII", 12), ("XIV", 14), ("XL", 40), ("XCIX", 99),
    ("IIII", None), ("IC", None), ("", None), ("12", None), ("xii", 12),
])
def test_roman_numerals(roman, number):
    assert roman_to_int(roman) == number


@pytest.mark.parametrize("number, text", [
    (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
    (21, "21st"), (22, "22nd"), (111, "111th"), (101, "101st"),
])
def test_english_ordinals(number, text):
    assert english_ordinal(number) == text


def test_award_line_for_an_ordinal_that_is_not_roman():
    line = award_line(receipt(edition_ordinal="2026"))
    assert line == {"vi": "Giải thưởng toàn quốc về thông tin đối ngoại lần thứ 2026",
                    "en": "National Award for External Information, edition 2026"}


def test_pieces_cut_where_a_line_may_break_and_lose_nothing():
    name = "Phóng_sự-kỳ.1 " + "x" * 45
    parts = pieces(name)
    assert "".join(parts) == name
    assert parts[:4] == ["Phóng_", "sự-", "kỳ.", "1 "]
    assert max(len(p) for p in parts) <= 20


def test_the_status_url_is_wrapped_in_short_lines_at_its_slashes():
    lines = wrap(URL, 34)
    assert "".join(lines) == URL
    assert lines == ["https://giaithuong.ttdn.vn/vi/", "entries/6f1c2a9e-3b7d-4e21-9a55-",
                     "0c8f7d3e2b14/status/"]
    assert all(len(line) <= 34 for line in wrap("https://x.vn/" + "b" * 100, 34))


def test_control_and_invisible_characters_are_dropped():
    fields = receipt_fields(receipt(participant_name="Lê\u200b Văn\u202e\x07 Tám\n"))
    (participant,) = [f for f in fields["fields"] if f["label"]["en"] == "Entrant"]
    assert participant["value"]["vi"] == "Lê Văn Tám"
