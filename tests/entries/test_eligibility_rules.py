"""Category rules built from the edition file, and the edition-schema fields the engine reads."""

import datetime as dt
from fractions import Fraction

import pytest

from giaithuong.editions.rules import EditionFileInvalid, EditionSpec, parse_edition
from giaithuong.entries.eligibility_messages import MIB
from giaithuong.entries.eligibility_rules import rules_by_category
from tests.conftest import EDITION_FILE

TEXT = EDITION_FILE.read_text(encoding="utf-8")


def problems_of(text):
    with pytest.raises(EditionFileInvalid) as caught:
        parse_edition(text)
    return {problem.field: problem.message for problem in caught.value.problems}


def test_every_limit_comes_from_the_shipped_file():
    rules = rules_by_category(parse_edition(TEXT))
    assert list(rules) == ["bao-tap-chi-tieng-viet", "bao-tap-chi-tieng-nuoc-ngoai", "phat-thanh",
                           "truyen-hinh", "sach", "anh", "san-pham-so-da-phuong-tien",
                           "sang-kien-san-pham"]
    tv, print_vi = rules["truyen-hinh"], rules["bao-tap-chi-tieng-viet"]
    assert tv.max_duration_seconds == 120 * 60 and tv.max_series_parts == 5
    assert tv.file_kinds == {"video"} and tv.max_file_bytes == 4096 * MIB
    assert print_vi.languages == "vietnamese" and print_vi.max_file_bytes == 200 * MIB
    assert rules["bao-tap-chi-tieng-nuoc-ngoai"].languages == "foreign"
    assert rules["phat-thanh"].max_duration_seconds is None
    assert [s.code for s in rules["anh"].subtypes] == ["bao-chi", "phong-canh"]
    assert (tv.window_start, tv.window_end) == (dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    assert tv.deadline == dt.datetime(2026, 7, 31, 23, 59, 59,
                                      tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert not tv.deadline_extended and tv.postmark_accepted
    assert str(tv.tz) == "Asia/Ho_Chi_Minh"
    assert tv.straddle_min_share == Fraction(2, 3) and tv.straddle_measures == "any"
    assert tv.previous_window == (dt.date(2024, 7, 1), dt.date(2025, 9, 10))
    assert tv.max_entries_per_author == 10 and tv.entry_limit_counts == "each_member"
    assert tv.max_team_size is None and tv.exclude_jurors and tv.exclude_organisers
    assert tv.channels == {"portal", "email", "post"}
    assert tv.vietnamese_summary == "always" and not tv.full_translation_required


def test_rules_read_back_from_the_stored_json_are_the_same():
    spec = parse_edition(TEXT)
    stored = EditionSpec.model_validate(spec.model_dump(mode="json"))  # as Edition.rules does
    assert rules_by_category(stored) == rules_by_category(spec)


def test_uncertain_limits_change_in_the_file_not_the_code():
    text = (TEXT.replace("max_duration_minutes = 120", "max_duration_minutes = 90")
                .replace('straddle_min_share = "2/3"', 'straddle_min_share = "3/4"')
                .replace('straddle_measures = "any"', 'straddle_measures = "all"')
                .replace("# accepted_languages = [", "accepted_languages = [")
                .replace("# deadline_extended = 2026-09-15T23:59:59+07:00",
                         "deadline_extended = 2026-09-15T23:59:59+07:00"))
    rules = rules_by_category(parse_edition(text))
    assert rules["truyen-hinh"].max_duration_seconds == 90 * 60
    assert rules["truyen-hinh"].straddle_min_share == Fraction(3, 4)
    assert rules["truyen-hinh"].straddle_measures == "all"
    assert "en" in rules["bao-tap-chi-tieng-nuoc-ngoai"].accepted_languages
    assert rules["sach"].deadline_extended and rules["sach"].deadline.month == 9


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Hanoi_City"', "timeline.timezone",
     "unknown time zone"),
    ('straddle_measures = "any"', 'straddle_measures = "some"', "rules.straddle_measures",
     "any"),
    ('languages = "foreign"\n', 'languages = "foreign"\naccepted_languages = ["vi", "en"]\n',
     "categories[1]", "vi in a foreign-language category"),
    ('languages = "vietnamese"\n', 'languages = "vietnamese"\naccepted_languages = ["en"]\n',
     "categories[0]", "foreign language"),
    ('languages = "foreign"\n', 'languages = "foreign"\naccepted_languages = ["English"]\n',
     "categories[1].accepted_languages[0]", "pattern"),
    ('code = "phong-canh"', 'code = "bao-chi"', "categories[5]", "share a code"),
])
def test_the_new_fields_are_checked_on_load(old, new, field, words):
    assert TEXT.count(old) == 1
    problems = problems_of(TEXT.replace(old, new))
    assert field in problems and words in problems[field]
