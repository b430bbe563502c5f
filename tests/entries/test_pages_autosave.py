"""The entry form saves as the participant types (htmx posts to the autosave), guards every
write with the version the page holds, saves what reads cleanly even when a field is wrong,
and shows the rule findings at their fields, fresh after every save."""

# ruff: noqa: F811  (the page fixtures imported from tests.entries.pages are parameters here)

from __future__ import annotations

import datetime as dt

import pytest

from giaithuong.entries import services
from giaithuong.entries.models import Entry
from tests.entries.conftest import NOW, category
from tests.entries.pages import clock, element, owner, signed_in, text  # noqa: F401

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(edition, owner):
    return services.create_draft(owner, category(edition), now=NOW)


def autosave(client, entry, step="work", version=None, **fields):
    data = {"step": step, "version": entry.version if version is None else version, **fields}
    return client.post(f"/en/entries/{entry.pk}/autosave/", data, headers=HTMX)


def work(**fields):
    """Every field of the work step (a form post sends them all), as a fresh draft has them."""
    return {"title": "", "genre": "", "language": "", "outlet": "", "publication_urls": "",
            "published_first": "", "published_last": "", "parts_total": "1",
            "parts_in_window": "1", "pages": "", "photo_count": "", **fields}


def test_typing_a_title_saves_it_and_moves_the_version_on(client, signed_in, draft):
    response = autosave(signed_in, draft, **work(title="Hà Nội – điểm hẹn"))
    assert response.status_code == 200
    assert "All changes saved at 10:00:00" in text(response)
    assert response["HX-Trigger"] == "entrySaved"
    draft.refresh_from_db()
    assert draft.title == "Hà Nội – điểm hẹn" and draft.version == 2
    assert 'id="entry-version" value="2" hx-swap-oob="true"' in response.content.decode()


def test_saving_the_same_values_again_changes_nothing(signed_in, draft):
    autosave(signed_in, draft, **work(title="Một"))
    draft.refresh_from_db()
    response = autosave(signed_in, draft, **work(title="Một"))
    assert "All changes saved." in text(response)
    assert "HX-Trigger" not in response
    draft.refresh_from_db()
    assert draft.version == 2


def test_a_stale_version_saves_nothing_and_says_so(signed_in, draft, owner):
    services.update_draft(draft, owner, draft.version, now=NOW, title="Từ cửa sổ khác")
    response = autosave(signed_in, draft, version=1, **work(title="Cũ"))
    assert response.status_code == 200
    assert "changed in another window" in text(response)
    assert "Reload the entry" in text(response)
    assert "HX-Trigger" not in response
    draft.refresh_from_db()
    assert draft.title == "Từ cửa sổ khác" and draft.version == 2
    # The page keeps its old version, so every later autosave is refused as well.
    assert 'id="entry-version" value="1"' in response.content.decode()


def test_a_stale_version_is_no_conflict_when_the_entry_already_says_the_same(signed_in, draft,
                                                                              owner):
    # The autosave got there first; the "Save" button's post carries the version before it.
    services.update_draft(draft, owner, draft.version, now=NOW, title="Như nhau")
    response = autosave(signed_in, draft, version=1, **work(title="Như nhau"))
    assert "All changes saved." in text(response)
    assert 'id="entry-version" value="2"' in response.content.decode()


def test_an_impossible_date_is_refused_at_its_field_and_the_rest_is_saved(signed_in, draft):
    response = autosave(signed_in, draft, **work(title="Giữ lại", published_first="2026-02-30"))
    assert "except the fields marked in red" in text(response)
    assert "Enter a real date" in element(response, "err-published_first")
    draft.refresh_from_db()
    assert draft.title == "Giữ lại" and draft.published_first is None


def test_a_publication_date_in_the_future_is_refused(signed_in, draft):
    response = autosave(signed_in, draft, **work(published_first="2026-07-11"))
    assert "in the future" in element(response, "err-published_first")
    assert "Not saved yet" in text(response)
    draft.refresh_from_db()
    assert draft.published_first is None


def test_the_running_time_reads_minutes_or_hours(signed_in, edition, owner):
    entry = services.create_draft(owner, category(edition, "truyen-hinh"), now=NOW)
    autosave(signed_in, entry, **work(duration="1:05:30", seconds_outside_window=""))
    entry.refresh_from_db()
    assert entry.duration_seconds == 3930 and entry.seconds_outside_window == 0
    response = autosave(signed_in, entry, **work(duration="an hour", seconds_outside_window=""))
    assert "hours:minutes:seconds" in element(response, "err-duration")
    entry.refresh_from_db()
    assert entry.duration_seconds == 3930


def test_html_in_a_field_is_stored_as_text_and_shown_inert(signed_in, draft):
    script = '<script>alert("x")</script><b onmouseover="x()">Đậm</b>'
    autosave(signed_in, draft, **work(title=script))
    draft.refresh_from_db()
    assert draft.title == script
    page = signed_in.get(f"/en/entries/{draft.pk}/edit/?step=work")
    body = page.content.decode()
    assert "<script>alert" not in body and "<b onmouseover" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_the_findings_at_a_field_come_and_go_as_it_is_fixed(signed_in, draft):
    panel = signed_in.get(f"/en/entries/{draft.pk}/violations/?step=work", headers=HTMX)
    assert "The title of the work is missing." in element(panel, "rule-title")
    assert "title_missing" in panel.content.decode()
    autosave(signed_in, draft, **work(title="Có tên rồi"))
    panel = signed_in.get(f"/en/entries/{draft.pk}/violations/?step=work", headers=HTMX)
    assert "title_missing" not in panel.content.decode()
    assert element(panel, "rule-title").strip() == ""
    # The steps' checklist comes along, out of band.
    assert 'id="entry-steps"' in panel.content.decode()


def test_a_language_the_category_refuses_is_a_blocking_finding_at_the_language(signed_in,
                                                                              draft):
    autosave(signed_in, draft, **work(language="en"))
    panel = signed_in.get(f"/en/entries/{draft.pk}/violations/?step=work", headers=HTMX)
    finding = element(panel, "rule-language")
    assert "accepts works in Vietnamese only" in finding and "is-blocking" in finding


def test_the_summary_step_asks_for_a_translation_only_for_a_foreign_work(signed_in, draft):
    page = signed_in.get(f"/en/entries/{draft.pk}/edit/?step=summary")
    assert "translation_title" not in page.content.decode()
    autosave(signed_in, draft, **work(language="fr"))
    page = signed_in.get(f"/en/entries/{draft.pk}/edit/?step=summary")
    assert 'name="translation_title"' in page.content.decode()
    draft.refresh_from_db()
    response = autosave(signed_in, draft, step="summary", summary_vi="Tóm tắt tiếng Việt.",
                        translation_title="Bản dịch", translation_summary="",
                        translation_present="on")
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.translation_present and draft.summary_vi == "Tóm tắt tiếng Việt."


def _authors(*rows, initial=1):
    data = {"authors-TOTAL_FORMS": str(len(rows)), "authors-INITIAL_FORMS": str(initial),
            "authors-MIN_NUM_FORMS": "0", "authors-MAX_NUM_FORMS": "50",
            "entrant_kind": "group", "organisation_name": ""}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"authors-{index}-{key}"] = value
    return data


ME = {"full_name": "Trần Thị Bình", "role": "author", "email": "", "me": "True"}


def test_a_group_is_saved_with_shares_that_total_100(signed_in, draft):
    rows = _authors({**ME, "share_percent": "60"},
                    {"full_name": "Lê Văn Cường", "role": "co_author", "share_percent": "40",
                     "consent_given": "on", "email": "cuong@example.vn"})
    response = autosave(signed_in, draft, step="authors", **rows)
    assert "All changes saved" in text(response)
    draft.refresh_from_db()
    authors = list(draft.authors.all())
    assert [a.full_name for a in authors] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert authors[0].user_id == draft.owner_id and authors[1].consent_given
    assert draft.entrant_kind == "group"


def test_shares_that_do_not_total_100_are_refused_and_the_authors_kept(signed_in, draft):
    rows = _authors({**ME, "share_percent": "60"},
                    {"full_name": "Lê Văn Cường", "role": "co_author", "share_percent": "30",
                     "consent_given": "on"})
    response = autosave(signed_in, draft, step="authors", **rows)
    assert "must total 100% (now 90%)" in element(response, "err-authors")
    draft.refresh_from_db()
    assert [a.full_name for a in draft.authors.all()] == ["Trần Thị Bình"]
    # The kind of entrant read cleanly and was saved all the same.
    assert draft.entrant_kind == "group"


def test_a_row_without_a_name_is_named_by_its_number(signed_in, draft):
    rows = _authors({**ME, "share_percent": "50"},
                    {"full_name": "", "pen_name": "Bút danh", "share_percent": "50"})
    response = autosave(signed_in, draft, step="authors", **rows)
    assert "Author 2: Enter the author&#x27;s full name." in element(response, "err-authors")


def test_a_removed_author_leaves_the_list(signed_in, draft):
    rows = _authors({**ME, "share_percent": "60"},
                    {"full_name": "Lê Văn Cường", "share_percent": "40", "consent_given": "on"})
    autosave(signed_in, draft, step="authors", **rows)
    draft.refresh_from_db()
    rows = _authors({**ME, "share_percent": "100"},
                    {"full_name": "Lê Văn Cường", "share_percent": "40", "consent_given": "on",
                     "DELETE": "on"}, initial=2)
    autosave(signed_in, draft, step="authors", **rows)
    draft.refresh_from_db()
    assert [a.full_name for a in draft.authors.all()] == ["Trần Thị Bình"]


def test_declarations_and_prizes_are_saved(signed_in, draft):
    data = {"copyright_accepted": "on", "awards-TOTAL_FORMS": "1", "awards-INITIAL_FORMS": "0",
            "awards-MIN_NUM_FORMS": "0", "awards-MAX_NUM_FORMS": "30",
            "awards-0-contest": "Giải Báo chí quốc gia", "awards-0-organiser": "Hội Nhà báo",
            "awards-0-level": "Giải B", "awards-0-date": "2025-06"}
    autosave(signed_in, draft, step="declarations", **data)
    draft.refresh_from_db()
    assert draft.copyright_accepted and draft.copyright_accepted_at is not None
    assert draft.prior_awards == [{"contest": "Giải Báo chí quốc gia", "organiser": "Hội Nhà báo",
                                   "level": "Giải B", "date": "2025-06"}]


def test_a_prize_from_the_future_is_refused_at_its_row(signed_in, draft):
    data = {"awards-TOTAL_FORMS": "1", "awards-INITIAL_FORMS": "0",
            "awards-MIN_NUM_FORMS": "0", "awards-MAX_NUM_FORMS": "30",
            "awards-0-contest": "Giải X", "awards-0-date": "2027"}
    response = autosave(signed_in, draft, step="declarations", **data)
    assert "Prize 1: Give the date of the prize" in element(response, "err-prior_awards")


def test_autosave_after_the_deadline_is_refused_and_the_draft_kept(signed_in, draft, clock):
    clock.at = dt.datetime(2026, 8, 1, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    response = autosave(signed_in, draft, **work(title="Muộn"))
    assert "deadline for entries" in text(response)
    draft.refresh_from_db()
    assert draft.title == ""


def test_the_plain_form_post_saves_and_goes_to_the_next_step(signed_in, draft):
    data = {"step": "work", "version": draft.version, "go": "summary", **work(title="Không JS")}
    response = signed_in.post(f"/en/entries/{draft.pk}/edit/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/en/entries/{draft.pk}/edit/?step=summary"
    draft.refresh_from_db()
    assert draft.title == "Không JS"


def test_the_plain_form_post_shows_errors_at_the_fields_and_keeps_what_was_typed(signed_in,
                                                                                 draft):
    data = {"step": "work", "version": draft.version, "go": "summary",
            **work(title="Đã gõ", published_first="31/02/2026")}
    response = signed_in.post(f"/en/entries/{draft.pk}/edit/", data)
    assert response.status_code == 400
    assert "Enter a real date" in element(response, "err-published_first")
    assert 'value="31/02/2026"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Đã gõ"


def test_the_plain_form_post_with_a_stale_version_overwrites_nothing(signed_in, draft, owner):
    services.update_draft(draft, owner, draft.version, now=NOW, title="Khác")
    data = {"step": "work", "version": 1, "go": "work", **work(title="Của tôi")}
    response = signed_in.post(f"/en/entries/{draft.pk}/edit/", data)
    assert response.status_code == 409
    assert "changed in another window" in text(response)
    assert 'value="Của tôi"' in response.content.decode()
    assert 'id="entry-version" value="1"' in response.content.decode()
    assert Entry.objects.get(pk=draft.pk).title == "Khác"


def test_adding_an_author_without_javascript_saves_and_shows_an_empty_row(signed_in, draft):
    data = {"step": "authors", "version": draft.version, "add": "author",
            **_authors({**ME, "share_percent": "100"})}
    data["entrant_kind"] = "individual"
    response = signed_in.post(f"/en/entries/{draft.pk}/edit/", data)
    assert response.status_code == 302 and "add=author" in response["Location"]
    page = signed_in.get(response["Location"])
    assert 'name="authors-1-full_name"' in page.content.decode()
    assert "Author 2" in text(page)
