"""The REST API: the current edition, the OpenAPI document, token authentication."""

import pytest

from giaithuong.accounts.services import create_api_token, create_user, revoke_api_token

pytestmark = pytest.mark.django_db


def test_current_edition_has_everything(client, edition):
    data = client.get("/api/v1/editions/current").json()
    assert data["title"]["vi"] == "Giải thưởng toàn quốc về thông tin đối ngoại lần thứ XII"
    assert data["roman"] == "XII" and data["year"] == 2026
    assert [c["code"] for c in data["categories"]] == [
        c.code for c in edition.categories.order_by("number")]
    assert len(data["categories"]) == 8
    tv = next(c for c in data["categories"] if c["code"] == "truyen-hinh")
    assert tv["max_duration_minutes"] == 120 and tv["name"]["en"] == "Television"
    assert data["publication_window"] == {"start": "2025-07-01", "end": "2026-06-30",
                                          "straddle_min_share": "2/3"}
    assert {t["code"]: t["per_category"] for t in data["prize_tiers"]} == {
        "dac-biet": None, "nhat": 1, "nhi": 2, "ba": 3, "khuyen-khich": 5}
    assert sum(c["weight"] for c in data["criteria"]) == 100
    assert data["rules"]["max_entries_per_author"] == 10
    assert data["deadline"].startswith("2026-07-31T")


def test_no_edition_is_a_404_with_a_message(client, db):
    response = client.get("/api/v1/editions/current")
    assert response.status_code == 404 and "No edition" in response.json()["detail"]


def test_openapi_document(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/editions/current" in spec["paths"]
    assert "/api/v1/accounts/me" in spec["paths"]


def test_token_authentication(client, edition):
    user = create_user(username="script", password="x-Very-long-1")
    assert client.get("/api/v1/accounts/me").status_code == 401
    token, raw = create_api_token(user, "nightly export")
    headers = {"Authorization": f"Bearer {raw}"}
    response = client.get("/api/v1/accounts/me", headers=headers)
    assert response.status_code == 200 and response.json()["username"] == "script"
    assert client.get("/api/v1/accounts/me",
                      headers={"Authorization": "Bearer gt_wrong"}).status_code == 401
    revoke_api_token(token)
    assert client.get("/api/v1/accounts/me", headers=headers).status_code == 401


def test_tokens_are_stored_hashed(edition):
    from giaithuong.accounts.models import ApiToken

    _, raw = create_api_token(create_user(username="s", password="x-Very-long-1"), "t")
    stored = ApiToken.objects.get()
    assert raw not in (stored.digest, stored.prefix) and stored.digest == ApiToken.digest_of(raw)


def test_api_messages_follow_accept_language(client, edition):
    """The API has no language prefix: Vietnamese by default, English on request."""
    from giaithuong.directives import letters
    from tests.roles import make_people

    officer = make_people(edition)["unit_officer"]
    unit = officer.role_grants.get().unit
    draft = letters.create_draft(actor=officer, issuer=unit, symbol="MTTQ-BTT",
                                 subject="thử")  # no addressees: issuing is refused
    _, raw = create_api_token(officer, "language")
    url = f"/api/v1/letters/{draft.pk}/issue"
    auth = {"Authorization": f"Bearer {raw}"}
    vietnamese = client.post(url, headers=auth, content_type="application/json")
    english = client.post(url, headers={**auth, "Accept-Language": "en"},
                          content_type="application/json")
    assert vietnamese.status_code == english.status_code == 400
    assert english.json()["detail"] == "The letter has no addressees (Kính gửi)."
    assert "Kính gửi" in vietnamese.json()["detail"]
    assert vietnamese.json()["detail"] != english.json()["detail"]
