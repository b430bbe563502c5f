"""Registrations per network address (GIAITHUONG_REGISTRATION_LIMIT): past the limit the page
answers 429 with the reason at the form, in the page's language, and keeps what was typed; the
API answers 429 with Retry-After; other addresses and the next window are not held back."""

import pytest

from giaithuong.accounts.models import User
from giaithuong.common import throttle
from tests.accounts.participant_helpers import PASSWORD, register, registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_per_hour(settings, monkeypatch):
    settings.GIAITHUONG_REGISTRATION_LIMIT = "2/hour"
    monkeypatch.setattr(throttle, "clock", lambda: 3600.0 * 100 + 60)  # a minute into an hour


def test_the_page_holds_back_an_address_past_the_limit(client, edition, mailbox):
    for number in range(2):
        assert register(client, email=f"a{number}@example.vn").status_code == 302
    response = register(client, email="a2@example.vn", full_name="Trần Văn Ba")
    assert response.status_code == 429 and response["Retry-After"] == "3540"
    page = response.content.decode()
    assert "Too many accounts have been registered from your network. Try again in 59 " \
           "minutes." in page
    assert 'value="Trần Văn Ba"' in page  # nothing typed is lost
    assert not User.objects.filter(email="a2@example.vn").exists()
    assert len(mailbox.messages) == 2


def test_the_vietnamese_page_says_it_in_vietnamese(client, edition):
    for number in range(3):
        response = register(client, prefix="", email=f"b{number}@example.vn")
    assert response.status_code == 429
    assert "Có quá nhiều tài khoản được đăng ký từ mạng của bạn" in response.content.decode()


def test_a_form_with_mistakes_costs_no_attempt(client, edition):
    for _ in range(3):
        assert register(client, email="c@example.vn", password2="khác").status_code == 200
    assert register(client, email="c@example.vn").status_code == 302


def test_another_address_and_the_next_hour_are_not_held_back(client, edition, monkeypatch):
    for number in range(3):
        register(client, email=f"d{number}@example.vn")
    other = client.post("/en/account/register/", registration(email="d9@example.vn"),
                        REMOTE_ADDR="198.51.100.4")
    assert other.status_code == 302
    monkeypatch.setattr(throttle, "clock", lambda: 3600.0 * 101 + 1)
    assert register(client, email="d3@example.vn").status_code == 302


def test_the_api_answers_429_with_retry_after(client, edition):
    def post(number):
        return client.post("/api/v1/accounts/register",
                           {"full_name": "Lê Văn Nam", "email": f"e{number}@example.vn",
                            "password": PASSWORD, "consent": True},
                           content_type="application/json", headers={"Accept-Language": "en"})

    assert [post(n).status_code for n in range(3)] == [202, 202, 429]
    response = post(4)
    assert response.status_code == 429 and response["Retry-After"] == "3540"
    assert response.json()["detail"].startswith("Too many accounts have been registered")
