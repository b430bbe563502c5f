"""The whole road of an entry in Chromium, as issue 4's "Done when" tells it: a participant
registers and verifies the address from a mail read off a real SMTP server, signs in, starts
entries in two categories, watches a rule finding appear and go as a date is fixed, sends a
file that is cut off half-way and resumed after a reload, submits twice at once (one entry,
one receipt number), downloads the receipt and reads its QR code back to the status page; an
intake officer signs in elsewhere and marks the entry valid; the participant sees it.

The edition's real deadline (31/07/2026) may be behind the machine's clock, so the edition is
loaded with an extension a month from today, as organisers extend a deadline: every page,
service and mail then runs on the one real clock, nothing patched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.accounts.participant_helpers import LINK, PASSWORD
from tests.entries.conftest import SUMMARY, reload_edition

VN = dt.timezone(dt.timedelta(hours=7))
TITLE = "Hà Nội – điểm hẹn của bạn bè quốc tế"
NEWSPAPERS = "Newspapers and magazines in Vietnamese"
PHOTOGRAPHY = "Photography"
OFFICER_PASSWORD = "Tiếp-nhận-2026!"


@pytest.fixture
def journey(live_server, transactional_db, edition, settings, tmp_path):
    """The site with edition XII open for a month more, and an intake officer of it."""
    from giaithuong.accounts.roles import Role
    from giaithuong.accounts.services import create_user, grant_role

    settings.GIAITHUONG_UPLOAD_DIR = tmp_path / "uploads"
    settings.MEDIA_ROOT = tmp_path / "media"
    # A month from today, and never before the deadline itself (the file refuses that).
    extended = max((dt.datetime.now(VN) + dt.timedelta(days=30)).date(), dt.date(2026, 8, 1))
    reload_edition(edition, ("# deadline_extended = 2026-09-15T23:59:59+07:00",
                             f"deadline_extended = {extended.isoformat()}T23:59:59+07:00"))
    officer = create_user(username="tiep-nhan", password=OFFICER_PASSWORD,
                          full_name="Lê Văn Tiếp", email="tiepnhan@example.vn")
    grant_role(officer, Role.INTAKE_OFFICER, edition=edition)
    return live_server.url


PIECES = re.compile(r"/uploads/[0-9a-f-]{36}$")


def _watch_errors(page, problems: list[str]) -> None:
    """Script errors and failed loads, except the favicon and the pieces the test cuts off."""
    def console(message):
        url = (message.location or {}).get("url", "")
        if message.type == "error" and "favicon" not in url and not (
                PIECES.search(url) and "ERR_FAILED" in message.text):
            problems.append(f"{message.text} ({url})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))


def _register_and_sign_in(page, site, mailbox) -> None:
    page.goto(site + "/en/account/register/")
    page.get_by_label("Full name").fill("Nguyễn Thị Hồng Nhung")
    page.get_by_label("E-mail address").fill("nhung@example.vn")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/en/account/register/sent/$"))
    (message,) = mailbox.messages
    assert message["To"] == "nhung@example.vn"
    link = LINK.search(message.get_content()).group(0)
    page.goto(re.sub(r"^https?://[^/]+", site, link))
    page.wait_for_url(re.compile(r"/en/account/login/$"))
    expect(page.locator(".messages")).to_contain_text("Your e-mail address is verified")
    page.locator("#id_username").fill("nhung@example.vn")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/en/account/$"))


def _start_entry(page, category_name: str) -> int:
    page.get_by_role("link", name="Your entries").first.click()
    page.wait_for_url(re.compile(r"/en/entries/$"))
    page.get_by_role("button", name=f"Start an entry: {category_name}").click()
    page.wait_for_url(re.compile(r"/en/entries/\d+/edit/\?step=work$"))
    return int(re.search(r"/entries/(\d+)/", page.url).group(1))


def _next_step(page, step: str) -> None:
    """On to `step`, waiting for the page's scripts: a field typed into before htmx listens
    would be saved only when it loses focus."""
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(rf"step={step}$"))


def _saved(page) -> None:
    expect(page.locator("#autosave-status")).to_contain_text("All changes saved")


def _fill_and_leave(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.blur()


def _noise_png(path) -> None:
    """About 18 MB a PNG cannot squeeze: three pieces of the uploader's 8 MiB."""
    from PIL import Image

    noise = random.Random(12).randbytes(2600 * 2400 * 3)
    Image.frombytes("RGB", (2600, 2400), noise).save(path, "PNG", compress_level=0)


def _send_cut_off_then_resume(page, path) -> tuple[int, list[int]]:
    """Send `path`; the connection drops after its first piece and stays down until the page
    is reloaded; then the same file is chosen again. Returns the offset the server reported
    on resuming, and the offsets the resumed pieces started at."""
    sent: list[int] = []

    def cut(route):
        if route.request.method == "PATCH":
            sent.append(int(route.request.headers["upload-offset"]))
            if len(sent) > 1:
                route.abort()  # every piece after the first, retries too, until the reload
                return
        route.continue_()

    page.route(PIECES, cut)
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Send the file").click()
    expect(page.locator("#upload-status")).to_contain_text("trying again", timeout=15000)
    page.reload()
    page.unroute(PIECES)
    assert sent[0] == 0 and set(sent[1:]) == {8 * 1024 * 1024}
    expect(page.locator("#upload-resume")).to_contain_text(f"Unfinished upload: {path.name}")
    held, resumed = [], []
    page.on("response", lambda response: held.append(int(response.headers["upload-offset"]))
            if response.request.method == "HEAD" and PIECES.search(response.url) else None)
    page.on("request", lambda request: resumed.append(int(request.headers["upload-offset"]))
            if request.method == "PATCH" else None)
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Send the file").click()
    expect(page.locator("#upload-status")).to_contain_text(f"“{path.name}” was added",
                                                           timeout=60000)
    expect(page.locator("#upload-resume")).to_be_hidden()
    return held[0], resumed


def _qr_of(pdf_path, tmp_path) -> str:
    import zxingcpp
    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing; install poppler-utils (apt-get install poppler-utils)")
    subprocess.run([pdftoppm, "-r", "100", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(tmp_path / "receipt-page")], check=True, timeout=60)
    (decoded,) = zxingcpp.read_barcodes(Image.open(tmp_path / "receipt-page.png"))
    assert decoded.format == zxingcpp.BarcodeFormat.QRCode
    return decoded.text


def test_an_entry_from_registration_to_valid(journey, browser, mailbox, tmp_path):
    from giaithuong.entries.models import Entry, EntryFile, EntryStatus

    site = journey
    problems: list[str] = []
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    _watch_errors(page, problems)

    # 1. Register, verify from the mail, sign in.
    _register_and_sign_in(page, site, mailbox)

    # 2. A photography entry, begun and left as a draft.
    photo_id = _start_entry(page, PHOTOGRAPHY)
    page.get_by_label("Title of the work").fill("Sắc màu Tây Bắc")
    page.get_by_label("Kind of work").select_option("phong-canh")
    _saved(page)

    # ... and a newspaper entry, filled step by step.
    entry_id = _start_entry(page, NEWSPAPERS)
    assert entry_id != photo_id
    page.get_by_label("Title of the work").fill(TITLE)
    page.get_by_label("Genre").fill("Phóng sự")
    page.get_by_label("Language of the work").select_option("vi")
    page.get_by_label("Published or broadcast by").fill("Báo Nhân Dân điện tử")
    page.get_by_label("Links to the published work").fill("https://nhandan.vn/ha-noi-diem-hen")
    _saved(page)

    # 3. A date before the window: the finding appears at the field; fixed, it goes.
    _fill_and_leave(page, "First published", "2025-05-10")
    outside = page.locator("#rule-published_first")
    expect(outside).to_contain_text("published outside the award's eligibility window")
    expect(page.locator("#violations-panel")).to_contain_text("outside the award's eligibility")
    _fill_and_leave(page, "First published", "2026-03-15")
    expect(outside).to_have_text("")
    expect(page.locator("#violations-panel")).not_to_contain_text("eligibility window")
    _saved(page)

    _next_step(page, "summary")
    page.get_by_label("Summary in Vietnamese").fill(SUMMARY)
    _saved(page)
    _next_step(page, "authors")
    expect(page.locator("#author-1")).to_contain_text("(you)")  # the participant, already
    _next_step(page, "files")

    # 4. The scan of the printed page goes up, is cut off, and resumes after a reload.
    scan = tmp_path / "Trang báo in.png"
    _noise_png(scan)
    held, resumed = _send_cut_off_then_resume(page, scan)
    assert held == resumed[0] == 8 * 1024 * 1024  # on from the first piece, not from zero
    expected = hashlib.sha256(scan.read_bytes()).hexdigest()
    attached = EntryFile.objects.get(entry_id=entry_id)
    assert (attached.original_name, attached.sha256) == (scan.name, expected)
    expect(page.locator("#entry-files-list")).to_contain_text(scan.name)

    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(re.compile(r"step=declarations$"))
    page.get_by_label(re.compile("no one has disputed the authorship")).check()
    page.get_by_label("The work has won no prize in any other contest or award.").check()
    page.get_by_role("link", name=re.compile("Check and submit")).click()
    page.wait_for_url(re.compile(r"step=review$"))
    expect(page.locator("#violations-panel")).to_contain_text("Nothing stops this entry")

    # 5. Submitted with a double click; the same form posted once more; and the review page
    # left open in a second tab, submitted there too.
    other = context.new_page()
    _watch_errors(other, problems)
    other.goto(page.url)
    submit_form = page.locator("form.submit-form")
    resend = {name: submit_form.locator(f"[name={name}]").input_value()
              for name in ("csrfmiddlewaretoken", "idempotency_key")}
    page.get_by_role("button", name="Submit the entry").dblclick()
    page.wait_for_url(re.compile(rf"/en/entries/{entry_id}/$"))
    expect(page.locator("#entry-status")).to_contain_text("Submitted")
    again = page.request.post(f"{site}/en/entries/{entry_id}/submit/", form=resend,
                              headers={"Referer": page.url})
    assert again.ok and again.url.endswith(f"/en/entries/{entry_id}/")
    other.get_by_role("button", name="Submit the entry").click()
    other.wait_for_url(re.compile(rf"/en/entries/{entry_id}/$"))
    expect(other.locator(".messages")).to_contain_text("has already been submitted")
    other.close()
    receipted = Entry.objects.filter(receipt_sequence__isnull=False)
    assert receipted.count() == 1
    entry = receipted.get()
    assert (entry.pk, entry.status) == (entry_id, EntryStatus.SUBMITTED)
    assert entry.receipt_number == "XII-bao-tap-chi-tieng-viet-0001"
    assert Entry.objects.filter(owner=entry.owner).count() == 2  # and the photo draft
    assert Entry.objects.get(pk=photo_id).status == EntryStatus.DRAFT
    page.get_by_role("link", name="Your entries").first.click()
    page.wait_for_url(re.compile(r"/en/entries/$"))
    expect(page.locator(f"#entry-{photo_id}")).to_contain_text("Photography")
    expect(page.locator(f"#entry-{photo_id}")).to_contain_text("Draft")
    expect(page.locator(f"#entry-{entry_id}")).to_contain_text(entry.receipt_number)
    page.get_by_role("link", name=re.compile(f"Status and history — {TITLE}")).click()
    page.wait_for_url(re.compile(rf"/en/entries/{entry_id}/$"))
    _verification, received = mailbox.messages
    assert received["To"] == "nhung@example.vn"
    assert received["Subject"].strip().startswith(f"{entry.receipt_number} · Entry received")

    # 6. The receipt: its QR code leads to this status page.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipt (PDF)").click()
    pdf = tmp_path / "receipt.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    status_url = _qr_of(pdf, tmp_path)
    assert status_url == f"{site}/en/entries/{entry_id}/"
    page.goto(status_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".receipt-number")).to_have_text(entry.receipt_number)

    # 7. An intake officer, in a browser of their own, marks it valid.
    office = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    desk = office.new_page()
    _watch_errors(desk, problems)
    desk.goto(site + "/en/account/login/")
    desk.locator("#id_username").fill("tiep-nhan")
    desk.locator("#id_password").fill(OFFICER_PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.wait_for_url(re.compile(r"/en/account/$"))
    desk.get_by_role("link", name="Intake", exact=True).click()
    desk.wait_for_url(re.compile(r"/en/intake/$"))
    queue = desk.locator("table.intake-table tbody")
    expect(queue.locator("tr")).to_have_count(1)  # the photo draft is not intake's
    expect(queue).to_contain_text(entry.receipt_number)
    desk.get_by_role("link", name=TITLE).click()
    desk.wait_for_url(re.compile(rf"/en/intake/entries/{entry_id}/$"))
    decide = desk.locator("details.decision", has=desk.locator("summary", has_text="Mark valid"))
    decide.locator("summary").click()
    decide.get_by_role("checkbox").check()
    decide.get_by_role("button", name="Mark valid").click()
    expect(desk.locator(".messages")).to_contain_text("The entry is marked valid")
    office.close()
    assert Entry.objects.get(pk=entry_id).status == EntryStatus.VALID
    told = mailbox.messages[-1]
    assert len(mailbox.messages) == 3 and told["To"] == "nhung@example.vn"
    assert told["Subject"].strip().startswith(f"{entry.receipt_number} · Entry accepted as valid")

    # 8. The participant reloads the status page, then reads it on the Vietnamese site.
    page.reload()
    expect(page.locator("#entry-status")).to_contain_text("Valid: the entry meets the rules")
    page.get_by_role("link", name="Tiếng Việt").click()
    page.wait_for_url(re.compile(rf"{re.escape(site)}/entries/{entry_id}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#entry-status .badge")).to_have_text("Hợp lệ")
    assert problems == []
    context.close()
