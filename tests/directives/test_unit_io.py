"""Reading and writing unit spreadsheets, and the guards on untrusted files."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from giaithuong.directives import unit_io
from giaithuong.directives.unit_io import (
    UnitFileError,
    csv_chunks,
    read_table,
    write_csv,
    write_xlsx,
)
from giaithuong.directives.unit_table import COLUMNS, clean

ROWS = [
    ["Ủy ban MTTQ Việt Nam phường Nam Đồng", "Nam Đồng", "front", "MTTQ-BTT",
     "Ủy ban Trung ương MTTQ Việt Nam / Ủy ban MTTQ Việt Nam thành phố Hải Phòng", "Nam Đồng",
     "10672", "mttq@namdong.vn", "+84 225 3842 123", "BAN THƯỜNG TRỰC",
     "ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG"],
    ["=HYPERLINK(\"http://evil\")", "", "residential", "", "id:1", "", "", "", "", "", ""],
]


def test_csv_is_utf8_with_bom_and_reads_back():
    data = write_csv(COLUMNS, ROWS)
    assert data.startswith("\ufeff".encode())
    header, rows = read_table(data, "units.csv")
    assert header == list(COLUMNS)
    assert [[clean(cell) for cell in row] for row in rows] == ROWS
    # A cell a spreadsheet would run as a formula is written with a leading quote.
    assert b"'=HYPERLINK" in data and b"'+84" in data


def test_csv_comes_in_chunks():
    rows = [[f"Tổ {n}", "", "residential", "", "id:1", "", "", "", "", "", ""]
            for n in range(1200)]
    chunks = list(csv_chunks(COLUMNS, rows))
    assert len(chunks) > 2
    assert b"".join(chunks) == write_csv(COLUMNS, rows)


def test_xlsx_round_trip_keeps_text_and_leading_zeros():
    rows = [*ROWS, ["Ủy ban nhân dân thành phố Hà Nội", "Hà Nội", "state", "UBND", "Chính phủ",
                    "Hà Nội", "01", "", "", "", ""]]
    data = write_xlsx(COLUMNS, rows, title="Hải Phòng / Nam Đồng: tổ")
    header, read = read_table(data, "units.xlsx")
    assert header == list(COLUMNS)
    padded = [[*row, *[""] * (len(COLUMNS) - len(row))] for row in read]
    assert [[cell or "" for cell in row] for row in padded] == rows
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.title == "Hải Phòng   Nam Đồng  tổ"[:31]
    assert sheet["A3"].data_type == "s"  # the "=HYPERLINK" name is text, not a formula


def test_numbers_typed_into_a_sheet_read_as_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "kind", "parent", "admin_code"])
    sheet.append(["Tổ 1", "residential", 10672, 1.0])
    out = io.BytesIO()
    workbook.save(out)
    _, rows = read_table(out.getvalue(), "units.xlsx")
    assert rows[0][:4] == ["Tổ 1", "residential", "10672", "1"]


def test_semicolon_csv_and_windows_1258():
    text = "name;kind;parent\r\nTổ dân phố số 1;residential;id:3\r\n"
    header, rows = read_table(text.encode("utf-8"), "units.csv")
    assert header == ["name", "kind", "parent"] and rows == [["Tổ dân phố số 1", "residential",
                                                             "id:3"]]
    header, rows = read_table("name,kind\r\nThôn Đông,residential\r\n".encode("cp1258"))
    assert clean(rows[0][0]) == "Thôn Đông"


def test_files_too_big_or_too_long_are_refused(monkeypatch):
    with pytest.raises(UnitFileError, match="larger than 5 MB"):
        read_table(b"x" * (5 * 1024 * 1024 + 1), "big.csv")
    monkeypatch.setattr(unit_io, "MAX_ROWS", 100)
    data = write_csv(COLUMNS, [[f"Tổ {n}", "", "residential"] for n in range(101)])
    with pytest.raises(UnitFileError, match="more than 100 rows") as raised:
        read_table(data, "long.csv")
    assert "dòng" in raised.value.message_vi
    read_table(write_csv(COLUMNS, [["Tổ", "", "residential"]] * 100), "ok.csv")


def test_the_row_limit_is_fifty_thousand():
    data = ("name,kind\n" + "a,residential\n" * 50_001).encode()
    with pytest.raises(UnitFileError, match="50,000"):
        read_table(data, "long.csv")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened():
    bomb = _zip({"xl/worksheets/sheet1.xml": b"\0" * (3 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(UnitFileError, match="zip bomb") as raised:
        read_table(bomb, "bomb.xlsx")
    assert "bom nén" in raised.value.message_vi


def test_a_forged_size_is_caught_while_unpacking(monkeypatch):
    monkeypatch.setattr(unit_io, "MAX_UNCOMPRESSED", 1000)
    monkeypatch.setattr(unit_io, "MAX_RATIO", 10**9)
    archive = bytearray(_zip({"a.xml": b"<x/>" * 1000}))
    # Lower the declared size in both headers; the real data is still 4,000 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = archive.find(signature)
        archive[at + offset:at + offset + 4] = (10).to_bytes(4, "little")
    with pytest.raises(UnitFileError):
        unit_io.check_zip(bytes(archive))


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"PK\x03\x04 not really a zip", "units.xlsx", "damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "units.xls", ".xls"),
    (b"   \n", "units.csv", "empty"),
    (_zip({"hello.txt": b"not a workbook"}), "units.xlsx", "damaged"),
])
def test_unreadable_files_are_refused_with_a_reason(data, name, message):
    with pytest.raises(UnitFileError, match=message):
        read_table(data, name)


def test_a_stray_far_cell_does_not_widen_every_row():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "kind"])
    sheet.append(["Tổ 1", "residential"])
    sheet.cell(row=1, column=16000, value="stray")
    out = io.BytesIO()
    workbook.save(out)
    header, rows = read_table(out.getvalue(), "units.xlsx")
    assert header == ["name", "kind"]  # column 16,000 is never read
    assert rows == [["Tổ 1", "residential"]]
