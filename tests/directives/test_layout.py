"""The letter layout core: what goes where, per Nghị định 30 (State/Front) and Hướng dẫn 36
(Party). Pure: no Django, no renderer."""

import dataclasses
import datetime as dt
import json
import subprocess
import sys
import unicodedata

import pytest

from giaithuong.directives.layout import (
    NATIONAL_MOTTO,
    NATIONAL_TITLE,
    PARTY_TITLE,
    Line,
    Rule,
    build_layout,
    split_lines,
    text_width_mm,
)
from giaithuong.directives.letter import LetterDoc, Paragraph, Signature, Style
from giaithuong.directives.samples import SEED_000, SEED_004, SEEDS


def state_letter(**changes) -> LetterDoc:
    base = LetterDoc(
        style=Style.STATE, kind="công văn", issuer="Văn phòng", issuer_parent="Ủy ban nhân dân"
        " thành phố Hải Phòng", number=5, symbol="UBND-VP", place="Hải Phòng",
        date=dt.date(2026, 1, 5), subject="triển khai Giải thưởng",
        addressees=("Sở Văn hóa và Thể thao",), body=(Paragraph("Nội dung."),),
        recipients=("Như trên", "Lưu: VT, VP"),
        signature=Signature(("TL. CHỦ TỊCH",), "CHÁNH VĂN PHÒNG", "Nguyễn Văn A"),
    )
    return dataclasses.replace(base, **changes)


def party_letter(**changes) -> LetterDoc:
    return dataclasses.replace(state_letter(style=Style.PARTY, issuer="Ban Tuyên giáo và Dân vận",
                                            issuer_parent="Thành ủy Hải Phòng",
                                            symbol="CV/BTGDVTU"), **changes)


def texts(items) -> list[str]:
    return [item.text for item in items if isinstance(item, Line)]


# ---- dates and numbers ------------------------------------------------------------------------


def test_date_line_pads_day_and_months_one_and_two_and_is_italic():
    date = build_layout(state_letter(date=dt.date(2026, 1, 5))).header.date
    assert date.text == "Hải Phòng, ngày 05 tháng 01 năm 2026"
    assert date.italic and not date.bold
    assert build_layout(state_letter(date=dt.date(2026, 6, 18))).header.date.text == (
        "Hải Phòng, ngày 18 tháng 6 năm 2026")
    assert build_layout(state_letter(date=dt.date(2026, 12, 2))).header.date.text == (
        "Hải Phòng, ngày 02 tháng 12 năm 2026")


def test_draft_date_line_leaves_the_day_blank():
    line = build_layout(SEED_000).header.date.text
    assert line.startswith("Hà Nội, ngày ")
    assert line.endswith("tháng 6 năm 2026")
    between = line.split("ngày", 1)[1].split("tháng", 1)[0]
    assert between.strip() == "" and len(between) >= 3


def test_number_lines_state_party_and_drafts():
    assert build_layout(SEED_004).header.number.text == "Số: 31/MTTQ-BTT"
    assert build_layout(state_letter(number=5)).header.number.text == "Số: 05/UBND-VP"
    assert build_layout(party_letter(number=12)).header.number.text == "Số 12-CV/BTGDVTU"
    draft = build_layout(SEED_000).header.number.text
    assert draft.startswith("Số ") and draft.endswith("-CV/BTGDV") and ":" not in draft
    assert build_layout(state_letter(number=None)).header.number.text.endswith("/UBND-VP")


# ---- State vs Party ---------------------------------------------------------------------------


def test_state_header_has_national_title_motto_and_rules():
    header = build_layout(SEED_004).header
    assert texts(header.right) == [NATIONAL_TITLE, NATIONAL_MOTTO]
    assert all(line.bold for line in header.right if isinstance(line, Line))
    motto_rule = header.right[-1]
    assert isinstance(motto_rule, Rule)
    assert motto_rule.width_mm == pytest.approx(text_width_mm(NATIONAL_MOTTO, 13, bold=True),
                                                abs=0.1)
    # Left: parent regular (split where a clerk splits it), issuer bold, a short rule.
    assert texts(header.left) == ["ỦY BAN MTTQ VIỆT NAM", "PHƯỜNG NAM ĐỒNG", "BAN THƯỜNG TRỰC"]
    assert [line.bold for line in header.left if isinstance(line, Line)] == [False, False, True]
    issuer_rule = header.left[-1]
    issuer_width = text_width_mm("BAN THƯỜNG TRỰC", 13, bold=True)
    assert isinstance(issuer_rule, Rule)
    assert issuer_width / 3 <= issuer_rule.width_mm <= issuer_width / 2 + 0.1
    assert "*" not in texts(header.left)


def test_party_header_has_party_title_with_rule_and_a_star():
    layout = build_layout(SEED_000)
    header = layout.header
    assert texts(header.right) == [PARTY_TITLE]
    title = header.right[0]
    assert title.size_pt == 15 and title.bold
    assert isinstance(header.right[1], Rule)
    assert header.right[1].width_mm == pytest.approx(text_width_mm(PARTY_TITLE, 15, bold=True),
                                                     abs=0.1)
    assert texts(header.left) == ["ĐẢNG ỦY BỘ", "BAN TUYÊN GIÁO VÀ DÂN VẬN", "*"]
    assert not any(isinstance(item, Rule) for item in header.left)
    assert NATIONAL_TITLE not in texts(header.right)


def test_subject_block_state_regular_party_italic():
    state = build_layout(SEED_004).header.subject
    party = build_layout(SEED_000).header.subject
    assert state[0].text.startswith("V/v tuyên truyền")
    assert " ".join(line.text for line in state) == (
        "V/v tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối ngoại"
        " lần thứ XII")
    assert not any(line.italic for line in state)
    assert all(line.size_pt in (12, 13) for line in state)
    assert all(line.italic and line.size_pt == 12 for line in party)


def test_body_sizes_and_recipients_block_differ_by_style():
    state, party = build_layout(SEED_004), build_layout(SEED_000)
    assert {p.size_pt for p in party.body} == {14}
    assert {p.size_pt for p in state.body} <= {13, 14}
    assert state.recipients.label.bold and state.recipients.label.italic
    assert state.recipients.label.size_pt == 12 and state.recipients.item_size_pt == 11
    assert party.recipients.label.underline and not party.recipients.label.bold
    assert party.recipients.label.size_pt == 14 and party.recipients.item_size_pt == 12


def test_recipients_punctuation_and_party_lưu_without_colon():
    state = build_layout(SEED_004).recipients.items
    assert state[0] == "- Thường trực Đảng ủy phường;"
    assert state[-1] == "- Lưu: VT."
    assert all(item.endswith(";") for item in state[:-1])
    party = build_layout(party_letter(recipients=("Như trên;", "- Lưu: Văn phòng Thành ủy.")))
    assert party.recipients.items == ("- Như trên;", "- Lưu Văn phòng Thành ủy.")


def test_page_setup_a4_margins_and_page_numbers_from_two():
    for doc in SEEDS.values():
        page = build_layout(doc).page
        assert (page.width_mm, page.height_mm) == (210, 297)
        assert 20 <= page.margin_top_mm <= 25 and 20 <= page.margin_bottom_mm <= 25
        assert 30 <= page.margin_left_mm <= 35 and 15 <= page.margin_right_mm <= 20
        assert page.page_number_from == 2
        assert 13 <= page.page_number_size_pt <= 14
        header = build_layout(doc).header
        assert header.left_width_mm + header.right_width_mm == pytest.approx(page.text_width_mm)


# ---- Kính gửi ---------------------------------------------------------------------------------


def test_one_addressee_goes_on_the_label_line():
    salutation = build_layout(SEED_000).salutation
    assert salutation.inline
    assert salutation.label == "Kính gửi:"
    assert salutation.lines == ("Các tổ chức đảng trực thuộc Đảng ủy Bộ.",)


def test_several_addressees_are_dash_lines_last_with_a_full_stop():
    salutation = build_layout(SEED_004).salutation
    assert not salutation.inline
    assert salutation.lines == (
        "- Ban Công tác Mặt trận các Tổ dân phố;",
        "- Các tổ chức thành viên của Mặt trận;",
        "- Các chi hội, đoàn thể trên địa bàn phường.",
    )


def test_addressees_given_with_dashes_and_punctuation_are_normalised():
    salutation = build_layout(state_letter(addressees=("- A;", "B.", "  "))).salutation
    assert salutation.lines == ("- A;", "- B.")
    assert build_layout(state_letter(addressees=())).salutation is None


# ---- body, signature, footnotes ---------------------------------------------------------------


def test_body_numbered_tasks_and_dash_items_justified_with_first_line_indent():
    body = build_layout(SEED_004).body
    assert body[4].text == "1. Đẩy mạnh công tác tuyên truyền:"
    assert body[5].text.startswith("- Tăng cường thông tin")
    assert all(p.justify and p.first_line_indent_mm == pytest.approx(12.7) for p in body)
    assert all(p.space_after_pt >= 6 for p in body)


def test_footnote_marks_become_references():
    layout = build_layout(SEED_000)
    last = layout.body[-1]
    assert [run.footnote for run in last.runs] == [None, 1, None]
    assert last.text == "(Gửi kèm Mã QR Trailer giới thiệu Giải thưởng năm 2026)."
    (note,) = layout.footnotes
    assert note.referenced and note.text.startswith("Thông tin liên hệ")


def test_unreferenced_footnotes_are_kept_and_web_addresses_unbroken():
    layout = build_layout(state_letter(footnotes=("Ghi chú.",),
                                       body=(Paragraph("Xem https://example.vn/a, rồi gửi."),)))
    assert not layout.footnotes[0].referenced
    runs = layout.body[0].runs
    assert [(run.text, run.nobreak) for run in runs] == [
        ("Xem ", False), ("https://example.vn/a", True), (", rồi gửi.", False)]


def test_signature_block_caps_bold_with_room_to_sign():
    signature = build_layout(SEED_000).signature
    assert [line.text for line in signature.lines] == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]
    assert all(line.bold for line in signature.lines)
    assert signature.name.text == "Lê Doãn Hoàn" and signature.name.bold
    assert signature.space_mm >= 20


def test_typed_document_gets_a_title_block_instead_of_v_v():
    layout = build_layout(state_letter(kind="kế hoạch", subject="tuyên truyền Giải thưởng"))
    assert layout.header.subject == ()
    assert [line.text for line in layout.title.lines] == ["KẾ HOẠCH", "tuyên truyền Giải thưởng"]


# ---- helpers and purity -----------------------------------------------------------------------


def test_split_lines_keeps_short_lines_and_breaks_long_ones_evenly():
    assert split_lines("BAN THƯỜNG TRỰC", 13, 66) == ("BAN THƯỜNG TRỰC",)
    assert split_lines("A\nB", 13, 66) == ("A", "B")
    lines = split_lines("V/v " + "tuyên truyền " * 12, 12, 60)
    assert all(text_width_mm(line, 12) <= 60 for line in lines)
    assert len(lines) >= 2


def test_text_is_nfc_and_layout_is_json_ready():
    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân phường Nam Đồng")
    layout = build_layout(state_letter(issuer_parent=decomposed, place=decomposed))
    data = json.loads(json.dumps(layout.to_dict(), ensure_ascii=False))
    assert data["header"]["left"][0]["text"] == unicodedata.normalize("NFC", data["header"][
        "left"][0]["text"])
    assert unicodedata.is_normalized("NFC", layout.header.date.text)


def test_layout_module_imports_no_django():
    code = ("import sys, giaithuong.directives.layout, giaithuong.directives.samples; "
            "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
