"""The number/symbol, date, citation and signature grammar (dispatch-format §5–§7)."""

import datetime as dt

import pytest

from giaithuong.directives import grammar as g


@pytest.mark.parametrize(("text", "number", "symbol", "party"), [
    ("Số: 31/MTTQ-BTT", 31, "MTTQ-BTT", False),
    ("Số: **31/MTTQ-BTT**", 31, "MTTQ-BTT", False),
    ("Số 1390-CV/BTGDVTW", 1390, "CV/BTGDVTW", True),
    ("Số -CV/BTGDV", None, "CV/BTGDV", True),
    ("Số: 45 /UBND- VX", 45, "UBND-VX", False),
    ("Số 1390 - CV / BTGDVTW", 1390, "CV/BTGDVTW", True),
    ("Số 07 - CV/ĐU", 7, "CV/ĐU", True),
    ("156/QĐ-UBND", 156, "QĐ-UBND", False),
    ("30/2020/NĐ-CP", 30, "2020/NĐ-CP", False),
    ("Số: 45/KH-MTTQ-BTT", 45, "KH-MTTQ-BTT", False),
    ("Số: 05/QyĐ-UBND", 5, "QyĐ-UBND", False),
    ("Số: 112-CV/TĐTN-TG", 112, "CV/TĐTN-TG", True),
    ("Số:      /UBND-VX", None, "UBND-VX", False),
    ("379/MTTW-BTT", 379, "MTTW-BTT", False),
    ("897-CV/BTGDVTU", 897, "CV/BTGDVTU", True),
])
def test_codes(text, number, symbol, party):
    code = g.parse_code(text)
    assert code is not None
    assert (code.number, code.symbol, code.party) == (number, symbol, party)


@pytest.mark.parametrize(("text", "symbol"), [
    # A word after the code is not part of it, with or without diacritics.
    ("Số: 45 /UBND- VX Ninh Bình, ngày 05 tháng 3 năm 2026", "UBND-VX"),
    ("Số: 45/UBND-VX - Ninh Binh", "UBND-VX"),
    ("1390-CV/BTGDVTW Hà Nội", "CV/BTGDVTW"),
])
def test_code_stops_at_the_next_word(text, symbol):
    assert g.parse_code(text).symbol == symbol


@pytest.mark.parametrize("text", ["10/6/2026", "V/v tuyên truyền", "Hà Nội", "", "1390"])
def test_not_codes(text):
    assert g.parse_code(text) is None


def test_spec_patterns_match_the_seed_codes():
    assert g.STATE.search("Số: 31/MTTQ-BTT").group("num", "sym") == ("31", "MTTQ-BTT")
    assert g.STATE.search("30/2020/NĐ-CP").group("year") == "2020"
    party = g.PARTY.search("Số 1390-CV/BTGDVTW")
    assert party.group("num", "type", "org") == ("1390", "CV", "BTGDVTW")
    assert g.PARTY.search("Số -CV/BTGDV").group("num") is None


@pytest.mark.parametrize(("symbol", "party", "doc_type", "kind", "issuer", "unit", "legal"), [
    ("MTTQ-BTT", False, None, "Công văn", "MTTQ", "BTT", False),
    ("UBND-VX", False, None, "Công văn", "UBND", "VX", False),
    ("KH-MTTQ-BTT", False, "KH", "Kế hoạch", "MTTQ", "BTT", False),
    ("QĐ-UBND", False, "QĐ", "Quyết định", "UBND", None, False),
    ("QyĐ-UBND", False, "QyĐ", "Quy định", "UBND", None, False),
    ("CTr-UBND", False, "CTr", "Chương trình", "UBND", None, False),
    ("2020/NĐ-CP", False, None, "Công văn", "NĐ", "CP", True),
    ("CV/BTGDVTW", True, "CV", "Công văn", "BTGDVTW", None, False),
    ("KL/TW", True, "KL", "Kết luận", "TW", None, False),
])
def test_classify_symbol(symbol, party, doc_type, kind, issuer, unit, legal):
    info = g.classify_symbol(symbol)
    assert (info.party, info.doc_type, info.kind, info.issuer_code, info.unit_code,
            info.legal) == (party, doc_type, kind, issuer, unit, legal)


def test_type_abbreviations_cover_the_spec_table():
    for abbr in ("NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA",
                 "BC", "BB", "TTr", "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG",
                 "PC", "PB", "SY", "TrS", "SL", "CV", "KL", "TT", "BS"):
        assert abbr in g.TYPE_ABBR


def test_number_formatting_pads_below_ten():
    assert g.pad_number(5) == "05"
    assert g.pad_number(31) == "31"
    assert g.format_number_line(5, "UBND-VX", party=False) == "Số: 05/UBND-VX"
    assert g.format_number_line(1390, "CV/BTGDVTW", party=True) == "Số 1390-CV/BTGDVTW"
    assert g.format_number_line(None, "CV/BTGDV", party=True) == "Số -CV/BTGDV"
    assert g.parse_code(g.format_number_line(7, "CV/ĐU", party=True)).number == 7


@pytest.mark.parametrize(("line", "place", "iso"), [
    ("Nam Đồng, ngày 18 tháng 6 năm 2026", "Nam Đồng", "2026-06-18"),
    ("Hà Nội, ngày tháng 6 năm 2026", "Hà Nội", "2026-06"),
    ("Hà Nội, ngày ... tháng ... năm 2026", "Hà Nội", "2026"),
    ("Ninh Bình, ngày 05 tháng 01 năm 2026", "Ninh Bình", "2026-01-05"),
    ("Hải Phòng, ngày     tháng 7 năm 2026", "Hải Phòng", "2026-07"),
])
def test_date_lines(line, place, iso):
    match = g.DATE_LINE_SEARCH.search(line)
    assert match.group("pre").strip() == place
    date = g.make_partial_date(match.group("d"), match.group("m"), match.group("y"))
    assert date.iso() == iso


def test_spec_date_line_pattern():
    match = g.DATE_LINE.match("Nam Đồng, ngày 18 tháng 6 năm 2026")
    assert match.group("place", "d", "m", "y") == ("Nam Đồng", "18", "6", "2026")


def test_impossible_dates_are_not_read_as_dates():
    assert g.make_partial_date("31", "2", "2026").iso() == "2026-02"
    assert g.make_partial_date("5", "13", "2026") is None
    assert g.make_partial_date("5", "6", "0999") is None


@pytest.mark.parametrize(("text", "date"), [
    ("ngày 02/6/2026", dt.date(2026, 6, 2)),
    ("ngày 01-10-1997", dt.date(1997, 10, 1)),
    ("ngày 15.6.2023", dt.date(2023, 6, 15)),
    ("ngày 24/01/2025", dt.date(2025, 1, 24)),
    ("ngày 5 tháng 3 năm 2026", dt.date(2026, 3, 5)),
    ("ngày 31/02/2026", None),
    ("số điện thoại: 0913.680.438", None),
])
def test_body_dates(text, date):
    assert g.parse_body_date(text) == date


def test_body_date_format():
    assert g.format_body_date(dt.date(2026, 6, 2)) == "02/6/2026"
    assert g.format_body_date(dt.date(2025, 1, 24)) == "24/01/2025"


SEED_CITATIONS = (
    "Thực hiện Công văn số 783 ngày 10/6/2026 của Ban Thường trực Ủy ban MTTQ Việt Nam thành phố "
    "Hải Phòng về việc tuyên truyền, triển khai, hưởng ứng Giải thưởng;\n"
    "Căn cứ Công văn số 379/MTTW-BTT ngày 08/6/2026 của Ban Thường trực Ủy ban Trung ương MTTQ "
    "Việt Nam về việc thông tin, tuyên truyền;\n"
    "Căn cứ Công văn số 897-CV/BTGDVTU ngày 04/6/2026 của Ban Tuyên giáo và Dân vận Thành ủy Hải "
    "Phòng về việc triển khai, hưởng ứng;\n"
    "Nhằm thực hiện Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị về tiếp tục nâng cao "
    "chất lượng và Nghị quyết số 59-NQ/TW ngày 24/01/2025 của Bộ Chính trị về hội nhập quốc tế;\n"
    "Thực hiện Công văn số 1390-CV/BTGDVTW ngày 02/6/2026 của Ban Tuyên giáo và Dân vận Trung "
    "ương về việc đề nghị thông tin;"
)


def test_citations_in_the_seeds():
    found = []
    for line in SEED_CITATIONS.split("\n"):
        found += g.find_citations(line)
    assert [(c.kind, c.number, c.symbol, c.date, c.issuer) for c in found] == [
        ("Công văn", 783, None, dt.date(2026, 6, 10),
         "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng"),
        ("Công văn", 379, "MTTW-BTT", dt.date(2026, 6, 8),
         "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam"),
        ("Công văn", 897, "CV/BTGDVTU", dt.date(2026, 6, 4),
         "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng"),
        ("Kết luận", 57, "KL/TW", dt.date(2023, 6, 15), "Bộ Chính trị"),
        ("Nghị quyết", 59, "NQ/TW", dt.date(2025, 1, 24), "Bộ Chính trị"),
        ("Công văn", 1390, "CV/BTGDVTW", dt.date(2026, 6, 2),
         "Ban Tuyên giáo và Dân vận Trung ương"),
    ]
    assert found[0].subject.startswith("tuyên truyền, triển khai")


def test_spec_citation_pattern_on_the_seeds():
    lines = SEED_CITATIONS.split("\n")
    assert all(g.CITE.search(line) for line in lines)


def test_citation_variants():
    (cite,) = g.find_citations("theo Công văn số: 45 /UBND- VX, ngày 5/3/2026 của UBND tỉnh.")
    assert (cite.kind, cite.number, cite.symbol, cite.issuer) == ("Công văn", 45, "UBND-VX",
                                                                 "UBND tỉnh")
    # The issuer's name may enumerate with a comma; a second citation ends the first issuer.
    first, second = g.find_citations(
        "Căn cứ Công văn số 2155/BVHTTDL-HTQT ngày 28/5/2026 của Bộ Văn hóa, Thể thao và Du lịch "
        "và Kế hoạch số 12-KH/TU ngày 3.3.2026 của Tỉnh ủy về việc abc;")
    assert first.issuer == "Bộ Văn hóa, Thể thao và Du lịch"
    assert (second.number, second.symbol, second.date) == (12, "KH/TU", dt.date(2026, 3, 3))
    (bare,) = g.find_citations("Thực hiện Chỉ thị số 05/CT-UBND")
    assert (bare.date, bare.issuer) == (None, None)


@pytest.mark.parametrize(("line", "prefix", "rest"), [
    ("TM. BAN THƯỜNG TRỰC", "TM.", "BAN THƯỜNG TRỰC"),
    ("K/T TRƯỞNG BAN", "K/T", "TRƯỞNG BAN"),
    ("KT. CHỦ TỊCH", "KT.", "CHỦ TỊCH"),
    ("TL. BỘ TRƯỞNG", "TL.", "BỘ TRƯỞNG"),
    ("TUQ. CHỦ TỊCH", "TUQ.", "CHỦ TỊCH"),
    ("Q. GIÁM ĐỐC", "Q.", "GIÁM ĐỐC"),
    ("T/M BAN THƯỜNG VỤ", "T/M", "BAN THƯỜNG VỤ"),
    ("T/L BAN THƯỜNG VỤ", "T/L", "BAN THƯỜNG VỤ"),
    ("TM.BAN THƯỜNG TRỰC", "TM.", "BAN THƯỜNG TRỰC"),
])
def test_signature_prefixes(line, prefix, rest):
    parsed = g.parse_authority_line(line)
    assert (parsed.prefix, parsed.on_behalf_of) == (prefix, rest)


@pytest.mark.parametrize("line", ["Thực hiện Công văn", "TM. Ban Thường trực", "CHỦ TỊCH", ""])
def test_not_signature_prefixes(line):
    assert g.parse_authority_line(line) is None


def test_clean_text():
    decomposed = "Ha\u0300 Nô\u0323i"
    assert g.clean_text(decomposed) == "Hà Nội"
    assert g.clean_text("Số: **31/MTTQ-BTT**\r\n") == "Số: 31/MTTQ-BTT\n"
    assert g.clean_text("a\u00a0b\u200bc") == "a bc"
