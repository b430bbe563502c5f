"""The eligibility engine (kiểm tra điều kiện dự Giải): may this entry compete in its category?

Pure core: no Django. `check(entry, rules, context)` takes the facts of one entry (tác phẩm), the
rules of its category in this edition (built from the edition file by `eligibility_rules`) and what
the edition already knows (other entries per author, jurors, organisers), and returns every
violation it finds, blocking ones first, each with a code, the field it concerns, a severity and a
message in Vietnamese and English. It never raises: a fact it cannot read becomes a
`facts_unreadable` violation of the field concerned.

Every limit comes from `CategoryRules`; nothing here knows edition XII.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from giaithuong.entries import eligibility_messages as m

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
PersonId = Hashable


class Severity(StrEnum):
    BLOCKING = "blocking"  # the entry cannot be accepted until it is fixed
    WARNING = "warning"    # intake staff look at it; the entrant may go on


# Every code the engine can return, with its severity.
CODES: dict[str, Severity] = {
    code: Severity.WARNING if code in {
        "genre_missing", "summary_not_vietnamese", "publication_dates_inconsistent",
        "previous_edition_window", "author_listed_twice",
    } else Severity.BLOCKING
    for code in {key.partition(".")[0] for key in m.MESSAGES}
}


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    field: str
    severity: Severity
    message_vi: str
    message_en: str

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "severity": str(self.severity),
                "message_vi": self.message_vi, "message_en": self.message_en}


@dataclass(frozen=True, slots=True)
class Author:
    """One author (tác giả) of an entry; `person_id` is None for a co-author without an account."""

    person_id: PersonId | None
    name: str = ""
    role: str = "author"  # author (tác giả chính) or co_author (đồng tác giả)


@dataclass(frozen=True, slots=True)
class EntryFile:
    name: str
    kind: str  # pdf, docx, image, audio, video
    size_bytes: int


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What an entry says about itself. Counts of parts and time are split by the window.

    A single work has `parts_in_window=1`. A series with parts before or after the window states
    them in `parts_outside_window`; a broadcast may state its share in running time instead
    (`seconds_outside_window` of `duration_seconds`).
    """

    category_code: str
    title: str = ""
    genre: str = ""
    subtype: str | None = None
    language: str = ""
    published_first: dt.date | None = None
    published_last: dt.date | None = None
    parts_in_window: int = 1
    parts_outside_window: int = 0
    duration_seconds: int | None = None
    seconds_outside_window: int = 0
    pages: int | None = None
    photo_count: int | None = None
    files: tuple[EntryFile, ...] = ()
    link_count: int = 0
    summary_vi: str = ""
    translation_present: bool = False
    authors: tuple[Author, ...] = ()
    entrant_form: str = "individual"
    channel: str = "portal"
    submitted_at: dt.datetime | None = None  # None for a draft; naive = the edition's zone
    postmark_date: dt.date | None = None
    copyright_attested: bool = False
    prior_awards_declared: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    vi: str
    en: str


@dataclass(frozen=True, slots=True)
class CategoryRules:
    """The rules one category of one edition applies; `eligibility_rules` builds them."""

    category_code: str
    name_vi: str
    name_en: str
    window_start: dt.date
    window_end: dt.date
    deadline: dt.datetime  # aware; already the extended one when the edition extended it
    deadline_extended: bool = False
    tz: dt.tzinfo = VIETNAM
    postmark_accepted: bool = True
    channels: frozenset[str] = frozenset({"portal", "email", "post"})
    straddle_min_share: Fraction = Fraction(2, 3)
    straddle_measures: str = "any"  # any | all
    previous_window: tuple[dt.date, dt.date] | None = None
    languages: str = "any"  # vietnamese | foreign | any
    accepted_languages: frozenset[str] = frozenset()  # empty = every language `languages` allows
    subtypes: tuple[Choice, ...] = ()
    max_series_parts: int | None = None
    max_duration_seconds: int | None = None
    max_pages: int | None = None
    max_photos: int | None = None
    file_kinds: frozenset[str] = frozenset()  # empty = any kind
    max_file_bytes: int | None = None
    vietnamese_summary: str = "always"  # always | foreign_language_only
    full_translation_required: bool = False
    max_entries_per_author: int | None = None
    entry_limit_counts: str = "each_member"  # each_member | group_as_unit
    max_team_size: int | None = None
    exclude_jurors: bool = True
    exclude_organisers: bool = True
    entrant_forms: frozenset[str] = frozenset({"individual", "group", "organisation"})
    copyright_attestation: bool = True
    prior_award_declaration: bool = True


@dataclass(frozen=True, slots=True)
class EligibilityContext:
    """What the edition already holds, as the caller counts it from the database.

    `entries_by_author`: person -> their OTHER live entries in the edition (this one excluded).
    `entries_by_group`: frozenset of person ids -> OTHER live entries by exactly that group; a
    sole author is the group of one. Read only when the edition counts groups as a unit.
    """

    entries_by_author: Mapping[PersonId, int] = field(default_factory=dict)
    entries_by_group: Mapping[frozenset, int] = field(default_factory=dict)
    juror_ids: frozenset = frozenset()
    organiser_ids: frozenset = frozenset()


EMPTY_CONTEXT = EligibilityContext()
_LANGUAGE_ALIASES = {"vie": "vi", "eng": "en", "fra": "fr", "fre": "fr", "zho": "zh",
                     "chi": "zh", "rus": "ru"}
_LANGUAGE_SEEN: dict[str, str] = {}


def language_code(value: str) -> str:
    """The primary subtag of a language tag, lower case: "vi-VN" -> "vi", "VIE" -> "vi"."""
    code = _LANGUAGE_SEEN.get(value)
    if code is None:
        tag = value.strip().lower().replace("_", "-").partition("-")[0]
        code = _LANGUAGE_ALIASES.get(tag, tag)
        if len(_LANGUAGE_SEEN) < 1000:  # a few dozen tags in practice; never grows unbounded
            _LANGUAGE_SEEN[value] = code
    return code


# Letters that Vietnamese writing uses and French, Spanish or Portuguese do not (and their
# combining marks, for decomposed text): a summary of some length with none of them was almost
# certainly not written in Vietnamese.
_VI_MARKS = "\u0309\u0323\u0306\u031b"  # hook above, dot below, breve, horn
_VI_LETTERS = frozenset(
    "đĐăĂơƠưƯ" + _VI_MARKS
    + "ảạằắẳẵặầấẩẫậẻẽẹềếểễệỉĩịỏọồốổỗộờớởỡợủũụừứửữựỳỷỹỵ"
    + "ẢẠẰẮẲẴẶẦẤẨẪẬẺẼẸỀẾỂỄỆỈĨỊỎỌỒỐỔỖỘỜỚỞỠỢỦŨỤỪỨỬỮỰỲỶỸỴ"
)
_SUMMARY_LETTERS_TO_JUDGE = 40


class _Found:
    """The violations of one check, in the order the rules ran."""

    __slots__ = ("items", "rules")

    def __init__(self, rules: CategoryRules):
        self.items: list[Violation] = []
        self.rules = rules

    def add(self, code: str, field_name: str, variant: str = "", **params: object) -> None:
        params["category"] = m.L(self.rules.name_vi, self.rules.name_en)
        text = m.render(f"{code}.{variant}" if variant else code, params)
        self.items.append(Violation(code, field_name, CODES[code], text.vi, text.en))


Rule = Callable[[EntryFacts, CategoryRules, EligibilityContext, _Found], None]


def _negative(found: _Found, field_name: str, value: int) -> bool:
    if value < 0:
        found.add("value_invalid", field_name, "negative", value=value)
        return True
    return False


def _category(e: EntryFacts, r: CategoryRules, c: EligibilityContext, found: _Found) -> None:
    if e.category_code != r.category_code:
        found.add("category_mismatch", "category_code", entry_category=e.category_code)


def _title_and_genre(e: EntryFacts, r: CategoryRules, c: EligibilityContext,
                     found: _Found) -> None:
    if not e.title.strip():
        found.add("title_missing", "title")
    if not e.genre.strip():
        found.add("genre_missing", "genre")


def _subtype(e: EntryFacts, r: CategoryRules, c: EligibilityContext, found: _Found) -> None:
    codes = [s.code for s in r.subtypes if s.code]
    if not codes:
        return
    offered = m.choices([m.L(s.vi, s.en) for s in r.subtypes if s.code])
    value = (e.subtype or "").strip()
    if not value:
        found.add("subtype_missing", "subtype", choices=offered)
    elif value not in codes:
        found.add("subtype_not_accepted", "subtype", value=value, choices=offered)


def _language(e: EntryFacts, r: CategoryRules, c: EligibilityContext, found: _Found) -> None:
    lang = language_code(e.language)
    if not lang:
        found.add("language_missing", "language")
    elif r.languages == "vietnamese" and lang != "vi":
        found.add("language_not_accepted", "language", "vietnamese_only",
                  language=m.language_name(lang))
    elif r.languages == "foreign" and lang == "vi":
        found.add("language_not_accepted", "language", "foreign_only")
    elif r.accepted_languages and lang not in r.accepted_languages:
        found.add("language_not_accepted", "language", "not_listed",
                  language=m.language_name(lang),
                  choices=m.choices([m.language_name(x) for x in sorted(r.accepted_languages)]))


def _summary_and_translation(e: EntryFacts, r: CategoryRules, c: EligibilityContext,
                             found: _Found) -> None:
    lang = language_code(e.language)
    foreign = bool(lang) and lang != "vi"
    text = e.summary_vi.strip()
    if not text:
        if r.vietnamese_summary == "always" or foreign:
            found.add("summary_missing", "summary_vi")
    elif _VI_LETTERS.isdisjoint(text) and (
            sum(ch.isalpha() for ch in text) >= _SUMMARY_LETTERS_TO_JUDGE):
        found.add("summary_not_vietnamese", "summary_vi")
    if r.full_translation_required and foreign and not e.translation_present:
        found.add("translation_missing", "translation_present", language=m.language_name(lang))


def _window(e: EntryFacts, r: CategoryRules, c: EligibilityContext, found: _Found) -> None:
    first = e.published_first
    if first is None:
        found.add("publication_date_missing", "published_first")
        return
    last = e.published_last or first
    if last < first:
        found.add("publication_dates_reversed", "published_last", first=m.date(first),
                  last=m.date(last))
        return
    if last < r.window_start or first > r.window_end:
        found.add("published_outside_window", "published_first", **_span(r))
        return
    dates_straddle = first < r.window_start or last > r.window_end
    declared_outside = e.parts_outside_window > 0 or e.seconds_outside_window > 0
    if declared_outside and not dates_straddle:
        found.add("publication_dates_inconsistent", "parts_outside_window")
    if dates_straddle or declared_outside:
        _share(e, r, found)
    previous = r.previous_window
    if previous is not None and first <= previous[1] and last >= previous[0]:
        found.add("previous_edition_window", "published_first", start=m.date(previous[0]),
                  end=m.date(previous[1]))


def _span(r: CategoryRules) -> dict[str, str]:
    return {"start": m.date(r.window_start), "end": m.date(r.window_end)}


def _share(e: EntryFacts, r: CategoryRules, found: _Found) -> None:
    """The two-thirds rule: enough of a straddling work (parts or running time) is inside."""
    share = r.straddle_min_share
    measures: list[tuple[bool, m.L]] = []
    parts_in, parts_out = e.parts_in_window, e.parts_outside_window
    if parts_out > 0 and parts_in >= 0:
        total = parts_in + parts_out
        measures.append((parts_in * share.denominator >= share.numerator * total,
                         m.L(f"{parts_in} trên {total} kỳ", f"{parts_in} of {total} parts")))
    seconds_out = e.seconds_outside_window
    if seconds_out > 0:
        total = e.duration_seconds
        if total is None or seconds_out > total:
            found.add("value_invalid", "seconds_outside_window", "outside_exceeds_total",
                      outside=m.duration(seconds_out),
                      total=m.duration(total) if total is not None else m.L("?", "?"))
            return
        inside = total - seconds_out
        shown_in, shown_total = m.duration(inside), m.duration(total)
        measures.append((inside * share.denominator >= share.numerator * total,
                         m.L(f"{shown_in.vi} trên tổng thời lượng {shown_total.vi}",
                             f"{shown_in.en} of {shown_total.en}")))
    if not measures:
        if parts_in >= 0 and seconds_out >= 0:  # negative counts are reported by their own rule
            found.add("straddle_share_missing", "parts_outside_window", **_span(r))
        return
    met = [ok for ok, _ in measures]
    if any(met) if r.straddle_measures == "any" else all(met):
        return
    failing = [detail for ok, detail in measures if not ok]
    found.add("straddle_share_too_small", "parts_outside_window",
              detail=m.L("; ".join(d.vi for d in failing), " and ".join(d.en for d in failing)),
              required=f"{share.numerator}/{share.denominator}", **_span(r))


def _parts(e: EntryFacts, r: CategoryRules, c: EligibilityContext, found: _Found) -> None:
    bad_in = _negative(found, "parts_in_window", e.parts_in_window)
    bad_out = _negative(found, "parts_outside_window", e.parts_outside_window)
    if bad_in or bad_out:
        return
    total = e.parts_in_window + e.parts_outside_window
    if total == 0:
        found.add("value_invalid", "parts_in_window", "no_parts")
    elif r.max_series_parts is not None and total > r.max_series_parts:
        found.add("series_too_many_parts", "parts_in_window", parts=total,
                  limit=r.max_series_parts)


def _duration(e: EntryFacts, r: CategoryRules, c: EligibilityContext, found: _Found) -> None:
    _negative(found, "seconds_outside_window", e.seconds_outside_window)
    seconds = e.duration_seconds
    if seconds is None:
        if r.max_duration_seconds is not None:
            found.add("duration_missing", "duration_seconds")
    elif not _negative(found, "duration_seconds", seconds) and (
            r.max_duration_seconds is not None and seconds > r.max_duration_seconds):
        found.add("duration_too_long", "duration_seconds", duration=m.duration(seconds),
                  limit=m.duration(r.max_duration_seconds))


def _counted(found: _Found, value: int | None, limit: int | None, field_name: str,
             missing: str, too_many: str) -> None:
    if value is None:
        if limit is not None:
            found.add(missing, field_name)
    elif not _negative(found, field_name, value) and limit is not None and value > limit:
        found.add(too_many, field_name, count=value, limit=limit)


def _pages_and_photos(e: EntryFacts, r: CategoryRules, c: EligibilityContext,
                      found: _Found) -> None:
    _counted(found, e.pages, r.max_pages, "pages", "pages_missing", "pages_too_many")
    _counted(found, e.photo_count, r.max_photos, "photo_count", "photos_missing",
             "photos_too_many")


def _files(e: EntryFacts, r: CategoryRules, c: EligibilityContext, found: _Found) -> None:
    files = tuple(e.files)
    _negative(found, "link_count", e.link_count)
    # Books and print copies may come by post alone; anything else needs a file or a link.
    if not files and e.link_count <= 0 and e.channel != "post":
        found.add("material_missing", "files")
    for index, item in enumerate(files):
        where = f"files[{index}]"
        if not _negative(found, where, item.size_bytes) and (
                r.max_file_bytes is not None and item.size_bytes > r.max_file_bytes):
            found.add("file_too_large", where, name=item.name,
                      size=m.size(item.size_bytes, r.max_file_bytes),
                      limit=m.size(r.max_file_bytes))
        if r.file_kinds and item.kind not in r.file_kinds:
            found.add("file_kind_not_accepted", where, name=item.name,
                      kind=m.named(m.FILE_KINDS, item.kind),
                      choices=m.choices([m.named(m.FILE_KINDS, k) for k in sorted(r.file_kinds)]))


def _who(author: Author, index: int) -> m.L:
    name = author.name.strip()
    if name:
        return m.L(f"Tác giả {name}", name)
    return m.L(f"Tác giả thứ {index + 1}", f"Author {index + 1}")


def _authors(e: EntryFacts, r: CategoryRules, c: EligibilityContext, found: _Found) -> None:
    authors = tuple(e.authors)
    if not authors:
        found.add("authors_missing", "authors")
        return
    people: list[tuple[int, Author]] = []
    seen: set = set()
    for index, author in enumerate(authors):
        if author.person_id is None:
            continue
        if author.person_id in seen:
            found.add("author_listed_twice", f"authors[{index}]", who=_who(author, index))
            continue
        seen.add(author.person_id)
        people.append((index, author))
    team = len(seen) + sum(1 for a in authors if a.person_id is None)
    if r.max_team_size is not None and team > r.max_team_size:
        found.add("team_too_large", "authors", count=team, limit=r.max_team_size)
    limit = r.max_entries_per_author
    if limit is not None and people:
        if r.entry_limit_counts == "group_as_unit":
            # The group (the same set of people) is one entrant; a sole author is a group of one.
            count = c.entries_by_group.get(frozenset(seen), 0)
            if count >= limit and len(people) > 1:
                found.add("group_entry_limit", "authors", count=count, limit=limit)
            elif count >= limit:
                index, author = people[0]
                found.add("author_entry_limit", f"authors[{index}]", who=_who(author, index),
                          count=count, limit=limit)
        else:
            # Each member carries the entry against their own limit.
            for index, author in people:
                count = c.entries_by_author.get(author.person_id, 0)
                if count >= limit:
                    found.add("author_entry_limit", f"authors[{index}]",
                              who=_who(author, index), count=count, limit=limit)
    for index, author in people:
        if r.exclude_jurors and author.person_id in c.juror_ids:
            found.add("author_is_juror", f"authors[{index}]", who=_who(author, index))
        if r.exclude_organisers and author.person_id in c.organiser_ids:
            found.add("author_is_organiser", f"authors[{index}]", who=_who(author, index))


def _entrant_and_channel(e: EntryFacts, r: CategoryRules, c: EligibilityContext,
                         found: _Found) -> None:
    if e.entrant_form not in r.entrant_forms:
        found.add("entrant_form_not_accepted", "entrant_form",
                  form=m.named(m.ENTRANT_FORMS, e.entrant_form))
    if e.channel not in r.channels:
        found.add("channel_not_accepted", "channel", channel=m.named(m.CHANNELS, e.channel))


def _deadline(e: EntryFacts, r: CategoryRules, c: EligibilityContext, found: _Found) -> None:
    extended = m.EXTENDED if r.deadline_extended else ""
    if e.channel == "post" and r.postmark_accepted and e.postmark_date is not None:
        # By post, the postmark's day counts against the deadline's day where the award is run.
        last_day = r.deadline.astimezone(r.tz).date()
        if e.postmark_date > last_day:
            found.add("submitted_late", "postmark_date", "postmark",
                      postmark=m.date(e.postmark_date), deadline=m.date(last_day),
                      extended=extended)
        return
    at = e.submitted_at
    if at is None:
        return
    if at.utcoffset() is None:
        at = at.replace(tzinfo=r.tz)
    if at > r.deadline:
        found.add("submitted_late", "submitted_at", at=m.moment(at, r.tz),
                  deadline=m.moment(r.deadline, r.tz), extended=extended)


def _declarations(e: EntryFacts, r: CategoryRules, c: EligibilityContext,
                  found: _Found) -> None:
    if r.copyright_attestation and not e.copyright_attested:
        found.add("copyright_attestation_missing", "copyright_attested")
    if r.prior_award_declaration and not e.prior_awards_declared:
        found.add("prior_award_declaration_missing", "prior_awards_declared")


# In the order of the entry form, each with the field a failure to read its facts is put on.
RULES: tuple[tuple[str, Rule], ...] = (
    ("category_code", _category),
    ("title", _title_and_genre),
    ("subtype", _subtype),
    ("language", _language),
    ("summary_vi", _summary_and_translation),
    ("published_first", _window),
    ("parts_in_window", _parts),
    ("duration_seconds", _duration),
    ("pages", _pages_and_photos),
    ("files", _files),
    ("authors", _authors),
    ("entrant_form", _entrant_and_channel),
    ("submitted_at", _deadline),
    ("copyright_attested", _declarations),
)
_UNREADABLE = (TypeError, ValueError, AttributeError, OverflowError, KeyError, IndexError)


def check(entry: EntryFacts, rules: CategoryRules,
          context: EligibilityContext = EMPTY_CONTEXT) -> list[Violation]:
    """Every violation of `entry` against `rules`, blocking ones first; [] means eligible."""
    found = _Found(rules)
    for field_name, rule in RULES:
        before = len(found.items)
        try:
            rule(entry, rules, context, found)
        except _UNREADABLE:
            # Facts of the wrong type or out of range: say so at the field, check the rest.
            del found.items[before:]
            found.add("facts_unreadable", field_name)
    found.items.sort(key=lambda v: v.severity is not Severity.BLOCKING)
    return found.items


def is_eligible(violations: list[Violation]) -> bool:
    return not any(v.blocking for v in violations)
