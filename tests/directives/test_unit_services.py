"""Changing the tree through its services: units, residential groups, officers, and who may."""

import pytest

from giaithuong.accounts.models import RoleGrant
from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role, revoke_role
from giaithuong.common.models import AuditEvent
from giaithuong.directives import services
from giaithuong.directives.models import OrganisationUnit, UnitKind
from giaithuong.directives.services import (
    UnitError,
    create_residential_groups,
    create_unit,
    ensure_unit,
    grant_unit_officer,
    revoke_unit_officer,
    update_unit,
)
from giaithuong.directives.unit_access import (
    can_add_top_level,
    can_grant_officers,
    can_manage_unit,
)


@pytest.fixture
def tree(db):
    front = ensure_unit(name="Ủy ban Trung ương MTTQ Việt Nam", kind=UnitKind.FRONT,
                        seat="Hà Nội")
    city = ensure_unit(name="Ủy ban MTTQ Việt Nam thành phố Hải Phòng", kind=UnitKind.FRONT,
                       parent=front, seat="Hải Phòng")
    ward = ensure_unit(name="Ủy ban MTTQ Việt Nam phường Nam Đồng", kind=UnitKind.FRONT,
                       parent=city, seat="Nam Đồng")
    other = ensure_unit(name="Ủy ban MTTQ Việt Nam phường Lê Chân", kind=UnitKind.FRONT,
                        parent=city, seat="Lê Chân")
    return {"front": front, "city": city, "ward": ward, "other": other}


def person(username, role=None, **scope):
    user = create_user(username=username, password="x-Very-long-1",
                       email=f"{username}@example.vn")
    if role:
        grant_role(user, role, **scope)
    return user


def test_who_may_manage_what(tree):
    organiser = person("org", Role.ORGANISER)
    city_officer = person("city", Role.UNIT_OFFICER, unit=tree["city"])
    ward_officer = person("ward", Role.UNIT_OFFICER, unit=tree["ward"])
    participant = person("p", Role.PARTICIPANT)
    assert all(can_manage_unit(organiser, unit) for unit in tree.values())
    assert can_add_top_level(organiser) and not can_add_top_level(city_officer)
    assert [can_manage_unit(city_officer, tree[k]) for k in ("front", "city", "ward")] == \
        [False, True, True]
    assert [can_manage_unit(ward_officer, tree[k]) for k in ("city", "ward", "other")] == \
        [False, True, False]
    assert not any(can_manage_unit(participant, unit) for unit in tree.values())
    # Appointing officers: only for units strictly below one's own.
    assert can_grant_officers(city_officer, tree["ward"])
    assert not can_grant_officers(city_officer, tree["city"])
    assert not can_grant_officers(ward_officer, tree["ward"])
    assert can_grant_officers(organiser, tree["front"])


def test_create_and_update_a_unit(tree):
    ward_officer = person("ward", Role.UNIT_OFFICER, unit=tree["ward"])
    group = create_unit(actor=ward_officer, parent=tree["ward"], kind=UnitKind.MASS_ORGANISATION,
                        name="  Hội Cựu chiến binh   phường Nam Đồng ", email="ccb@example.vn")
    assert group.name == "Hội Cựu chiến binh phường Nam Đồng"
    assert group.seat == "Nam Đồng"  # from the ward
    assert group.path == f"{tree['ward'].path}{group.pk}/" and group.depth == 3
    event = AuditEvent.objects.filter(action="unit.created", target_id=str(group.pk)).get()
    assert event.actor == ward_officer and event.after["name"] == group.name

    with pytest.raises(UnitError) as raised:
        create_unit(actor=ward_officer, parent=tree["ward"], kind=UnitKind.MASS_ORGANISATION,
                    name="Hội Cựu chiến binh phường Nam Đồng")
    assert raised.value.field == "name"
    assert OrganisationUnit.objects.filter(parent=tree["ward"]).count() == 1

    update_unit(group, actor=ward_officer, phone="0225 3842 123", short_name="Hội CCB")
    event = AuditEvent.objects.filter(action="unit.changed", target_id=str(group.pk)).get()
    assert event.before == {"phone": "", "short_name": ""}
    assert event.after == {"phone": "0225 3842 123", "short_name": "Hội CCB"}

    with pytest.raises(UnitError) as raised:
        update_unit(group, actor=ward_officer, email="not an address")
    assert raised.value.field == "email"
    with pytest.raises(UnitError):
        update_unit(group, actor=ward_officer, seat="  ")


def test_officers_cannot_change_outside_their_subtree(tree):
    ward_officer = person("ward", Role.UNIT_OFFICER, unit=tree["ward"])
    with pytest.raises(PermissionError):
        create_unit(actor=ward_officer, parent=tree["other"], kind=UnitKind.RESIDENTIAL,
                    name="Tổ 1")
    with pytest.raises(PermissionError):
        update_unit(tree["city"], actor=ward_officer, phone="1")
    with pytest.raises(PermissionError):
        create_unit(actor=ward_officer, parent=None, kind=UnitKind.FRONT, name="X",
                    seat="Hà Nội")
    with pytest.raises(PermissionError):
        create_residential_groups(tree["other"], actor=ward_officer, count=2)


def test_residential_groups_in_bulk_are_idempotent(tree, django_assert_max_num_queries):
    ward_officer = person("ward", Role.UNIT_OFFICER, unit=tree["ward"])
    with django_assert_max_num_queries(15):
        result = create_residential_groups(tree["ward"], actor=ward_officer, count=40)
    assert [unit.name for unit in result.created][:2] == ["Tổ dân phố số 1", "Tổ dân phố số 2"]
    assert len(result.created) == 40 and result.existing == []
    groups = OrganisationUnit.objects.filter(parent=tree["ward"])
    assert {(g.kind, g.seat, g.depth) for g in groups} == {(UnitKind.RESIDENTIAL, "Nam Đồng", 3)}
    assert all(g.path == f"{tree['ward'].path}{g.pk}/" for g in groups)

    again = create_residential_groups(tree["ward"], actor=ward_officer, count=42)
    assert [unit.name for unit in again.created] == ["Tổ dân phố số 41", "Tổ dân phố số 42"]
    assert len(again.existing) == 40
    assert OrganisationUnit.objects.filter(parent=tree["ward"]).count() == 42

    named = create_residential_groups(tree["ward"], actor=ward_officer,
                                      names=["Thôn Đông", " Thôn  Đông ", "", "Tổ dân phố số 1"])
    assert [u.name for u in named.created] == ["Thôn Đông"]
    assert named.existing == ["Tổ dân phố số 1"]
    events = AuditEvent.objects.filter(action="units.groups_created")
    assert [e.after["count"] for e in events.order_by("id")] == [40, 2, 1]

    nothing = create_residential_groups(tree["ward"], actor=ward_officer, names=["Thôn Đông"])
    assert nothing.created == [] and AuditEvent.objects.filter(
        action="units.groups_created").count() == 3


@pytest.mark.parametrize(("options", "field"), [
    ({"count": 0}, "count"),
    ({"count": 501}, "count"),
    ({"count": 3, "pattern": "Tổ dân phố"}, "pattern"),
    ({"count": 3, "pattern": "Tổ {n} {n}"}, "pattern"),
    ({"count": 3, "start": 0}, "start"),
    ({"names": ["", "  "]}, "names"),
    ({"names": ["x" * 301]}, "names"),
    ({}, ""),
    ({"names": ["a"], "count": 1}, ""),
])
def test_bad_group_requests_are_refused(tree, options, field):
    with pytest.raises(UnitError) as raised:
        create_residential_groups(tree["ward"], actor=None, **options)
    assert raised.value.field == field
    assert not OrganisationUnit.objects.filter(parent=tree["ward"]).exists()


def test_a_pattern_is_text_not_a_format_program(tree):
    result = create_residential_groups(tree["ward"], actor=None, count=2,
                                       pattern="Thôn {n} {0} {n.__class__}", start=7)
    assert [u.name for u in result.created] == ["Thôn 7 {0} {n.__class__}",
                                                "Thôn 8 {0} {n.__class__}"]


def test_appointing_and_removing_officers(tree):
    city_officer = person("city", Role.UNIT_OFFICER, unit=tree["city"])
    newcomer = person("new")
    grant = grant_unit_officer(tree["ward"], newcomer, actor=city_officer)
    assert grant.unit == tree["ward"] and can_manage_unit(newcomer, tree["ward"])
    assert grant_unit_officer(tree["ward"], newcomer, actor=city_officer) == grant  # idempotent
    with pytest.raises(PermissionError):
        grant_unit_officer(tree["city"], newcomer, actor=city_officer)  # own level: no
    with pytest.raises(PermissionError):
        grant_unit_officer(tree["other"], city_officer, actor=newcomer)  # a sibling: no

    assert revoke_unit_officer(tree["ward"], newcomer, actor=city_officer) is True
    assert revoke_unit_officer(tree["ward"], newcomer, actor=city_officer) is False
    assert not RoleGrant.objects.filter(user=newcomer).exists()
    assert not can_manage_unit(newcomer, tree["ward"])
    event = AuditEvent.objects.get(action="role.revoked")
    assert event.actor == city_officer and event.before["unit"] == tree["ward"].pk


def test_revoke_role_leaves_other_grants(tree):
    user = person("both", Role.UNIT_OFFICER, unit=tree["ward"])
    grant_role(user, Role.UNIT_OFFICER, unit=tree["other"])
    assert revoke_role(user, Role.UNIT_OFFICER, unit=tree["ward"])
    assert list(RoleGrant.objects.filter(user=user).values_list("unit", flat=True)) == \
        [tree["other"].pk]
    assert user.has_role(Role.UNIT_OFFICER)


def test_fill_paths_places_units_inserted_in_bulk(tree):
    top = OrganisationUnit.objects.create(name="Top", kind=UnitKind.PARTY, seat="Hà Nội")
    child = OrganisationUnit.objects.create(name="Child", kind=UnitKind.PARTY, seat="Hà Nội",
                                            parent=top)
    grandchild = OrganisationUnit.objects.create(name="Grandchild", kind=UnitKind.PARTY,
                                                 seat="Hà Nội", parent=child)
    assert services.fill_paths() == 3
    for unit in (top, child, grandchild):
        unit.refresh_from_db()
    assert top.path == f"/{top.pk}/" and top.depth == 0
    assert grandchild.path == f"/{top.pk}/{child.pk}/{grandchild.pk}/" and grandchild.depth == 2
    assert services.fill_paths() == 0
