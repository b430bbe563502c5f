"""The two seed letters: every field the command prints, asserted."""

import datetime as dt

import pytest

from giaithuong.directives.letter import Relation, Style
from giaithuong.directives.parser import JSON_KEYS, parse_letter_text
from tests.conftest import SEEDS

pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"the seed letters are not here ({SEEDS}); CI provides them")


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


SEED_000 = {
    "number": None,
    "symbol": "CV/BTGDV",
    "issuer": "Ban Tuyên giáo và Dân vận",
    "issuer_parent": "Đảng ủy Bộ",
    "place": "Hà Nội",
    "date": "2026-06",
    "subject": "tuyên truyền, hưởng ứng, tham gia Giải thưởng toàn quốc về thông tin đối ngoại",
    "addressees": ["Các tổ chức đảng trực thuộc Đảng ủy Bộ"],
    "references": [{"kind": "Công văn", "number": 1390, "symbol": "CV/BTGDVTW",
                    "date": "2026-06-02", "issuer": "Ban Tuyên giáo và Dân vận Trung ương"}],
    "tasks_count": 5,
    "recipients": ["Đảng ủy Chính phủ", "Thường trực Đảng ủy Bộ",
                   "Các Ban tham mưu của Đảng ủy Bộ", "Các tổ chức đảng trực thuộc",
                   "Đoàn Thanh niên Bộ", "Hội Cựu chiến binh cơ quan Bộ",
                   "Lưu Ban Tuyên giáo và Dân vận ĐUB"],
    "signature_authority": "K/T",
    "signer_title": "PHÓ TRƯỞNG BAN",
    "signer_name": "Lê Doãn Hoàn",
}

SEED_004 = {
    "number": 31,
    "symbol": "MTTQ-BTT",
    "issuer": "Ban Thường trực",
    "issuer_parent": "Ủy ban MTTQ Việt Nam phường Nam Đồng",
    "place": "Nam Đồng",
    "date": "2026-06-18",
    "subject": ("tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối ngoại "
                "lần thứ XII"),
    "addressees": ["Ban Công tác Mặt trận các Tổ dân phố", "Các tổ chức thành viên của Mặt trận",
                   "Các chi hội, đoàn thể trên địa bàn phường"],
    "references": [
        {"kind": "Công văn", "number": 783, "symbol": None, "date": "2026-06-10",
         "issuer": "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng"},
        {"kind": "Công văn", "number": 379, "symbol": "MTTW-BTT", "date": "2026-06-08",
         "issuer": "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam"},
        {"kind": "Công văn", "number": 897, "symbol": "CV/BTGDVTU", "date": "2026-06-04",
         "issuer": "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng"},
    ],
    "tasks_count": 3,
    "recipients": ["Thường trực Đảng ủy phường", "Lãnh đạo UBND phường",
                   "BTT Ủy ban MTTQ Việt Nam phường", "Các tổ chức thành viên",
                   "Ban CTMT các tổ dân phố", "Lưu: VT"],
    "signature_authority": "TM.",
    "signer_title": "CHỦ TỊCH",
    "signer_name": "Đoàn Trung Thu",
}


@pytest.mark.parametrize(("prefix", "expected"), [("000", SEED_000), ("004", SEED_004)])
@pytest.mark.parametrize("key", JSON_KEYS)
def test_seed_field(prefix, expected, key):
    assert parse_letter_text(seed(prefix)).to_json()[key] == expected[key]


@pytest.mark.parametrize(("prefix", "expected"), [("000", SEED_000), ("004", SEED_004)])
def test_seed_json_has_exactly_the_keys(prefix, expected):
    data = parse_letter_text(seed(prefix)).to_json()
    assert list(data) == list(JSON_KEYS)
    assert all(list(ref) == ["kind", "number", "symbol", "date", "issuer"]
               for ref in data["references"])
    assert data == expected


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_confidences_are_in_range_and_zero_for_missing_fields(prefix):
    letter = parse_letter_text(seed(prefix))
    data = letter.to_json()
    for key, value in letter.confidences().items():
        assert 0.0 <= value <= 1.0
        assert (value == 0.0) == (data[key] is None), key
    assert not letter.problems


def test_issuer_read_from_the_body_is_less_certain_than_a_header():
    letter = parse_letter_text(seed("004"))
    assert letter.field_confidence("issuer") < letter.field_confidence("number")


def test_seed_000_as_a_letter_doc():
    doc = parse_letter_text(seed("000")).to_letter_doc()
    assert doc is not None
    assert doc.style is Style.PARTY
    assert doc.kind == "công văn"
    assert (doc.issuer, doc.issuer_parent) == ("BAN TUYÊN GIÁO VÀ DÂN VẬN", "ĐẢNG ỦY BỘ")
    assert (doc.number, doc.symbol, doc.date, doc.month, doc.year) == (None, "CV/BTGDV", None, 6,
                                                                      2026)
    assert doc.number_line == "Số    -CV/BTGDV"
    assert [p.number for p in doc.body if p.number] == ["1", "2", "3", "4", "5"]
    assert doc.body[0].text.startswith("Thực hiện Công văn số 1390-CV/BTGDVTW")
    assert doc.signature.authority == ("K/T TRƯỞNG BAN",)
    assert doc.signature.authority_prefix == "K/T"
    assert (doc.signature.title, doc.signature.name) == ("PHÓ TRƯỞNG BAN", "Lê Doãn Hoàn")
    assert doc.references[0].relation is Relation.IMPLEMENTS
    assert doc.footnotes and doc.footnotes[0].startswith("Thông tin liên hệ")
    assert doc.recipients[-1] == "Lưu Ban Tuyên giáo và Dân vận ĐUB"


def test_seed_004_as_a_letter_doc():
    doc = parse_letter_text(seed("004")).to_letter_doc()
    assert doc.style is Style.STATE
    assert doc.number_line == "Số: 31/MTTQ-BTT"
    assert doc.date == dt.date(2026, 6, 18)
    # What the letter implements, then what its body only cites.
    assert [ref.relation for ref in doc.references] == [
        Relation.IMPLEMENTS, Relation.BASED_ON, Relation.BASED_ON, Relation.CITES, Relation.CITES]
    assert [(ref.kind, ref.number) for ref in doc.references[3:]] == [("Kết luận", 57),
                                                                      ("Nghị quyết", 59)]
    assert doc.references[0].subject.startswith("tuyên truyền, triển khai")
    tasks = [p for p in doc.body if p.number]
    assert [p.text for p in tasks] == [
        "Đẩy mạnh công tác tuyên truyền:",
        "Tạo điều kiện thuận lợi cho các tập thể, cá nhân tham gia Giải thưởng",
        "Phân đấu có tác phẩm chất lượng tham gia Giải thưởng"]
    assert sum(p.bullet for p in doc.body) == 8
    assert doc.signature.authority == ("TM. BAN THƯỜNG TRỰC",)
    assert doc.body[-1].text.startswith("Đề nghị Ban Công tác Mặt trận")


def test_parsed_seeds_equal_the_hand_written_structured_form():
    """Reading a seed gives exactly the LetterDoc written out by hand for the renderers, body
    citations, attachment and footnote included."""
    from giaithuong.directives.samples import SEEDS as SAMPLES

    assert parse_letter_text(seed("000")).to_letter_doc() == SAMPLES["seed-000"]
    assert parse_letter_text(seed("004")).to_letter_doc() == SAMPLES["seed-004"]
