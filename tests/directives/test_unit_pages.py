"""The organisation tree pages, for organisers, unit officers and everyone else."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from giaithuong.accounts.models import RoleGrant
from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.common.models import AuditEvent
from giaithuong.directives.models import OrganisationUnit, UnitKind
from giaithuong.directives.services import create_residential_groups, ensure_unit
from giaithuong.directives.unit_io import write_csv
from giaithuong.directives.unit_table import COLUMNS


@pytest.fixture
def tree(db):
    front = ensure_unit(name="Ủy ban Trung ương MTTQ Việt Nam", kind=UnitKind.FRONT,
                        seat="Hà Nội")
    state = ensure_unit(name="Chính phủ", kind=UnitKind.STATE, seat="Hà Nội")
    city = ensure_unit(name="Ủy ban MTTQ Việt Nam thành phố Hải Phòng", kind=UnitKind.FRONT,
                       parent=front, seat="Hải Phòng")
    ward = ensure_unit(name="Ủy ban MTTQ Việt Nam phường Nam Đồng", kind=UnitKind.FRONT,
                       parent=city, seat="Nam Đồng")
    other = ensure_unit(name="Ủy ban MTTQ Việt Nam phường Lê Chân", kind=UnitKind.FRONT,
                        parent=city, seat="Lê Chân")
    return {"front": front, "state": state, "city": city, "ward": ward, "other": other}


def signed_in(client, username, role=None, **scope):
    user = create_user(username=username, password="x-Very-long-1",
                       email=f"{username}@example.vn", full_name=f"Người {username}")
    if role:
        grant_role(user, role, **scope)
    client.force_login(user)
    return user


def url(name, unit=None, prefix=""):
    with translation.override("vi"):  # the Vietnamese address; "/en" in front for English
        path = reverse(f"directives:{name}", kwargs={"unit_id": unit.pk} if unit else None)
    return prefix + path


def test_organisers_start_at_the_top_with_children_counts(client, tree):
    signed_in(client, "org", Role.ORGANISER)
    response = client.get(url("units"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ủy ban Trung ương MTTQ Việt Nam" in page and "Chính phủ" in page
    assert "phường Nam Đồng" not in page
    assert response.context["page"].object_list[1].children_count == 1  # the front's city


def test_an_officer_starts_at_their_own_units(client, tree):
    signed_in(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    page = client.get(url("units")).content.decode()
    assert "phường Nam Đồng" in page and "Trung ương" not in page


@pytest.mark.parametrize("query", ["nam dong", "NAM ĐỒNG", "Nam Đồng", "nam  đong"])
def test_search_ignores_diacritics_and_case(client, tree, query):
    signed_in(client, "org", Role.ORGANISER)
    response = client.get(url("units"), {"q": query})
    names = [unit.name for unit in response.context["page"].object_list]
    assert names == ["Ủy ban MTTQ Việt Nam phường Nam Đồng"]


def test_search_stays_inside_what_an_officer_sees(client, tree):
    signed_in(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    response = client.get(url("units"), {"q": "le chan"})
    assert list(response.context["page"].object_list) == []
    assert "No unit matches" in client.get(url("units", prefix="/en"),
                                           {"q": "le chan"}).content.decode()


def test_the_list_is_paged_not_loaded_whole(client, tree, django_assert_max_num_queries):
    create_residential_groups(tree["ward"], actor=None, count=120)
    signed_in(client, "org", Role.ORGANISER)
    with django_assert_max_num_queries(15):
        response = client.get(url("units"), {"q": "to dan pho"})
    page = response.context["page"]
    assert page.paginator.count == 120 and len(page.object_list) == 50
    detail = client.get(url("unit_detail", tree["ward"]), {"page": 3})
    assert len(detail.context["children"].object_list) == 20


def test_unit_detail_shows_contacts_header_children_and_officers(client, tree):
    OrganisationUnit.objects.filter(pk=tree["ward"].pk).update(
        email="mttq@namdong.vn", phone="0225 3842 123", header_name="BAN THƯỜNG TRỰC",
        header_parent="ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG", admin_code="10672")
    create_residential_groups(tree["ward"], actor=None, count=2)
    officer = create_user(username="thu", password="x-Very-long-1", full_name="Đoàn Thị Thu",
                          email="thu@example.vn")
    grant_role(officer, Role.UNIT_OFFICER, unit=tree["ward"])
    signed_in(client, "city", Role.UNIT_OFFICER, unit=tree["city"])
    page = client.get(url("unit_detail", tree["ward"])).content.decode()
    for text in ("mttq@namdong.vn", "0225 3842 123", "BAN THƯỜNG TRỰC",
                 "ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG", "10672", "Tổ dân phố số 2",
                 "Đoàn Thị Thu", url("unit_edit", tree["ward"]),
                 url("unit_export_xlsx", tree["ward"])):
        assert text in page
    # The city officer may open the city; the front above it is only named.
    assert f'href="{url("unit_detail", tree["city"])}"' in page
    assert f'href="{url("unit_detail", tree["front"])}"' not in page
    assert "Ủy ban Trung ương MTTQ Việt Nam" in page


def test_units_outside_ones_tree_do_not_exist(client, tree):
    signed_in(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    for name in ("unit_detail", "unit_edit", "unit_add_child", "unit_groups", "unit_officers",
                 "unit_export_csv", "unit_export_xlsx"):
        assert client.get(url(name, tree["other"])).status_code == 404, name
        assert client.get(url(name, tree["city"])).status_code == 404, name


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.JUROR, Role.INTAKE_OFFICER])
def test_other_roles_are_refused(client, tree, role, edition):
    from giaithuong.judging.models import Council

    scope = {"edition": edition}
    if role == Role.JUROR:
        scope = {"council": Council.objects.create(edition=edition, name="T",
                                                   round_code="so-khao")}
    signed_in(client, "someone", role, **scope)
    assert client.get(url("units")).status_code == 403
    assert client.get(url("unit_detail", tree["ward"])).status_code == 403
    assert client.post(url("unit_groups", tree["ward"]), {"count": 3}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, tree):
    response = client.get(url("unit_detail", tree["ward"]))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_edit_a_unit(client, tree):
    officer = signed_in(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    form = client.get(url("unit_edit", tree["ward"])).context["form"]
    data = {**{k: v for k, v in form.initial.items() if v not in (None, False)},
            "phone": "0225 3842 999", "email": "bad address", "is_active": "on"}
    response = client.post(url("unit_edit", tree["ward"]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_email_error"' in page and 'aria-describedby="id_email_error"' in page
    assert 'value="0225 3842 999"' in page  # nothing typed is lost
    data["email"] = "mttq@namdong.vn"
    response = client.post(url("unit_edit", tree["ward"]), data)
    assert response.status_code == 302
    tree["ward"].refresh_from_db()
    assert (tree["ward"].phone, tree["ward"].email) == ("0225 3842 999", "mttq@namdong.vn")
    assert AuditEvent.objects.filter(action="unit.changed", actor=officer).exists()


def test_renaming_onto_a_sibling_is_refused_at_the_field(client, tree):
    signed_in(client, "org", Role.ORGANISER)
    data = {"kind": "front", "name": "Ủy ban MTTQ Việt Nam phường Lê Chân", "seat": "Nam Đồng",
            "is_active": "on"}
    response = client.post(url("unit_edit", tree["ward"]), data)
    assert response.status_code == 200
    assert "already exists" in client.post(url("unit_edit", tree["ward"], prefix="/en"),
                                           data).content.decode()
    assert response.context["form"].errors["name"]


def test_add_a_unit_below(client, tree):
    signed_in(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    data = {"kind": "mass", "name": "Hội Cựu chiến binh phường Nam Đồng", "is_active": "on"}
    response = client.post(url("unit_add_child", tree["ward"]), data)
    unit = OrganisationUnit.objects.get(name="Hội Cựu chiến binh phường Nam Đồng")
    assert response.status_code == 302 and response["Location"] == url("unit_detail", unit)
    assert unit.parent == tree["ward"] and unit.seat == "Nam Đồng"
    again = client.post(url("unit_add_child", tree["ward"]), data)  # sent twice
    assert again.status_code == 200 and again.context["form"].errors["name"]
    assert OrganisationUnit.objects.filter(name=unit.name).count() == 1


def test_residential_groups_page(client, tree):
    signed_in(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    assert client.get(url("unit_groups", tree["ward"])).status_code == 200
    response = client.post(url("unit_groups", tree["ward"]),
                           {"count": 5, "pattern": "Tổ dân phố số {n}", "start": 1})
    assert response.status_code == 302
    assert OrganisationUnit.objects.filter(parent=tree["ward"]).count() == 5
    response = client.post(url("unit_groups", tree["ward"], prefix="/en"),
                           {"names": "Tổ dân phố số 5\nThôn Đông\n\n", "pattern": ""},
                           follow=True)
    assert "1 group created, 1 already there." in response.content.decode()
    assert OrganisationUnit.objects.filter(parent=tree["ward"]).count() == 6

    response = client.post(url("unit_groups", tree["ward"]),
                           {"count": 3, "pattern": "Tổ dân phố", "start": 1})
    assert response.status_code == 200 and response.context["form"].errors["pattern"]
    response = client.post(url("unit_groups", tree["ward"]), {"pattern": "Tổ {n}"})
    assert response.context["form"].errors["count"]


def test_appointing_officers(client, tree):
    signed_in(client, "city", Role.UNIT_OFFICER, unit=tree["city"])
    newcomer = create_user(username="new", password="x-Very-long-1", email="New@Example.vn")
    response = client.post(url("unit_officers", tree["ward"]),
                           {"action": "grant", "email": "new@example.vn"})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=newcomer, unit=tree["ward"], role=Role.UNIT_OFFICER)
    response = client.post(url("unit_officers", tree["ward"]),
                           {"action": "grant", "email": "nobody@example.vn"})
    assert response.status_code == 200 and response.context["form"].errors["email"]

    response = client.post(url("unit_officers", tree["ward"]),
                           {"action": "revoke", "grant": grant.pk})
    assert response.status_code == 302 and not RoleGrant.objects.filter(pk=grant.pk).exists()
    # A second click finds nothing to remove and does no harm.
    response = client.post(url("unit_officers", tree["ward"]),
                           {"action": "revoke", "grant": grant.pk})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="role.revoked").count() == 1


def test_an_officer_sees_but_cannot_appoint_at_their_own_level(client, tree):
    signed_in(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    create_user(username="new", password="x-Very-long-1", email="new@example.vn")
    response = client.get(url("unit_officers", tree["ward"]))
    assert response.status_code == 200 and 'name="email"' not in response.content.decode()
    response = client.post(url("unit_officers", tree["ward"]),
                           {"action": "grant", "email": "new@example.vn"})
    assert response.status_code == 403


def _upload(rows, name="units.csv"):
    data = write_csv(COLUMNS, [[row.get(c, "") for c in COLUMNS] for row in rows])
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_import_page_all_or_nothing(client, tree):
    signed_in(client, "org", Role.ORGANISER)
    parent = f"id:{tree['ward'].pk}"
    bad = _upload([{"name": "Tổ 1", "kind": "residential", "parent": parent},
                   {"name": "Tổ 2", "kind": "church", "parent": parent}])
    response = client.post(url("units_import"), {"file": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert "church" in page and "<td class=\"num\">3</td>" in page
    assert not OrganisationUnit.objects.filter(name="Tổ 1").exists()
    english = client.post(url("units_import", prefix="/en"), {"file": _upload(
        [{"name": "Tổ 2", "kind": "church", "parent": parent}])}).content.decode()
    assert "Kind “church” is not allowed" in english

    good = _upload([{"name": "Tổ 1", "kind": "residential", "parent": parent},
                    {"name": "Tổ 2", "kind": "residential", "parent": parent}])
    response = client.post(url("units_import"), {"file": good}, follow=True)
    assert response.redirect_chain and OrganisationUnit.objects.filter(
        parent=tree["ward"]).count() == 2


def test_import_page_refuses_other_files(client, tree):
    signed_in(client, "org", Role.ORGANISER)
    response = client.post(url("units_import"), {
        "file": SimpleUploadedFile("letter.pdf", b"%PDF-1.4", content_type="application/pdf")})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    response = client.post(url("units_import"), {
        "file": SimpleUploadedFile("units.xlsx", b"PK\x03\x04junk")})
    assert response.status_code == 400 and response.context["form"].errors["file"]


def test_exports(client, tree):
    create_residential_groups(tree["ward"], actor=None, count=2)
    signed_in(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    response = client.get(url("unit_export_csv", tree["ward"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffname,short_name,kind")
    assert "Tổ dân phố số 2" in text and "Lê Chân" not in text
    response = client.get(url("unit_export_xlsx", tree["ward"]))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert names == ["name", "Ủy ban MTTQ Việt Nam phường Nam Đồng", "Tổ dân phố số 1",
                     "Tổ dân phố số 2"]
