"""Participant pages: the privacy notice, the profile, the data download, erasure, and the
ways in (take-part page, sign-in page)."""

import json

import pytest

from giaithuong.accounts.models import ParticipantProfile, User
from giaithuong.common.models import AuditEvent
from tests.accounts.participant_helpers import (
    PASSWORD,
    register,
    sign_in,
    verification_path,
)
from tests.roles import make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def hoa(client, edition, mailbox):
    """A verified participant, signed in."""
    register(client)
    client.get(verification_path(mailbox.messages[-1]))
    assert sign_in(client, "hoa@example.vn").status_code == 302
    return User.objects.get(email="hoa@example.vn")


def test_privacy_notice_says_what_why_how_long_who_and_rights(client, edition):
    for prefix in ("", "/en"):
        assert client.get(f"{prefix}/account/privacy/").status_code == 200
    page = client.get("/en/account/privacy/").content.decode()
    for words in ("What we collect", "Why", "How long we keep it", "Who sees it", "Your rights",
                  "Law on Personal Data Protection", 'href="/en/account/my-data/"',
                  'href="/en/account/erasure/"', "Version 2026-1"):
        assert words in page, words
    assert 'href="/en/account/privacy/"' in client.get("/en/").content.decode()


def test_ways_in_to_registration(client, edition):
    assert 'href="/en/account/register/"' in client.get("/en/take-part/").content.decode()
    assert 'href="/en/account/register/"' in client.get("/en/account/login/").content.decode()
    page = client.get("/en/account/register/").content.decode()
    assert 'autocomplete="new-password"' in page and 'href="/en/account/privacy/"' in page


def test_a_signed_in_person_is_not_asked_to_register(client, edition):
    people = make_people(edition)
    client.force_login(people["organiser"])
    response = client.get("/en/account/register/")
    assert response.status_code == 302 and response["Location"] == "/en/account/"


def test_resend_button_on_the_sign_in_page_sends_a_new_link(client, edition, mailbox,
                                                            settings):
    settings.GIAITHUONG_VERIFICATION_RESEND_SECONDS = 0
    register(client)
    page = sign_in(client, "hoa@example.vn").content.decode()
    assert 'value="hoa@example.vn"' in page
    response = client.post("/en/account/register/resend/", {"email": "hoa@example.vn"},
                           follow=True)
    assert "we have sent it a new link" in response.content.decode()
    assert len(mailbox.messages) == 2


def test_wrong_password_of_a_waiting_account_says_nothing_about_it(client, edition, mailbox):
    register(client)
    page = sign_in(client, "hoa@example.vn", password="sai-mật-khẩu").content.decode()
    assert "not verified" not in page and "Please enter a correct" in page


def test_profile_page_shows_and_saves(client, hoa):
    page = client.get("/en/account/profile/").content.decode()
    assert 'value="Nguyễn Thị Hoa"' in page and "hoa@example.vn" in page and "verified" in page
    assert '<option value="VN">Vietnam</option>' in page
    response = client.post("/en/account/profile/", {
        "full_name": "Nguyễn Thị Hoa", "pen_name": "Hoa Sen", "position": "Phóng viên",
        "workplace": "Báo Quân đội nhân dân", "phone": "+84 912 345 678",
        "postal_address": "  7 Phan Đình  Phùng\r\n\r\nHà Nội ", "nationality": "VN",
        "residence": "vietnam", "preferred_language": "vi"})
    assert response.status_code == 302
    profile = ParticipantProfile.objects.get(user=hoa)
    assert profile.workplace == "Báo Quân đội nhân dân"
    assert profile.postal_address == "7 Phan Đình Phùng\nHà Nội"
    hoa.refresh_from_db()
    assert hoa.phone == "+84 912 345 678" and hoa.preferred_language == "vi"


def test_profile_bad_input_is_shown_at_the_field_and_nothing_is_saved(client, hoa):
    response = client.post("/en/account/profile/", {
        "full_name": "Nguyễn Thị Hoa", "phone": "gọi tôi", "workplace": "VTV",
        "nationality": "VN", "preferred_language": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_phone_error"' in page and 'aria-invalid="true"' in page
    assert "Enter a phone number" in page and 'value="VTV"' in page  # what was typed stays
    assert ParticipantProfile.objects.get(user=hoa).workplace == ""


def test_a_participant_without_a_profile_gets_one_on_saving(client, edition):
    person = make_people(edition)["participant"]
    client.force_login(person)
    assert client.get("/en/account/profile/").status_code == 200
    response = client.post("/en/account/profile/", {"full_name": "Người dự thi",
                                                    "preferred_language": "vi"})
    assert response.status_code == 302
    assert ParticipantProfile.objects.filter(user=person).exists()


def test_my_data_downloads_as_json(client, hoa):
    response = client.get("/en/account/my-data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "no-store"
    document = json.loads(response.content)
    assert document["account"]["full_name"] == "Nguyễn Thị Hoa"
    assert document["consents"][0]["purpose"] == "participation"


def test_erasure_asks_for_the_password_and_the_confirmation(client, hoa):
    response = client.post("/en/account/erasure/", {"password": "sai"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "This is not your password." in errors["password"] and "confirm" in errors
    hoa.refresh_from_db()
    assert hoa.is_active


def test_erasure_page_without_entries(client, hoa, mailbox, fake_entries):
    response = client.post("/en/account/erasure/", {"password": PASSWORD, "confirm": "on"})
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing we keep identifies you" in page
    assert client.get("/en/account/").status_code == 302  # signed out
    assert AuditEvent.objects.filter(action="participant.erased").exists()


def test_erasure_page_with_submitted_entries_says_what_is_kept(client, hoa, mailbox,
                                                              fake_entries):
    fake_entries.submitted = ["XII-05-0007"]
    response = client.post("/en/account/erasure/", {"password": PASSWORD, "confirm": "on"})
    page = response.content.decode()
    assert "except the award's record" in page and "XII-05-0007" in page
    hoa.refresh_from_db()
    assert hoa.full_name == "Nguyễn Thị Hoa" and not hoa.is_active


def test_changing_the_address_takes_effect_when_the_new_link_is_opened(client, hoa, mailbox,
                                                                       settings):
    settings.GIAITHUONG_VERIFICATION_RESEND_SECONDS = 0
    response = client.post("/en/account/profile/email/",
                           {"email": "hoa.moi@example.vn", "password": "sai"})
    assert "This is not your password." in response.context["form"].errors["password"]
    before = len(mailbox.messages)
    response = client.post("/en/account/profile/email/",
                           {"email": "Hoa.Moi@example.vn", "password": PASSWORD}, follow=True)
    assert "Your account moves to it once you open the link" in response.content.decode()
    link, notice = mailbox.messages[before:]
    assert link["To"] == "Hoa.Moi@example.vn" and "mới" in link["Subject"]
    assert notice["To"] == "hoa@example.vn" and "If this was not you" in notice.get_content()
    hoa.refresh_from_db()
    assert hoa.email == "hoa@example.vn", "nothing changes before the link is opened"
    assert "Waiting for you to open the link" in client.get("/en/account/profile/").content.decode()

    path = verification_path(link)
    assert client.get(path).status_code == 302
    hoa.refresh_from_db()
    assert hoa.email == "Hoa.Moi@example.vn"
    assert ParticipantProfile.objects.get(user=hoa).pending_email == ""
    assert client.get(path).status_code == 200  # used
    client.logout()
    assert sign_in(client, "hoa.moi@example.vn").status_code == 302
    assert AuditEvent.objects.filter(action="participant.email_changed").count() == 1


def test_moving_to_an_address_another_account_has_tells_only_that_address(client, hoa, mailbox,
                                                                          settings):
    settings.GIAITHUONG_VERIFICATION_RESEND_SECONDS = 0
    other = make_people(hoa.role_grants.first().edition)["juror"]
    before = len(mailbox.messages)
    response = client.post("/en/account/profile/email/",
                           {"email": other.email.upper(), "password": PASSWORD}, follow=True)
    assert "Your account moves to it once you open the link" in response.content.decode()
    (mail,) = mailbox.messages[before:]
    assert mail["To"] == other.email and "đã có tài khoản" in mail["Subject"]
    assert ParticipantProfile.objects.get(user=hoa).pending_email == ""


def test_asking_again_at_once_is_refused_politely(client, hoa, mailbox):
    ParticipantProfile.objects.filter(user=hoa).update(verification_sent_at=None)
    client.post("/en/account/profile/email/", {"email": "a@example.vn", "password": PASSWORD})
    response = client.post("/en/account/profile/email/",
                           {"email": "b@example.vn", "password": PASSWORD})
    assert "wait a few minutes" in response.context["form"].errors["email"][0]
    assert ParticipantProfile.objects.get(user=hoa).pending_email == "a@example.vn"
