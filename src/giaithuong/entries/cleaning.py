"""Input cleaning for entry fields and author lists, shared by pages, the API and the services.

Every value is checked here and comes back in the form the model stores (NFC text without
control characters, dates, integers, lists). Each problem names its field; nothing is saved
unless every field given is right. Rules about the work itself (windows, limits, missing
items) are not checked here: the eligibility engine reports them, so a draft can be saved
half-done.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from giaithuong.entries.errors import ALL, EntryInvalid
from giaithuong.entries.models import AuthorRole, EntrantKind, Residence

# Bidirectional overrides and isolates can make "invoice‮fdp.exe" read as something else.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")

SHORT_TEXT = {"organisation_name": 300, "title": 500, "genre": 200, "subtype": 63,
              "outlet": 300, "translation_title": 500}
LONG_TEXT = {"summary_vi": 20000, "translation_summary": 20000}
# field: (smallest, largest, may be empty)
NUMBERS = {
    "parts_total": (1, 10_000, False),
    "parts_in_window": (0, 10_000, False),
    "seconds_outside_window": (0, 1_000_000, False),
    "duration_seconds": (1, 1_000_000, True),
    "pages": (1, 100_000, True),
    "photo_count": (1, 10_000, True),
}
FLAGS = ("translation_present", "copyright_accepted", "prior_awards_none")
DATES = ("published_first", "published_last")
CHOICES = {"entrant_kind": EntrantKind, "entrant_residence": Residence}
OTHER = ("language", "entrant_country", "publication_urls", "prior_awards")
# What a participant may set on their entry (category is handled by the services).
FIELDS = frozenset([*SHORT_TEXT, *LONG_TEXT, *NUMBERS, *FLAGS, *DATES, *CHOICES, *OTHER])

MAX_URLS = 20
MAX_PRIOR_AWARDS = 30
MAX_AUTHORS = 50
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()


class _Problems:
    def __init__(self):
        self.errors: dict[str, list[Any]] = {}

    def add(self, field: str, message: Any) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise EntryInvalid(self.errors)


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """NFC, without control characters (newlines and tabs kept in long text) or bidi controls."""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    keep = "\n\t" if multiline else ""
    text = "".join(ch for ch in text
                   if ch not in _BIDI and (ch in keep or unicodedata.category(ch) != "Cc"))
    return text.strip()


def _text(field: str, value: Any, limit: int, problems: _Problems, *, multiline=False) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(field, _("Enter text."))
        return ""
    text = clean_text(value, multiline=multiline)
    if len(text) > limit:
        problems.add(field, format_lazy(_("Keep this under {limit} characters (now {count})."),
                                        limit=limit, count=len(text)))
    return text


def _number(field: str, value: Any, problems: _Problems) -> int | None:
    low, high, optional = NUMBERS[field]
    if value is None or (isinstance(value, str) and not value.strip()):
        if not optional:
            problems.add(field, _("Enter a whole number."))
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        problems.add(field, _("Enter a whole number."))
        return None
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError, OverflowError):
        problems.add(field, _("Enter a whole number."))
        return None
    if not low <= number <= high:
        problems.add(field, format_lazy(_("Enter a number from {low} to {high}."),
                                        low=low, high=high))
        return None
    return number


def _flag(field: str, value: Any, problems: _Problems) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "on", "yes"}:
        return True
    if value is None or (isinstance(value, str) and value.strip().lower() in {"", "0", "false",
                                                                            "off", "no"}):
        return False
    problems.add(field, _("Answer yes or no."))
    return False


def _date(field: str, value: Any, today: dt.date, problems: _Problems) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            problems.add(field, _("Enter a real date, such as 2026-03-15."))
            return None
    if value.year < 1900:
        problems.add(field, _("Enter a real date, such as 2026-03-15."))
        return None
    if value > today:
        problems.add(field, _("This date is in the future: a work can only be entered once it "
                              "has been published."))
        return None
    return value


def _choice(field: str, value: Any, choices, problems: _Problems) -> str:
    if field == "entrant_residence" and value in (None, ""):
        return ""
    if value not in choices.values:
        problems.add(field, _("Choose one of the options offered."))
        return choices.values[0]
    return str(value)


def _language(value: Any, problems: _Problems) -> str:
    if value is None:
        return ""
    tag = clean_text(str(value)).lower().replace("_", "-")
    if tag and not _LANGUAGE_TAG.match(tag):
        problems.add("language", _("Choose a language from the list (a code such as vi, en or "
                                   "zh)."))
        return ""
    return tag


def _country(value: Any, problems: _Problems) -> str:
    code = clean_text(str(value or "")).upper()
    if code and not _COUNTRY.match(code):
        problems.add("entrant_country", _("Choose a country from the list."))
        return ""
    return code


def _urls(value: Any, problems: _Problems) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list | tuple):
        problems.add("publication_urls", _("Give the links as a list."))
        return []
    urls: list[str] = []
    for item in value:
        url = clean_text(str(item))
        if not url:
            continue
        try:
            _url(url)
        except ValidationError:
            problems.add("publication_urls", format_lazy(
                _("“{url}” is not a web address starting with http:// or https://."),
                url=url[:200]))
            continue
        if url not in urls:
            urls.append(url)
    if len(urls) > MAX_URLS:
        problems.add("publication_urls", format_lazy(_("Give at most {limit} links."),
                                                     limit=MAX_URLS))
    return urls


def _partial_date(value: Any, today: dt.date) -> str | None:
    """'2025', '2025-11' or '2025-11-20' (prizes are often remembered by year only)."""
    if isinstance(value, dt.date):
        value = value.isoformat()
    match = _PARTIAL_DATE.match(str(value or "").strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        first = dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return match.group(0) if year >= 1900 and first <= today else None


def _prior_awards(value: Any, today: dt.date, problems: _Problems) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        problems.add("prior_awards", _("Give the prizes as a list."))
        return []
    awards = []
    for index, item in enumerate(value):
        where = f"prior_awards[{index}]"
        if not isinstance(item, dict):
            problems.add(where, _("Give the contest, organiser, level and date of the prize."))
            continue
        unknown = set(item) - {"contest", "organiser", "level", "date"}
        if unknown:
            problems.add(where, format_lazy(_("Unknown item: {names}."),
                                            names=", ".join(sorted(map(str, unknown)))))
        award = {key: _text(where, item.get(key), 300, problems)
                 for key in ("contest", "organiser", "level")}
        if not award["contest"]:
            problems.add(where, _("Name the contest or award."))
        raw_date = item.get("date")
        award["date"] = ""
        if raw_date not in (None, ""):
            award["date"] = _partial_date(raw_date, today) or ""
            if not award["date"]:
                problems.add(where, _("Give the date of the prize as a year (2025), a month "
                                      "(2025-11) or a day (2025-11-20), not in the future."))
        awards.append(award)
    if len(awards) > MAX_PRIOR_AWARDS:
        problems.add("prior_awards", format_lazy(_("List at most {limit} prizes."),
                                                 limit=MAX_PRIOR_AWARDS))
    return awards


def clean_fields(values: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    """The given entry fields, cleaned; raises EntryInvalid naming every field that is wrong."""
    problems = _Problems()
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field not in FIELDS:
            problems.add(ALL, format_lazy(_("“{field}” is not a field of an entry."),
                                          field=str(field)[:60]))
        elif field in SHORT_TEXT:
            cleaned[field] = _text(field, value, SHORT_TEXT[field], problems)
        elif field in LONG_TEXT:
            cleaned[field] = _text(field, value, LONG_TEXT[field], problems, multiline=True)
        elif field in NUMBERS:
            cleaned[field] = _number(field, value, problems)
        elif field in FLAGS:
            cleaned[field] = _flag(field, value, problems)
        elif field in DATES:
            cleaned[field] = _date(field, value, today, problems)
        elif field in CHOICES:
            cleaned[field] = _choice(field, value, CHOICES[field], problems)
        elif field == "language":
            cleaned[field] = _language(value, problems)
        elif field == "entrant_country":
            cleaned[field] = _country(value, problems)
        elif field == "publication_urls":
            cleaned[field] = _urls(value, problems)
        elif field == "prior_awards":
            cleaned[field] = _prior_awards(value, today, problems)
    problems.raise_if_any()
    return cleaned


# Authors --------------------------------------------------------------------------------------

AUTHOR_KEYS = frozenset({"full_name", "pen_name", "role", "job_title", "workplace",
                         "share_percent", "consent_given", "email", "user"})
HUNDRED = Decimal(100)


def _share(where: str, value: Any, problems: _Problems) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        share = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        share = Decimal("NaN")
    if not share.is_finite() or not 0 <= share <= HUNDRED:
        problems.add(where, _("Give the share as a percentage from 0 to 100."))
        return None
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def clean_authors(authors: Any, *, owner) -> list[dict[str, Any]]:
    """The author list, cleaned, in order. `user` may only be the owner (a person adds
    themself); shares of two or more authors must total exactly 100."""
    problems = _Problems()
    if not isinstance(authors, list | tuple):
        problems.add("authors", _("Give the authors as a list."))
        problems.raise_if_any()
    if len(authors) > MAX_AUTHORS:
        problems.add("authors", format_lazy(_("List at most {limit} authors."),
                                            limit=MAX_AUTHORS))
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(authors[:MAX_AUTHORS]):
        where = f"authors[{index}]"
        if not isinstance(item, dict):
            problems.add(where, _("Give the author's name, role and share."))
            continue
        unknown = set(item) - AUTHOR_KEYS
        if unknown:
            problems.add(where, format_lazy(_("Unknown item: {names}."),
                                            names=", ".join(sorted(map(str, unknown)))))
        author = {key: _text(where, item.get(key), 300 if key == "workplace" else 200, problems)
                  for key in ("full_name", "pen_name", "job_title", "workplace")}
        if not author["full_name"]:
            problems.add(where, _("Enter the author's full name."))
        role = item.get("role") or AuthorRole.AUTHOR
        if role not in AuthorRole.values:
            problems.add(where, _("Choose one of the options offered."))
            role = AuthorRole.AUTHOR
        author["role"] = str(role)
        email = clean_text(str(item.get("email") or "")).lower()
        if email:
            try:
                _email(email)
            except ValidationError:
                problems.add(where, format_lazy(_("“{email}” is not an e-mail address."),
                                                email=email[:100]))
                email = ""
        author["email"] = email
        user = item.get("user")
        if user is not None and user != owner and user != getattr(owner, "pk", object()):
            problems.add(where, _("You can link only your own account to an author."))
            user = None
        author["user"] = owner if user is not None else None
        author["consent_given"] = user is not None or _flag(where, item.get("consent_given"),
                                                            problems)
        author["share_percent"] = _share(where, item.get("share_percent"), problems)
        cleaned.append(author)
    if len(cleaned) == 1:
        cleaned[0]["share_percent"] = HUNDRED  # a sole author holds the whole work
    elif cleaned:
        if any(a["share_percent"] is None for a in cleaned):
            problems.add("authors", _("Give every author's share of the work."))
        else:
            total = sum(a["share_percent"] for a in cleaned)
            if total != HUNDRED:
                problems.add("authors", format_lazy(
                    _("The authors' shares must total 100% (now {total}%)."),
                    total=f"{total.normalize():f}"))
    problems.raise_if_any()
    return cleaned
