"""Vietnam's administrative units (2025) loaded into the State and Front lines of the tree."""

import io
import unicodedata
from collections import Counter

import pytest
from django.core.management import call_command

from giaithuong.common.models import AuditEvent
from giaithuong.directives import admin_units
from giaithuong.directives.admin_units import Line
from giaithuong.directives.models import OrganisationUnit, UnitKind
from giaithuong.directives.services import ensure_unit, load_admin_units


def test_the_package_holds_the_2025_units():
    provinces, wards = admin_units.divisions()
    assert len(provinces) == 34 and len(wards) == 3321
    assert Counter(ward.word for ward in wards) == {"xã": 2621, "phường": 687, "đặc khu": 13}
    assert Counter(p.word for p in provinces)["thành phố"] == 6
    for division in [*provinces, *wards]:
        assert division.name == unicodedata.normalize("NFC", division.name)
        assert "  " not in division.name and division.name == division.name.strip()
        assert not division.name.lower().startswith(division.word)
    assert all(len(p.code) == 2 for p in provinces)
    assert all(len(w.code) == 5 and w.province_code for w in wards)


def test_names_of_the_bodies():
    provinces, wards = admin_units.divisions()
    by_code = {d.code: d for d in [*provinces, *wards]}
    haiphong, caobang, namdong = by_code["31"], by_code["04"], by_code["10672"]
    assert admin_units.body_name(Line.STATE, haiphong) == "Ủy ban nhân dân thành phố Hải Phòng"
    assert admin_units.body_name(Line.FRONT, caobang) == "Ủy ban MTTQ Việt Nam tỉnh Cao Bằng"
    spec = admin_units.unit_spec(Line.FRONT, namdong)
    assert spec.name == "Ủy ban MTTQ Việt Nam phường Nam Đồng" and spec.seat == "Nam Đồng"
    assert spec.header_parent == "ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG"
    assert spec.header_name == "BAN THƯỜNG TRỰC" and spec.code == "MTTQ-BTT"
    state = admin_units.unit_spec(Line.STATE, haiphong)
    assert (state.code, state.seat, state.short_name) == ("UBND", "Hải Phòng", "Hải Phòng")
    condao = next(w for w in wards if w.name == "Côn Đảo")
    assert admin_units.body_name(Line.STATE, condao) == "Ủy ban nhân dân đặc khu Côn Đảo"


def _snapshot():
    return list(OrganisationUnit.objects.order_by("id").values_list(
        "id", "name", "kind", "parent_id", "path", "depth", "admin_code", "seat", "code"))


@pytest.mark.django_db
def test_both_lines_load_completely_and_correctly():
    loads = load_admin_units()
    assert [(load.line, load.created) for load in loads] == [("state", 3356), ("front", 3356)]
    for line, root_name in ((UnitKind.STATE, "Chính phủ"),
                            (UnitKind.FRONT, "Ủy ban Trung ương MTTQ Việt Nam")):
        root = OrganisationUnit.objects.get(parent__isnull=True, name=root_name)
        units = OrganisationUnit.objects.filter(kind=line)
        assert units.filter(depth=1, parent=root).count() == 34
        assert units.filter(depth=2, path__startswith=root.path).count() == 3321
        assert units.filter(path="").count() == 0

    haiphong = OrganisationUnit.objects.get(admin_code="31", kind=UnitKind.STATE)
    assert haiphong.name == "Ủy ban nhân dân thành phố Hải Phòng"
    assert (haiphong.seat, haiphong.code, haiphong.depth) == ("Hải Phòng", "UBND", 1)
    ward = OrganisationUnit.objects.get(admin_code="10672", kind=UnitKind.FRONT)
    assert ward.name == "Ủy ban MTTQ Việt Nam phường Nam Đồng" and ward.seat == "Nam Đồng"
    assert ward.parent.name == "Ủy ban MTTQ Việt Nam thành phố Hải Phòng"
    assert ward.path == f"{ward.parent.path}{ward.pk}/" and ward.depth == 2
    assert OrganisationUnit.objects.get(admin_code="04", kind=UnitKind.STATE).name == \
        "Ủy ban nhân dân tỉnh Cao Bằng"
    assert OrganisationUnit.objects.filter(name="Ủy ban nhân dân đặc khu Phú Quốc").exists()
    for name in OrganisationUnit.objects.values_list("name", flat=True).iterator():
        assert name == unicodedata.normalize("NFC", name) and "  " not in name

    events = AuditEvent.objects.filter(action="units.admin_loaded")
    assert events.count() == 1
    assert events.get().after["front"]["created"] == 3356


@pytest.mark.django_db
def test_a_second_load_changes_nothing_and_is_cheap(django_assert_max_num_queries):
    load_admin_units()
    before, events = _snapshot(), AuditEvent.objects.count()
    with django_assert_max_num_queries(20):
        loads = load_admin_units()
    assert [(load.created, load.adopted, load.existing) for load in loads] == \
        [(0, 0, 3356), (0, 0, 3356)]
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_one_line_at_a_time_and_missing_units_are_filled_in():
    load_admin_units(lines=[Line.STATE])
    assert not OrganisationUnit.objects.filter(kind=UnitKind.FRONT).exists()
    OrganisationUnit.objects.filter(admin_code="10672", kind=UnitKind.STATE).delete()
    (load,) = load_admin_units(lines=[Line.STATE])
    assert (load.created, load.existing) == (1, 3355)
    again = OrganisationUnit.objects.get(admin_code="10672", kind=UnitKind.STATE)
    assert again.parent.admin_code == "31" and again.path.startswith(again.parent.path)


@pytest.mark.django_db
def test_the_demo_front_tree_is_reused_not_duplicated():
    front = ensure_unit(name="Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
                        kind=UnitKind.FRONT, code="MTTW-BTT", seat="Hà Nội")
    city = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
                       kind=UnitKind.FRONT, parent=front, code="MTTQ-BTT", seat="Hải Phòng")
    ward = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng",
                       kind=UnitKind.FRONT, parent=city, code="MTTQ-BTT", seat="Nam Đồng")
    group = ensure_unit(name="Ban Công tác Mặt trận Tổ dân phố số 1",
                        kind=UnitKind.RESIDENTIAL, parent=ward, seat="Nam Đồng")
    (load,) = load_admin_units(lines=[Line.FRONT])
    assert (load.created, load.adopted, load.existing) == (3353, 2, 1)
    assert not OrganisationUnit.objects.filter(name="Ủy ban Trung ương MTTQ Việt Nam").exists()
    city.refresh_from_db()
    ward.refresh_from_db()
    assert city.admin_code == "31" and ward.admin_code == "10672"
    assert city.name.startswith("Ban Thường trực") and city.code == "MTTQ-BTT"  # kept as made
    assert OrganisationUnit.objects.filter(parent=front, kind=UnitKind.FRONT).count() == 34
    assert OrganisationUnit.objects.filter(parent=city).count() == 114  # Nam Đồng not doubled
    group.refresh_from_db()
    assert group.parent == ward and group.path.startswith(ward.path)


@pytest.mark.django_db
def test_the_command_prints_what_it_did():
    out = io.StringIO()
    call_command("load_admin_units", "--line", "front", stdout=out)
    assert "front: 34 provinces, 3321 communes and wards; 3356 units created" in out.getvalue()
    out = io.StringIO()
    call_command("load_admin_units", stdout=out)
    text = out.getvalue()
    assert "state: 34 provinces, 3321 communes and wards; 3356 units created" in text
    assert "front: 34 provinces, 3321 communes and wards; 0 units created, 0 adopted, " \
           "3356 already there" in text
