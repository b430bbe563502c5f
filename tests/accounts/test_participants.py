"""Participants: register → verify by mail (a real SMTP server) → sign in; links that are
expired, reused or forged; consent; duplicate addresses without telling anyone; export and
erasure of personal data."""

import json

import pytest
from django.core import signing
from django.db import IntegrityError
from django.utils.html import escape

from giaithuong.accounts import participants
from giaithuong.accounts.models import Consent, ParticipantProfile, RoleGrant, User
from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, revoke_role
from giaithuong.common.models import AuditEvent
from tests.accounts.participant_helpers import (
    PASSWORD,
    register,
    sign_in,
    verification_path,
)

pytestmark = pytest.mark.django_db
SUBJECT = "Xác nhận địa chỉ thư điện tử · Giải thưởng toàn quốc về thông tin đối ngoại"


def verified_participant(client, mailbox, **overrides) -> User:
    register(client, **overrides)
    client.get(verification_path(mailbox.messages[-1]))
    return User.objects.get(email__iexact=overrides.get("email", "hoa@example.vn"))


def test_register_verify_and_sign_in(client, edition, mailbox):
    response = register(client)
    assert response.status_code == 302
    assert response["Location"].endswith("/account/register/sent/")
    (message,) = mailbox.messages
    assert message["Subject"].strip() == SUBJECT  # decoded from its RFC 2047 encoding
    assert message["To"] == "hoa@example.vn"
    body = message.get_content()
    assert "Xin chào Nguyễn Thị Hoa" in body and "To confirm your e-mail address" in body
    user = User.objects.get(email="hoa@example.vn")
    assert not user.is_active and not user.participant_profile.is_verified
    assert not RoleGrant.objects.filter(user=user).exists()
    consent = Consent.objects.get(user=user)
    assert consent.text_version == participants.CONSENT_VERSION and consent.is_active
    assert len(consent.ip_hash) == 64 and "127.0.0.1" not in consent.ip_hash

    # Before verification: a clear message and a way to get the link again.
    response = sign_in(client, "hoa@example.vn")
    page = response.content.decode()
    assert response.status_code == 200 and "not verified yet" in page
    assert 'action="/en/account/register/resend/"' in page
    assert "_auth_user_id" not in client.session

    response = client.get(verification_path(message), follow=True)
    assert response.redirect_chain[-1][0].endswith("/account/login/")
    assert "Your e-mail address is verified" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.participant_profile.is_verified
    assert RoleGrant.objects.filter(user=user, role=Role.PARTICIPANT, edition=edition).exists()

    response = sign_in(client, "HOA@example.vn")  # the address, in any case
    assert response.status_code == 302 and response["Location"] == "/en/account/"
    assert client.get("/en/account/profile/").status_code == 200
    assert AuditEvent.objects.filter(action="participant.email_verified").count() == 1


def test_a_link_works_once(client, edition, mailbox):
    register(client)
    path = verification_path(mailbox.messages[0])
    assert client.get(path).status_code == 302
    response = client.get(path)
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert RoleGrant.objects.filter(role=Role.PARTICIPANT).count() == 1


def test_an_expired_link_offers_a_new_one(client, edition, mailbox, settings):
    register(client)
    path = verification_path(mailbox.messages[0])
    settings.GIAITHUONG_VERIFICATION_MAX_AGE = -1  # every link is older than that
    response = client.get(path)
    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has expired" in page and 'name="email"' in page
    assert not User.objects.get(email="hoa@example.vn").is_active


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
    lambda token: signing.dumps({"u": 1, "s": "x"}, salt="another.purpose"),
    lambda token: "not-a-token",
])
def test_a_forged_link_does_nothing(client, edition, mailbox, mangle):
    register(client)
    token = verification_path(mailbox.messages[0]).rstrip("/").rsplit("/", 1)[1]
    response = client.get(f"/en/account/verify/{mangle(token)}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not User.objects.get(email="hoa@example.vn").is_active


def test_a_link_for_an_address_no_longer_on_the_account_does_nothing(client, edition, mailbox):
    register(client)
    path = verification_path(mailbox.messages[0])
    User.objects.filter(email="hoa@example.vn").update(email="hoa.moi@example.vn")
    assert client.get(path).status_code == 400
    assert not User.objects.get(email="hoa.moi@example.vn").is_active


def test_a_signed_token_for_another_account_is_refused(client, edition, mailbox):
    register(client)
    register(client, email="lan@example.vn", full_name="Trần Lan")
    hoa = User.objects.get(email="hoa@example.vn")
    lan = User.objects.get(email="lan@example.vn")
    data = signing.loads(verification_path(mailbox.messages[0]).rstrip("/").rsplit("/", 1)[1],
                         salt="giaithuong.accounts.verify-email")
    forged = signing.dumps({"u": lan.pk, "s": data["s"]}, salt="giaithuong.accounts.verify-email")
    assert data["u"] == hoa.pk
    assert participants.verify_email(forged).status == participants.Verified.INVALID


def test_refusing_consent_refuses_registration(client, edition, mailbox):
    response = register(client, consent="")
    assert response.status_code == 200
    form = response.context["form"]
    assert "consent" in form.errors and "consent to the processing" in form.errors["consent"][0]
    assert 'id="id_consent_error"' in response.content.decode()
    assert not User.objects.exists() and mailbox.messages == []


def test_the_consent_box_is_never_ticked_for_you(client, edition):
    page = client.get("/en/account/register/").content.decode()
    box = page[page.index('name="consent"') - 60: page.index('name="consent"') + 80]
    assert 'type="checkbox"' in box and "checked" not in box
    assert escape(str(participants.CONSENT_TEXT)) in page


@pytest.mark.parametrize(("field", "overrides", "words"), [
    ("password1", {"password1": "12345678", "password2": "12345678"}, "too common"),
    ("password1", {"password1": "hoa@example.vn1", "password2": "hoa@example.vn1"},
     "too similar"),
    ("password1", {"password1": "ngắn", "password2": "ngắn"}, "too short"),
    ("password2", {"password2": "Khác-hẳn-2026!"}, "differ"),
    ("email", {"email": "hoa@@example"}, "valid e-mail"),
    ("full_name", {"full_name": "  "}, "required"),
    ("full_name", {"full_name": "Hoa\x07"}, "control characters"),
])
def test_bad_input_is_refused_at_the_field(client, edition, mailbox, field, overrides, words):
    response = register(client, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]), errors
    assert not User.objects.exists() and mailbox.messages == []


def test_a_known_address_gets_the_same_answer_and_a_mail(client, edition, mailbox):
    verified_participant(client, mailbox)
    first = len(mailbox.messages)
    response = register(client, email="Hoa@Example.VN", full_name="Kẻ mạo danh")
    assert response.status_code == 302
    assert response["Location"].endswith("/account/register/sent/")
    assert User.objects.filter(email__iexact="hoa@example.vn").count() == 1
    (mail,) = mailbox.messages[first:]
    assert "đã có tài khoản" in mail["Subject"] and "Nothing has changed" in mail.get_content()
    # No flood: one such mail per quarter hour.
    register(client, email="hoa@example.vn")
    assert len(mailbox.messages) == first + 1


def test_a_staff_address_cannot_be_registered_again(client, edition, mailbox):
    create_user(username="organiser", password=PASSWORD, email="btc@example.vn")
    assert register(client, email="BTC@example.vn").status_code == 302
    assert User.objects.filter(email__iexact="btc@example.vn").count() == 1
    assert "đã có tài khoản" in mailbox.messages[0]["Subject"]


def test_registering_again_before_verifying_sends_the_link_again(client, edition, mailbox,
                                                                  settings):
    settings.GIAITHUONG_VERIFICATION_RESEND_SECONDS = 0
    register(client)
    register(client, password1="Mật-khẩu-khác-2026", password2="Mật-khẩu-khác-2026")
    assert [m["Subject"].strip() for m in mailbox.messages] == [SUBJECT, SUBJECT]
    user = User.objects.get(email="hoa@example.vn")
    assert user.check_password(PASSWORD), "a second registration changes nothing"


def test_resend_is_rate_limited_and_reveals_nothing(client, edition, mailbox):
    register(client)
    assert len(mailbox.messages) == 1
    answers = set()
    for address in ("hoa@example.vn", "nobody@example.vn", "hoa@example.vn"):
        response = client.post("/en/account/register/resend/", {"email": address},
                               follow=True)
        answers.add(response.content.decode().count("we have sent it a new link"))
    assert answers == {1}
    assert len(mailbox.messages) == 1, "within the cooldown, no second mail"


def test_resend_after_the_cooldown(client, edition, mailbox, settings):
    settings.GIAITHUONG_VERIFICATION_RESEND_SECONDS = 0
    register(client)
    client.post("/en/account/register/resend/", {"email": "HOA@example.vn"})
    assert len(mailbox.messages) == 2
    # Both links verify the same account; the first one used wins, the other is then "used".
    assert client.get(verification_path(mailbox.messages[1])).status_code == 302
    assert client.get(verification_path(mailbox.messages[0])).status_code == 200


def test_the_database_holds_one_account_per_address(edition):
    create_user(username="a", password=PASSWORD, email="same@example.vn")
    with pytest.raises(IntegrityError):
        create_user(username="b", password=PASSWORD, email="SAME@example.vn")


def test_registration_service_refuses_without_consent(edition, mailbox):
    with pytest.raises(participants.ParticipantError) as raised:
        participants.register_participant(full_name="Hoa", email="hoa@example.vn",
                                          password=PASSWORD, consent=False)
    assert set(raised.value.errors) == {"consent"}
    assert not User.objects.exists()


def test_a_participant_of_an_earlier_edition_joins_the_current_one_on_sign_in(
        client, edition, mailbox):
    user = verified_participant(client, mailbox)
    revoke_role(user, Role.PARTICIPANT, edition=edition)
    assert sign_in(client, "hoa@example.vn").status_code == 302
    assert RoleGrant.objects.filter(user=user, role=Role.PARTICIPANT, edition=edition).exists()


def test_profile_changes_are_checked_and_audited_without_values(client, edition, mailbox):
    user = verified_participant(client, mailbox)
    with pytest.raises(participants.ParticipantError) as raised:
        participants.update_profile(user, {"nationality": "XX", "phone": "call me",
                                           "residence": "moon", "pen_name": "A\x00"})
    assert set(raised.value.errors) == {"nationality", "phone", "residence", "pen_name"}
    participants.update_profile(user, {"nationality": "vn", "phone": "+84 912 345 678",
                                       "pen_name": "Hoa  Sen", "residence": "abroad",
                                       "full_name": "Nguyễn Thị Hoa"}, actor=user)
    profile = ParticipantProfile.objects.get(user=user)
    assert (profile.nationality, profile.pen_name, profile.residence) == ("VN", "Hoa Sen",
                                                                         "abroad")
    user.refresh_from_db()
    assert user.phone == "+84 912 345 678"
    event = AuditEvent.objects.get(action="participant.profile_updated")
    assert sorted(event.after["fields"]) == ["nationality", "pen_name", "phone", "residence"]
    assert "912" not in json.dumps(event.after) and "Hoa" not in event.target_label


def test_the_export_holds_profile_consents_and_other_apps_data(client, edition, mailbox,
                                                               fake_entries):
    user = verified_participant(client, mailbox)
    other = verified_participant(client, mailbox, email="lan@example.vn", full_name="Trần Lan")
    participants.update_profile(user, {"workplace": "Báo Nhân Dân", "nationality": "VN"})
    fake_entries.drafts[user.pk] = ["Phóng sự Trường Sa"]
    document = participants.export_personal_data(user)
    assert document["account"]["email"] == "hoa@example.vn"
    assert document["profile"]["workplace"] == "Báo Nhân Dân"
    assert [c["purpose"] for c in document["consents"]] == ["participation"]
    assert document["roles"][0]["role"] == "participant"
    assert document["fake_entries"]["drafts"] == ["Phóng sự Trường Sa"]
    actions = {event["action"] for event in document["audit_events"]}
    assert {"participant.registered", "consent.given", "participant.email_verified",
            "role.granted"} <= actions
    text = json.dumps(document, default=str)
    assert "lan@example.vn" not in text and "Trần Lan" not in text and str(other.pk) != ""
    assert AuditEvent.objects.filter(action="personal_data.exported").count() == 1


def test_erasure_without_entries_erases_everything(client, edition, mailbox, fake_entries):
    user = verified_participant(client, mailbox)
    participants.update_profile(user, {"phone": "0912 345 678", "workplace": "VTV"})
    fake_entries.drafts[user.pk] = ["Bản nháp"]
    result = participants.request_erasure(user)
    assert result.complete and result.kept == ()
    assert fake_entries.erased_for == [user.pk] and user.pk not in fake_entries.drafts
    user.refresh_from_db()
    assert (user.full_name, user.email, user.phone) == ("", "", "")
    assert user.username == f"erased-{user.pk}" and not user.is_active
    assert not user.has_usable_password()
    assert not ParticipantProfile.objects.filter(user=user).exists()
    assert not RoleGrant.objects.filter(user=user).exists()
    assert not Consent.objects.filter(user=user, withdrawn_at__isnull=True).exists()
    mail = mailbox.messages[-1]
    assert mail["To"] == "hoa@example.vn" and "Nothing we keep identifies you" in mail.get_content()
    event = AuditEvent.objects.get(action="participant.erased")
    assert event.after["complete"] is True
    # Nothing left in the audit log names the person or their address.
    for label in AuditEvent.objects.values_list("target_label", "actor_label", "after"):
        assert "Hoa" not in json.dumps(label, ensure_ascii=False)
        assert "hoa@example.vn" not in json.dumps(label)
    assert sign_in(client, "hoa@example.vn").status_code == 200


def test_erasure_with_submitted_entries_keeps_the_award_record(client, edition, mailbox,
                                                               fake_entries):
    user = verified_participant(client, mailbox)
    participants.update_profile(user, {"phone": "0912 345 678", "pen_name": "Hoa Sen",
                                       "postal_address": "12 Lý Thái Tổ, Hà Nội"})
    fake_entries.submitted = ["XII-03-0001"]
    result = participants.request_erasure(user)
    assert not result.complete
    assert any("XII-03-0001" in item for item in result.kept)
    user.refresh_from_db()
    assert (user.full_name, user.email) == ("Nguyễn Thị Hoa", "hoa@example.vn")
    assert user.phone == "" and not user.is_active and not user.has_usable_password()
    assert not ParticipantProfile.objects.filter(user=user).exists()
    assert not Consent.objects.filter(user=user, withdrawn_at__isnull=True).exists()
    body = mailbox.messages[-1].get_content()
    assert "XII-03-0001" in body and "except what the award's record needs" in body


def test_an_app_cannot_take_an_accounts_section():
    with pytest.raises(ValueError, match="belongs to accounts"):
        participants.register_data_exporter(lambda user: {}, section="profile")
