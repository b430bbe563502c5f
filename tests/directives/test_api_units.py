"""The organisation tree through the API at /api/v1/units."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_api_token, create_user, grant_role
from giaithuong.common.models import AuditEvent
from giaithuong.directives.models import OrganisationUnit, UnitKind
from giaithuong.directives.services import create_residential_groups, ensure_unit
from giaithuong.directives.unit_io import write_csv
from giaithuong.directives.unit_table import COLUMNS

API = "/api/v1/units"


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


class Caller:
    """A client that sends a person's API token with every call."""

    def __init__(self, client, user):
        _, raw = create_api_token(user, "tests")
        self.client, self.headers = client, {"Authorization": f"Bearer {raw}"}
        self.user = user

    def get(self, path, **params):
        return self.client.get(API + path, params, headers=self.headers)

    def send(self, method, path, body):
        return self.client.generic(method, API + path, data=json.dumps(body),
                                   content_type="application/json", headers=self.headers)

    def upload(self, path, name, data):
        return self.client.post(API + path, {"file": SimpleUploadedFile(name, data)},
                                headers=self.headers)


def caller(client, username, role=None, **scope):
    user = create_user(username=username, password="x-Very-long-1", email=f"{username}@x.vn")
    if role:
        grant_role(user, role, **scope)
    return Caller(client, user)


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_list_with_filters(client, tree):
    org = caller(client, "org", Role.ORGANISER)
    assert len(names(org.get(""))) == 5
    assert names(org.get("", q="nam dong")) == ["Ủy ban MTTQ Việt Nam phường Nam Đồng"]
    assert names(org.get("", kind="state")) == ["Chính phủ"]
    assert set(names(org.get("", parent=tree["city"].pk))) == {
        "Ủy ban MTTQ Việt Nam phường Nam Đồng", "Ủy ban MTTQ Việt Nam phường Lê Chân"}
    assert org.get("", kind="church").status_code == 422
    ward = caller(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    assert names(ward.get("")) == ["Ủy ban MTTQ Việt Nam phường Nam Đồng"]
    assert names(ward.get("", q="le chan")) == []


def test_one_unit_and_its_children(client, tree):
    create_residential_groups(tree["ward"], actor=None, count=3)
    city = caller(client, "city", Role.UNIT_OFFICER, unit=tree["city"])
    body = city.get(f"/{tree['ward'].pk}").json()
    assert body["name"] == "Ủy ban MTTQ Việt Nam phường Nam Đồng"
    assert body["parent"] == tree["city"].pk and body["children_count"] == 3
    assert body["depth"] == 2 and body["seat"] == "Nam Đồng"
    children = city.get(f"/{tree['ward'].pk}/children", page_size=2).json()
    assert children["count"] == 3 and len(children["items"]) == 2
    assert city.get(f"/{tree['front'].pk}").status_code == 404
    assert city.get(f"/{tree['front'].pk}/children").status_code == 404
    assert city.get("/999999").status_code == 404


def test_create_and_change(client, tree):
    ward = caller(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    response = ward.send("POST", "", {"name": "Hội Phụ nữ phường Nam Đồng", "kind": "mass",
                                      "parent": tree["ward"].pk, "email": "hpn@x.vn"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["seat"] == "Nam Đồng" and body["parent"] == tree["ward"].pk
    again = ward.send("POST", "", {"name": "Hội Phụ nữ phường Nam Đồng", "kind": "mass",
                                   "parent": tree["ward"].pk})
    assert again.status_code == 400 and "name" in again.json()["detail"]
    assert ward.send("POST", "", {"name": "X", "kind": "mass", "parent": tree["ward"].pk,
                                  "email": "nope"}).status_code == 400
    assert ward.send("POST", "", {"name": "X", "kind": "church",
                                  "parent": tree["ward"].pk}).status_code == 422
    assert ward.send("POST", "", {"name": "Top", "kind": "party",
                                  "seat": "Hà Nội"}).status_code == 403
    assert ward.send("POST", "", {"name": "X", "kind": "mass",
                                  "parent": tree["other"].pk}).status_code == 404

    response = ward.send("PATCH", f"/{body['id']}", {"phone": "0225 3842 123",
                                                     "short_name": "Hội PN"})
    assert response.status_code == 200 and response.json()["phone"] == "0225 3842 123"
    assert response.json()["name"] == "Hội Phụ nữ phường Nam Đồng"
    assert AuditEvent.objects.filter(action="unit.changed", actor=ward.user).exists()
    assert ward.send("PATCH", f"/{tree['city'].pk}", {"phone": "1"}).status_code == 404
    assert ward.send("PATCH", f"/{body['id']}", {"seat": " "}).status_code == 400


def test_an_organiser_adds_a_top_unit(client, tree):
    org = caller(client, "org", Role.ORGANISER)
    response = org.send("POST", "", {"name": "Ban Tuyên giáo và Dân vận Trung ương",
                                     "kind": "party", "seat": "Hà Nội", "code": "BTGDVTW"})
    assert response.status_code == 201 and response.json()["parent"] is None
    assert org.send("POST", "", {"name": "No seat", "kind": "party"}).status_code == 400


def test_groups(client, tree):
    ward = caller(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    response = ward.send("POST", f"/{tree['ward'].pk}/groups", {"count": 3})
    assert response.status_code == 201
    assert [unit["name"] for unit in response.json()["created"]] == [
        "Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 3"]
    response = ward.send("POST", f"/{tree['ward'].pk}/groups",
                         {"names": ["Tổ dân phố số 3", "Thôn Đông"]})
    assert [u["name"] for u in response.json()["created"]] == ["Thôn Đông"]
    assert response.json()["existing"] == ["Tổ dân phố số 3"]
    bad = ward.send("POST", f"/{tree['ward'].pk}/groups", {"count": 2, "pattern": "Tổ"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("pattern")
    assert ward.send("POST", f"/{tree['ward'].pk}/groups", {}).status_code == 400
    assert ward.send("POST", f"/{tree['other'].pk}/groups", {"count": 1}).status_code == 404


def _csv(rows):
    return write_csv(COLUMNS, [[row.get(c, "") for c in COLUMNS] for row in rows])


def test_import_and_its_row_errors(client, tree):
    org = caller(client, "org", Role.ORGANISER)
    parent = f"id:{tree['ward'].pk}"
    bad = _csv([{"name": "Tổ 1", "kind": "residential", "parent": parent},
                {"name": "Tổ 2", "kind": "residential", "parent": parent, "email": "x@"}])
    response = org.upload("/import", "units.csv", bad)
    assert response.status_code == 400
    assert response.json()["errors"] == [{
        "row": 3, "column": "email", "code": "bad_email",
        "message_vi": "Địa chỉ thư điện tử “x@” không hợp lệ.",
        "message_en": "“x@” is not a valid e-mail address."}]
    assert not OrganisationUnit.objects.filter(name="Tổ 1").exists()
    good = _csv([{"name": "Tổ 1", "kind": "residential", "parent": parent}])
    response = org.upload("/import", "units.csv", good)
    assert response.status_code == 200
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert org.upload("/import", "units.csv", good).json()["unchanged"] == 1
    damaged = org.upload("/import", "units.xlsx", b"PK\x03\x04junk")
    assert damaged.status_code == 400 and "damaged" in damaged.json()["detail"]


def test_export(client, tree):
    create_residential_groups(tree["ward"], actor=None, count=2)
    ward = caller(client, "ward", Role.UNIT_OFFICER, unit=tree["ward"])
    response = ward.get(f"/{tree['ward'].pk}/export", format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeffname,") and text.count("\r\n") == 4
    response = ward.get(f"/{tree['ward'].pk}/export")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0] == COLUMNS and len(rows) == 4
    assert ward.get(f"/{tree['ward'].pk}/export", format="pdf").status_code == 422
    assert ward.get(f"/{tree['city'].pk}/export").status_code == 404


def test_other_roles_and_anonymous_callers(client, tree, edition):
    participant = caller(client, "p", Role.PARTICIPANT, edition=edition)
    assert participant.get("").status_code == 403
    assert participant.send("POST", f"/{tree['ward'].pk}/groups",
                            {"count": 1}).status_code == 403
    client.logout()
    assert client.get(API).status_code == 401
