"""The deliveries API: a ward's inbox, acknowledging, assigning, refusing, drafting its own
implementing letter and reporting what it did; each only for the ward's own officers."""

import datetime as dt

import pytest
from django.utils import timezone

from giaithuong.directives.models import ActivityReport, CascadeProgress, Delivery, Letter
from tests.directives.cascade_api import SUBJECT, Api, as_person, city_letter, officer, tree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]
__all__ = ["tree"]  # the fixture, imported for pytest


@pytest.fixture
def issued(client, tree):
    """The city's letter, issued to both wards; the Nam Đồng delivery and everyone's client."""
    city = as_person(client, tree["officers"]["city"])
    letter = city.post("/letters", city_letter(tree)).json()
    letter = city.post(f"/letters/{letter['id']}/issue", {"date": "2026-06-10"}).json()
    delivery = Delivery.objects.get(letter_id=letter["id"], unit=tree["namdong"])
    apis = {who: as_person(client, user) for who, user in tree["officers"].items()}
    return {"letter": letter, "delivery": delivery.pk, **apis}


def _report(**extra) -> dict:
    return {"kind": "conference", "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "audience": 120, "channel": "Hội trường phường",
            "description": "Hội nghị quán triệt Kế hoạch tổ chức Giải thưởng.",
            "links": ["https://namdong.example.vn/tin/hoi-nghi"], "candidates_introduced": 3,
            **extra}


def test_each_ward_sees_its_own_inbox(issued, tree):
    inbox = issued["namdong"].get("/deliveries").json()
    assert inbox["count"] == 1
    (item,) = inbox["items"]
    assert item["id"] == issued["delivery"] and item["state"] == "received"
    assert item["letter"]["code"] == "01/MTTQ-BTT" and item["letter"]["subject"] == SUBJECT
    assert item["unit"]["id"] == tree["namdong"].pk and item["due_date"] == "2026-07-15"
    assert [i["unit"]["id"] for i in issued["lechan"].get("/deliveries").json()["items"]] == [
        tree["lechan"].pk]
    assert issued["city"].get("/deliveries").json()["count"] == 0  # the city sent, not received

    assert issued["namdong"].get("/deliveries", state="acknowledged").json()["count"] == 0
    assert issued["namdong"].get("/deliveries", unit=tree["lechan"].pk).json()["count"] == 0
    assert issued["namdong"].get("/deliveries", state="lost").status_code == 422


def test_one_delivery_only_for_its_own_unit(issued):
    path = f"/deliveries/{issued['delivery']}"
    assert issued["namdong"].get(path).json()["letter"]["id"] == issued["letter"]["id"]
    for who in ("lechan", "city"):
        assert issued[who].get(path).status_code == 404
        assert issued[who].post(f"{path}/acknowledge").status_code == 404
        assert issued[who].post(f"{path}/reports", _report()).status_code == 404
    assert issued["namdong"].get("/deliveries/999999").status_code == 404


def test_acknowledging_twice_changes_nothing(issued):
    path = f"/deliveries/{issued['delivery']}/acknowledge"
    first = issued["namdong"].post(path)
    assert first.status_code == 200 and first.json()["state"] == "acknowledged"
    assert first.json()["edxml_status"] == "03"
    second = issued["namdong"].post(path)
    assert second.status_code == 200
    assert second.json()["acknowledged_at"] == first.json()["acknowledged_at"]


def test_assigning_to_a_colleague(issued, tree):
    colleague = officer("namdong-2", tree["namdong"])
    path = f"/deliveries/{issued['delivery']}/assign"
    response = issued["namdong"].post(path, {"assignee": colleague.pk})
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "assigned" and data["assignee"]["username"] == "namdong-2"
    assert data["acknowledged_at"] and data["assigned_at"]  # assigning acknowledges too
    unknown = issued["namdong"].post(path, {"assignee": 31337})
    assert unknown.status_code == 400 and "31337" in unknown.json()["detail"]
    outsider = tree["officers"]["lechan"]  # an officer, but of the sibling ward
    refused = issued["namdong"].post(path, {"assignee": outsider.pk})
    assert refused.status_code == 400 and str(outsider.pk) in refused.json()["detail"]
    assert issued["namdong"].post(path, {}).status_code == 422


def test_refusing_needs_a_reason_and_closes_the_delivery(issued, tree):
    path = f"/deliveries/{issued['delivery']}"
    blank = issued["namdong"].post(f"{path}/refuse", {"reason": ""})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"][-1] == "reason"
    spaces = issued["namdong"].post(f"{path}/refuse", {"reason": "   "})
    assert spaces.status_code == 400 and "reason" in spaces.json()["detail"]
    refused = issued["namdong"].post(f"{path}/refuse", {"reason": "Không đúng địa chỉ nhận"})
    assert refused.status_code == 200
    assert refused.json()["state"] == "refused" and refused.json()["edxml_status"] == "02"
    assert refused.json()["refusal_reason"] == "Không đúng địa chỉ nhận"
    closed = issued["namdong"].post(f"{path}/assign",
                                    {"assignee": tree["officers"]["namdong"].pk})
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    report = issued["namdong"].post(f"{path}/reports", _report())
    assert report.status_code == 409 and "refused" in report.json()["detail"]


def test_implementing_letter_is_drafted_once(issued, tree):
    path = f"/deliveries/{issued['delivery']}/implement"
    response = issued["namdong"].post(path)
    assert response.status_code == 201
    draft = response.json()
    assert draft["status"] == "draft" and draft["implements"] == issued["letter"]["id"]
    assert draft["cascade_root"] == issued["letter"]["id"]
    assert draft["issuer"]["id"] == tree["namdong"].pk
    assert {u["id"] for u in draft["addressee_units"]} == {g.pk for g in tree["groups"]}
    assert draft["references"][0]["relation"] == "implements"
    assert issued["namdong"].get(f"/deliveries/{issued['delivery']}").json()[
        "state"] == "in_progress"

    again = issued["namdong"].post(path)  # a retry: the same draft, not a second one
    assert again.status_code == 200 and again.json()["id"] == draft["id"]
    assert Letter.objects.filter(implements_id=issued["letter"]["id"]).count() == 1

    sent = issued["namdong"].post(f"/letters/{draft['id']}/issue").json()
    assert sent["number"] == 1 and Delivery.objects.filter(letter_id=sent["id"]).count() == 2


def test_a_report_closes_the_delivery_and_counts_once(issued, tree):
    path = f"/deliveries/{issued['delivery']}/reports"
    response = issued["namdong"].post(path, _report())
    assert response.status_code == 201, response.json()
    report = response.json()
    assert report["audience"] == 120 and report["kind"] == "conference"
    assert report["links"] == ["https://namdong.example.vn/tin/hoi-nghi"]
    assert report["reported_by"]["username"] == "namdong"
    assert issued["namdong"].get(f"/deliveries/{issued['delivery']}").json()["state"] == "done"

    retry = issued["namdong"].post(path, _report())
    assert retry.status_code == 200 and retry.json()["id"] == report["id"]
    other = issued["namdong"].post(path, _report(kind="loudspeaker", audience=400))
    assert other.status_code == 201

    listed = issued["namdong"].get(path).json()
    assert {r["id"] for r in listed} == {report["id"], other.json()["id"]}
    progress = CascadeProgress.objects.get(cascade_root_id=issued["letter"]["id"],
                                           unit=tree["namdong"])
    assert progress.audience == 520 and progress.reported_at
    coverage = issued["city"].get(f"/letters/{issued['letter']['id']}/coverage").json()
    assert coverage["totals"]["reported"] == 1 and coverage["totals"]["audience"] == 520


def test_bad_reports_are_refused_at_the_field(issued):
    path = f"/deliveries/{issued['delivery']}/reports"
    negative = issued["namdong"].post(path, _report(audience=-5))
    assert negative.status_code == 422 and negative.json()["detail"][0]["loc"][-1] == "audience"
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    later = issued["namdong"].post(path, _report(date=future))
    assert later.status_code == 400 and "future" in later.json()["detail"]
    kind = issued["namdong"].post(path, _report(kind="picnic"))
    assert kind.status_code == 422 and kind.json()["detail"][0]["loc"][-1] == "kind"
    link = issued["namdong"].post(path, _report(links=["not a link"]))
    assert link.status_code == 422 and "links" in link.json()["detail"][0]["loc"]
    assert not ActivityReport.objects.exists()
    assert issued["namdong"].get(f"/deliveries/{issued['delivery']}").json()[
        "state"] == "received"


def test_session_authentication_acts_too(client, issued, tree):
    client.force_login(tree["officers"]["namdong"])
    session = Api(client)
    response = session.post(f"/deliveries/{issued['delivery']}/acknowledge")
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    client.logout()
    assert Api(client).get("/deliveries").status_code == 401


def test_the_openapi_document_lists_the_deliveries_api(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/deliveries": {"get"},
        "/api/v1/deliveries/{delivery_id}": {"get"},
        "/api/v1/deliveries/{delivery_id}/acknowledge": {"post"},
        "/api/v1/deliveries/{delivery_id}/assign": {"post"},
        "/api/v1/deliveries/{delivery_id}/refuse": {"post"},
        "/api/v1/deliveries/{delivery_id}/implement": {"post"},
        "/api/v1/deliveries/{delivery_id}/reports": {"get", "post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
