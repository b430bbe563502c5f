"""Properties of the eligibility engine: it never raises, whatever the entry and the rules, its
answer is always well formed, and its verdicts on the window, the two-thirds rule, the deadline
and the entry limit agree with plain arithmetic."""

import dataclasses
import datetime as dt
import re
import unicodedata
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giaithuong.entries.eligibility import (
    CODES,
    Author,
    CategoryRules,
    Choice,
    EligibilityContext,
    EntryFacts,
    EntryFile,
    Severity,
    Violation,
    check,
)

PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = {f.name for f in dataclasses.fields(EntryFacts)}
ICT = dt.timezone(dt.timedelta(hours=7))

offsets = st.builds(dt.timezone, st.timedeltas(min_value=dt.timedelta(hours=-23, minutes=59),
                                               max_value=dt.timedelta(hours=23, minutes=59)))
zones = st.one_of(offsets, st.timezones())
moments = st.one_of(st.none(), st.datetimes(), st.datetimes(timezones=zones))
counts = st.one_of(st.integers(-3, 12), st.integers(-(10**15), 10**15))
optional_counts = st.one_of(st.none(), counts)
words = st.text(max_size=60)
codes = st.sampled_from(["vi", "en", "fr", "zh", "vi-VN", "EN", "", " ", "xx", "lo", "km"])
person_ids = st.one_of(st.none(), st.integers(0, 12), st.sampled_from(["a", "b", "c"]))
limits = st.one_of(st.none(), st.integers(1, 12))

authors = st.lists(st.builds(Author, person_ids, words, st.sampled_from(["author", "co_author"])),
                   max_size=7).map(tuple)
files = st.lists(st.builds(EntryFile, words, st.sampled_from(["pdf", "docx", "image", "audio",
                                                              "video", "exe", ""]), counts),
                 max_size=4).map(tuple)

entries = st.builds(
    EntryFacts,
    category_code=st.sampled_from(["anh", "truyen-hinh", "sach", ""]),
    title=words, genre=words, subtype=st.one_of(st.none(), st.sampled_from(["bao-chi", "x"])),
    language=st.one_of(codes, words), published_first=st.one_of(st.none(), st.dates()),
    published_last=st.one_of(st.none(), st.dates()), parts_in_window=counts,
    parts_outside_window=counts, duration_seconds=optional_counts,
    seconds_outside_window=counts, pages=optional_counts, photo_count=optional_counts,
    files=files, link_count=counts, summary_vi=st.text(max_size=200),
    translation_present=st.booleans(), authors=authors,
    entrant_form=st.sampled_from(["individual", "group", "organisation", "robot"]),
    channel=st.sampled_from(["portal", "email", "post", "fax"]), submitted_at=moments,
    postmark_date=st.one_of(st.none(), st.dates()), copyright_attested=st.booleans(),
    prior_awards_declared=st.booleans(),
)


@st.composite
def category_rules(draw):
    start = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
    end = start + dt.timedelta(days=draw(st.integers(0, 800)))
    deadline = dt.datetime.combine(end, dt.time(23, 59, 59), ICT) + dt.timedelta(
        days=draw(st.integers(0, 90)))
    denominator = draw(st.integers(1, 10))
    previous = draw(st.one_of(st.none(), st.tuples(st.dates(), st.dates())))
    languages = draw(st.sampled_from(["vietnamese", "foreign", "any"]))
    listed = () if languages == "vietnamese" else draw(st.sets(st.sampled_from(["en", "fr"])))
    return CategoryRules(
        category_code="anh", name_vi=draw(words), name_en=draw(words), window_start=start,
        window_end=end, deadline=deadline, deadline_extended=draw(st.booleans()),
        tz=draw(zones), postmark_accepted=draw(st.booleans()),
        channels=frozenset(draw(st.sets(st.sampled_from(["portal", "email", "post"])))),
        straddle_min_share=Fraction(draw(st.integers(1, denominator)), denominator),
        straddle_measures=draw(st.sampled_from(["any", "all"])), previous_window=previous,
        languages=languages, accepted_languages=frozenset(listed),
        subtypes=draw(st.sampled_from([(), (Choice("bao-chi", "Ảnh báo chí", "Press photo"),)])),
        max_series_parts=draw(limits), max_duration_seconds=draw(limits),
        max_pages=draw(limits), max_photos=draw(limits),
        file_kinds=frozenset(draw(st.sets(st.sampled_from(["pdf", "image", "video"])))),
        max_file_bytes=draw(st.one_of(st.none(), st.integers(1, 10**10))),
        vietnamese_summary=draw(st.sampled_from(["always", "foreign_language_only"])),
        full_translation_required=draw(st.booleans()), max_entries_per_author=draw(limits),
        entry_limit_counts=draw(st.sampled_from(["each_member", "group_as_unit"])),
        max_team_size=draw(limits), exclude_jurors=draw(st.booleans()),
        exclude_organisers=draw(st.booleans()),
        entrant_forms=frozenset(draw(st.sets(st.sampled_from(["individual", "group"])))),
        copyright_attestation=draw(st.booleans()), prior_award_declaration=draw(st.booleans()),
    )


id_sets = st.frozensets(st.one_of(st.integers(0, 12), st.sampled_from(["a", "b"])), max_size=4)
contexts = st.builds(
    EligibilityContext,
    entries_by_author=st.dictionaries(st.integers(0, 12), st.integers(0, 20), max_size=6),
    entries_by_group=st.dictionaries(id_sets, st.integers(0, 20), max_size=4),
    juror_ids=id_sets, organiser_ids=id_sets,
)


def well_formed(found: list) -> None:
    for violation in found:
        assert isinstance(violation, Violation)
        assert violation.code in CODES and violation.severity is CODES[violation.code]
        assert re.sub(r"\[\d+\]$", "", violation.field) in FIELDS
        for message in (violation.message_vi, violation.message_en):
            assert message.strip() and unicodedata.is_normalized("NFC", message)
    blocking = [v.blocking for v in found]
    assert blocking == sorted(blocking, reverse=True)


@PROFILE
@given(entries, category_rules(), contexts)
def test_never_raises_and_always_answers_in_shape(entry, rules, context):
    found = check(entry, rules, context)
    well_formed(found)
    # Facts of the declared types are always readable: no rule gave up on them.
    assert "facts_unreadable" not in {v.code for v in found}
    assert check(entry, rules, context) == found


junk = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=5), st.booleans(),
                 st.lists(st.integers(), max_size=2), st.dates(), st.datetimes())


@PROFILE
@given(st.data(), category_rules())
def test_never_raises_on_facts_of_any_type(data, rules):
    values = {name: data.draw(junk, label=name) for name in FIELDS if name != "category_code"}
    entry = EntryFacts(category_code=data.draw(junk), **values)
    well_formed(check(entry, rules))


def window_only(rules: CategoryRules) -> CategoryRules:
    return dataclasses.replace(rules, previous_window=None, max_series_parts=None)


@PROFILE
@given(category_rules(), st.integers(0, 40), st.integers(1, 40), st.integers(1, 30))
def test_two_thirds_verdict_is_exact_arithmetic(rules, parts_in, parts_out, days_before):
    rules = window_only(rules)
    entry = EntryFacts(category_code="anh", published_first=rules.window_start - dt.timedelta(
        days=days_before), published_last=rules.window_start, parts_in_window=parts_in,
        parts_outside_window=parts_out)
    found = {v.code for v in check(entry, rules)}
    share = rules.straddle_min_share
    assert ("straddle_share_too_small" in found) is (Fraction(parts_in, parts_in + parts_out)
                                                     < share)


@PROFILE
@given(category_rules(), st.dates(), st.integers(0, 400))
def test_window_verdict_matches_the_dates(rules, first, length):
    rules = window_only(rules)
    last = first + dt.timedelta(days=length) if first.year < 9998 else first
    entry = EntryFacts(category_code="anh", published_first=first, published_last=last)
    found = {v.code for v in check(entry, rules)}
    outside = last < rules.window_start or first > rules.window_end
    straddles = not outside and (first < rules.window_start or last > rules.window_end)
    assert ("published_outside_window" in found) is outside
    # One part, nothing declared outside: a straddling single work must say how much is outside.
    assert ("straddle_share_missing" in found) is straddles


@PROFILE
@given(category_rules(), st.datetimes(timezones=zones))
def test_late_exactly_when_after_the_deadline(rules, at):
    entry = EntryFacts(category_code="anh", submitted_at=at)
    found = {v.code for v in check(entry, rules)}
    assert ("submitted_late" in found) is (at > rules.deadline)


@PROFILE
@given(category_rules(), st.integers(0, 30), st.integers(0, 30))
def test_entry_limit_is_reached_exactly_at_the_limit(rules, mine, theirs):
    rules = dataclasses.replace(rules, entry_limit_counts="each_member")
    entry = EntryFacts(category_code="anh", authors=(Author(1, "An"), Author(2, "Bình")))
    context = EligibilityContext(entries_by_author={1: mine, 2: theirs})
    over = [v.field for v in check(entry, rules, context) if v.code == "author_entry_limit"]
    limit = rules.max_entries_per_author
    expected = [] if limit is None else [
        f"authors[{i}]" for i, n in enumerate((mine, theirs)) if n >= limit]
    assert over == expected


@PROFILE
@given(entries, category_rules(), contexts)
def test_fixing_every_blocking_fact_leaves_only_warnings(entry, rules, context):
    """An entry rebuilt to meet each limit it was told about has nothing blocking left."""
    rules = dataclasses.replace(rules, category_code=entry.category_code)
    lang = {"vietnamese": "vi", "foreign": "en", "any": "vi"}[rules.languages]
    if rules.accepted_languages and rules.languages != "vietnamese":
        lang = sorted(rules.accepted_languages)[0]
    kind = sorted(rules.file_kinds)[0] if rules.file_kinds else "pdf"
    fixed = dataclasses.replace(
        entry, title="Tác phẩm", language=lang, subtype=rules.subtypes[0].code if rules.subtypes
        else None, published_first=rules.window_start, published_last=rules.window_start,
        parts_in_window=1, parts_outside_window=0, duration_seconds=1, seconds_outside_window=0,
        pages=1, photo_count=1, files=(EntryFile("a", kind, 1),), link_count=0,
        summary_vi="Tóm tắt", translation_present=True,
        authors=(Author(99, "Nguyễn Văn An"),),
        entrant_form=sorted(rules.entrant_forms)[0] if rules.entrant_forms else "individual",
        channel=sorted(rules.channels)[0] if rules.channels else "portal",
        submitted_at=rules.deadline, postmark_date=None, copyright_attested=True,
        prior_awards_declared=True,
    )
    blocking = [v for v in check(fixed, rules, context) if v.severity is Severity.BLOCKING]
    assert [v.code for v in blocking if v.code not in {"entrant_form_not_accepted",
                                                       "channel_not_accepted"}] == []
