"""A letter file an officer hands in (upload, pasted text, command line), checked and read.

Pure core: no Django. `read_letter_file(name, data)` refuses what cannot be a letter file with a
`ReadError` whose `code` says which case it is (so pages can say it in the reader's language)
and whose message says it in plain English; otherwise it returns the text and what the parser
read from it. Nothing is guessed: a PDF without a text layer is refused, not OCR'd.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePath

from giaithuong.directives.extract import LetterFileError, extract_bytes, sniff
from giaithuong.directives.parser import ParsedLetter, parse_letter_text

MAX_BYTES = 10 * 1024 * 1024
SUFFIXES = (".txt", ".docx", ".pdf")
CONTENT_TYPES = {"pdf": "application/pdf", "text": "text/plain; charset=utf-8",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
PASTED_NAME = "pasted-letter.txt"
_UNSAFE = re.compile(r"[^\w.\- ]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class ReadError(ValueError):
    """A file that is not a readable letter. `code`: too_large, wrong_type, empty,
    no_text_layer, zip_bomb, unreadable or not_a_letter."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SourceFile:
    """The file a letter was read from, kept byte for byte beside it."""

    name: str
    data: bytes

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def kind(self) -> str:
        return sniff(self.data, self.name)

    @property
    def safe_name(self) -> str:
        """The base name without path or odd characters, at most 120 characters."""
        name = PurePath(self.name.replace("\\", "/")).name
        name = _UNSAFE.sub("_", name).strip(" ._") or "letter"
        suffix = PurePath(name).suffix.lower()
        if suffix not in SUFFIXES:
            name += {"pdf": ".pdf", "docx": ".docx"}.get(self.kind, ".txt")
        return name[-120:]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


@dataclass(frozen=True)
class ReadLetter:
    source: SourceFile
    text: str
    parsed: ParsedLetter


def check_file(name: str, size: int) -> None:
    """What can be refused before the bytes are read: the size and the kind of file."""
    if size > MAX_BYTES:
        raise ReadError("too_large", f"The file is {size / 1024 / 1024:.1f} MB; at most "
                                     f"{MAX_BYTES // 1024 // 1024} MB is accepted.")
    if size == 0:
        raise ReadError("empty", "The file is empty.")
    suffix = PurePath(name).suffix.lower()
    if suffix and suffix not in SUFFIXES:
        raise ReadError("wrong_type", f"{suffix} files are not accepted; send the letter as "
                                      "a .txt, .docx or .pdf file.")


def read_letter_file(name: str, data: bytes) -> ReadLetter:
    check_file(name, len(data))
    source = SourceFile(name, data)
    try:
        text = extract_bytes(data, name)
    except LetterFileError as error:
        message = str(error)
        code = ("no_text_layer" if "no text layer" in message
                else "zip_bomb" if "zip bomb" in message
                else "wrong_type" if "Old Word" in message else "unreadable")
        raise ReadError(code, message) from error
    sample = text[:20_000]
    if source.kind == "text" and len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
        raise ReadError("wrong_type", "The file is not text, DOCX or PDF.")
    if not text.strip():
        raise ReadError("empty", "The file holds no text.")
    parsed = parse_letter_text(text)
    if not (parsed.subject or parsed.symbol or parsed.number):
        raise ReadError("not_a_letter", "No letter was recognised in the file: it has no "
                                        "number, symbol or subject (V/v).")
    return ReadLetter(source, text, parsed)


def read_pasted_text(text: str) -> ReadLetter:
    """Pasted text is kept as a UTF-8 text file, so it is stored and recognised like one."""
    return read_letter_file(PASTED_NAME, text.replace("\r\n", "\n").encode("utf-8"))
