"""File types from content: real files made by real writers where one is at hand, exact
signatures otherwise."""

import gzip
import io
import wave
import zipfile

import pytest
from PIL import Image

from giaithuong.uploads import sniff


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Giải thưởng toàn quốc về thông tin đối ngoại")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, members.pop(stored_first), zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    return out.getvalue()


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    box = (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body
    return box + b"\x00\x00\x00\x08free" + b"\x00\x00\x10\x00mdat" + bytes(64)


def _ebml(doctype: bytes) -> bytes:
    element = b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    header = b"\x42\x86\x81\x01\x42\xf7\x81\x01" + element
    segment = b"\x18\x53\x80\x67" + bytes(32)
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + segment


CASES = [
    ("pdf", _pdf, sniff.PDF),
    ("pdf after junk", lambda: b"\r\n\r\n" + _pdf(), sniff.PDF),
    ("docx", _docx, sniff.DOCX),
    ("xlsx", _xlsx, sniff.XLSX),
    ("pptx", lambda: _zip({"[Content_Types].xml": b"<Types/>",
                           "ppt/presentation.xml": b"<p/>"}), sniff.PPTX),
    ("odt", lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument.text",
                          "content.xml": b"<x/>"}, stored_first="mimetype"), sniff.ODT),
    ("epub", lambda: _zip({"mimetype": b"application/epub+zip",
                           "META-INF/container.xml": b"<c/>"}, stored_first="mimetype"),
     sniff.EPUB),
    ("zip", lambda: _zip({"bai-viet.txt": "Bài viết".encode()}), sniff.ZIP),
    ("damaged zip", lambda: _zip({"word/document.xml": b"<w/>"})[:40], sniff.ZIP),
    ("doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), sniff.OLE),
    ("rtf", lambda: rb"{\rtf1\ansi Gi\'e1i th\'c6\'b0\'e1\'bb\'9fng}", sniff.RTF),
    ("jpeg", lambda: _image("JPEG"), sniff.JPEG),
    ("png", lambda: _image("PNG"), sniff.PNG),
    ("gif", lambda: _image("GIF"), sniff.GIF),
    ("webp", lambda: _image("WEBP"), sniff.WEBP),
    ("tiff", lambda: _image("TIFF"), sniff.TIFF),
    ("mp4", lambda: _ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), sniff.MP4),
    ("mp4 mp42", lambda: _ftyp(b"mp42", b"mp42", b"isom"), sniff.MP4),
    ("mov", lambda: _ftyp(b"qt  ", b"qt  "), sniff.MOV),
    ("old mov", lambda: b"\x00\x00\x00\x08wide" + b"\x00\x00\x10\x00mdat" + bytes(32), sniff.MOV),
    ("m4a", lambda: _ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), sniff.M4A),
    ("3gp", lambda: _ftyp(b"3gp4", b"3gp4", b"isom"), sniff.THREE_GP),
    ("heic", lambda: _ftyp(b"heic", b"mif1", b"heic"), sniff.HEIC),
    ("avif", lambda: _ftyp(b"avif", b"avif", b"mif1", b"miaf"), sniff.AVIF),
    ("webm", lambda: _ebml(b"webm"), sniff.WEBM),
    ("mkv", lambda: _ebml(b"matroska"), sniff.MKV),
    ("avi", lambda: b"RIFF\x00\x10\x00\x00AVI LIST" + bytes(32), sniff.AVI),
    ("wav", _wav, sniff.WAV),
    ("mp3 with tag", lambda: b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(64),
     sniff.MP3),
    ("mp3 frames", lambda: b"\xff\xfb\x90\x64" + bytes(413) + b"\xff\xfb\x90\x64", sniff.MP3),
    ("aac", lambda: b"\xff\xf1\x50\x80\x02\x1f\xfc" + bytes(64), sniff.AAC),
    ("flac", lambda: b"fLaC\x00\x00\x00\x22" + bytes(34), sniff.FLAC),
    ("ogg", lambda: b"OggS\x00\x02" + bytes(64), sniff.OGG),
    ("mpeg-ts", lambda: (b"\x47" + bytes(187)) * 4, sniff.MPEG_TS),
    ("mpeg-ps", lambda: b"\x00\x00\x01\xba\x44" + bytes(64), sniff.MPEG_PS),
    ("gzip", lambda: gzip.compress(b"abc"), sniff.GZIP),
    ("7z", lambda: b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24), sniff.SEVEN_Z),
    ("rar", lambda: b"Rar!\x1a\x07\x01\x00" + bytes(24), sniff.RAR),
    ("svg", lambda: b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
     sniff.SVG),
    ("html", lambda: b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>", sniff.HTML),
    ("text", lambda: "Kính gửi: Ban Thường trực Ủy ban MTTQ\n".encode(), sniff.TEXT),
    ("binary", lambda: bytes(range(256)) * 4, sniff.UNKNOWN),
    ("empty", lambda: b"", sniff.UNKNOWN),
]


@pytest.mark.parametrize(("make", "expected"), [(m, e) for _, m, e in CASES],
                         ids=[name for name, _, _ in CASES])
def test_sniff_file(make, expected):
    assert sniff.sniff_file(io.BytesIO(make())) == expected


def test_text_cut_inside_a_character_is_still_text():
    text = ("Giải thưởng " * 400).encode()
    head = text[:sniff.HEAD_BYTES]
    head = head[:-1] if head[-1] < 0x80 else head
    cut = head + "ư".encode()[:1]
    assert sniff.sniff_bytes(cut) == sniff.TEXT


def test_invalid_utf8_in_the_middle_is_not_text():
    assert sniff.sniff_bytes(b"abc\xff\xfeabc" + b"x" * 100) == sniff.UNKNOWN


def test_only_the_head_is_read_for_non_zip_files():
    class Counting(io.BytesIO):
        read_sizes: list = []

        def read(self, size=-1):
            self.read_sizes.append(size)
            return super().read(size)

    stream = Counting(_image("PNG") + bytes(10 * 1024 * 1024))
    assert sniff.sniff_file(stream) == sniff.PNG
    assert stream.read_sizes == [sniff.HEAD_BYTES]
