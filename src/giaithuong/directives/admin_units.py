"""Vietnam's administrative units after the 2025 reorganisation, as units of the cascade.

Pure core: no Django. Reads the `vietnam-provinces` package (34 provinces and centrally-run
cities, 3,321 communes, wards and special zones; no districts since 1/7/2025) and names the
bodies of each line of the tree:

- State: Chính phủ → Ủy ban nhân dân tỉnh/thành phố X → Ủy ban nhân dân xã/phường/đặc khu Y;
- Front: Ủy ban Trung ương MTTQ Việt Nam → Ủy ban MTTQ Việt Nam tỉnh/thành phố X → Ủy ban MTTQ
  Việt Nam xã/phường/đặc khu Y. Front letters are issued by each committee's standing board, so
  those units carry the header lines "ỦY BAN MTTQ VIỆT NAM …" over "BAN THƯỜNG TRỰC" and the
  symbol code MTTQ-BTT (dispatch-format.md §4; seed 004 is 31/MTTQ-BTT).

Administrative codes are the GSO codes, zero-padded: "01" for Hà Nội, "10672" for phường Nam
Đồng. The package is read by the loader command only, never at request time.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Line(StrEnum):
    """A line of the tree; its value is the unit kind of its bodies."""

    STATE = "state"
    FRONT = "front"


@dataclass(frozen=True)
class Division:
    """A province or a commune-level unit: `word` is its unit word (tỉnh, thành phố, xã,
    phường, đặc khu), `name` the bare name (Hải Phòng, Nam Đồng)."""

    code: str
    word: str
    name: str
    province_code: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.word} {self.name}"


@dataclass(frozen=True)
class UnitSpec:
    """What the loader writes for one body of one line."""

    admin_code: str
    name: str
    short_name: str
    seat: str
    code: str
    header_name: str = ""
    header_parent: str = ""


# The tops of the two lines. An existing top unit of the same name is reused; for the Front the
# central standing board (as the demo data and real letters name it) is also accepted.
STATE_ROOT = UnitSpec(admin_code="", name="Chính phủ", short_name="Chính phủ", seat="Hà Nội",
                      code="CP")
FRONT_ROOT = UnitSpec(admin_code="", name="Ủy ban Trung ương MTTQ Việt Nam",
                      short_name="MTTQ Việt Nam", seat="Hà Nội", code="MTTW-BTT",
                      header_name="BAN THƯỜNG TRỰC",
                      header_parent="ỦY BAN TRUNG ƯƠNG MTTQ VIỆT NAM")
ROOT_ALIASES = {
    Line.STATE: ("Chính phủ",),
    Line.FRONT: ("Ủy ban Trung ương MTTQ Việt Nam",
                 "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam"),
}
# An existing unit under the right parent is adopted (given its administrative code) rather
# than duplicated when its name is the generated one or the standing board's.
ADOPT_PREFIXES = ("", "Ban Thường trực ")

_WORDS = {"tỉnh": "tỉnh", "thành phố trung ương": "thành phố", "xã": "xã", "phường": "phường",
          "đặc khu": "đặc khu"}


def _nfc(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def _bare(name: str, word: str) -> str:
    """'Thành phố Hải Phòng' → 'Hải Phòng'; 'Phường  Tân An' → 'Tân An'."""
    name = _nfc(name)
    return name[len(word):].strip() if name.lower().startswith(word.lower() + " ") else name


def divisions() -> tuple[list[Division], list[Division]]:
    """Provinces and commune-level units, in the package's order."""
    from vietnam_provinces import Province, Ward

    provinces, wards = [], []
    for province in Province.iter_all():
        word = _WORDS[province.division_type.value]
        provinces.append(Division(code=f"{int(province.code):02d}", word=word,
                                  name=_bare(province.name, word)))
    for ward in Ward.iter_all():
        word = _WORDS[ward.division_type.value]
        wards.append(Division(code=f"{int(ward.code):05d}", word=word,
                              name=_bare(ward.name, word),
                              province_code=f"{int(ward.province_code):02d}"))
    return provinces, wards


def body_name(line: Line, division: Division) -> str:
    prefix = "Ủy ban nhân dân" if line == Line.STATE else "Ủy ban MTTQ Việt Nam"
    return f"{prefix} {division.full_name}"


def unit_spec(line: Line, division: Division) -> UnitSpec:
    name = body_name(line, division)
    if line == Line.STATE:
        return UnitSpec(admin_code=division.code, name=name, short_name=division.name,
                        seat=division.name, code="UBND")
    return UnitSpec(admin_code=division.code, name=name, short_name=division.name,
                    seat=division.name, code="MTTQ-BTT", header_name="BAN THƯỜNG TRỰC",
                    header_parent=name.upper())


def root_spec(line: Line) -> UnitSpec:
    return STATE_ROOT if line == Line.STATE else FRONT_ROOT
