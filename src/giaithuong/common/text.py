"""Vietnamese text helpers. Pure core: no Django.

NFC normalisation for everything stored or shown, Vietnamese collation keys for sorting names,
and the date-line format of official letters ("Hà Nội, ngày 02 tháng 6 năm 2026").
"""

from __future__ import annotations

import datetime as dt
import unicodedata

# Vietnamese alphabetical order: a ă â b c d đ e ê … o ô ơ … u ư …, then tones
# (none, huyền, hỏi, ngã, sắc, nặng) as the secondary key.
_BASE_ORDER = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: index for index, letter in enumerate(_BASE_ORDER)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPES = {"\u0306": "ă", "\u0302": "^", "\u031b": "ơ"}


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _letter_and_tone(char: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", char.lower())
    base, marks = decomposed[0], decomposed[1:]
    tone = 0
    for mark in marks:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark == "\u0306":
            base = "ă"
        elif mark == "\u0302":
            base = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
        elif mark == "\u031b":
            base = {"o": "ơ", "u": "ư"}.get(base, base)
    return base, tone


def collation_key(value: str) -> tuple:
    """Sort key for Vietnamese text: letters by the Vietnamese alphabet, then tones."""
    letters: list[int] = []
    tones: list[int] = []
    for char in nfc(value):
        base, tone = _letter_and_tone(char)
        letters.append(_LETTER_RANK.get(base, 100 + ord(base)))
        tones.append(tone)
    return (tuple(letters), tuple(tones))


def pad_day(day: int) -> str:
    return f"{day:02d}"


def pad_month(month: int) -> str:
    """Months 1 and 2 take a leading zero in Vietnamese official dates; the others do not."""
    return f"{month:02d}" if month <= 2 else str(month)


def date_line(place: str, date: dt.date | None, *, month: int | None = None,
              year: int | None = None) -> str:
    """'Hà Nội, ngày 02 tháng 6 năm 2026'; a draft (no date) leaves the day blank."""
    if date is not None:
        day, month_text = pad_day(date.day), pad_month(date.month)
        return f"{nfc(place)}, ngày {day} tháng {month_text} năm {date.year}"
    month_text = pad_month(month) if month else "   "
    return f"{nfc(place)}, ngày      tháng {month_text} năm {year or ''}".rstrip()


def short_date(date: dt.date) -> str:
    """02/6/2026, 24/01/2025: the in-body form."""
    return f"{pad_day(date.day)}/{pad_month(date.month)}/{date.year}"
