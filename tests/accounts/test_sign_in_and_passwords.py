"""Sign-in, sign-out, password change and reset (mail through a real SMTP server)."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from giaithuong.accounts.services import create_user

pytestmark = pytest.mark.django_db
PASSWORD = "Mật-khẩu-cũ-2026"


@pytest.fixture
def person(edition):
    return create_user(username="thu", password=PASSWORD, email="thu@example.vn",
                       full_name="Đoàn Trung Thu")


def test_sign_in_and_out(client, person):
    response = client.post("/account/login/", {"username": "thu", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert "Đoàn Trung Thu" in client.get("/account/").content.decode()
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 302


def test_wrong_password_is_explained_in_vietnamese_and_english(client, person):
    response = client.post("/account/login/", {"username": "thu", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()
    response = client.post("/en/account/login/", {"username": "thu", "password": "wrong"})
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_mail(client, person, mailbox):
    response = client.post("/account/password/reset/", {"email": "thu@example.vn"})
    assert response.status_code == 302
    (message,) = mailbox.messages
    assert message["To"] == "thu@example.vn"
    body = message.get_content()
    link = re.search(r"https?://[^/]+(/account/password/reset/[^\s]+/)", body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    new = "Mật-khẩu-mới-2026!"
    response = client.post(page.redirect_chain[-1][0] if page.redirect_chain else link,
                           {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)


def test_unknown_address_reveals_nothing_and_sends_nothing(client, person, mailbox):
    response = client.post("/account/password/reset/", {"email": "nobody@example.vn"})
    assert response.status_code == 302
    assert mailbox.messages == []


def test_expired_or_used_reset_link_says_so(client, person):
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    with translation.override("vi"):
        in_vietnamese = translation.gettext("This link no longer works")
    assert in_vietnamese != "This link no longer works", "the Vietnamese catalogue is compiled"
    response = client.get(f"/account/password/reset/{uid}/bad-token/", follow=True)
    assert in_vietnamese in response.content.decode()
    response = client.get(f"/en/account/password/reset/{uid}/bad-token/", follow=True)
    assert "This link no longer works" in response.content.decode()
    token = default_token_generator.make_token(person)
    person.set_password("Đã-đổi-rồi-2026")  # a used token no longer matches the hash
    person.save()
    response = client.get(f"/en/account/password/reset/{uid}/{token}/", follow=True)
    assert "This link no longer works" in response.content.decode()


def test_password_change(client, person):
    client.force_login(person)
    new = "Mật-khẩu-khác-2026"
    response = client.post("/account/password/change/", {
        "old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)
