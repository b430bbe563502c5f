"""The participant's entry pages from the list to the receipt, with Django's test client:
starting an entry (retry-safe), a form that asks what the category's rules call for, the whole
journey through the steps, and who may open what."""

# ruff: noqa: F811  (the page fixtures imported from tests.entries.pages are parameters here)

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from giaithuong.accounts.roles import Role
from giaithuong.entries import services
from giaithuong.entries.models import Entry, EntryStatus
from tests.entries.conftest import NOW, PDF, SUMMARY, category, complete_draft, new_participant
from tests.entries.pages import clock, element, hidden, owner, signed_in, text  # noqa: F401

pytestmark = pytest.mark.django_db


def start(client, code="anh"):
    page = client.get(f"/en/entries/new/{code}/")
    return client.post(f"/en/entries/new/{code}/", {"creation_key": hidden(page,
                                                                            "creation_key")})


def test_the_list_offers_a_new_entry_in_every_open_category(edition, signed_in):
    response = signed_in.get("/en/entries/")
    assert response.status_code == 200
    words = text(response)
    assert "21 days left to submit" in words
    assert "You have not started an entry yet." in words
    for item in edition.categories.filter(is_active=True):
        assert reverse("entries:new", args=[item.code]) in response.content.decode()


def test_the_list_shows_each_entry_with_its_status_receipt_and_time_left(edition, signed_in,
                                                                        owner):
    draft = services.create_draft(owner, category(edition, "anh"), now=NOW, title="Bộ ảnh")
    sent = complete_draft(owner, edition)
    services.submit_entry(sent, owner, "k", now=NOW)
    row = element(signed_in.get("/en/entries/"), f"entry-{draft.pk}")
    assert "Bộ ảnh" in row and "Photography" in row and "Draft" in row and "21 days left" in row
    row = element(signed_in.get("/en/entries/"), f"entry-{sent.pk}")
    assert "Submitted" in row and "XII-bao-tap-chi-tieng-viet-0001" in row


def test_starting_an_entry_makes_one_draft_and_opens_its_first_step(signed_in, owner):
    response = start(signed_in)
    entry = Entry.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == f"/en/entries/{entry.pk}/edit/?step=work"
    page = signed_in.get(response["Location"])
    assert page.status_code == 200
    assert "Your draft is ready." in text(page)
    assert entry.category.code == "anh" and entry.status == EntryStatus.DRAFT


def test_the_same_start_sent_again_leads_to_the_same_draft(signed_in, owner):
    page = signed_in.get("/en/entries/new/anh/")
    key = hidden(page, "creation_key")
    first = signed_in.post("/en/entries/new/anh/", {"creation_key": key})
    entry = Entry.objects.get(owner=owner)
    services.update_draft(entry, owner, entry.version, now=NOW, title="Đã bắt đầu gõ")
    again = signed_in.post("/en/entries/new/anh/", {"creation_key": key})
    assert first["Location"] == again["Location"]
    assert Entry.objects.filter(owner=owner).count() == 1


def test_a_second_click_on_new_entry_takes_up_the_untouched_draft(signed_in, owner):
    first = start(signed_in)
    second = start(signed_in)  # another key: another tab, or the list's button again
    assert first["Location"] == second["Location"]
    assert Entry.objects.filter(owner=owner).count() == 1
    entry = Entry.objects.get(owner=owner)
    services.update_draft(entry, owner, entry.version, now=NOW, title="Tác phẩm thứ nhất")
    start(signed_in)
    assert Entry.objects.filter(owner=owner).count() == 2


def test_an_unknown_category_is_not_found(signed_in):
    assert signed_in.get("/en/entries/new/khong-co/").status_code == 404
    assert signed_in.post("/en/entries/new/khong-co/", {"creation_key": "k"}).status_code == 404
    assert not Entry.objects.exists()


def test_a_closed_category_says_so_and_takes_no_entry(signed_in, edition):
    edition.categories.filter(code="anh").update(is_active=False)
    page = signed_in.get("/en/entries/new/anh/")
    assert page.status_code == 410
    assert "This category no longer takes entries" in text(page)
    assert signed_in.post("/en/entries/new/anh/", {"creation_key": "k"}).status_code == 410
    assert not Entry.objects.exists()


def test_no_entry_is_started_after_the_deadline(signed_in, clock):
    import datetime as dt

    clock.at = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
    page = signed_in.get("/en/entries/new/anh/")
    assert page.status_code == 409 and "has passed" in text(page)
    assert signed_in.post("/en/entries/new/anh/", {"creation_key": "k"}).status_code == 409
    assert not Entry.objects.exists()


@pytest.mark.parametrize(("code", "shown", "hidden_fields"), [
    ("truyen-hinh", {"duration", "seconds_outside_window", "parts_total"},
     {"subtype", "photo_count", "pages"}),
    ("anh", {"subtype", "photo_count"}, {"duration", "parts_total", "pages"}),
    ("bao-tap-chi-tieng-viet", {"parts_total", "parts_in_window", "pages"},
     {"duration", "subtype", "photo_count"}),
    ("sach", {"pages"}, {"duration", "subtype", "parts_total", "photo_count"}),
])
def test_the_work_step_asks_what_the_category_rules_call_for(edition, signed_in, owner, code,
                                                             shown, hidden_fields):
    entry = services.create_draft(owner, category(edition, code), now=NOW)
    body = signed_in.get(f"/en/entries/{entry.pk}/edit/?step=work").content.decode()
    names = set(re.findall(r'name="([a-z_]+)"', body))
    assert shown <= names
    assert not hidden_fields & names


def test_the_rules_of_the_edition_file_change_the_form(edition, signed_in, owner):
    from tests.entries.conftest import reload_edition

    entry = services.create_draft(owner, category(edition, "sach"), now=NOW)
    page = signed_in.get(f"/en/entries/{entry.pk}/edit/?step=work")
    assert 'name="parts_total"' not in page.content.decode()
    reload_edition(edition, ('code = "sach"\nnumber = 5\n',
                             'code = "sach"\nnumber = 5\nmax_series_parts = 3\n'))
    page = signed_in.get(f"/en/entries/{entry.pk}/edit/?step=work")
    assert "at most 3 parts" in element(page, "help-parts_total")


def test_every_field_has_a_label(edition, signed_in, owner):
    entry = services.create_draft(owner, category(edition, "truyen-hinh"), now=NOW)
    for step in ("work", "summary", "authors", "files", "declarations", "review"):
        body = signed_in.get(f"/en/entries/{entry.pk}/edit/?step={step}").content.decode()
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", body):
            if 'type="hidden"' in tag:
                continue
            field_id = re.search(r'id="([^"]+)"', tag)
            assert field_id, tag
            assert f'for="{field_id.group(1)}"' in body, (step, tag)


def test_the_pages_run_under_the_content_security_policy(edition, signed_in, owner):
    entry = services.create_draft(owner, category(edition), now=NOW)
    for url in ("/en/entries/", f"/en/entries/{entry.pk}/edit/?step=work",
                f"/en/entries/{entry.pk}/edit/?step=files", f"/en/entries/{entry.pk}/"):
        response = signed_in.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe" not in policy
        body = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert not re.search(r"\sstyle=|\son[a-z]+=", body), url
    page = signed_in.get(f"/en/entries/{entry.pk}/edit/?step=work").content.decode()
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
    assert '/static/vendor/htmx/htmx.min.js' in page


def test_htmx_is_served_from_the_npm_package(client):
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)[:2000]


def test_the_whole_journey_through_the_steps(edition, signed_in, owner, storage):
    start(signed_in, "bao-tap-chi-tieng-viet")
    entry = Entry.objects.get(owner=owner)

    def save(step, go, **fields):
        entry.refresh_from_db()
        response = signed_in.post(f"/en/entries/{entry.pk}/edit/",
                                  {"step": step, "version": entry.version, "go": go, **fields})
        assert response.status_code == 302, text(response)
        return signed_in.get(response["Location"])

    page = save("work", "summary", title="Hà Nội – điểm hẹn", genre="Phóng sự", language="vi",
                outlet="Báo Nhân Dân", publication_urls="https://nhandan.vn/a",
                published_first="2026-03-15", published_last="", parts_total="1",
                parts_in_window="1", pages="")
    assert "The summary in Vietnamese is missing" in element(page, "rule-summary_vi")
    page = save("summary", "authors", summary_vi=SUMMARY)
    assert element(page, "field-authors")
    entry.refresh_from_db()
    assert entry.summary_vi == SUMMARY
    signed_in.post(f"/en/entries/{entry.pk}/files/add/",
                   {"role": "main", "file": SimpleUploadedFile("bai.pdf", PDF)})
    page = save("declarations", "review", copyright_accepted="on", prior_awards_none="on",
                **{"awards-TOTAL_FORMS": "0", "awards-INITIAL_FORMS": "0",
                   "awards-MIN_NUM_FORMS": "0", "awards-MAX_NUM_FORMS": "30"})
    assert "Nothing stops this entry from being submitted." in text(page)
    assert "ready to submit" in element(page, "entry-steps")
    response = signed_in.post(f"/en/entries/{entry.pk}/submit/",
                              {"idempotency_key": hidden(page, "idempotency_key")}, follow=True)
    words = text(response)
    assert "Receipt number: XII-bao-tap-chi-tieng-viet-0001" in words
    assert "bai.pdf" in words


def test_vietnamese_is_the_default_language_of_the_pages(edition, signed_in, owner):
    entry = services.create_draft(owner, category(edition), now=NOW)
    page = signed_in.get(f"/entries/{entry.pk}/edit/?step=work")
    assert page.status_code == 200
    assert "Chưa nhập tên tác phẩm." in text(page)


def test_the_participant_sees_a_link_to_their_entries(signed_in):
    assert 'href="/en/entries/"' in signed_in.get("/en/").content.decode()


ROUTES = ["/en/entries/{id}/", "/en/entries/{id}/edit/?step=work",
          "/en/entries/{id}/violations/?step=work", "/en/entries/{id}/files/",
          "/en/entries/{id}/withdraw/"]


def test_another_participants_entry_does_not_exist_for_them(edition, client, owner, clock):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "k", now=NOW)
    client.force_login(new_participant(edition, "Người khác"))
    for route in [*ROUTES, "/en/entries/{id}/receipt.pdf"]:
        assert client.get(route.format(id=entry.pk)).status_code == 404, route
    for route in ("/en/entries/{id}/autosave/", "/en/entries/{id}/submit/",
                  "/en/entries/{id}/withdraw/", "/en/entries/{id}/files/add/"):
        assert client.post(route.format(id=entry.pk), {"step": "work", "version": 1,
                                                       "idempotency_key": "x"}
                           ).status_code == 404, route
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.SUBMITTED


def test_intake_cannot_use_the_participants_pages_even_on_entries_it_reviews(edition, client,
                                                                            owner, people,
                                                                            clock):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "k", now=NOW)
    officer = people[str(Role.INTAKE_OFFICER)]
    client.force_login(officer)
    assert client.get(f"/en/entries/{entry.pk}/").status_code == 403
    from giaithuong.accounts.services import grant_role

    grant_role(officer, Role.PARTICIPANT, edition=edition)
    assert client.get(f"/en/entries/{entry.pk}/").status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client, edition):
    response = client.get("/en/entries/")
    assert response.status_code == 302 and "/login" in response["Location"]
