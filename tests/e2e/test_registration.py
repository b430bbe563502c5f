"""A participant registers on a phone-sized screen: from the take-part page to the form, a
refused consent, the mail read from a real SMTP server, the link, signing in with the address,
and the profile. English pages (/en/), so nothing depends on the translation catalogue."""

import re

import pytest

from tests.accounts.participant_helpers import LINK, PASSWORD


@pytest.fixture
def site(live_server, transactional_db):
    from giaithuong.editions.services import load_edition_file
    from tests.conftest import EDITION_FILE

    load_edition_file(EDITION_FILE)
    return live_server.url


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_register_verify_and_sign_in_on_a_phone(site, browser, mailbox):
    context = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site + "/en/take-part/")
    page.get_by_role("link", name="Register to submit works").first.click()
    page.wait_for_url(re.compile(r"/en/account/register/$"))
    assert _fits(page)

    page.get_by_label("Full name").fill("Phạm Minh Châu")
    page.get_by_label("E-mail address").fill("chau@example.vn")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    consent = page.get_by_role("checkbox")
    assert consent.get_attribute("aria-invalid") == "true" and not consent.is_checked()
    assert "without it we cannot receive your entries" in page.locator("#id_consent_error")\
        .inner_text()
    assert page.get_by_label("Full name").input_value() == "Phạm Minh Châu"

    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    consent.check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/en/account/register/sent/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your mail"

    (message,) = mailbox.messages
    assert message["Subject"].strip().startswith("Xác nhận địa chỉ thư điện tử")
    page.goto(LINK.search(message.get_content()).group(0).replace("http://testserver", site))
    page.wait_for_url(re.compile(r"/en/account/login/$"))
    assert "Your e-mail address is verified" in page.locator(".messages").inner_text()

    page.locator("#id_username").fill("chau@example.vn")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/en/account/$"))
    page.get_by_role("link", name="Your profile").click()
    page.wait_for_url(re.compile(r"/en/account/profile/$"))
    assert page.get_by_label("Full name").input_value() == "Phạm Minh Châu"
    assert _fits(page)
    context.close()
