"""Rows of a unit spreadsheet (bảng đơn vị), checked before anything is written.

Pure core: no Django. `parse_table` turns the header and the rows of a CSV or xlsx file into
`UnitRow`s and reports every bad cell as a `RowError` (row number as the spreadsheet shows it,
column, message in Vietnamese and English). `plan_rows` then places each row under its parent,
given what the database knows of the parents the file names (`Found`), and returns the rows in an
order where every parent comes before its children, so a parent may be defined later in the file.

The parent column takes one of:
- empty: a top-level unit;
- `id:123` (or `#123`): the unit with that id;
- an administrative code, `01` (province) or `10672` (ward), optionally with the line of the tree
  in front, `front:10672` / `state:10672`, because the State and Front units of a ward share it;
- the full path of names from the top, separated by " / ":
  `Ủy ban Trung ương MTTQ Việt Nam / Ủy ban MTTQ Việt Nam thành phố Hải Phòng`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

COLUMNS = ("name", "short_name", "kind", "code", "parent", "seat", "admin_code", "email",
           "phone", "header_name", "header_parent")
REQUIRED = ("name", "kind")
LIMITS = {"name": 300, "short_name": 100, "kind": 100, "code": 40, "parent": 1500, "seat": 100,
          "admin_code": 20, "email": 254, "phone": 30, "header_name": 200,
          "header_parent": 200}
PATH_SEPARATOR = " / "

# Header cells are matched after folding (no diacritics, lower case, single spaces), so
# "Tên đơn vị", "ten don vi" and "name" all name the same column.
_ALIASES = {
    "name": ("name", "unit name", "ten", "ten don vi"),
    "short_name": ("short name", "short_name", "ten viet tat", "ten ngan", "ten goi tat"),
    "kind": ("kind", "type", "loai", "loai don vi"),
    "code": ("code", "symbol code", "ma ky hieu", "ky hieu"),
    "parent": ("parent", "parent unit", "don vi cap tren", "cap tren", "don vi chu quan"),
    "seat": ("seat", "place", "dia danh", "noi ban hanh", "tru so"),
    "admin_code": ("admin code", "admin_code", "administrative code", "ma hanh chinh",
                   "ma don vi hanh chinh"),
    "email": ("email", "e-mail", "e mail", "thu dien tu"),
    "phone": ("phone", "telephone", "dien thoai", "so dien thoai"),
    "header_name": ("header name", "header_name", "ten tren tieu de", "ten co quan ban hanh"),
    "header_parent": ("header parent", "header_parent", "co quan chu quan",
                      "ten co quan chu quan"),
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+()\-.\s/]{3,30}$")
_ADMIN_CODE = re.compile(r"^(?:\d{2}|\d{5})$")
_PATH_SPLIT = re.compile(r"\s+/\s+")  # "A / B"; a slash inside a name ("Ban A/B") stays
_ID_REF = re.compile(r"^(?:id:|#)\s*(\d{1,12})$", re.IGNORECASE)
_ADMIN_REF = re.compile(r"^(?:(\w+)\s*:\s*)?(\d{2}|\d{5})$")
# A leading quote guards a cell from being read as a formula by spreadsheet programs (see
# unit_io.write_csv); it is not part of the value.
_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")

MESSAGES = {
    "unknown_column": ("Cột “{value}” không có trong mẫu; các cột hợp lệ: {allowed}.",
                       "Column “{value}” is not in the template; the columns are: {allowed}."),
    "duplicate_column": ("Cột “{value}” xuất hiện hai lần.", "Column “{value}” appears twice."),
    "missing_column": ("Thiếu cột bắt buộc “{value}”.",
                       "The required column “{value}” is missing."),
    "required": ("Ô này bắt buộc phải có nội dung.", "This cell must not be empty."),
    "too_long": ("Dài quá {limit} ký tự.", "Longer than {limit} characters."),
    "bad_kind": ("Loại “{value}” không hợp lệ; dùng một trong: {allowed}.",
                 "Kind “{value}” is not allowed; use one of: {allowed}."),
    "bad_email": ("Địa chỉ thư điện tử “{value}” không hợp lệ.",
                  "“{value}” is not a valid e-mail address."),
    "bad_phone": ("Số điện thoại “{value}” không hợp lệ.",
                  "“{value}” is not a valid phone number."),
    "bad_admin_code": ("Mã hành chính “{value}” phải gồm 2 chữ số (tỉnh) hoặc 5 chữ số (xã), "
                       "nhập dạng văn bản để giữ số 0 ở đầu.",
                       "Administrative code “{value}” must be 2 digits (province) or 5 digits "
                       "(ward), entered as text to keep its leading zeros."),
    "bad_line": ("“{value}” không phải là loại đơn vị; viết ví dụ front:10672 hoặc state:10672.",
                 "“{value}” is not a unit kind; write e.g. front:10672 or state:10672."),
    "seat_needed": ("Đơn vị cấp cao nhất phải có địa danh.",
                    "A top-level unit needs a seat (the place on its date line)."),
    "duplicate_row": ("Trùng với dòng {other}: cùng tên và cùng đơn vị cấp trên.",
                      "Same name and parent as row {other}."),
    "unknown_parent": ("Không tìm thấy đơn vị cấp trên “{value}” trong các đơn vị bạn được "
                       "quản lý.",
                       "The parent unit “{value}” was not found among the units you may "
                       "manage."),
    "ambiguous_parent": ("Có {count} đơn vị khớp với “{value}”; ghi rõ hơn, ví dụ id:123 hoặc "
                         "front:10672.",
                         "{count} units match “{value}”; be more precise, e.g. id:123 or "
                         "front:10672."),
    "not_allowed": ("Bạn không được thêm hoặc sửa đơn vị ở vị trí này.",
                    "You may not add or change units in this place."),
    "root_not_allowed": ("Chỉ Ban Tổ chức được thêm đơn vị cấp cao nhất; ghi đơn vị cấp trên.",
                         "Only organisers may add top-level units; fill in the parent."),
}


def fold(value: str) -> str:
    """Text for matching, not for showing: no diacritics, đ as d, lower case, single spaces."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def clean(value: object) -> str:
    """A cell as stored text: NFC, trimmed, inner runs of spaces made single."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(_FORMULA_GUARD.sub("", text.strip()).split())


@dataclass(frozen=True)
class RowError:
    """A bad cell: `row` as the spreadsheet numbers it (the header is row 1), `column` a key of
    COLUMNS ("" for a whole row)."""

    row: int
    column: str
    code: str
    message_vi: str
    message_en: str

    def message(self, language: str = "vi") -> str:
        return self.message_en if language.startswith("en") else self.message_vi

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code,
                "message_vi": self.message_vi, "message_en": self.message_en}


def row_error(row: int, column: str, code: str, **params: object) -> RowError:
    vi, en = MESSAGES[code]
    return RowError(row, column, code, vi.format(**params), en.format(**params))


@dataclass(frozen=True)
class ParentRef:
    """Where a row hangs: `by` is "none", "id", "admin" or "path"; `value` the id, the code or
    the tuple of names; `line` narrows an administrative code to one kind of unit."""

    by: str
    value: object = None
    line: str = ""
    text: str = ""

    @property
    def key(self) -> tuple:
        return (self.by, self.value, self.line)


ROOT = ParentRef("none")


@dataclass
class UnitRow:
    row: int
    name: str
    kind: str
    parent: ParentRef = ROOT
    short_name: str = ""
    code: str = ""
    seat: str = ""
    admin_code: str = ""
    email: str = ""
    phone: str = ""
    header_name: str = ""
    header_parent: str = ""
    # The columns the file has: a column it lacks leaves that field of an existing unit alone.
    present: frozenset[str] = frozenset(COLUMNS)

    def values(self) -> dict[str, str]:
        """The fields this row sets (never parent or name, which identify the unit)."""
        return {column: getattr(self, column) for column in COLUMNS
                if column in self.present and column not in ("name", "parent")}


@dataclass
class Table:
    rows: list[UnitRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Full paths of rows that failed, so rows under them are not reported twice.
    rejected: set[tuple[str, ...]] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_header(cells: Sequence[object]) -> tuple[dict[int, str], list[RowError]]:
    """Which column each header cell is (by position), and the errors of the header row."""
    lookup = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
    lookup.update({fold(key): key for key in COLUMNS})
    columns: dict[int, str] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        text = clean(cell)
        if not text:
            continue
        key = lookup.get(fold(text)) or lookup.get(fold(text).replace("_", " "))
        if key is None:
            errors.append(row_error(1, "", "unknown_column", value=text,
                                    allowed=", ".join(COLUMNS)))
        elif key in columns.values():
            errors.append(row_error(1, key, "duplicate_column", value=text))
        else:
            columns[index] = key
    errors.extend(row_error(1, key, "missing_column", value=key)
                  for key in REQUIRED if key not in columns.values())
    return columns, errors


def parse_parent(text: str, *, kinds: Iterable[str]) -> ParentRef | RowError:
    """The parent reference a cell holds; a RowError (row 0, filled in by the caller) when the
    line in front of an administrative code is not a kind."""
    if not text:
        return ROOT
    if match := _ID_REF.match(text):
        return ParentRef("id", int(match.group(1)), text=text)
    if match := _ADMIN_REF.match(text):
        line = (match.group(1) or "").lower()
        if line and line not in set(kinds):
            return row_error(0, "parent", "bad_line", value=text)
        return ParentRef("admin", match.group(2), line=line, text=text)
    names = tuple(clean(part) for part in _PATH_SPLIT.split(text))
    if any(not name for name in names):
        # "A / / B" or a trailing slash: treat the cell as one name rather than guess.
        names = (text,)
    return ParentRef("path", names, text=text)


def _cell_errors(row: int, values: dict[str, str], kinds: Mapping[str, str]) -> list[RowError]:
    errors = []
    for column in REQUIRED:
        if column in values and not values[column]:
            errors.append(row_error(row, column, "required"))
    for column, value in values.items():
        if len(value) > LIMITS[column]:
            errors.append(row_error(row, column, "too_long", limit=LIMITS[column]))
    kind = values.get("kind", "")
    if kind and fold(kind) not in kinds:
        errors.append(row_error(row, "kind", "bad_kind", value=kind,
                                allowed=", ".join(sorted(set(kinds.values())))))
    if (email := values.get("email")) and not _EMAIL.match(email):
        errors.append(row_error(row, "email", "bad_email", value=email))
    if (phone := values.get("phone")) and not _PHONE.match(phone):
        errors.append(row_error(row, "phone", "bad_phone", value=phone))
    admin_code = values.get("admin_code", "")
    if admin_code and admin_code.isdigit() and not _ADMIN_CODE.match(admin_code):
        errors.append(row_error(row, "admin_code", "bad_admin_code", value=admin_code))
    return errors


def parse_table(header: Sequence[object], rows: Iterable[Sequence[object]], *,
                kinds: Mapping[str, str], first_row: int = 2) -> Table:
    """Check every row; `kinds` maps each accepted spelling (folded) to a kind code."""
    columns, errors = read_header(header)
    table = Table(errors=errors)
    if errors:
        return table
    present = frozenset(columns.values())
    for number, cells in enumerate(rows, start=first_row):
        values = {key: clean(cells[index]) if index < len(cells) else ""
                  for index, key in columns.items()}
        if not any(values.values()):
            continue  # blank lines between blocks are common in hand-made sheets
        row_errors = _cell_errors(number, values, kinds)
        parent = parse_parent(values.get("parent", ""), kinds=set(kinds.values()))
        if isinstance(parent, RowError):
            row_errors.append(RowError(number, parent.column, parent.code, parent.message_vi,
                                       parent.message_en))
            parent = None
        elif parent.by == "none" and not values.get("seat"):
            row_errors.append(row_error(number, "seat", "seat_needed"))
        table.errors.extend(row_errors)
        if row_errors and values.get("name") and parent and parent.by in ("none", "path"):
            above = parent.value if parent.by == "path" else ()
            table.rejected.add((*above, values["name"]))
        if not row_errors:
            kind = kinds[fold(values["kind"])]
            fields = {key: value for key, value in values.items()
                      if key not in ("kind", "parent")}
            table.rows.append(UnitRow(row=number, kind=kind, parent=parent, present=present,
                                      **fields))
    return table


@dataclass(frozen=True)
class Found:
    """A unit in the database that a parent reference points at: its id, its kind and the
    names from the top down to it."""

    id: int
    kind: str
    names: tuple[str, ...]


@dataclass
class Step:
    """One row placed: under an existing unit (`parent_id`), under a row of the same file
    (`parent_row`, its spreadsheet row number) or at the top (both None). `names` is its full
    path of names."""

    row: UnitRow
    parent_id: int | None = None
    parent_row: int | None = None
    names: tuple[str, ...] = ()


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def external_refs(rows: Iterable[UnitRow]) -> set[ParentRef]:
    """The parent references the database must look up (all but top-level rows)."""
    return {row.parent for row in rows if row.parent.by != "none"}


def _database_parent(row: UnitRow, found: Mapping[tuple, Sequence[Found]]) -> list[Found]:
    candidates = list(found.get(row.parent.key, ()))
    if row.parent.by == "admin" and not row.parent.line and len(candidates) > 1:
        # The State and Front units of one ward share its code: the row's own kind decides.
        candidates = [unit for unit in candidates if unit.kind == row.kind] or candidates
    return candidates


def _full_path(row: UnitRow, found: Mapping[tuple, Sequence[Found]]) -> tuple[str, ...] | None:
    if row.parent.by == "none":
        return (row.name,)
    if row.parent.by == "path":
        return (*row.parent.value, row.name)
    candidates = _database_parent(row, found)
    return (*candidates[0].names, row.name) if len(candidates) == 1 else None


def plan_rows(rows: Sequence[UnitRow], found: Mapping[tuple, Sequence[Found]], *,
              rejected: Iterable[tuple[str, ...]] = ()) -> Plan:
    """Place every row; `found` maps `ParentRef.key` to the database units it matches.

    Names are compared exactly (after `clean`), as the database keeps them. A path that is the
    full path of another row of the file points at that row, so a parent may come later in the
    file. `rejected` holds the full paths of rows that failed their own
    checks: rows under them get no second error. Rows come back parents first (a full path
    grows by one name per level, so sorting by its length is enough).
    """
    plan = Plan()
    paths = {row.row: _full_path(row, found) for row in rows}
    own_paths: dict[tuple, int] = {}
    for row in rows:
        if paths[row.row] is not None:
            own_paths.setdefault(paths[row.row], row.row)
    rejected = set(rejected)
    seen: dict[tuple, int] = {}
    for row in rows:
        step = _place(row, paths[row.row], own_paths, rejected, found, plan.errors)
        if step is None:
            continue
        parent = ("row", step.parent_row) if step.parent_row else ("db", step.parent_id)
        key = (parent, row.name)
        if key in seen:
            plan.errors.append(row_error(row.row, "name", "duplicate_row", other=seen[key]))
            continue
        seen[key] = row.row
        plan.steps.append(step)
    plan.steps.sort(key=lambda step: len(step.names))
    return plan


def _place(row: UnitRow, names: tuple[str, ...] | None, own_paths: dict, rejected: set,
           found: Mapping[tuple, Sequence[Found]], errors: list[RowError]) -> Step | None:
    ref = row.parent
    if ref.by == "none":
        return Step(row, names=(row.name,))
    if ref.by == "path":
        parent_row = own_paths.get(ref.value)
        if parent_row is not None and parent_row != row.row:
            return Step(row, parent_row=parent_row, names=names)
        if ref.value in rejected:
            return None  # its parent row is already reported
    candidates = _database_parent(row, found)
    if not candidates:
        errors.append(row_error(row.row, "parent", "unknown_parent", value=ref.text))
        return None
    if len(candidates) > 1:
        errors.append(row_error(row.row, "parent", "ambiguous_parent", value=ref.text,
                                count=len(candidates)))
        return None
    return Step(row, parent_id=candidates[0].id, names=(*candidates[0].names, row.name))
