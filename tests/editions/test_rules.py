"""The edition schema (pure core): a valid file, each kind of broken file, with line and field."""

import pytest

from giaithuong.editions.rules import EditionFileInvalid, parse_edition, roman
from tests.conftest import EDITION_FILE

TEXT = EDITION_FILE.read_text(encoding="utf-8")


def problems_of(text):
    with pytest.raises(EditionFileInvalid) as caught:
        parse_edition(text)
    return caught.value.problems


def line_of(text, needle, occurrence=1):
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


def test_the_shipped_edition_file_is_valid():
    spec = parse_edition(TEXT)
    assert spec.edition.title.vi == "Giải thưởng toàn quốc về thông tin đối ngoại lần thứ XII"
    assert spec.edition.year == 2026 and roman(spec.edition.ordinal) == "XII"
    assert [c.number for c in spec.categories] == list(range(1, 9))
    assert spec.rules.straddle_fraction == pytest.approx(2 / 3)
    assert spec.rules.max_entries_per_author == 10
    assert sum(c.weight for c in spec.criteria) == 100
    assert [t.per_category for t in spec.prizes.tiers] == [1, 2, 3, 5]
    assert spec.prizes.special_count == 1
    assert str(spec.award.website) == "https://giaithuong.ttdn.vn/"
    assert [r.code for r in spec.rounds] == ["so-khao", "chung-khao"]


@pytest.mark.parametrize(("number", "expected"), [(1, "I"), (4, "IV"), (9, "IX"), (12, "XII"),
                                                  (14, "XIV"), (40, "XL"), (99, "XCIX")])
def test_roman_numerals(number, expected):
    assert roman(number) == expected


def test_syntax_error_names_its_line():
    text = TEXT.replace('year = 2026', 'year = = 2026', 1)
    (problem,) = problems_of(text)
    assert problem.field == "(syntax)"
    assert problem.line == line_of(text, "year = = 2026")


def test_wrong_type_names_line_and_field():
    text = TEXT.replace("max_duration_minutes = 120", 'max_duration_minutes = "two hours"')
    (problem,) = problems_of(text)
    assert problem.field == "categories[3].max_duration_minutes"
    assert problem.line == line_of(text, 'max_duration_minutes = "two hours"')
    assert "integer" in problem.message


def test_unknown_field_is_refused_so_typos_are_caught():
    text = TEXT.replace("max_series_parts = 5", "max_series_part = 5", 1)
    fields = {p.field for p in problems_of(text)}
    assert "categories[0].max_series_part" in fields


def test_missing_required_field_points_at_its_table():
    text = TEXT.replace('code = "sach"\n', "")
    (problem,) = problems_of(text)
    assert problem.field == "categories[4].code"
    assert problem.line == line_of(text, "[[categories]]", occurrence=5)
    assert "required" in problem.message.lower()


def test_inconsistent_dates_are_refused():
    text = TEXT.replace("window_end = 2026-06-30", "window_end = 2025-06-30")
    (problem,) = problems_of(text)
    assert problem.field == "timeline"
    assert "window_end is before window_start" in problem.message


def test_deadline_needs_a_utc_offset():
    text = TEXT.replace("deadline = 2026-07-31T23:59:59+07:00", "deadline = 2026-07-31T23:59:59")
    (problem,) = problems_of(text)
    assert problem.field == "timeline.deadline"
    assert problem.line == line_of(text, "deadline = 2026-07-31T23:59:59")


def test_duplicate_category_codes_are_refused():
    text = TEXT.replace('code = "sach"', 'code = "anh"')
    (problem,) = problems_of(text)
    assert "duplicate code anh" in problem.message


def test_two_thirds_rule_must_be_a_fraction_between_0_and_1():
    text = TEXT.replace('straddle_min_share = "2/3"', 'straddle_min_share = "3/2"')
    (problem,) = problems_of(text)
    assert problem.field == "rules.straddle_min_share"


def test_every_problem_is_reported_at_once():
    text = (TEXT.replace("number = 3", "number = 0")
                .replace('file_kinds = ["audio"]', 'file_kinds = ["tape"]'))
    fields = {p.field for p in problems_of(text)}
    assert {"categories[2].number", "categories[2].file_kinds[0]"} <= fields


def test_bad_url_and_schema_version():
    text = (TEXT.replace('trailer_url = "https://giaithuong.ttdn.vn/"', 'trailer_url = "not a url"')
                .replace("schema_version = 1", "schema_version = 2"))
    fields = {p.field for p in problems_of(text)}
    assert {"edition.trailer_url", "schema_version"} <= fields


def test_uncertain_items_are_settings_next_year_changes_without_code():
    text = (TEXT.replace("max_entries_per_author = 10 ", "max_entries_per_author = 7 ")
                .replace('"each_member"', '"group_as_unit"')
                .replace("# max_team_size = 5", "max_team_size = 5")
                .replace("# deadline_extended = 2026-09-15T23:59:59+07:00",
                         "deadline_extended = 2026-09-15T23:59:59+07:00"))
    spec = parse_edition(text)
    assert spec.rules.max_entries_per_author == 7
    assert spec.rules.entry_limit_counts == "group_as_unit"
    assert spec.rules.max_team_size == 5
    assert spec.timeline.effective_deadline.month == 9
