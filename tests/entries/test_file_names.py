"""Safe file names: folders, traversal, drives, control and bidi characters and reserved device
names are gone; Vietnamese letters stay (NFC); the length is bounded with the extension kept."""

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from giaithuong.entries.file_names import MAX_NAME_BYTES, extension_of, safe_file_name

DECOMPOSED = unicodedata.normalize("NFD", "Phóng sự Hà Nội.pdf")


@pytest.mark.parametrize(("name", "expected"), [
    ("Phóng sự Hà Nội.pdf", "Phóng sự Hà Nội.pdf"),
    (DECOMPOSED, "Phóng sự Hà Nội.pdf"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("/var/lib/giaithuong/media/a.pdf", "a.pdf"),
    ("C:\\Users\\Thu\\Tác phẩm.docx", "Tác phẩm.docx"),
    ("C:evil.pdf", "evil.pdf"),
    ("\\\\server\\share\\Ảnh 1.jpg", "Ảnh 1.jpg"),
    ("bai\x00bao\x07.pdf", "bai bao.pdf"),
    ("Tác phẩm\t\tdự Giải\r\n.pdf", "Tác phẩm dự Giải.pdf"),
    ("hoa-don\u202efdp.exe", "hoa-donfdp.exe"),
    ("\u2066x\u2069\u200b.pdf", "x.pdf"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("LPT1.tar.gz", "_LPT1.tar.gz"),
    ("Com9 .pdf", "_Com9.pdf"),
    ("console.pdf", "console.pdf"),
    ("a<b>c:d|e?f*g\".pdf", "a_b_c_d_e_f_g_.pdf"),
    ("", "file"),
    ("..", "file"),
    ("   ", "file"),
    ("\u202e", "file"),
    (".pdf", "file.pdf"),
    (".htaccess", "file.htaccess"),
    ("bài báo. ", "bài báo"),
    ("báo cáo.final version", "báo cáo.final version"),
])
def test_safe_names(name, expected):
    assert safe_file_name(name) == expected


def test_long_name_keeps_its_extension_and_whole_letters():
    name = "Những câu chuyện về tình hữu nghị Việt Nam – Lào " * 10 + ".docx"
    safe = safe_file_name(name)
    assert safe.endswith(".docx")
    assert len(safe.encode()) <= MAX_NAME_BYTES
    assert safe.startswith("Những câu chuyện")
    assert unicodedata.is_normalized("NFC", safe)


def test_extension_of():
    assert extension_of("Bài.PDF") == "pdf"
    assert extension_of("file") == ""
    assert extension_of("a.tar.gz") == "gz"


RESERVED = {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"} | {
    f"{d}{n}" for d in ("com", "lpt") for n in "0123456789¹²³"}
names = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(["..", "/", "\\", "C:", "CON", "nul", ".", " ", "Tác phẩm", "ệ",
                              "\u202e", "\x00", "\t", "pdf", ".docx", "\u0301", "a" * 90]),
             max_size=12).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(names)
@example("a" * 400 + ".pdf")
@example("e\u0301" * 200)
@example("0" * 192 + ".." + "0" * 11)
def test_any_name_comes_out_safe(name):
    safe = safe_file_name(name)
    assert safe
    assert "/" not in safe and "\\" not in safe and ":" not in safe
    assert safe not in {".", ".."} and not safe.startswith(".")
    assert safe == safe.strip()
    assert not safe.endswith(".")
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES
    assert unicodedata.is_normalized("NFC", safe)
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for ch in safe)
    assert safe.split(".", 1)[0].strip().lower() not in RESERVED
    assert safe_file_name(safe) == safe  # idempotent: a stored name stays as it is


@settings(max_examples=200, deadline=None)
@given(stem=st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=400),
       extension=st.sampled_from(["pdf", "docx", "jpg", "mp4", "tiff"]))
def test_extension_survives_any_length(stem, extension):
    safe = safe_file_name(f"{stem}.{extension}")
    assert safe.endswith(f".{extension}")
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES
