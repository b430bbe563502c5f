"""The participant API: register, verify, the profile and the person's data — the same services
as the pages, with the same answers for known and unknown addresses."""

import re

import pytest

from giaithuong.accounts.models import ParticipantProfile, RoleGrant, User
from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_api_token
from tests.accounts.participant_helpers import PASSWORD
from tests.roles import PASSWORD as PASSWORD_OF_PEOPLE
from tests.roles import make_people

pytestmark = pytest.mark.django_db
BODY = {"full_name": "Lê Văn Nam", "email": "nam@example.vn", "password": PASSWORD,
        "consent": True, "language": "en"}
EN = {"Accept-Language": "en"}


def post(client, path, body, headers=None):
    return client.post(f"/api/v1/accounts{path}", body, content_type="application/json",
                       headers={**EN, **(headers or {})})


def token_in(message) -> str:
    return re.search(r"/account/verify/([^/\s]+)/", message.get_content()).group(1)


def bearer(user) -> dict:
    _, raw = create_api_token(user, "test")
    return {"Authorization": f"Bearer {raw}", **EN}


def test_register_and_verify(client, edition, mailbox):
    response = post(client, "/register", BODY)
    assert response.status_code == 202
    (message,) = mailbox.messages
    assert "/en/account/verify/" in message.get_content()
    token = token_in(message)
    response = post(client, "/verify", {"token": token})
    assert response.status_code == 200 and response.json()["status"] == "verified"
    user = User.objects.get(email="nam@example.vn")
    assert user.is_active and user.preferred_language == "en"
    assert RoleGrant.objects.filter(user=user, role=Role.PARTICIPANT, edition=edition).exists()
    response = post(client, "/verify", {"token": token})
    assert response.status_code == 409 and response.json()["status"] == "used"


def test_bad_tokens(client, edition, mailbox, settings):
    post(client, "/register", BODY)
    token = token_in(mailbox.messages[0])
    assert post(client, "/verify", {"token": token + "x"}).status_code == 400
    assert post(client, "/verify", {}).status_code == 400
    settings.GIAITHUONG_VERIFICATION_MAX_AGE = -1
    response = post(client, "/verify", {"token": token})
    assert response.status_code == 410 and response.json()["status"] == "expired"


def test_field_errors_name_each_field(client, edition, mailbox):
    response = post(client, "/register", {**BODY, "consent": False, "password": "123",
                                          "email": "not-an-address"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"consent", "password", "email"}
    assert "consent" in errors["consent"][0]
    assert post(client, "/register", {}).status_code == 400
    assert mailbox.messages == [] and not User.objects.exists()


def test_a_known_address_gets_the_same_answer(client, edition, mailbox):
    first = post(client, "/register", BODY)
    post(client, "/verify", {"token": token_in(mailbox.messages[0])})
    again = post(client, "/register", {**BODY, "email": "NAM@example.vn"})
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert User.objects.filter(email__iexact="nam@example.vn").count() == 1
    assert "đã có tài khoản" in mailbox.messages[-1]["Subject"]


def test_resend_answers_alike(client, edition, mailbox):
    post(client, "/register", BODY)
    known = post(client, "/verify/resend", {"email": "nam@example.vn"})
    unknown = post(client, "/verify/resend", {"email": "ai@example.vn"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()


def test_consent_text_is_published(client, edition):
    body = client.get("/api/v1/accounts/consent", headers=EN).json()
    assert body["version"] == "2026-1" and body["purpose"] == "participation"
    assert body["privacy_notice"].endswith("/account/privacy/")


def test_profile_read_and_patch(client, edition):
    person = make_people(edition)["participant"]
    headers = bearer(person)
    body = client.get("/api/v1/accounts/me/profile", headers=headers).json()
    assert body["full_name"] == "Người participant" and body["nationality"] == ""
    response = client.patch("/api/v1/accounts/me/profile",
                            {"nationality": "fr", "residence": "abroad", "pen_name": "Nam"},
                            content_type="application/json", headers=headers)
    assert response.status_code == 200
    assert (response.json()["nationality"], response.json()["pen_name"]) == ("FR", "Nam")
    response = client.patch("/api/v1/accounts/me/profile",
                            {"nationality": "Atlantis", "workplace": "VOV"},
                            content_type="application/json", headers=headers)
    assert response.status_code == 400 and set(response.json()["errors"]) == {"nationality"}
    assert ParticipantProfile.objects.get(user=person).workplace == "", "nothing half-saved"


def test_profile_is_for_participants_and_data_for_everyone_signed_in(client, edition):
    people = make_people(edition)
    juror = bearer(people["juror"])
    assert client.get("/api/v1/accounts/me/profile", headers=juror).status_code == 403
    response = client.get("/api/v1/accounts/me/data", headers=juror)
    assert response.status_code == 200
    assert response.json()["account"]["email"] == "juror@example.vn"
    assert client.get("/api/v1/accounts/me/data").status_code == 401


def test_change_address(client, edition, mailbox):
    person = make_people(edition)["participant"]
    headers = bearer(person)
    response = client.post("/api/v1/accounts/me/email", {"email": "moi@example.vn",
                                                         "password": "wrong"},
                           content_type="application/json", headers=headers)
    assert response.status_code == 400 and set(response.json()["errors"]) == {"password"}
    response = client.post("/api/v1/accounts/me/email", {"email": "moi@example.vn",
                                                         "password": PASSWORD_OF_PEOPLE},
                           content_type="application/json", headers=headers)
    assert response.status_code == 202
    token = token_in(mailbox.messages[0])
    assert post(client, "/verify", {"token": token}).status_code == 200
    person.refresh_from_db()
    assert person.email == "moi@example.vn"
