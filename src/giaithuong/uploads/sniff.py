"""What a file is, told from its first bytes (and, for ZIP containers, its member names).

Pure, no Django. A file's name and the type a browser claims say nothing reliable; the content
does. Only formats people send to the award are recognised; anything else is
`application/octet-stream` (or `text/plain` when it reads as UTF-8 text).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO

HEAD_BYTES = 4096


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str  # without the dot; what a download of this file should be named
    label: str  # a short English name for people (translated where shown)


PDF = FileType("application/pdf", "pdf", "PDF document")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "docx", "Word document")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx", "Excel workbook")
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "pptx", "PowerPoint presentation")
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text")
EPUB = FileType("application/epub+zip", "epub", "EPUB e-book")
ZIP = FileType("application/zip", "zip", "ZIP archive")
OLE = FileType("application/x-ole-storage", "doc", "Office 97–2003 document")
RTF = FileType("application/rtf", "rtf", "RTF document")
JPEG = FileType("image/jpeg", "jpg", "JPEG image")
PNG = FileType("image/png", "png", "PNG image")
GIF = FileType("image/gif", "gif", "GIF image")
WEBP = FileType("image/webp", "webp", "WebP image")
TIFF = FileType("image/tiff", "tif", "TIFF image")
HEIC = FileType("image/heic", "heic", "HEIC image")
AVIF = FileType("image/avif", "avif", "AVIF image")
MP4 = FileType("video/mp4", "mp4", "MP4 video")
MOV = FileType("video/quicktime", "mov", "QuickTime video")
M4A = FileType("audio/mp4", "m4a", "MPEG-4 audio")
THREE_GP = FileType("video/3gpp", "3gp", "3GP video")
WEBM = FileType("video/webm", "webm", "WebM video")
MKV = FileType("video/x-matroska", "mkv", "Matroska video")
AVI = FileType("video/x-msvideo", "avi", "AVI video")
MPEG_TS = FileType("video/mp2t", "ts", "MPEG transport stream")
MPEG_PS = FileType("video/mpeg", "mpg", "MPEG video")
FLV = FileType("video/x-flv", "flv", "Flash video")
MP3 = FileType("audio/mpeg", "mp3", "MP3 audio")
AAC = FileType("audio/aac", "aac", "AAC audio")
WAV = FileType("audio/wav", "wav", "WAV audio")
FLAC = FileType("audio/flac", "flac", "FLAC audio")
OGG = FileType("audio/ogg", "ogg", "Ogg audio")
GZIP = FileType("application/gzip", "gz", "gzip archive")
SEVEN_Z = FileType("application/x-7z-compressed", "7z", "7-Zip archive")
RAR = FileType("application/vnd.rar", "rar", "RAR archive")
SVG = FileType("image/svg+xml", "svg", "SVG image")
HTML = FileType("text/html", "html", "HTML page")
TEXT = FileType("text/plain", "txt", "Text")
UNKNOWN = FileType("application/octet-stream", "bin", "Unknown")

# ISO base media (MP4 family) brands, from the `ftyp` box.
_QUICKTIME_BRANDS = {b"qt  "}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_3GP_BRANDS = {b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3gg6", b"3g2a", b"3g2b", b"3g2c"}
# Top-level QuickTime atoms that may open a .mov without an `ftyp` box.
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}

_SIMPLE = [  # (offset, signature, type), checked in order
    (0, b"%PDF-", PDF),
    (0, b"\x89PNG\r\n\x1a\n", PNG),
    (0, b"\xff\xd8\xff", JPEG),
    (0, b"GIF87a", GIF),
    (0, b"GIF89a", GIF),
    (0, b"II*\x00", TIFF),
    (0, b"MM\x00*", TIFF),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
    (0, b"{\\rtf", RTF),
    (0, b"fLaC", FLAC),
    (0, b"OggS", OGG),
    (0, b"ID3", MP3),
    (0, b"\x1f\x8b", GZIP),
    (0, b"7z\xbc\xaf\x27\x1c", SEVEN_Z),
    (0, b"Rar!\x1a\x07", RAR),
    (0, b"FLV\x01", FLV),
    (0, b"\x00\x00\x01\xba", MPEG_PS),
]


def sniff_bytes(head: bytes) -> FileType:
    """The type of a file starting with `head` (give at least HEAD_BYTES when there are)."""
    for offset, signature, found in _SIMPLE:
        if head[offset:offset + len(signature)] == signature:
            return found
    # PDF writers may put a little junk before the header; readers accept it in the first KiB.
    if b"%PDF-" in head[:1024]:
        return PDF
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WAVE": WAV, b"AVI ": AVI, b"WEBP": WEBP}.get(head[8:12], UNKNOWN)
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    if head[4:8] in _QUICKTIME_ATOMS and int.from_bytes(head[:4], "big") >= 8:
        return MOV
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: Matroska or its WebM profile
        return WEBM if b"webm" in head[:64] else MKV
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return ZIP  # members decide further; see sniff_file
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:
        return MPEG_TS
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # ADTS sync word, layer 00
            return AAC
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06 == 0x02:  # MPEG audio, layer III
            return MP3
    return _text(head)


def sniff_file(stream: BinaryIO) -> FileType:
    """The type of a whole file (seekable, read from the start); looks inside ZIP containers."""
    stream.seek(0)
    found = sniff_bytes(stream.read(HEAD_BYTES))
    if found is ZIP:
        found = _zip_kind(stream)
    return found


def _iso_media(head: bytes) -> FileType:
    brands = {head[8:12]}
    size = int.from_bytes(head[:4], "big")
    # Compatible brands follow the major brand and minor version, up to the box's end.
    end = min(size, len(head)) if size >= 16 else 16
    brands.update(head[i:i + 4] for i in range(16, end - 3, 4))
    major = head[8:12]
    if major in _QUICKTIME_BRANDS:
        return MOV
    if major in _AUDIO_BRANDS:
        return M4A
    if major in _AVIF_BRANDS:
        return AVIF
    if major in _HEIC_BRANDS:
        return AVIF if brands & _AVIF_BRANDS else HEIC
    if major in _3GP_BRANDS:
        return THREE_GP
    return MP4


def _zip_kind(stream: BinaryIO) -> FileType:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size < 200:
                    mimetype = archive.read(info).strip()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return ZIP
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "ppt/presentation.xml" in names:
        return PPTX
    if mimetype == b"application/vnd.oasis.opendocument.text":
        return ODT
    if mimetype == b"application/epub+zip":
        return EPUB
    return ZIP


def _text(head: bytes) -> FileType:
    if not head or b"\x00" in head:
        return UNKNOWN
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 3:
            return UNKNOWN
        text = head[:error.start].decode("utf-8")
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith("<svg") or (start.startswith("<?xml") and "<svg" in start):
        return SVG
    if start.startswith(("<!doctype html", "<html")):
        return HTML
    return TEXT
