"""Letters of the genre written for these tests (tests/directives/corpus/): State, Party, Front,
mass organisations, and the mess of real text. Each has its expected fields beside it."""

import json
from pathlib import Path

import pytest

from giaithuong.directives.letter import Style
from giaithuong.directives.parser import JSON_KEYS, parse_letter_text

CORPUS = Path(__file__).parent / "corpus"
LETTERS = sorted(CORPUS.glob("*.txt"))


def expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def test_the_corpus_is_big_enough():
    assert len(LETTERS) >= 12
    assert all(path.with_suffix(".json").exists() for path in LETTERS)


@pytest.mark.parametrize("path", LETTERS, ids=lambda path: path.stem)
@pytest.mark.parametrize("key", JSON_KEYS)
def test_corpus_field(path, key):
    letter = parse_letter_text(path.read_text(encoding="utf-8"))
    assert letter.to_json()[key] == expected(path)[key]


@pytest.mark.parametrize("path", LETTERS, ids=lambda path: path.stem)
def test_corpus_letter_parses_cleanly(path):
    letter = parse_letter_text(path.read_text(encoding="utf-8"))
    assert set(expected(path)) == set(JSON_KEYS)
    assert not letter.problems
    for key, value in letter.confidences().items():
        assert 0.0 <= value <= 1.0
        assert (value == 0.0) == (letter.to_json()[key] is None), key


def parse(name: str):
    (path,) = CORPUS.glob(f"{name}*.txt")
    return parse_letter_text(path.read_text(encoding="utf-8"))


def test_urgency_and_kind():
    assert parse("02").urgency == "KHẨN"
    assert parse("13").urgency == "HỎA TỐC"
    assert parse("01").urgency is None
    assert parse("05").kind == "kế hoạch"
    assert parse("12").kind == "chương trình"
    assert parse("01").kind == "công văn"


def test_mess_lowers_confidence():
    joined = parse("08")
    assert joined.field_confidence("date") < parse("01").field_confidence("date")
    assert parse("09").field_confidence("number") < parse("01").field_confidence("number")
    assert parse("13").field_confidence("issuer") < parse("01").field_confidence("issuer")


def test_joined_columns_keep_the_whole_signature():
    letter = parse("08")
    assert letter.authority_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]


def test_signature_with_wrapped_authority():
    assert parse("06").authority_lines == ["TM. BAN THƯỜNG VỤ TỈNH ĐOÀN"]


def test_letter_docs_from_the_corpus():
    party = parse("03").to_letter_doc()
    assert party.style is Style.PARTY and party.number_line == "Số 215-CV/TU"
    plan = parse("05").to_letter_doc()
    assert plan.style is Style.STATE and plan.kind == "kế hoạch"
    assert [p.number for p in plan.body if p.number and not p.number.isdigit()] == [
        "I", "II", "III"]
    wrapped = parse("14").to_letter_doc()
    assert wrapped.body[1].text == ("Tuyên truyền sâu rộng về mục đích, ý nghĩa của Giải thưởng "
                                    "trong cán bộ, đảng viên và Nhân dân.")
    draft = parse("11").to_letter_doc()
    assert draft.date is None and (draft.month, draft.year) == (7, 2026)
    assert draft.signature.name == ""
    # A letter cut off before its signature still lays out; one with no place does not.
    assert parse("10").to_letter_doc().signature is None
    assert parse_letter_text("Số: 12/UBND-VX\nV/v abc").to_letter_doc() is None


def test_empty_text_reads_nothing():
    letter = parse_letter_text("")
    assert letter.to_json() == dict.fromkeys(JSON_KEYS)
    assert letter.to_letter_doc() is None


def test_right_column_first():
    letter = parse_letter_text(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Hà Nội, ngày 5 tháng 3 năm 2026\nỦY BAN MTTQ VIỆT NAM\nBAN THƯỜNG TRỰC\n"
        "Số: 12/MTTW-BTT\nV/v thực hiện Công văn số 45/UBND-VX\n")
    data = letter.to_json()
    assert (data["issuer"], data["issuer_parent"]) == ("BAN THƯỜNG TRỰC", "ỦY BAN MTTQ VIỆT NAM")
    assert (data["number"], data["symbol"], data["place"]) == (12, "MTTW-BTT", "Hà Nội")
    assert data["subject"] == "thực hiện Công văn số 45/UBND-VX"


def test_a_date_in_a_sentence_is_not_the_date_line():
    data = parse_letter_text("Hội nghị được tổ chức vào ngày 5 tháng 3 năm 2026.").to_json()
    assert (data["place"], data["date"]) == (None, None)


def test_a_number_cited_in_the_subject_is_not_the_letters_number():
    data = parse_letter_text("V/v thực hiện Công văn số 45/UBND-VX").to_json()
    assert (data["number"], data["symbol"]) == (None, None)


def test_addressees_joined_on_one_line():
    data = parse_letter_text("Kính gửi: - Sở Tư pháp; - Sở Y tế; - Công an tỉnh.\n").to_json()
    assert data["addressees"] == ["Sở Tư pháp", "Sở Y tế", "Công an tỉnh"]


def test_unprefixed_signature_of_a_head():
    data = parse_letter_text("Kính gửi: Các phòng.\n1. Làm việc A.\n2. Làm việc B.\n\n"
                             "GIÁM ĐỐC\n\nNguyễn Văn An\n").to_json()
    assert (data["signature_authority"], data["signer_title"], data["signer_name"]) == (
        None, "GIÁM ĐỐC", "Nguyễn Văn An")
    assert data["tasks_count"] == 2
