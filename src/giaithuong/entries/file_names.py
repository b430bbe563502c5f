"""Safe names for files people send (tên tệp an toàn).

Pure core: no Django. A file's name comes from the sender's machine and may carry folders, `../`,
a Windows drive, control characters, bidirectional overrides that disguise an extension
("invoice‮fdp.exe"), or a name Windows reserves for a device. `safe_file_name` keeps what a
person would recognise — Vietnamese letters included, in NFC — and drops the rest.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 200  # UTF-8 bytes; file systems allow 255, and copies add suffixes
MAX_EXTENSION = 10  # characters after the last dot that still count as an extension
FALLBACK_STEM = "file"

# Characters Windows forbids in a name (the slashes are folder separators, handled first).
_FORBIDDEN = str.maketrans({ch: "_" for ch in '<>:"|?*'})
# Unicode categories that never belong in a name: controls, format characters (bidi overrides,
# zero-width marks, the BOM), surrogates, line and paragraph separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_RESERVED = {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"} | {
    f"{device}{n}" for device in ("com", "lpt") for n in "0123456789¹²³"}
_EXTENSION = re.compile(rf"[0-9a-z]{{1,{MAX_EXTENSION}}}", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_DRIVE = re.compile(r"^[a-z]:", re.IGNORECASE)


def _clean_characters(text: str) -> str:
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in _DROPPED_CATEGORIES:
            # A tab or newline separated words; a bidi override separated nothing.
            out.append(" " if category == "Cc" or ch.isspace() else "")
        else:
            out.append(ch)
    return _SPACES.sub(" ", "".join(out))


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if dot and _EXTENSION.fullmatch(extension):
        return stem, extension
    return name, ""


def _cut(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` within `max_bytes` of UTF-8, never ending in a lone mark."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    cut = text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut


def safe_file_name(name: str, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A name safe to store and to offer for download: no folders, no control or bidi characters,
    no reserved device name, at most `max_bytes` of UTF-8 with the extension kept; never empty.
    A safe name comes back unchanged."""
    safe = _once(str(name), max_bytes)
    # Cutting a long name can leave a new ending ("…0..000" cut to "…0..00" now reads as an
    # extension): go again until nothing changes, so a stored name is stable.
    for _ in range(3):
        again = _once(safe, max_bytes)
        if again == safe:
            break
        safe = again
    return safe


def _once(name: str, max_bytes: int) -> str:
    text = unicodedata.normalize("NFC", name)
    text = _clean_characters(text)
    # Folders, whichever way they are written; only the last part is the file's own name.
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _DRIVE.sub("", text)
    text = text.translate(_FORBIDDEN)
    # Windows drops trailing dots and spaces; a leading dot hides a file on Unix (".pdf" alone
    # becomes "file.pdf").
    stem, extension = _split_extension(text.rstrip(" ."))
    suffix = f".{extension}" if extension else ""
    budget = max_bytes - len(suffix.encode("utf-8"))
    stem = _cut(stem.strip(" ."), budget).rstrip(" .") or FALLBACK_STEM
    if _reserved(stem):
        stem = "_" + _cut(stem, budget - 1).rstrip(" .")
    return unicodedata.normalize("NFC", stem + suffix)


def _reserved(stem: str) -> bool:
    # Windows reserves the device name whatever follows its first dot: "CON.txt", "nul.tar".
    return stem.split(".", 1)[0].strip().lower() in _RESERVED


def extension_of(name: str) -> str:
    """The lower-case extension of a (safe) name, without the dot; "" when it has none."""
    return _split_extension(name)[1].lower()
