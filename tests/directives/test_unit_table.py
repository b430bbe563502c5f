"""The pure core that checks unit spreadsheets: header, cells, parent references, placement."""

from hypothesis import given, settings
from hypothesis import strategies as st

from giaithuong.directives.unit_table import (
    COLUMNS,
    Found,
    ParentRef,
    clean,
    external_refs,
    fold,
    parse_parent,
    parse_table,
    plan_rows,
)

KINDS = {"front": "front", "state": "state", "residential": "residential", "party": "party",
         "uy ban mat tran to quoc": "front"}
HEADER = list(COLUMNS)
ROOT = "Ủy ban Trung ương MTTQ Việt Nam"
CITY = "Ủy ban MTTQ Việt Nam thành phố Hải Phòng"


def row(**cells) -> list[str]:
    return [cells.get(column, "") for column in COLUMNS]


def table(*rows, header=HEADER):
    return parse_table(header, list(rows), kinds=KINDS)


def codes(result) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.code) for error in result.errors]


def test_fold_and_clean():
    assert fold("  Phường   NAM ĐỒNG ") == "phuong nam dong"
    assert fold("Ủy ban") == fold("Uỷ ban") == "uy ban"
    decomposed = "Nam \u0110o\u0302\u0300ng"  # NFD, as some Mac files store it
    assert clean(decomposed) == "Nam Đồng"
    assert clean("  Tổ   dân phố  ") == "Tổ dân phố"
    assert clean(None) == "" and clean(10672) == "10672"
    assert clean("'=HYPERLINK(1)") == "=HYPERLINK(1)"  # the guard written by the CSV export
    assert clean("'Quote") == "'Quote"


def test_a_good_file_gives_rows_with_their_numbers():
    result = table(row(name=ROOT, kind="front", seat="Hà Nội"),
                   row(),  # blank lines are skipped but still counted
                   row(name=CITY, kind="Ủy ban Mặt trận Tổ quốc", parent=ROOT,
                       email="mttq@haiphong.gov.vn", phone="+84 225 3842 123",
                       admin_code="31"))
    assert result.ok, result.errors
    assert [r.row for r in result.rows] == [2, 4]
    city = result.rows[1]
    assert city.kind == "front" and city.parent == ParentRef("path", (ROOT,), text=ROOT)
    assert city.values()["admin_code"] == "31" and "parent" not in city.values()


def test_vietnamese_headers_are_understood():
    header = ["Tên đơn vị", "Loại", "Đơn vị cấp trên", "Địa danh", "Thư điện tử",
              "Số điện thoại", "Mã hành chính"]
    result = parse_table(header, [["Tổ dân phố số 1", "residential", "id:5", "", "", "", ""]],
                         kinds=KINDS)
    assert result.ok, result.errors
    assert result.rows[0].present == {"name", "kind", "parent", "seat", "email", "phone",
                                      "admin_code"}


def test_header_problems_stop_the_check():
    result = parse_table(["name", "Tên", "colour"], [["x"]], kinds=KINDS)
    assert codes(result) == [(1, "name", "duplicate_column"), (1, "", "unknown_column"),
                             (1, "kind", "missing_column")]
    assert not result.rows
    error = result.errors[1]
    assert "colour" in error.message_en and "colour" in error.message_vi
    assert error.message("en") == error.message_en and error.message("vi") == error.message_vi


def test_every_bad_cell_is_reported_with_row_and_column():
    result = table(
        row(name="", kind="front", parent="id:1"),
        row(name="A", kind="church", parent="id:1"),
        row(name="B", kind="front", parent="id:1", email="not-an-address"),
        row(name="C", kind="front", parent="id:1", phone="call me"),
        row(name="D", kind="front", parent="id:1", admin_code="123"),
        row(name="E" * 301, kind="front", parent="id:1"),
        row(name="F", kind="front"),  # a top-level unit without a seat
        row(name="G", kind="front", parent="church:10672"),
    )
    assert codes(result) == [
        (2, "name", "required"), (3, "kind", "bad_kind"), (4, "email", "bad_email"),
        (5, "phone", "bad_phone"), (6, "admin_code", "bad_admin_code"),
        (7, "name", "too_long"), (8, "seat", "seat_needed"), (9, "parent", "bad_line")]
    assert "church" in result.errors[1].message_en and "front" in result.errors[1].message_en
    assert "Loại" in result.errors[1].message_vi
    assert not result.rows


def test_parent_references():
    kinds = {"front", "state"}
    assert parse_parent("", kinds=kinds).by == "none"
    assert parse_parent("id:42", kinds=kinds) == ParentRef("id", 42, text="id:42")
    assert parse_parent("#42", kinds=kinds).value == 42
    assert parse_parent("01", kinds=kinds) == ParentRef("admin", "01", text="01")
    assert parse_parent("front:10672", kinds=kinds) == ParentRef("admin", "10672", "front",
                                                                  "front:10672")
    assert parse_parent(f"{ROOT} / {CITY}", kinds=kinds).value == (ROOT, CITY)
    # A slash inside a name without spaces stays part of the name.
    assert parse_parent("Ban A/B", kinds=kinds).value == ("Ban A/B",)
    # 3 digits is neither a province nor a ward code: a name.
    assert parse_parent("123", kinds=kinds).by == "path"


def test_a_parent_may_be_defined_later_in_the_file():
    result = table(
        row(name="Tổ dân phố số 1", kind="residential", parent=f"{ROOT} / {CITY} / Phường X"),
        row(name="Phường X", kind="front", parent=f"{ROOT} / {CITY}", seat="X"),
        row(name=CITY, kind="front", parent=ROOT, seat="Hải Phòng"),
    )
    assert result.ok
    found = {("path", (ROOT,), ""): [Found(id=1, kind="front", names=(ROOT,))]}
    plan = plan_rows(result.rows, found)
    assert not plan.errors
    assert [step.row.row for step in plan.steps] == [4, 3, 2]  # parents first
    assert plan.steps[0].parent_id == 1
    assert plan.steps[1].parent_row == 4 and plan.steps[2].parent_row == 3


def test_unknown_and_ambiguous_parents():
    result = table(row(name="A", kind="residential", parent="Nowhere"),
                   row(name="B", kind="residential", parent="10672"),
                   row(name="C", kind="front", parent="10672"),
                   row(name="D", kind="residential", parent="front:10672"))
    ward_state = Found(id=7, kind="state", names=("Chính phủ", "UBND"))
    ward_front = Found(id=8, kind="front", names=(ROOT, "MTTQ"))
    found = {("admin", "10672", ""): [ward_state, ward_front],
             ("admin", "10672", "front"): [ward_front]}
    plan = plan_rows(result.rows, found)
    assert [(e.row, e.code) for e in plan.errors] == [(2, "unknown_parent"),
                                                      (3, "ambiguous_parent")]
    # A Front row under a shared ward code goes to the Front unit; the line can be named.
    assert {step.row.name: step.parent_id for step in plan.steps} == {"C": 8, "D": 8}
    assert "Nowhere" in plan.errors[0].message_en


def test_duplicate_rows_are_reported_against_the_first():
    result = table(row(name="Tổ 1", kind="residential", parent="id:3"),
                   row(name="Tổ 1", kind="residential", parent="#3"),
                   row(name="Tổ 1", kind="residential", parent="id:4"))
    found = {("id", 3, ""): [Found(3, "front", ("A",))], ("id", 4, ""): [Found(4, "front", ("B",))]}
    plan = plan_rows(result.rows, found)
    assert [(e.row, e.column, e.code) for e in plan.errors] == [(3, "name", "duplicate_row")]
    assert "2" in plan.errors[0].message_en
    assert len(plan.steps) == 2


def test_rows_under_a_bad_row_are_not_reported_twice():
    result = table(row(name="Phường X", kind="church", parent="A"),
                   row(name="Tổ 1", kind="residential", parent="A / Phường X"))
    assert codes(result) == [(2, "kind", "bad_kind")]
    plan = plan_rows(result.rows, {}, rejected=result.rejected)
    assert not plan.errors and not plan.steps


def test_external_refs_are_the_parents_to_look_up():
    result = table(row(name="A", kind="front", seat="Hà Nội"),
                   row(name="B", kind="front", parent="id:9"),
                   row(name="C", kind="front", parent="id:9"))
    assert external_refs(result.rows) == {ParentRef("id", 9, text="id:9")}


def test_missing_optional_columns_leave_fields_alone():
    result = parse_table(["name", "kind", "parent"], [["Tổ 1", "residential", "id:2"]],
                         kinds=KINDS)
    assert result.rows[0].values() == {"kind": "residential"}


cells = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.floats(allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(cells, max_size=14), max_size=20))
def test_checking_never_raises_and_numbers_rows_within_the_file(rows):
    result = table(*rows)
    last = len(rows) + 1
    assert all(1 < error.row <= last for error in result.errors)
    assert all(1 < r.row <= last for r in result.rows)
    plan = plan_rows(result.rows, {}, rejected=result.rejected)
    assert all(error.row <= last for error in plan.errors)
