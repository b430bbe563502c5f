"""The exchange API (/api/v1/exchange) with Bearer tokens: packages out and in (raw XML or
multipart), status messages, a delivery's status file, reminders; errors as {"detail": …}."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from giaithuong.accounts.services import create_api_token
from giaithuong.directives import edxml, exchange
from giaithuong.directives.models import (
    CascadeProgress,
    Delivery,
    DeliveryState,
    Letter,
    LetterSource,
)
from tests.directives.exchange_data import _media, officer, organiser, tree, ward_letter

pytestmark = pytest.mark.usefixtures("english_pages")

__all__ = ["_media", "organiser", "tree"]  # fixtures, imported for pytest

BASE = "/api/v1/exchange"


def token(user) -> dict:
    _, raw = create_api_token(user, "test")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def world(tree):
    ward_officer = officer("namdong", tree["ward"])
    return {**tree, "ward_officer": ward_officer, "letter": ward_letter(tree, ward_officer),
            "group_officer": officer("to1", tree["groups"][0])}


def post_xml(client, path, data: bytes, headers, **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return client.generic("POST", BASE + path + query, data=data,
                          content_type="application/xml", headers=headers)


def test_a_letter_package_is_downloaded_by_who_can_see_it(client, world):
    letter = world["letter"]
    response = client.get(f"{BASE}/letters/{letter.pk}", headers=token(world["group_officer"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert edxml.parse_package(response.content).code == "31/MTTQ-BTT"
    stranger = officer("to2", world["groups"][1])
    Delivery.objects.filter(unit=world["groups"][1]).delete()  # never reached by the cascade
    CascadeProgress.objects.filter(unit=world["groups"][1]).delete()
    response = client.get(f"{BASE}/letters/{letter.pk}", headers=token(stranger))
    assert response.status_code == 404
    assert client.get(f"{BASE}/letters/{letter.pk}").status_code == 401


def test_a_package_is_received_once(client, world):
    data = exchange.export_letter_package(world["letter"])
    headers = token(world["group_officer"])
    unit = world["groups"][0].pk
    first = post_xml(client, "/packages", data, headers, unit_id=unit)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["created"] is True and (body["number"], body["symbol"], body["date"]) == (
        31, "MTTQ-BTT", "2026-06-18")
    assert body["delivery_id"] == Delivery.objects.get(letter_id=body["letter_id"],
                                                       unit_id=unit).pk
    names = {a["name"]: a for a in body["attachments"]}
    assert {"31-MTTQ-BTT-2026-06-18.pdf", "Kế hoạch tuyên truyền.docx"} <= set(names)
    again = post_xml(client, "/packages", data, headers, unit_id=unit)
    assert again.status_code == 200 and again.json()["letter_id"] == body["letter_id"]
    assert again.json()["created"] is False


def test_a_large_package_goes_as_multipart(client, world):
    data = exchange.export_letter_package(world["letter"])
    response = client.post(f"{BASE}/packages?unit_id={world['groups'][0].pk}",
                           {"file": SimpleUploadedFile("x.edxml", data, "application/xml")},
                           headers=token(world["group_officer"]))
    assert response.status_code == 201, response.json()
    missing = client.post(f"{BASE}/packages", {"other": "x"}, headers=token(world["group_officer"]))
    assert missing.status_code == 400 and "'file'" in missing.json()["detail"]


def test_bad_packages_and_units_are_answered_clearly(client, world, organiser):
    headers = token(world["group_officer"])
    response = post_xml(client, "/packages", b"<html/>", headers,
                        unit_id=world["groups"][0].pk)
    assert response.status_code == 400
    assert "edXML" in response.json()["detail"]
    data = exchange.export_letter_package(world["letter"])
    response = post_xml(client, "/packages", data, headers)  # which unit?
    assert response.status_code == 400 and "Choose the unit" in response.json()["detail"]
    response = post_xml(client, "/packages", data, headers, unit_id=world["ward"].pk)
    assert response.status_code == 403
    assert post_xml(client, "/packages", data, headers, unit_id=999999).status_code == 404
    assert not Letter.objects.filter(source=LetterSource.EDXML).exists()
    response = post_xml(client, "/packages", data, token(organiser))
    assert response.status_code == 201 and response.json()["delivery_id"] is None


def test_status_messages_both_ways(client, world):
    group = world["groups"][0]
    delivery = Delivery.objects.get(letter=world["letter"], unit=group)
    headers = token(world["group_officer"])
    response = client.get(f"{BASE}/deliveries/{delivery.pk}/status", headers=headers)
    assert response.status_code == 200
    message = edxml.parse_status(response.content)
    assert message.code == "01"
    done = edxml.build_status(edxml.StatusMessage(
        message.response_for, exchange.organ(group), "06",
        dt.datetime(2026, 6, 25, 16, tzinfo=edxml.VN_TZ)))
    response = post_xml(client, "/status", done, headers)
    assert response.status_code == 200, response.json()
    assert response.json() == {"delivery_id": delivery.pk, "letter_id": world["letter"].pk,
                               "unit_id": group.pk, "state": "done", "status_code": "06"}
    refusal = edxml.build_status(edxml.StatusMessage(
        message.response_for, exchange.organ(group), "02",
        dt.datetime(2026, 6, 26, 8, tzinfo=edxml.VN_TZ), description="Nhầm"))
    assert post_xml(client, "/status", refusal, headers).status_code == 409
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.DONE
    other = token(officer("to2", world["groups"][1]))
    assert client.get(f"{BASE}/deliveries/{delivery.pk}/status", headers=other).status_code == 404
    assert post_xml(client, "/status", done, other).status_code == 403
    assert post_xml(client, "/status", b"{}", headers).status_code == 400


def test_remind_through_the_api(client, world, mailbox):
    delivery = Delivery.objects.get(letter=world["letter"], unit=world["groups"][0])
    url = f"{BASE}/deliveries/{delivery.pk}/remind"
    assert client.post(url, headers=token(world["group_officer"])).status_code == 403
    response = client.post(url, headers=token(world["ward_officer"]))
    assert response.status_code == 200
    assert response.json() == {"delivery_id": delivery.pk, "recipients": ["to1@ex.vn"]}
    again = client.post(url, headers=token(world["ward_officer"]))
    assert again.status_code == 409 and "was reminded" in again.json()["detail"]
    assert len(mailbox.messages) == 1
