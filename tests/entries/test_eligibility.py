"""The eligibility engine, rule by rule, at and around every boundary (pure core: no database).

Each table starts from an entry that passes every rule of its category in edition XII, as the
shipped edition file sets them, and changes one fact.
"""

import dataclasses
import datetime as dt
import unicodedata
from fractions import Fraction

import pytest

from giaithuong.editions.rules import parse_edition
from giaithuong.entries.eligibility import (
    CODES,
    Author,
    EligibilityContext,
    EntryFacts,
    EntryFile,
    Severity,
    check,
    is_eligible,
    language_code,
)
from giaithuong.entries.eligibility_messages import MIB
from giaithuong.entries.eligibility_rules import rules_by_category
from tests.conftest import EDITION_FILE

RULES = rules_by_category(parse_edition(EDITION_FILE.read_text(encoding="utf-8")))
PRINT_VI, PRINT_FOREIGN = RULES["bao-tap-chi-tieng-viet"], RULES["bao-tap-chi-tieng-nuoc-ngoai"]
RADIO, TV, PHOTO = RULES["phat-thanh"], RULES["truyen-hinh"], RULES["anh"]
ICT = dt.timezone(dt.timedelta(hours=7))
SUMMARY = ("Loạt bài phản ánh hoạt động giao lưu nhân dân Việt Nam – Lào tại các tỉnh biên "
           "giới, được độc giả trong và ngoài nước đón nhận.")
AN, BINH = Author(101, "Nguyễn Văn An"), Author(102, "Trần Thị Bình", "co_author")


def entry(rules=PRINT_VI, **changes) -> EntryFacts:
    """An entry that meets every rule of `rules`, with `changes` applied."""
    kind = sorted(rules.file_kinds)[0]
    base = EntryFacts(
        category_code=rules.category_code, title="Sợi dây gắn kết hai dân tộc",
        genre="Phóng sự", subtype=rules.subtypes[0].code if rules.subtypes else None,
        language="en" if rules.languages == "foreign" else "vi",
        published_first=dt.date(2025, 10, 2), published_last=dt.date(2025, 10, 2),
        duration_seconds=1800 if rules.max_duration_seconds else None,
        files=(EntryFile("tac-pham." + kind, kind, 3 * MIB),), summary_vi=SUMMARY,
        authors=(AN,), submitted_at=dt.datetime(2026, 7, 1, 9, 30, tzinfo=ICT),
        copyright_attested=True, prior_awards_declared=True,
    )
    return dataclasses.replace(base, **changes)


def codes(facts, rules=PRINT_VI, context=None):
    found = check(facts, rules, context or EligibilityContext())
    return [(v.code, v.field) for v in found]


def codes_only(facts, rules=PRINT_VI, context=None):
    return {code for code, _ in codes(facts, rules, context)}


def with_rules(rules, **changes):
    return dataclasses.replace(rules, **changes)


@pytest.mark.parametrize("rules", list(RULES.values()), ids=list(RULES))
def test_the_base_entry_of_every_category_is_eligible(rules):
    assert check(entry(rules), rules) == []


# --- publication window: 01/07/2025 – 30/06/2026 ---------------------------------------------

D = dt.date
WINDOW_CASES = [
    # first, last, parts in, parts out, expected codes
    ("first day of the window", D(2025, 7, 1), None, 1, 0, set()),
    ("day before the window", D(2025, 6, 30), None, 1, 0, {"published_outside_window"}),
    ("last day of the window", D(2026, 6, 30), None, 1, 0, set()),
    ("day after the window", D(2026, 7, 1), None, 1, 0, {"published_outside_window"}),
    ("series wholly before", D(2025, 5, 1), D(2025, 6, 30), 0, 3, {"published_outside_window"}),
    ("series wholly after", D(2026, 7, 1), D(2026, 7, 9), 0, 3, {"published_outside_window"}),
    ("straddles the start, 2/3 exactly", D(2025, 6, 28), D(2025, 7, 5), 2, 1, set()),
    ("straddles the start, 3/5 just under", D(2025, 6, 28), D(2025, 7, 5), 3, 2,
     {"straddle_share_too_small"}),
    ("straddles the start, 4/6 exactly", D(2025, 6, 20), D(2025, 7, 5), 4, 2, set()),
    ("straddles the end, 2/3 exactly", D(2026, 6, 25), D(2026, 7, 2), 2, 1, set()),
    ("straddles the end, 1/2", D(2026, 6, 25), D(2026, 7, 2), 1, 1,
     {"straddle_share_too_small"}),
    ("straddles with nothing declared outside", D(2025, 6, 28), D(2025, 7, 5), 3, 0,
     {"straddle_share_missing"}),
    ("dates inside but a part declared outside", D(2025, 8, 1), D(2025, 8, 9), 2, 1,
     {"publication_dates_inconsistent"}),
    ("last before first", D(2025, 9, 1), D(2025, 8, 1), 1, 0, {"publication_dates_reversed"}),
]


@pytest.mark.parametrize(("first", "last", "parts_in", "parts_out", "expected"),
                         [case[1:] for case in WINDOW_CASES], ids=[c[0] for c in WINDOW_CASES])
def test_publication_window_and_two_thirds_rule(first, last, parts_in, parts_out, expected):
    facts = entry(published_first=first, published_last=last, parts_in_window=parts_in,
                  parts_outside_window=parts_out)
    # The series limit has its own table; here only the window counts.
    found = codes_only(facts, with_rules(PRINT_VI, previous_window=None, max_series_parts=None))
    assert found == expected


def test_a_missing_publication_date_is_blocking():
    assert codes(entry(published_first=None, published_last=None)) == [
        ("publication_date_missing", "published_first")]


@pytest.mark.parametrize(("outside", "expected"), [
    (2400, set()),                              # 80 of 120 minutes inside: 2/3 exactly
    (2401, {"straddle_share_too_small"}),       # one second short
    (0, {"straddle_share_missing"}),            # straddles, but no share stated
    (7201, {"value_invalid"}),                  # more outside than the whole
])
def test_two_thirds_rule_by_running_time(outside, expected):
    facts = entry(TV, published_first=D(2025, 6, 30), published_last=D(2025, 7, 1),
                  duration_seconds=7200, seconds_outside_window=outside)
    assert codes_only(facts, with_rules(TV, previous_window=None)) == expected


@pytest.mark.parametrize(("measures", "expected"), [("any", set()),
                                                    ("all", {"straddle_share_too_small"})])
def test_straddle_measures_any_or_all(measures, expected):
    # Two of three episodes inside (met) but only half the running time (missed).
    facts = entry(TV, published_first=D(2025, 6, 30), published_last=D(2025, 7, 1),
                  parts_in_window=2, parts_outside_window=1, duration_seconds=6000,
                  seconds_outside_window=3000)
    rules = with_rules(TV, previous_window=None, straddle_measures=measures)
    assert codes_only(facts, rules) == expected


def test_the_share_comes_from_the_edition_file():
    facts = entry(published_first=D(2025, 6, 30), published_last=D(2025, 7, 2),
                  parts_in_window=3, parts_outside_window=1)
    strict = with_rules(PRINT_VI, previous_window=None, straddle_min_share=Fraction(4, 5))
    assert codes_only(facts, strict) == {"straddle_share_too_small"}
    (violation,) = check(facts, strict)
    assert "4/5" in violation.message_vi and "3 trên 4 kỳ" in violation.message_vi
    assert "3 of 4 parts" in violation.message_en


@pytest.mark.parametrize(("first", "last", "warned"), [
    (D(2025, 9, 10), None, True),    # last day of edition XI's extended window
    (D(2025, 9, 11), None, False),
    (D(2025, 9, 1), D(2025, 9, 20), True),
])
def test_warning_when_published_in_the_previous_editions_window(first, last, warned):
    found = codes(entry(published_first=first, published_last=last))
    assert (("previous_edition_window", "published_first") in found) is warned
    assert is_eligible(check(entry(published_first=first, published_last=last), PRINT_VI))


# --- deadline: 31/07/2026 23:59:59 in Asia/Ho_Chi_Minh --------------------------------------

UTC = dt.UTC
DEADLINE_CASES = [
    ("at the deadline", dt.datetime(2026, 7, 31, 23, 59, 59, tzinfo=ICT), False),
    ("one second after", dt.datetime(2026, 8, 1, 0, 0, 0, tzinfo=ICT), True),
    ("at the deadline, in UTC", dt.datetime(2026, 7, 31, 16, 59, 59, tzinfo=UTC), False),
    ("one second after, in UTC", dt.datetime(2026, 7, 31, 17, 0, 0, tzinfo=UTC), True),
    ("late evening in Paris is after", dt.datetime(2026, 7, 31, 19, 0,
                                                   tzinfo=dt.timezone(dt.timedelta(hours=2))),
     True),
    ("naive time is read in Hanoi", dt.datetime(2026, 7, 31, 23, 59, 59), False),
    ("naive time one second after", dt.datetime(2026, 8, 1, 0, 0, 0), True),
    ("not yet sent", None, False),
]


@pytest.mark.parametrize(("at", "late"), [c[1:] for c in DEADLINE_CASES],
                         ids=[c[0] for c in DEADLINE_CASES])
def test_deadline(at, late):
    found = codes(entry(submitted_at=at))
    assert (found == [("submitted_late", "submitted_at")]) is late
    assert (found == []) is (not late)


def test_late_message_shows_both_times_in_hanoi():
    (violation,) = check(entry(submitted_at=dt.datetime(2026, 7, 31, 17, 0, tzinfo=UTC)),
                         PRINT_VI)
    assert violation.message_vi == (
        "Tác phẩm được gửi lúc 00:00:00 ngày 01/08/2026 (UTC+07:00), sau hạn cuối 23:59:59 "
        "ngày 31/07/2026 (UTC+07:00).")
    assert "after the deadline of 23:59:59 on 31/07/2026 (UTC+07:00)" in violation.message_en


@pytest.mark.parametrize(("at", "late"), [
    (dt.datetime(2026, 9, 15, 23, 59, 59, tzinfo=ICT), False),
    (dt.datetime(2026, 9, 16, 0, 0, 0, tzinfo=ICT), True),
])
def test_an_extension_moves_the_deadline(at, late):
    text = EDITION_FILE.read_text(encoding="utf-8").replace(
        "# deadline_extended = 2026-09-15T23:59:59+07:00",
        "deadline_extended = 2026-09-15T23:59:59+07:00")
    rules = rules_by_category(parse_edition(text))["bao-tap-chi-tieng-viet"]
    found = check(entry(rules, submitted_at=at), rules)
    assert bool(found) is late
    if late:
        assert "(đã gia hạn)" in found[0].message_vi and "(extended)" in found[0].message_en


@pytest.mark.parametrize(("postmark", "accepted", "expected"), [
    (D(2026, 7, 31), True, []),
    (D(2026, 8, 1), True, [("submitted_late", "postmark_date")]),
    (D(2026, 7, 31), False, [("submitted_late", "submitted_at")]),  # received date counts
    (None, True, [("submitted_late", "submitted_at")]),
])
def test_postal_entries_are_judged_by_postmark(postmark, accepted, expected):
    facts = entry(channel="post", files=(), postmark_date=postmark,
                  submitted_at=dt.datetime(2026, 8, 4, 10, 0, tzinfo=ICT))
    assert codes(facts, with_rules(PRINT_VI, postmark_accepted=accepted)) == expected


# --- size of the work --------------------------------------------------------------------------

@pytest.mark.parametrize(("parts_in", "parts_out", "expected"), [
    (5, 0, set()), (6, 0, {"series_too_many_parts"}), (1, 0, set()),
    (4, 2, {"series_too_many_parts"}),  # parts outside the window count towards the five
    (0, 0, {"value_invalid"}),
])
def test_series_parts(parts_in, parts_out, expected):
    facts = entry(parts_in_window=parts_in, parts_outside_window=parts_out,
                  published_first=D(2025, 6, 1) if parts_out else D(2025, 10, 2),
                  published_last=D(2025, 10, 2))
    assert codes_only(facts, with_rules(PRINT_VI, previous_window=None)) == expected


@pytest.mark.parametrize(("rules", "seconds", "expected"), [
    (TV, 7200, set()), (TV, 7201, {"duration_too_long"}), (TV, None, {"duration_missing"}),
    (TV, 0, set()), (TV, -1, {"value_invalid"}),
    (RADIO, None, set()), (RADIO, 10 * 3600, set()),  # no radio limit in the file
])
def test_running_time(rules, seconds, expected):
    assert codes_only(entry(rules, duration_seconds=seconds), rules) == expected


def test_running_time_message():
    (violation,) = check(entry(TV, duration_seconds=7201), TV)
    assert violation.message_vi == ("Thời lượng 120 phút 1 giây vượt quá mức tối đa 120 phút "
                                    "của hạng mục “Truyền hình”.")


@pytest.mark.parametrize(("field", "limit_field", "value", "expected"), [
    ("pages", "max_pages", 300, set()), ("pages", "max_pages", 301, {"pages_too_many"}),
    ("pages", "max_pages", None, {"pages_missing"}),
    ("photo_count", "max_photos", 10, set()),
    ("photo_count", "max_photos", 11, {"photos_too_many"}),
    ("photo_count", "max_photos", None, {"photos_missing"}),
    ("photo_count", "max_photos", -3, {"value_invalid"}),
])
def test_pages_and_photos(field, limit_field, value, expected):
    rules = with_rules(PHOTO, **{limit_field: 300 if field == "pages" else 10})
    assert codes_only(entry(rules, **{field: value}), rules) == expected


@pytest.mark.parametrize(("size", "kind", "expected"), [
    (200 * MIB, "pdf", []), (200 * MIB + 1, "pdf", [("file_too_large", "files[1]")]),
    (0, "docx", []), (1, "video", [("file_kind_not_accepted", "files[1]")]),
    (-5, "pdf", [("value_invalid", "files[1]")]),
])
def test_files(size, kind, expected):
    files = (EntryFile("bai-1.pdf", "pdf", MIB), EntryFile("bai-2", kind, size))
    assert codes(entry(files=files)) == expected


def test_file_message_shows_bytes_when_megabytes_would_hide_the_excess():
    facts = entry(files=(EntryFile("loat-bai.pdf", "pdf", 200 * MIB + 1),))
    (violation,) = check(facts, PRINT_VI)
    assert "200 MB (209.715.201 byte)" in violation.message_vi
    assert "at most 200 MB per file" in violation.message_en


@pytest.mark.parametrize(("changes", "expected"), [
    ({"files": ()}, {"material_missing"}),
    ({"files": (), "link_count": 1}, set()),
    ({"files": (), "channel": "post"}, set()),  # a book sent on paper
    ({"link_count": -1}, {"value_invalid"}),
])
def test_the_work_itself_must_be_there(changes, expected):
    assert codes_only(entry(**changes)) == expected


# --- language, summary, translation ------------------------------------------------------------

@pytest.mark.parametrize(("rules", "language", "expected"), [
    (PRINT_VI, "vi", set()), (PRINT_VI, "vi-VN", set()), (PRINT_VI, "VIE", set()),
    (PRINT_VI, "en", {"language_not_accepted"}), (PRINT_VI, " ", {"language_missing"}),
    (PRINT_FOREIGN, "vi", {"language_not_accepted"}), (PRINT_FOREIGN, "fr", set()),
    (PRINT_FOREIGN, "zh-Hans", set()), (RADIO, "vi", set()), (RADIO, "lo", set()),
])
def test_language_of_the_category(rules, language, expected):
    assert codes_only(entry(rules, language=language), rules) == expected


def test_a_category_may_list_the_languages_it_accepts():
    rules = with_rules(PRINT_FOREIGN, accepted_languages=frozenset({"en", "fr"}))
    assert codes_only(entry(rules, language="fr"), rules) == set()
    (violation,) = check(entry(rules, language="zh"), rules)
    assert violation.code == "language_not_accepted"
    assert "tiếng Trung" in violation.message_vi and "tiếng Anh, tiếng Pháp" in violation.message_vi
    assert "English, French" in violation.message_en


@pytest.mark.parametrize(("policy", "language", "summary", "expected"), [
    ("always", "vi", "", {"summary_missing"}),
    ("always", "vi", "   ", {"summary_missing"}),
    ("foreign_language_only", "vi", "", set()),
    ("foreign_language_only", "en", "", {"summary_missing"}),
    ("always", "en", "A series on people-to-people exchanges between Vietnam and Laos along "
                     "the border provinces.", {"summary_not_vietnamese"}),
    ("always", "fr", "Une série de reportages sur les échanges entre les peuples du Viêt Nam "
                     "et du Laos à la frontière.", {"summary_not_vietnamese"}),
    ("always", "en", "Short note", set()),  # too short to judge the language
    ("always", "en", unicodedata.normalize("NFD", SUMMARY), set()),
])
def test_summary_in_vietnamese(policy, language, summary, expected):
    rules = with_rules(RADIO, vietnamese_summary=policy)
    assert codes_only(entry(rules, language=language, summary_vi=summary), rules) == expected


@pytest.mark.parametrize(("required", "language", "present", "expected"), [
    (True, "en", False, {"translation_missing"}), (True, "en", True, set()),
    (True, "vi", False, set()), (False, "en", False, set()),
])
def test_full_translation_when_the_edition_requires_it(required, language, present, expected):
    rules = with_rules(RADIO, full_translation_required=required)
    facts = entry(rules, language=language, translation_present=present)
    assert codes_only(facts, rules) == expected


# --- authors -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("others", "expected"), [
    (0, []), (9, []), (10, [("author_entry_limit", "authors[1]")]),
    (11, [("author_entry_limit", "authors[1]")]),
])
def test_entries_per_author_each_member(others, expected):
    context = EligibilityContext(entries_by_author={101: 3, 102: others})
    assert codes(entry(authors=(AN, BINH), entrant_form="group"), context=context) == expected


@pytest.mark.parametrize(("group_count", "authors", "expected"), [
    (9, (AN, BINH), []),
    (10, (AN, BINH), [("group_entry_limit", "authors")]),
    (10, (AN,), [("author_entry_limit", "authors[0]")]),  # a sole author is a group of one
])
def test_entries_per_group_as_a_unit(group_count, authors, expected):
    rules = with_rules(PRINT_VI, entry_limit_counts="group_as_unit")
    key = frozenset(a.person_id for a in authors)
    # Per-person counts do not matter when the group is the unit.
    context = EligibilityContext(entries_by_author={101: 50, 102: 50},
                                 entries_by_group={key: group_count})
    assert codes(entry(authors=authors), rules, context) == expected


def test_no_limit_when_the_edition_sets_none():
    rules = with_rules(PRINT_VI, max_entries_per_author=None)
    assert codes(entry(), rules, EligibilityContext(entries_by_author={101: 99})) == []


@pytest.mark.parametrize(("size", "expected"), [(5, set()), (6, {"team_too_large"})])
def test_team_size(size, expected):
    named = [Author(200 + n, f"Tác giả {n}") for n in range(size - 1)]
    authors = (*named, Author(None, "Cộng tác viên không có tài khoản"))
    rules = with_rules(PRINT_VI, max_team_size=5)
    assert codes_only(entry(authors=authors), rules) == expected


@pytest.mark.parametrize(("jurors", "organisers", "exclude", "expected"), [
    ({102}, set(), True, [("author_is_juror", "authors[1]")]),
    (set(), {101}, True, [("author_is_organiser", "authors[0]")]),
    ({102}, {101}, False, []),
    ({999}, {998}, True, []),
])
def test_jurors_and_organisers_may_not_enter(jurors, organisers, exclude, expected):
    rules = with_rules(PRINT_VI, exclude_jurors=exclude, exclude_organisers=exclude)
    context = EligibilityContext(juror_ids=frozenset(jurors), organiser_ids=frozenset(organisers))
    assert codes(entry(authors=(AN, BINH)), rules, context) == expected


def test_juror_message_names_the_author():
    context = EligibilityContext(juror_ids=frozenset({101}))
    (violation,) = check(entry(), PRINT_VI, context)
    assert violation.message_vi.startswith("Tác giả Nguyễn Văn An là thành viên Hội đồng")
    assert violation.message_en.startswith("Nguyễn Văn An sits on a jury")


def test_authors_missing_or_listed_twice():
    assert codes(entry(authors=())) == [("authors_missing", "authors")]
    assert codes(entry(authors=(AN, BINH, AN))) == [("author_listed_twice", "authors[2]")]


# --- form of entry, channel, declarations, category ---------------------------------------------

@pytest.mark.parametrize(("changes", "rule_changes", "expected"), [
    ({"entrant_form": "organisation"}, {}, set()),
    ({"entrant_form": "organisation"}, {"entrant_forms": frozenset({"individual"})},
     {"entrant_form_not_accepted"}),
    ({"channel": "email"}, {}, set()),
    ({"channel": "email"}, {"channels": frozenset({"portal"})}, {"channel_not_accepted"}),
    ({"channel": "fax"}, {}, {"channel_not_accepted"}),
    ({"copyright_attested": False}, {}, {"copyright_attestation_missing"}),
    ({"copyright_attested": False}, {"copyright_attestation": False}, set()),
    ({"prior_awards_declared": False}, {}, {"prior_award_declaration_missing"}),
    ({"category_code": "sach"}, {}, {"category_mismatch"}),
    ({"title": ""}, {}, {"title_missing"}),
])
def test_form_channel_declarations_category(changes, rule_changes, expected):
    rules = with_rules(PRINT_VI, **rule_changes)
    assert codes_only(entry(**changes), rules) == expected


@pytest.mark.parametrize(("subtype", "expected"), [
    ("bao-chi", set()), ("phong-canh", set()), (None, {"subtype_missing"}),
    ("chan-dung", {"subtype_not_accepted"}),
])
def test_photo_kinds(subtype, expected):
    assert codes_only(entry(PHOTO, subtype=subtype), PHOTO) == expected


def test_a_missing_genre_is_only_a_warning():
    found = check(entry(genre=""), PRINT_VI)
    assert [(v.code, v.severity) for v in found] == [("genre_missing", Severity.WARNING)]
    assert is_eligible(found)


# --- the whole answer ----------------------------------------------------------------------------

def everything_wrong() -> list:
    facts = entry(
        TV, category_code="sach", title="", genre="", language="vi", summary_vi="",
        published_first=D(2025, 6, 1), published_last=D(2025, 9, 1), parts_in_window=1,
        parts_outside_window=6, duration_seconds=9000,
        files=(EntryFile("phim.mov", "docx", 5000 * MIB),),
        authors=(AN, BINH, AN), submitted_at=dt.datetime(2026, 8, 1, tzinfo=ICT),
        copyright_attested=False, prior_awards_declared=False, channel="fax",
        entrant_form="robot",
    )
    context = EligibilityContext(entries_by_author={101: 10}, juror_ids=frozenset({102}),
                                 organiser_ids=frozenset({101}))
    return check(facts, TV, context)


def test_every_violation_is_returned_blocking_first():
    found = everything_wrong()
    severities = [v.severity for v in found]
    assert severities == sorted(severities, key=lambda s: s is not Severity.BLOCKING)
    assert {v.code for v in found} >= {
        "category_mismatch", "title_missing", "summary_missing", "straddle_share_too_small",
        "series_too_many_parts", "duration_too_long", "file_too_large",
        "file_kind_not_accepted", "author_entry_limit", "author_is_juror", "author_is_organiser",
        "author_listed_twice", "entrant_form_not_accepted", "channel_not_accepted",
        "submitted_late", "copyright_attestation_missing", "prior_award_declaration_missing",
        "genre_missing", "previous_edition_window",
    }
    assert not is_eligible(found)


def test_messages_are_nfc_vietnamese_and_english_and_codes_are_declared():
    for violation in everything_wrong():
        assert violation.code in CODES and violation.severity is CODES[violation.code]
        for message in (violation.message_vi, violation.message_en):
            assert message and unicodedata.is_normalized("NFC", message)
            assert "{" not in message and "}" not in message
        assert violation.message_vi != violation.message_en
        assert violation.as_dict()["severity"] in ("blocking", "warning")


def test_decomposed_names_come_out_nfc():
    name = unicodedata.normalize("NFD", "Đặng Thị Lan")
    context = EligibilityContext(juror_ids=frozenset({7}))
    (violation,) = check(entry(authors=(Author(7, name),)), PRINT_VI, context)
    assert "Đặng Thị Lan" in violation.message_vi


def test_facts_of_the_wrong_type_are_reported_not_raised():
    facts = entry(pages="many", duration_seconds="long", authors=None)  # type: ignore[arg-type]
    rules = with_rules(PRINT_VI, max_pages=10, max_duration_seconds=60)
    found = codes(facts, rules)
    assert ("facts_unreadable", "pages") in found
    assert ("facts_unreadable", "duration_seconds") in found
    assert ("facts_unreadable", "authors") in found


@pytest.mark.parametrize(("value", "expected"), [("vi", "vi"), ("vi-VN", "vi"), ("VI_vn", "vi"),
                                                 ("vie", "vi"), (" en-GB ", "en"), ("", "")])
def test_language_codes(value, expected):
    assert language_code(value) == expected
