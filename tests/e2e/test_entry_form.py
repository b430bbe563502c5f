"""The participant's entry form in Chromium under the site's content security policy: htmx
autosaves as one types, the finding at a field appears and goes as it is fixed, the version
moves on with every save (so the next save is not refused as stale), a file goes up through
the resumable uploader with a progress bar and joins the entry, and the entry is submitted."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from giaithuong.entries import services
from giaithuong.entries.models import Entry, EntryFile, EntryStatus
from tests.entries.conftest import NOW, SUMMARY, category, new_participant
from tests.entries.files import image


@pytest.fixture
def entrant(transactional_db, edition, settings, tmp_path, monkeypatch):
    from giaithuong.entries.views import common

    settings.GIAITHUONG_UPLOAD_DIR = tmp_path / "uploads"
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(common, "clock", lambda: NOW)
    return new_participant(edition)


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_autosave_findings_upload_and_submit(live_server, page, edition, entrant, tmp_path):
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "favicon" not in (message.location or {}).get(
                "url", "") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    draft = services.create_draft(entrant, category(edition, "anh"), now=NOW)
    sign_in(page, live_server, entrant)
    page.goto(f"{live_server.url}/en/entries/{draft.pk}/edit/?step=work")
    expect(page.locator("#rule-title")).to_contain_text("The title of the work is missing.")
    expect(page.locator("#violations-panel")).to_contain_text("title of the work is missing")

    page.get_by_label("Title of the work").fill("Sắc màu Tây Bắc")
    expect(page.locator("#autosave-status")).to_contain_text("All changes saved")
    expect(page.locator("#rule-title")).to_have_text("")
    expect(page.locator("#violations-panel")).not_to_contain_text("title of the work is missing")
    expect(page.locator("#entry-version")).to_have_value("2")

    # A second save carries the new version: saved, not refused as changed elsewhere.
    page.get_by_label("Genre").fill("Ảnh báo chí")
    page.get_by_label("Kind of work").select_option("bao-chi")
    expect(page.locator("#entry-version")).to_have_value(re.compile(r"^[34]$"))
    expect(page.locator("#autosave-status")).to_contain_text("All changes saved")
    page.get_by_label("Language of the work").select_option("vi")
    page.get_by_label("First published").fill("2026-03-15")
    page.get_by_label("First published").blur()
    page.get_by_label("Number of photos").fill("1")
    page.get_by_label("Number of photos").blur()
    expect(page.locator("#rule-published_first")).to_have_text("")
    # A date in the future is told at the field, and nothing else is lost.
    page.get_by_label("Last published").fill("2026-12-31")
    page.get_by_label("Last published").blur()
    expect(page.locator("#err-published_last")).to_contain_text("in the future")
    page.get_by_label("Last published").fill("")
    page.get_by_label("Last published").blur()
    expect(page.locator("#err-published_last")).to_have_text("")
    entry = Entry.objects.get(pk=draft.pk)
    assert (entry.title, entry.genre, entry.subtype, entry.language) == (
        "Sắc màu Tây Bắc", "Ảnh báo chí", "bao-chi", "vi")

    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Summary in Vietnamese").fill(SUMMARY)
    expect(page.locator("#autosave-status")).to_contain_text("All changes saved")

    page.goto(f"{live_server.url}/en/entries/{draft.pk}/edit/?step=files")
    photo = tmp_path / "Tây Bắc.png"
    photo.write_bytes(image("PNG", size=(400, 300)))
    page.get_by_label("File", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="Send the file").click()
    expect(page.locator("#upload-status")).to_contain_text("was added to the entry")
    expect(page.locator("#entry-files-list")).to_contain_text("Tây Bắc.png")
    expect(page.locator("#violations-panel")).not_to_contain_text("No file or link")
    assert EntryFile.objects.get(entry=draft).content_type == "image/png"

    page.goto(f"{live_server.url}/en/entries/{draft.pk}/edit/?step=declarations")
    version = int(page.locator("#entry-version").input_value())
    page.get_by_label(re.compile("no one has disputed the authorship")).check()
    page.get_by_label("The work has won no prize in any other contest or award.").check()
    # Leaving by a link at once: the page first waits for both saves.
    page.get_by_role("link", name=re.compile("Check and submit")).click()
    expect(page).to_have_url(re.compile(r"step=review$"))
    assert Entry.objects.get(pk=draft.pk).version == version + 2
    expect(page.locator("#violations-panel")).to_contain_text("Nothing stops this entry")
    page.get_by_role("button", name="Submit the entry").dblclick()
    expect(page.locator("#entry-status")).to_contain_text("Submitted")
    expect(page.locator(".receipt-number")).to_have_text("XII-anh-0001")
    assert Entry.objects.get(pk=draft.pk).status == EntryStatus.SUBMITTED
    assert Entry.objects.filter(receipt_sequence__isnull=False).count() == 1
    assert problems == []


def test_an_upload_cut_off_resumes_after_a_reload(live_server, page, edition, entrant, tmp_path):
    import hashlib
    import random

    from PIL import Image

    draft = services.create_draft(entrant, category(edition, "anh"), now=NOW)
    sign_in(page, live_server, entrant)
    # About 18 MB of noise (PNG cannot squeeze it): three pieces of 8 MiB.
    noise = random.Random(7).randbytes(2600 * 2400 * 3)
    photo = tmp_path / "Ruộng bậc thang.png"
    Image.frombytes("RGB", (2600, 2400), noise).save(photo, "PNG", compress_level=0)
    offsets = []

    def cut(route):
        if route.request.method == "PATCH":
            offsets.append(int(route.request.headers["upload-offset"]))
            if len(offsets) > 1:
                route.abort()  # the connection drops after the first piece
                return
        route.continue_()

    pattern = re.compile(r"/uploads/[0-9a-f-]{36}$")
    page.route(pattern, cut)
    page.goto(f"{live_server.url}/en/entries/{draft.pk}/edit/?step=files")
    page.get_by_label("File", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="Send the file").click()
    expect(page.locator("#upload-status")).to_contain_text("trying again", timeout=15000)
    # Reload while pieces are still cut off, so no retry of the old page slips through first.
    page.reload()
    page.unroute(pattern)
    expect(page.locator("#upload-resume")).to_contain_text("Unfinished upload: Ruộng bậc thang.png")
    resumed = []
    page.on("request", lambda request: resumed.append(int(request.headers["upload-offset"]))
            if request.method == "PATCH" else None)
    page.get_by_label("File", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="Send the file").click()
    expect(page.locator("#upload-status")).to_contain_text("was added to the entry",
                                                           timeout=30000)
    assert resumed[0] == 8 * 1024 * 1024  # went on from the first piece, not from zero
    item = EntryFile.objects.get(entry=draft)
    assert item.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    expect(page.locator("#upload-resume")).to_be_hidden()


def test_a_save_that_fails_is_told_and_tried_again(live_server, page, edition, entrant):
    draft = services.create_draft(entrant, category(edition, "anh"), now=NOW)
    sign_in(page, live_server, entrant)
    page.goto(f"{live_server.url}/en/entries/{draft.pk}/edit/?step=work")
    autosave = re.compile(r"/autosave/$")
    page.route(autosave, lambda route: route.fulfill(status=500, body="server error"))
    page.get_by_label("Title of the work").fill("Thử lại")
    expect(page.locator("#autosave-status")).to_contain_text("the server had a problem")
    page.unroute(autosave)
    expect(page.locator("#autosave-status")).to_contain_text("All changes saved",
                                                             timeout=10000)
    assert Entry.objects.get(pk=draft.pk).title == "Thử lại"

    # Signed in again elsewhere: a new CSRF token; this page's saves still go through.
    cookies = {c["name"]: c for c in page.context.cookies()}
    page.context.add_cookies([{**cookies["csrftoken"], "value": "b" * 32}])
    version = int(page.locator("#entry-version").input_value())
    page.get_by_label("Genre").fill("Ảnh")
    expect(page.locator("#entry-version")).to_have_value(str(version + 1))
    assert Entry.objects.get(pk=draft.pk).genre == "Ảnh"

    page.context.clear_cookies(name="sessionid")  # the session ends
    page.get_by_label("Genre").fill("Phóng sự ảnh")
    expect(page.locator("#autosave-status")).to_contain_text("you have been signed out")
    assert page.locator("#autosave-status form, #autosave-status input").count() == 0
    assert Entry.objects.get(pk=draft.pk).genre == "Ảnh"
