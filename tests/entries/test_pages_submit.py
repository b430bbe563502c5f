"""Submitting from the pages: once per entry whatever the browser does (a double click, a
resent form, a retry), refused with the findings while one blocks, and after the deadline;
the status page, the receipt with its QR code, withdrawal."""

# ruff: noqa: F811  (the page fixtures imported from tests.entries.pages are parameters here)

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading

import pypdf
import pytest
import zxingcpp
from django.db import connection
from django.test import Client
from PIL import Image

from giaithuong.entries import services
from giaithuong.entries.models import Entry, EntryEvent, EntryStatus, SubmitKey
from tests.entries.conftest import NOW, VN, category, complete_draft
from tests.entries.pages import clock, hidden, owner, signed_in, text  # noqa: F401

pytestmark = pytest.mark.django_db
AFTER = dt.datetime(2026, 8, 1, 0, 0, 0, tzinfo=VN)


@pytest.fixture
def draft(edition, owner):
    return complete_draft(owner, edition)


def review(client, entry):
    page = client.get(f"/en/entries/{entry.pk}/edit/?step=review")
    assert page.status_code == 200
    return hidden(page, "idempotency_key")


def test_a_complete_draft_is_submitted_and_its_status_page_shows_the_receipt(signed_in, draft):
    key = review(signed_in, draft)
    response = signed_in.post(f"/en/entries/{draft.pk}/submit/", {"idempotency_key": key})
    assert response.status_code == 302
    assert response["Location"] == f"/en/entries/{draft.pk}/"
    page = signed_in.get(response["Location"])
    words = text(page)
    assert "Receipt number: XII-bao-tap-chi-tieng-viet-0001" in words
    assert "Status: Submitted" in words
    assert "Intake is checking" in words
    assert "Download the receipt (PDF)" in words
    assert "Submitted" in text(page).split("History", 1)[1]


def test_a_double_click_resend_or_retry_never_makes_a_second_entry(signed_in, draft):
    key = review(signed_in, draft)
    for _ in range(3):
        response = signed_in.post(f"/en/entries/{draft.pk}/submit/", {"idempotency_key": key})
        assert response.status_code == 302
    assert Entry.objects.filter(status=EntryStatus.SUBMITTED).count() == 1
    assert SubmitKey.objects.count() == 1
    assert EntryEvent.objects.filter(action="submitted").count() == 1
    page = signed_in.get(f"/en/entries/{draft.pk}/")
    assert "XII-bao-tap-chi-tieng-viet-0001" in text(page)


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_with_the_same_key_make_one_entry(edition, clock):
    from tests.entries.conftest import new_participant

    person = new_participant(edition)
    entry = complete_draft(person, edition)
    answers, errors = [], []

    def submit():
        client = Client()
        client.force_login(person)
        try:
            answers.append(client.post(f"/en/entries/{entry.pk}/submit/",
                                       {"idempotency_key": "one-click"}).status_code)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and answers == [302, 302]
    assert Entry.objects.get(pk=entry.pk).receipt_sequence == 1
    assert SubmitKey.objects.count() == 1


def test_another_submit_of_a_submitted_entry_is_refused_clearly(signed_in, draft):
    first = review(signed_in, draft)
    signed_in.post(f"/en/entries/{draft.pk}/submit/", {"idempotency_key": first})
    response = signed_in.post(f"/en/entries/{draft.pk}/submit/",
                              {"idempotency_key": "another-tab"}, follow=True)
    assert "has already been submitted (receipt XII-bao-tap-chi-tieng-viet-0001)" in text(
        response)
    assert Entry.objects.get(pk=draft.pk).receipt_sequence == 1


def test_a_submit_with_a_blocking_finding_is_refused_with_the_findings(signed_in, edition,
                                                                      owner):
    entry = services.create_draft(owner, category(edition), now=NOW, title="Chưa xong")
    key = review(signed_in, entry)
    response = signed_in.post(f"/en/entries/{entry.pk}/submit/", {"idempotency_key": key})
    assert response.status_code == 422
    words = text(response)
    assert "cannot be submitted yet" in words
    assert "The summary in Vietnamese is missing" in words
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.DRAFT


def test_a_submit_after_the_deadline_is_refused(signed_in, draft, clock):
    key = review(signed_in, draft)
    clock.at = AFTER
    response = signed_in.post(f"/en/entries/{draft.pk}/submit/", {"idempotency_key": key},
                              follow=True)
    assert "The deadline for entries (23:59:59 31/07/2026, Vietnam time) has passed" in text(
        response)
    assert Entry.objects.get(pk=draft.pk).status == EntryStatus.DRAFT


def test_after_the_deadline_the_form_is_closed_and_the_draft_kept(signed_in, draft, clock):
    clock.at = AFTER
    response = signed_in.get(f"/en/entries/{draft.pk}/edit/?step=work", follow=True)
    assert response.redirect_chain[-1][0] == f"/en/entries/{draft.pk}/"
    words = text(response)
    assert "can no longer be changed or submitted" in words
    assert "Continue the entry" not in words
    listing = signed_in.get("/en/entries/")
    assert "Entries are closed." in text(listing)
    assert "Start an entry" not in text(listing)


def test_a_returned_entry_is_fixed_and_submitted_again_with_its_receipt(signed_in, draft,
                                                                       owner, people):
    from giaithuong.accounts.roles import Role

    submitted = services.submit_entry(draft, owner, "k1", now=NOW).entry
    services.return_for_fixes(submitted, people[str(Role.INTAKE_OFFICER)],
                              reason="Thiếu bản scan trang báo.",
                              deadline=dt.date(2026, 8, 10), now=NOW)
    page = signed_in.get(f"/en/entries/{draft.pk}/")
    words = text(page)
    assert "Returned for fixes" in words and "Thiếu bản scan trang báo." in words
    assert "Fix and submit again by" in words and "Fix the entry" in words
    key = review(signed_in, draft)
    response = signed_in.post(f"/en/entries/{draft.pk}/submit/", {"idempotency_key": key})
    assert response.status_code == 302
    entry = Entry.objects.get(pk=draft.pk)
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.receipt_number == "XII-bao-tap-chi-tieng-viet-0001"
    assert entry.resubmitted_at is not None


def _rasterise(pdf: bytes, tmp_path) -> Image.Image:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing; install poppler-utils (apt-get install poppler-utils)")
    (tmp_path / "receipt.pdf").write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", "100", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(tmp_path / "receipt.pdf"), str(tmp_path / "page")], check=True,
                   timeout=60)
    return Image.open(tmp_path / "page.png")


def test_the_receipt_is_a_pdf_whose_qr_code_opens_the_status_page(signed_in, draft, owner,
                                                                  tmp_path):
    services.submit_entry(draft, owner, "k1", now=NOW)
    response = signed_in.get(f"/en/entries/{draft.pk}/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="receipt-XII-bao-tap-chi-tieng-viet-0001.pdf"' in response[
        "Content-Disposition"]
    words = "".join(page.extract_text() for page in pypdf.PdfReader(
        __import__("io").BytesIO(response.content)).pages)
    assert "XII-bao-tap-chi-tieng-viet-0001" in words
    (decoded,) = zxingcpp.read_barcodes(_rasterise(response.content, tmp_path))
    assert decoded.text == f"http://testserver/en/entries/{draft.pk}/"
    status = signed_in.get(decoded.text.removeprefix("http://testserver"))
    assert status.status_code == 200


def test_a_draft_has_no_receipt(signed_in, draft):
    assert signed_in.get(f"/en/entries/{draft.pk}/receipt.pdf").status_code == 404


def test_withdrawal_before_the_deadline_with_a_reason(signed_in, draft, owner):
    services.submit_entry(draft, owner, "k1", now=NOW)
    page = signed_in.get(f"/en/entries/{draft.pk}/withdraw/")
    assert page.status_code == 200 and "Withdraw the entry" in text(page)
    response = signed_in.post(f"/en/entries/{draft.pk}/withdraw/",
                              {"reason": "Gửi nhầm hạng mục."}, follow=True)
    words = text(response)
    assert "The entry has been withdrawn." in words and "Status: Withdrawn" in words
    assert "Gửi nhầm hạng mục." in words
    assert "Withdraw the entry" not in words.split("Status", 1)[1]


def test_no_withdrawal_after_the_deadline(signed_in, draft, owner, clock):
    services.submit_entry(draft, owner, "k1", now=NOW)
    clock.at = AFTER
    page = signed_in.get(f"/en/entries/{draft.pk}/")
    assert f"/en/entries/{draft.pk}/withdraw/" not in page.content.decode()
    response = signed_in.post(f"/en/entries/{draft.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "which has passed" in text(response)
    assert Entry.objects.get(pk=draft.pk).status == EntryStatus.SUBMITTED
