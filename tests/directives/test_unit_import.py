"""Importing units from a spreadsheet: all or nothing, idempotent, within the importer's rights,
and an export imports back cleanly."""

import pytest

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.common.models import AuditEvent
from giaithuong.directives.models import OrganisationUnit, UnitKind
from giaithuong.directives.services import create_residential_groups, ensure_unit
from giaithuong.directives.unit_import import import_units
from giaithuong.directives.unit_io import write_csv, write_xlsx
from giaithuong.directives.unit_selectors import export_rows
from giaithuong.directives.unit_table import COLUMNS

ROOT = "Ủy ban Trung ương MTTQ Việt Nam"
CITY = "Ủy ban MTTQ Việt Nam thành phố Hải Phòng"
WARD = "Ủy ban MTTQ Việt Nam phường Nam Đồng"


@pytest.fixture
def tree(db):
    front = ensure_unit(name=ROOT, kind=UnitKind.FRONT, seat="Hà Nội")
    city = ensure_unit(name=CITY, kind=UnitKind.FRONT, parent=front, seat="Hải Phòng")
    ward = ensure_unit(name=WARD, kind=UnitKind.FRONT, parent=city, seat="Nam Đồng")
    ward.admin_code = "10672"
    ward.save()
    state_ward = ensure_unit(name="Ủy ban nhân dân phường Nam Đồng", kind=UnitKind.STATE,
                             seat="Nam Đồng")
    state_ward.admin_code = "10672"
    state_ward.save()
    return {"front": front, "city": city, "ward": ward, "state_ward": state_ward}


def person(username, role, **scope):
    user = create_user(username=username, password="x-Very-long-1")
    grant_role(user, role, **scope)
    return user


@pytest.fixture
def organiser(db):
    return person("org", Role.ORGANISER)


def csv(*rows, header=COLUMNS) -> bytes:
    return write_csv(header, [[row.get(column, "") for column in header] for row in rows])


def test_a_good_file_creates_everything_in_one_go(tree, organiser):
    data = csv(
        {"name": "Tổ dân phố số 1", "kind": "residential", "parent": f"{ROOT} / {CITY} / "
                                                                    f"{WARD} / Khu dân cư A"},
        {"name": "Khu dân cư A", "kind": "residential", "parent": "front:10672"},
        {"name": "Hội Phụ nữ phường Nam Đồng", "kind": "mass", "parent": "front:10672",
         "email": "hpn@example.vn"},
        {"name": "Ban Chỉ đạo", "kind": "party", "parent": f"id:{tree['city'].pk}",
         "seat": "Hải Phòng", "code": "BCĐ"},
    )
    result = import_units(data, "units.csv", actor=organiser)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    area = OrganisationUnit.objects.get(name="Khu dân cư A")
    group = OrganisationUnit.objects.get(name="Tổ dân phố số 1")
    assert area.parent == tree["ward"] and group.parent == area
    assert group.seat == "Nam Đồng"  # from the ward, through the area
    assert group.path == f"{area.path}{group.pk}/" and group.depth == 4
    women = OrganisationUnit.objects.get(name="Hội Phụ nữ phường Nam Đồng")
    assert women.parent == tree["ward"] and women.email == "hpn@example.vn"
    assert OrganisationUnit.objects.get(name="Ban Chỉ đạo").parent == tree["city"]
    events = AuditEvent.objects.filter(action="units.imported")
    assert events.count() == 1 and events.get().after["created"] == 4
    assert not AuditEvent.objects.filter(action="unit.created", actor=organiser).exists()


def test_a_shared_ward_code_must_name_its_line(tree, organiser):
    """The State and Front units of a ward share its code: a Front row goes to the Front unit,
    any other kind must say which line."""
    result = import_units(csv({"name": "Ban Công tác Mặt trận", "kind": "front",
                               "parent": "10672"}), "u.csv", actor=organiser)
    assert result.ok and OrganisationUnit.objects.get(
        name="Ban Công tác Mặt trận").parent == tree["ward"]
    result = import_units(csv({"name": "Hội Phụ nữ", "kind": "mass", "parent": "10672"}),
                          "u.csv", actor=organiser)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "parent", "ambiguous_parent")]
    assert "front:10672" in result.errors[0].message_en


def test_one_bad_row_and_nothing_is_written(tree, organiser):
    before = OrganisationUnit.objects.count()
    data = csv({"name": "Tổ 1", "kind": "residential", "parent": "front:10672"},
               {"name": "Tổ 2", "kind": "residential", "parent": "front:10672",
                "email": "wrong"},
               {"name": "Tổ 3", "kind": "nonsense", "parent": "Không có"})
    result = import_units(data, "u.csv", actor=organiser)
    assert not result.ok
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "email", "bad_email"), (4, "kind", "bad_kind")]
    assert OrganisationUnit.objects.count() == before
    assert not AuditEvent.objects.filter(action="units.imported").exists()


def test_importing_twice_changes_nothing_and_a_changed_cell_updates(tree, organiser):
    data = csv({"name": "Tổ 1", "kind": "residential", "parent": "front:10672",
                "phone": "0225 111"})
    assert import_units(data, "u.csv", actor=organiser).created == 1
    again = import_units(data, "u.csv", actor=organiser)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = csv({"name": "Tổ 1", "kind": "residential", "parent": "front:10672",
                   "phone": "0225 222"})
    assert import_units(changed, "u.csv", actor=organiser).updated == 1
    unit = OrganisationUnit.objects.get(name="Tổ 1")
    assert unit.phone == "0225 222" and unit.seat == "Nam Đồng"
    assert OrganisationUnit.objects.filter(name="Tổ 1").count() == 1


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_an_export_imports_back_cleanly(tree, organiser, writer):
    create_residential_groups(tree["ward"], actor=None, count=3)
    OrganisationUnit.objects.filter(name="Tổ dân phố số 2").update(
        phone="+84 225 3842 123", email="to2@example.vn", header_name="=SUM(1)")
    before = list(OrganisationUnit.objects.order_by("id").values())
    data = writer(COLUMNS, export_rows(tree["city"]))
    result = import_units(data, "export", actor=organiser)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert list(OrganisationUnit.objects.order_by("id").values()) == before

    # The same file rebuilds the subtree in a tree that lacks it.
    OrganisationUnit.objects.filter(parent=tree["ward"]).delete()
    result = import_units(data, "export", actor=organiser)
    assert (result.created, result.unchanged) == (3, 2)
    two = OrganisationUnit.objects.get(name="Tổ dân phố số 2")
    assert (two.phone, two.email, two.header_name, two.parent) == (
        "+84 225 3842 123", "to2@example.vn", "=SUM(1)", tree["ward"])


def test_export_rows_are_parents_first_with_name_paths(tree):
    create_residential_groups(tree["ward"], actor=None, count=2)
    rows = list(export_rows(tree["ward"]))
    parent = COLUMNS.index("parent")
    assert [row[0] for row in rows] == [WARD, "Tổ dân phố số 1", "Tổ dân phố số 2"]
    assert rows[0][parent] == f"{ROOT} / {CITY}"
    assert rows[1][parent] == f"{ROOT} / {CITY} / {WARD}"


def test_an_officer_imports_only_below_their_units(tree):
    officer = person("ward", Role.UNIT_OFFICER, unit=tree["ward"])
    create_residential_groups(tree["ward"], actor=None, count=2)
    # Their own export (whose first row hangs under the city they do not manage) reads back.
    own = write_csv(COLUMNS, export_rows(tree["ward"]))
    result = import_units(own, "own.csv", actor=officer)
    assert result.ok and result.unchanged == 3

    data = csv({"name": "Tổ mới", "kind": "residential", "parent": f"{ROOT} / {CITY} / {WARD}"},
               {"name": "Phường lạ", "kind": "front", "parent": f"{ROOT} / {CITY}"},
               {"name": "Cấp trên", "kind": "front", "seat": "Hà Nội"},
               {"name": "Tổ dưới phường lạ", "kind": "residential",
                "parent": f"{ROOT} / {CITY} / Phường lạ"})
    result = import_units(data, "u.csv", actor=officer)
    assert [(e.row, e.code) for e in result.errors] == [(3, "unknown_parent"),
                                                       (4, "root_not_allowed")]
    # The refusal reads like a parent that does not exist: a file must not map the tree.
    assert CITY in result.errors[0].message_en
    assert not OrganisationUnit.objects.filter(name="Tổ mới").exists()


def test_unreadable_file_and_bad_header(tree, organiser):
    result = import_units(b"PK\x03\x04garbage", "u.xlsx", actor=organiser)
    assert result.file_error is not None and not result.ok
    result = import_units(csv({"name": "x"}, header=("name", "colour")), "u.csv",
                          actor=organiser)
    assert [(e.row, e.code) for e in result.errors] == [(1, "unknown_column"),
                                                       (1, "missing_column")]


def test_rows_at_the_top_are_for_organisers(db, organiser):
    data = csv({"name": "Ban Tuyên giáo và Dân vận Trung ương", "kind": "party",
                "seat": "Hà Nội", "code": "BTGDVTW"},
               {"name": "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng", "kind": "party",
                "parent": "Ban Tuyên giáo và Dân vận Trung ương"})
    result = import_units(data, "u.csv", actor=organiser)
    assert result.ok and result.created == 2
    child = OrganisationUnit.objects.get(name__endswith="Thành ủy Hải Phòng")
    assert child.seat == "Hà Nội" and child.depth == 1
