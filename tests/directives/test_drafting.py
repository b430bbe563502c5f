"""Drafting helpers (pure core): body text ⇄ paragraphs, citations, a unit's usual symbol and
signing authority."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from giaithuong.directives.drafting import (
    Cited,
    body_to_text,
    citation,
    collective_authority,
    default_symbol,
    opening,
    text_lines,
    text_to_body,
)
from giaithuong.directives.rendering import paragraphs
from giaithuong.directives.samples import SEED_004

CITY = Cited("Công văn", 783, "MTTQ-BTT", False, dt.date(2026, 6, 11),
             "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
             "tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối ngoại "
             "lần thứ XII")
CENTRAL_PARTY = Cited("Công văn", 1390, "CV/BTGDVTW", True, dt.date(2026, 6, 2),
                      "Ban Tuyên giáo và Dân vận Trung ương", "đề nghị thông tin, tuyên truyền")
WARD = "Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng"


def test_lines_become_numbered_tasks_bullets_and_plain_paragraphs():
    text = ("Thực hiện Công văn số 783 …;\n\n1. Đẩy mạnh công tác tuyên truyền:\n"
            "- Tăng cường thông tin.\n  - Một ý nhỏ hơn.\n1.1. Mục con\na) Điểm a\n"
            "Đề nghị các đơn vị thực hiện.\n")
    assert text_to_body(text) == [
        {"text": "Thực hiện Công văn số 783 …;", "number": None, "bullet": False, "level": 0},
        {"text": "Đẩy mạnh công tác tuyên truyền:", "number": "1", "bullet": False, "level": 0},
        {"text": "Tăng cường thông tin.", "number": None, "bullet": True, "level": 0},
        {"text": "Một ý nhỏ hơn.", "number": None, "bullet": True, "level": 1},
        {"text": "Mục con", "number": "1.1.", "bullet": False, "level": 0},
        {"text": "Điểm a", "number": "a)", "bullet": False, "level": 0},
        {"text": "Đề nghị các đơn vị thực hiện.", "number": None, "bullet": False, "level": 0},
    ]


def test_text_is_nfc_and_spaces_are_squeezed():
    decomposed = "Thu\u031bo\u031b\u0300ng   tru\u031b\u0323c"  # "Thường trực", NFD
    (paragraph,) = text_to_body(decomposed)
    assert paragraph["text"] == "Thường trực"


def test_a_plain_paragraph_that_looks_like_an_item_survives_the_round_trip():
    body = [{"text": "1. This is a plain line, not a task", "number": None, "bullet": False,
             "level": 0},
            {"text": "- nor a bullet", "number": None, "bullet": False, "level": 0}]
    text = body_to_text(body)
    assert text.splitlines() == ["\\1. This is a plain line, not a task", "\\- nor a bullet"]
    assert text_to_body(text) == body


def test_the_seed_ward_letter_body_round_trips():
    body = [{"text": p.text, "number": p.number, "bullet": p.bullet, "level": p.level}
            for p in SEED_004.body]
    again = text_to_body(body_to_text(body))
    assert paragraphs(again) == SEED_004.body


_paragraph = st.fixed_dictionaries({
    "text": st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                    min_size=1, max_size=40).map(lambda t: " ".join(t.split())).filter(bool),
    "number": st.one_of(st.none(), st.integers(1, 99).map(str)),
    "bullet": st.booleans(),
    "level": st.integers(0, 3),
})


@given(st.lists(_paragraph, max_size=8))
def test_round_trip_keeps_every_paragraph(body):
    from giaithuong.common.text import nfc

    body = [{**p, "text": " ".join(nfc(p["text"]).split()),
             "bullet": p["bullet"] and not p["number"]} for p in body]
    body = [p for p in body if p["text"]]
    assert text_to_body(body_to_text(body)) == body


def test_text_lines_drop_dashes_and_semicolons():
    assert text_lines("- Như trên;\n\n  - Lưu: VT.  \n") == ["Như trên", "Lưu: VT."]


def test_citations_as_the_seeds_write_them():
    assert citation(CITY) == (
        "Công văn số 783/MTTQ-BTT ngày 11/6/2026 của Ban Thường trực Ủy ban MTTQ Việt Nam thành "
        "phố Hải Phòng về việc tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về "
        "thông tin đối ngoại lần thứ XII")
    assert citation(CENTRAL_PARTY).startswith("Công văn số 1390-CV/BTGDVTW ngày 02/6/2026 của ")
    bare = Cited("Công văn", 783, "", False, dt.date(2026, 6, 10), "Ban Thường trực", "")
    assert citation(bare) == "Công văn số 783 ngày 10/6/2026 của Ban Thường trực"
    small = Cited("Kế hoạch", 5, "KH-MTTQ-BTT", False, dt.date(2026, 1, 24), "", "việc a;")
    assert citation(small) == "Kế hoạch số 05/KH-MTTQ-BTT ngày 24/01/2026 về việc việc a"


def test_opening_with_one_citation_is_one_paragraph():
    (paragraph,) = opening(CITY, [], WARD)
    assert paragraph.startswith("Thực hiện Công văn số 783/MTTQ-BTT ngày 11/6/2026 của Ban "
                                "Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng về việc ")
    assert paragraph.endswith("lần thứ XII, Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng "
                              "đề nghị các đơn vị triển khai thực hiện một số nội dung sau:")


def test_opening_cites_the_letters_above_with_can_cu():
    paragraphs_ = opening(CITY, [CENTRAL_PARTY], WARD)
    assert [p.split(" ", 2)[:2] for p in paragraphs_[:2]] == [["Thực", "hiện"], ["Căn", "cứ"]]
    assert all(p.endswith(";") for p in paragraphs_[:2])
    assert "1390-CV/BTGDVTW" in paragraphs_[1]
    assert paragraphs_[2] == (f"{WARD} đề nghị các đơn vị triển khai thực hiện một số nội dung "
                              "sau:")


@pytest.mark.parametrize(("code", "kind", "party", "symbol"), [
    ("MTTQ-BTT", "cong_van", False, "MTTQ-BTT"),
    ("MTTQ-BTT", "ke_hoach", False, "KH-MTTQ-BTT"),
    ("BTGDVTU", "cong_van", True, "CV/BTGDVTU"),
    ("BTGDVTU", "thong_bao", True, "TB/BTGDVTU"),
    ("", "cong_van", True, ""),
])
def test_default_symbols(code, kind, party, symbol):
    assert default_symbol(code, kind, party=party) == symbol


def test_collective_bodies_sign_on_behalf():
    assert collective_authority("Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng",
                                party=False) == "TM. BAN THƯỜNG TRỰC"
    assert collective_authority("BAN THƯỜNG VỤ", party=True) == "T/M BAN THƯỜNG VỤ"
    assert collective_authority("Ban Tuyên giáo và Dân vận", party=True) is None


def test_numbers_as_the_parser_stores_them_are_typed_the_usual_way():
    body = [{"text": "Phần một", "number": "I", "bullet": False, "level": 0},
            {"text": "Điểm a", "number": "a", "bullet": False, "level": 1}]
    assert body_to_text(body).splitlines() == ["I. Phần một", "  a) Điểm a"]
    assert [p["number"] for p in text_to_body(body_to_text(body))] == ["I.", "a)"]
