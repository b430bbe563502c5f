"""A small cascade (a city, two sibling wards, residential groups) with one officer per unit, and
a JSON client that authenticates with a Bearer token, for the letters and deliveries API tests."""

import json

import pytest

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_api_token, create_user, grant_role
from giaithuong.directives.models import UnitKind
from giaithuong.directives.services import ensure_unit

SUBJECT = ("tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối ngoại lần "
           "thứ XII")


class Api:
    """The test client speaking JSON to /api/v1 as one person, by token (or by session when
    `token` is None and the client is logged in)."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body=None, **params):
        url = "/api/v1" + path
        if params:
            url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(method, url, data=data, content_type="application/json",
                                   headers=self.headers)

    def get(self, path, **params):
        return self.call("GET", path, **params)

    def post(self, path, body=None):
        return self.call("POST", path, body)

    def patch(self, path, body):
        return self.call("PATCH", path, body)

    def delete(self, path):
        return self.call("DELETE", path)


def as_person(client, user) -> Api:
    _, raw = create_api_token(user, "test")
    return Api(client, raw)


def officer(username: str, unit):
    user = create_user(username=username, password="x-Very-long-1", full_name=f"Cán bộ {username}")
    grant_role(user, Role.UNIT_OFFICER, unit=unit)
    return user


@pytest.fixture
def tree(db):
    city = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
                       kind=UnitKind.FRONT, code="MTTQ-BTT", seat="Hải Phòng")
    namdong = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng",
                          kind=UnitKind.FRONT, parent=city, code="MTTQ-BTT", seat="Nam Đồng")
    lechan = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Lê Chân",
                         kind=UnitKind.FRONT, parent=city, code="MTTQ-BTT", seat="Lê Chân")
    groups = [ensure_unit(name=f"Ban Công tác Mặt trận Tổ dân phố số {n}",
                          kind=UnitKind.RESIDENTIAL, parent=namdong, seat="Nam Đồng")
              for n in (1, 2)]
    return {"city": city, "namdong": namdong, "lechan": lechan, "groups": groups,
            "officers": {"city": officer("haiphong", city), "namdong": officer("namdong", namdong),
                         "lechan": officer("lechan", lechan)}}


def city_letter(tree, **extra) -> dict:
    """The body of a POST /letters from the city to both wards."""
    return {"issuer": tree["city"].pk, "subject": SUBJECT,
            "addressee_units": [tree["namdong"].pk, tree["lechan"].pk],
            "addressee_texts": ["Ban Thường trực Ủy ban MTTQ Việt Nam các phường"],
            "body": [{"text": "Tuyên truyền sâu rộng về Giải thưởng.", "number": "1"},
                     {"text": "Phát hiện, giới thiệu tác giả.", "number": "2"}],
            "recipients": ["Như trên", "Lưu: VT"],
            "signature": {"authority": ["TM. BAN THƯỜNG TRỰC"], "title": "PHÓ CHỦ TỊCH",
                          "name": "Nguyễn Văn An"},
            "due_date": "2026-07-15", **extra}
