"""The edition rules schema: what an edition file may say, validated on load.

Pure core: no Django. `parse_edition(text)` turns the text of a TOML edition file into an
`EditionSpec`, or raises `EditionFileInvalid` with every problem, each naming its line and field.
Every item the award's sources leave uncertain is a field here, so next year's edition is a new
file, not new code.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import zoneinfo
from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from giaithuong.editions.toml_locator import locate

SCHEMA_VERSION = 1

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
# A language as an ISO 639-1 code ("vi", "en", "zh"), the primary subtag of a language tag.
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
LongText = Annotated[str, Field(min_length=1, max_length=20000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Bilingual(Strict):
    vi: Text
    en: Text


class BilingualLong(Strict):
    vi: LongText
    en: LongText


class Award(Strict):
    slug: Code
    name: Bilingual
    short_name: Bilingual
    first_year: int = Field(ge=1900, le=2200)
    website: AnyHttpUrl


class Organiser(Strict):
    name: Bilingual
    role: Literal["chair", "co_organiser", "standing_agency"]


class Contact(Strict):
    unit: Bilingual
    person: str | None = None
    title: Bilingual | None = None
    phone: str | None = Field(default=None, pattern=r"^[0-9 .+()-]{6,25}$")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    address: Bilingual | None = None


class Milestone(Strict):
    code: Code
    label: Bilingual
    date: dt.date
    end_date: dt.date | None = None
    tentative: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Milestone:
        if self.end_date and self.end_date < self.date:
            raise ValueError("end_date is before date")
        return self


# Vietnam keeps one offset all year: the fallback when the machine has no time-zone database.
_FIXED_ZONES = {"Asia/Ho_Chi_Minh": dt.timezone(dt.timedelta(hours=7), "ICT"),
                "Asia/Saigon": dt.timezone(dt.timedelta(hours=7), "ICT"),
                "UTC": dt.UTC}


def time_zone(name: str) -> dt.tzinfo:
    """The zone an edition's deadlines are read in; raises ValueError for an unknown name."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        if name in _FIXED_ZONES:
            return _FIXED_ZONES[name]
        raise ValueError(f"unknown time zone {name!r}, e.g. Asia/Ho_Chi_Minh") from None


class Timeline(Strict):
    launch: dt.date
    window_start: dt.date
    window_end: dt.date
    deadline: dt.datetime
    deadline_extended: dt.datetime | None = None
    postmark_accepted: bool = True
    timezone: str = "Asia/Ho_Chi_Minh"
    milestones: list[Milestone] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        time_zone(value)
        return value

    @field_validator("deadline", "deadline_extended")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-07-31T23:59:59+07:00")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Timeline:
        if self.window_end < self.window_start:
            raise ValueError("window_end is before window_start")
        if self.deadline.date() < self.window_start:
            raise ValueError("deadline is before the publication window opens")
        if self.deadline_extended and self.deadline_extended < self.deadline:
            raise ValueError("deadline_extended is before deadline")
        return self

    @property
    def effective_deadline(self) -> dt.datetime:
        return self.deadline_extended or self.deadline


class DateRange(Strict):
    start: dt.date
    end: dt.date


class EntryRules(Strict):
    """Edition-wide rules for entries. Items marked [U] in the sources are settings here."""

    straddle_min_share: str = Field(default="2/3", pattern=r"^\d+/\d+$")
    # A straddling work may state its share in parts and in running time: "any" accepts it when
    # one stated measure reaches the share, "all" only when every stated measure does.
    straddle_measures: Literal["any", "all"] = "any"
    max_entries_per_author: int | None = Field(default=10, ge=1)
    entry_limit_counts: Literal["each_member", "group_as_unit"] = "each_member"
    max_team_size: int | None = Field(default=None, ge=1)
    exclude_jurors: bool = True
    exclude_organisers: bool = True
    vietnamese_summary: Literal["always", "foreign_language_only"] = "always"
    full_translation_required: bool = False
    prior_award_declaration: bool = True
    copyright_attestation: bool = True
    previous_window: DateRange | None = None
    entrants: list[Literal["vietnamese_in_vietnam", "vietnamese_abroad", "foreigner"]] = Field(
        default_factory=lambda: ["vietnamese_in_vietnam", "vietnamese_abroad", "foreigner"]
    )
    entrant_forms: list[Literal["individual", "group", "organisation"]] = Field(
        default_factory=lambda: ["individual", "group", "organisation"]
    )
    channels: list[Literal["portal", "email", "post"]] = Field(default_factory=lambda: ["portal"])
    # The receipt number an entry gets when it is submitted (số biên nhận). Placeholders:
    # {edition} the roman ordinal (XII), {year}, {category} the category's code, {number} the
    # category's number, {sequence} the entry's place in its category (gap-free, from 1).
    receipt_number_format: str = Field(default="{edition}-{category}-{sequence:04d}",
                                       min_length=1, max_length=100)

    @field_validator("receipt_number_format")
    @classmethod
    def _receipt_format(cls, value: str) -> str:
        sample = {"edition": "XII", "year": 2026, "category": "anh", "number": 6}
        try:
            first, second = (value.format(**sample, sequence=n) for n in (1, 2))
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"is not a valid format ({exc}); placeholders: {{edition}}, "
                             "{year}, {category}, {number}, {sequence}") from None
        if first == second:
            raise ValueError("must contain {sequence}, so that no two receipts share a number")
        return value

    @field_validator("straddle_min_share")
    @classmethod
    def _fraction(cls, value: str) -> str:
        numerator, denominator = (int(part) for part in value.split("/"))
        if denominator == 0 or not 0 < numerator <= denominator:
            raise ValueError("must be a fraction between 0 and 1, e.g. 2/3")
        return value

    @property
    def straddle_fraction(self) -> Fraction:
        return Fraction(self.straddle_min_share)


FileKind = Literal["pdf", "docx", "image", "audio", "video"]


class Subtype(Bilingual):
    """A kind of work within a category (Ảnh báo chí / Ảnh phong cảnh); entries name its code."""

    code: Code | None = None


class Category(Strict):
    code: Code
    number: int = Field(ge=1, le=99)
    name: Bilingual
    summary: BilingualLong
    languages: Literal["vietnamese", "foreign", "any"] = "any"
    # Narrows `languages` to these codes (e.g. the languages the juries can read); empty = any.
    accepted_languages: list[LanguageCode] = Field(default_factory=list)
    subtypes: list[Subtype] = Field(default_factory=list)
    max_series_parts: int | None = Field(default=None, ge=1)
    max_duration_minutes: int | None = Field(default=None, ge=1)
    max_pages: int | None = Field(default=None, ge=1)
    max_photos: int | None = Field(default=None, ge=1)
    file_kinds: list[FileKind] = Field(min_length=1)
    max_file_mb: int = Field(default=500, ge=1, le=8192)
    notes: BilingualLong | None = None

    @model_validator(mode="after")
    def _languages_agree(self) -> Category:
        listed = set(self.accepted_languages)
        if self.languages == "vietnamese" and listed - {"vi"}:
            raise ValueError("accepted_languages lists a foreign language in a Vietnamese-only "
                             "category")
        if self.languages == "foreign" and "vi" in listed:
            raise ValueError("accepted_languages lists vi in a foreign-language category")
        codes = [subtype.code for subtype in self.subtypes if subtype.code]
        if len(set(codes)) != len(codes):
            raise ValueError("subtypes: two subtypes share a code")
        return self


class Criterion(Strict):
    code: Code
    name: Bilingual
    description: BilingualLong
    weight: int = Field(ge=1, le=100)


class PrizeTier(Strict):
    code: Code
    name: Bilingual
    per_category: int = Field(ge=0, le=100)
    amount_vnd: int | None = Field(default=None, ge=0)


class Prizes(Strict):
    special: Bilingual
    special_count: int = Field(default=1, ge=0, le=10)
    special_amount_vnd: int | None = Field(default=None, ge=0)
    tiers: list[PrizeTier] = Field(min_length=1)
    allow_unawarded: bool = True
    allow_reallocation: bool = True


class Round(Strict):
    code: Code
    name: Bilingual
    blind: bool = True
    description: Bilingual | None = None


class Edition(Strict):
    ordinal: int = Field(ge=1, le=200)
    year: int = Field(ge=1900, le=2200)
    title: Bilingual
    trailer_url: AnyHttpUrl
    trailer_note: Bilingual | None = None
    organisers: list[Organiser] = Field(min_length=1)
    ceremony_place: Bilingual | None = None


class EditionSpec(Strict):
    schema_version: Literal[1]
    award: Award
    edition: Edition
    timeline: Timeline
    rules: EntryRules = Field(default_factory=EntryRules)
    contact: Contact
    categories: list[Category] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    prizes: Prizes
    rounds: list[Round] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> EditionSpec:
        for name in ("categories", "criteria", "rounds"):
            codes = [item.code for item in getattr(self, name)]
            duplicates = sorted({code for code in codes if codes.count(code) > 1})
            if duplicates:
                raise ValueError(f"{name}: duplicate code {', '.join(duplicates)}")
        numbers = [category.number for category in self.categories]
        if len(set(numbers)) != len(numbers):
            raise ValueError("categories: two categories share a number")
        return self


@dataclass(frozen=True)
class FileProblem:
    """One problem in an edition file: where it is and what is wrong."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.field}: {self.message}"


class EditionFileInvalid(ValueError):
    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def parse_edition(text: str) -> EditionSpec:
    """Validate an edition file's text; raise EditionFileInvalid naming every line and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            # Python 3.11 puts the position only in the message: "... (at line 3, column 7)".
            marker = str(exc).rpartition("(at line ")[2]
            line = int(marker.split(",")[0]) if marker[:1].isdigit() else None
        raise EditionFileInvalid([FileProblem(line, "(syntax)", str(exc))]) from None
    try:
        return EditionSpec.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(part for part in error["loc"] if not str(part).startswith("function-"))
            message = error["msg"].removeprefix("Value error, ")
            problems.append(FileProblem(locate(text, loc), _dotted(loc), message))
        raise EditionFileInvalid(problems) from None


def roman(number: int) -> str:
    """Roman numeral for an edition ordinal (lần thứ XII)."""
    numerals = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out
