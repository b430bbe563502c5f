"""Drafts, authors and files through the services: permissions, bad input at the field,
optimistic locking, and files copied from uploads intact."""

import datetime as dt
import hashlib
import os
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from giaithuong.accounts.roles import Role
from giaithuong.common.models import AuditEvent
from giaithuong.editions.models import Category
from giaithuong.entries import services
from giaithuong.entries.errors import (
    DeadlinePassed,
    EntryConflict,
    EntryError,
    EntryInvalid,
    EntryPermissionDenied,
    StaleVersion,
)
from giaithuong.entries.models import EntryEvent, EntryFile, EntryStatus, FileRole
from giaithuong.entries.signals import file_attached
from giaithuong.uploads.models import Upload
from tests.entries.conftest import (
    DEADLINE,
    NOW,
    PDF,
    category,
    complete_draft,
    finished_upload,
    new_participant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def owner(edition):
    return new_participant(edition)


@pytest.fixture
def draft(edition, owner):
    return services.create_draft(owner, category(edition), now=NOW, title="Bản nháp")


# --- creating drafts -------------------------------------------------------------------------

def test_a_new_individual_draft_starts_with_its_owner_as_sole_author(edition, owner):
    entry = services.create_draft(owner, "bao-tap-chi-tieng-viet", edition=edition, now=NOW,
                                  title="  Hà Nội\x00 mùa thu  ")
    assert entry.status == EntryStatus.DRAFT and entry.version == 1
    assert entry.title == "Hà Nội mùa thu"  # control characters gone, spaces trimmed
    [author] = entry.authors.all()
    assert (author.user, author.full_name, author.share_percent, author.consent_given) == (
        owner, owner.full_name, Decimal(100), True)
    assert EntryEvent.objects.get(entry=entry).action == "created"
    assert AuditEvent.objects.filter(action="entry.created", target_id=str(entry.pk)).exists()


def test_a_draft_takes_nationality_and_residence_from_the_profile(edition, owner):
    from giaithuong.accounts.models import ParticipantProfile

    ParticipantProfile.objects.create(user=owner, nationality="fr", residence="abroad")
    owner.refresh_from_db()
    entry = services.create_draft(owner, category(edition), now=NOW)
    assert (entry.entrant_country, entry.entrant_residence) == ("FR", "abroad")


def test_an_organisation_draft_has_no_author_until_it_names_them(edition, owner):
    entry = services.create_draft(owner, category(edition), now=NOW, entrant_kind="organisation",
                                  organisation_name="Thông tấn xã Việt Nam")
    assert not entry.authors.exists()


@pytest.mark.parametrize(("code", "error_code"), [
    ("khong-co", "unknown_category"),
    ("", "unknown_category"),
    ("../anh", "unknown_category"),
])
def test_an_unknown_category_is_refused_at_its_field(edition, owner, code, error_code):
    with pytest.raises(EntryError) as caught:
        services.create_draft(owner, code, edition=edition, now=NOW)
    assert (caught.value.field, caught.value.code) == ("category", error_code)
    assert "no such category" in str(caught.value)


def test_a_closed_category_takes_no_new_draft(edition, owner):
    closed = category(edition, "anh")
    Category.objects.filter(pk=closed.pk).update(is_active=False)
    closed.refresh_from_db()
    with pytest.raises(EntryError) as caught:
        services.create_draft(owner, closed, now=NOW)
    assert caught.value.code == "category_closed"


def test_only_participants_of_the_edition_create_drafts(edition, people):
    for role in (Role.JUROR, Role.UNIT_OFFICER, Role.INTAKE_OFFICER):
        with pytest.raises(EntryPermissionDenied):
            services.create_draft(people[str(role)], category(edition), now=NOW)


def test_no_new_draft_after_the_deadline(edition, owner):
    with pytest.raises(DeadlinePassed):
        services.create_draft(owner, category(edition), now=DEADLINE + dt.timedelta(seconds=1))
    assert services.create_draft(owner, category(edition), now=DEADLINE).pk


# --- bad input, each at its field --------------------------------------------------------------

@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"published_first": "2026-02-30"}, "published_first", "real date"),
    ({"published_first": "31/12/2025"}, "published_first", "real date"),
    ({"published_last": dt.date(2026, 7, 11)}, "published_last", "in the future"),
    ({"published_first": "1066-10-14"}, "published_first", "real date"),
    ({"pages": -3}, "pages", "from 1"),
    ({"pages": "mười"}, "pages", "whole number"),
    ({"duration_seconds": 1.5}, "duration_seconds", "whole number"),
    ({"parts_total": True}, "parts_total", "whole number"),
    ({"parts_total": None}, "parts_total", "whole number"),
    ({"title": "x" * 501}, "title", "under 500"),
    ({"title": 42}, "title", "Enter text"),
    ({"language": "tiếng Việt"}, "language", "language"),
    ({"entrant_kind": "robot"}, "entrant_kind", "options"),
    ({"entrant_country": "Vietnam"}, "entrant_country", "country"),
    ({"publication_urls": ["javascript:alert(1)"]}, "publication_urls", "web address"),
    ({"publication_urls": ["https://x.vn/"] * 1 + [f"https://x.vn/{n}" for n in range(20)]},
     "publication_urls", "at most 20"),
    ({"prior_awards": [{"contest": ""}]}, "prior_awards[0]", "Name the contest"),
    ({"prior_awards": [{"contest": "Giải Báo chí", "date": "2027"}]}, "prior_awards[0]",
     "not in the future"),
    ({"prior_awards": [{"contest": "Giải", "prize": "Nhất"}]}, "prior_awards[0]", "Unknown"),
    ({"prior_awards": "Giải Nhất"}, "prior_awards", "list"),
    ({"copyright_accepted": "maybe"}, "copyright_accepted", "yes or no"),
    ({"status": "valid"}, "__all__", "not a field"),
    ({"receipt_number": "XII-1"}, "__all__", "not a field"),
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(draft, owner, fields, field,
                                                                words):
    with pytest.raises(EntryInvalid) as caught:
        services.update_draft(draft, owner, draft.version, now=NOW,
                              **{"genre": "Phóng sự", **fields})
    errors = caught.value.errors
    assert field in errors, errors
    assert any(words in message for message in errors[field]), errors
    draft.refresh_from_db()
    assert (draft.title, draft.genre, draft.version) == ("Bản nháp", "", 1)


def test_several_bad_fields_are_all_named_at_once(draft, owner):
    with pytest.raises(EntryInvalid) as caught:
        services.update_draft(draft, owner, 1, now=NOW, pages=0, published_first="2026-13-01",
                              language="??")
    assert set(caught.value.errors) == {"pages", "published_first", "language"}


def test_html_in_text_is_kept_as_text_for_the_pages_to_escape(draft, owner):
    script = "<script>alert('x')</script> Bài <b>đậm</b>"
    entry = services.update_draft(draft, owner, 1, now=NOW, title=script, summary_vi=script)
    assert entry.title == script  # stored as typed; templates escape it


def test_text_is_stored_nfc_without_bidi_controls(draft, owner):
    decomposed = "Vie\u0302\u0323t Nam\u202e fdp.exe"
    entry = services.update_draft(draft, owner, 1, now=NOW, title=decomposed,
                                  summary_vi="dòng 1\r\ndòng 2\x07")
    assert entry.title == "Việt Nam fdp.exe"
    assert entry.summary_vi == "dòng 1\ndòng 2"


def test_values_arrive_as_form_strings_too(draft, owner):
    entry = services.update_draft(
        draft, owner, 1, now=NOW, published_first="2026-01-05", pages="120", photo_count="",
        copyright_accepted="on", publication_urls="https://a.vn/1 https://a.vn/2 https://a.vn/1",
        language="VI", entrant_country="vn",
        prior_awards=[{"contest": "Giải Báo chí Quốc gia", "organiser": "Hội Nhà báo",
                       "level": "Giải B", "date": "2025-06"}])
    assert entry.published_first == dt.date(2026, 1, 5) and entry.pages == 120
    assert entry.photo_count is None and entry.copyright_accepted
    assert entry.copyright_accepted_at == NOW
    assert entry.publication_urls == ["https://a.vn/1", "https://a.vn/2"]
    assert (entry.language, entry.entrant_country) == ("vi", "VN")
    assert entry.prior_awards[0]["date"] == "2025-06"


# --- autosave and the optimistic lock -----------------------------------------------------------

def test_autosave_bumps_the_version_only_when_something_changed(draft, owner):
    saved = services.update_draft(draft, owner, 1, now=NOW, title="Bản mới")
    assert saved.version == 2
    again = services.update_draft(draft, owner, 2, now=NOW, title="Bản mới")
    assert again.version == 2
    audit = AuditEvent.objects.get(action="entry.updated")
    assert audit.before == {"title": "Bản nháp"} and audit.after == {"title": "Bản mới"}


def test_a_stale_version_is_a_clear_conflict_and_loses_nothing(draft, owner):
    services.update_draft(draft, owner, 1, now=NOW, title="Từ cửa sổ thứ nhất")
    with pytest.raises(StaleVersion) as caught:
        services.update_draft(draft, owner, 1, now=NOW, title="Từ cửa sổ thứ hai",
                              genre="Bình luận")
    assert "changed in another window" in str(caught.value)
    assert caught.value.current.title == "Từ cửa sổ thứ nhất"
    assert caught.value.current.version == 2
    draft.refresh_from_db()
    assert (draft.title, draft.genre) == ("Từ cửa sổ thứ nhất", "")


def test_only_the_owner_edits_and_only_while_editable(edition, draft, owner, people):
    other = new_participant(edition, "Người khác")
    for actor in (other, people[str(Role.ORGANISER)], people[str(Role.INTAKE_OFFICER)]):
        with pytest.raises(EntryPermissionDenied):
            services.update_draft(draft, actor, 1, now=NOW, title="Chiếm")
    with pytest.raises(DeadlinePassed) as caught:
        services.update_draft(draft, owner, 1, now=DEADLINE + dt.timedelta(minutes=1),
                              title="Muộn")
    assert "23:59:59 31/07/2026" in str(caught.value)
    draft.refresh_from_db()
    assert draft.title == "Bản nháp"


def test_a_draft_may_move_to_another_open_category(edition, draft, owner):
    moved = services.update_draft(draft, owner, 1, now=NOW, category="anh")
    assert moved.category.code == "anh"
    with pytest.raises(EntryError) as caught:
        services.update_draft(draft, owner, 2, now=NOW, category="khong-co")
    assert caught.value.field == "category"


def test_copyright_acceptance_is_timestamped_and_cleared(draft, owner):
    entry = services.update_draft(draft, owner, 1, now=NOW, copyright_accepted=True)
    assert entry.copyright_accepted_at == NOW
    entry = services.update_draft(draft, owner, 2, now=NOW, copyright_accepted=False)
    assert entry.copyright_accepted_at is None


# --- authors -----------------------------------------------------------------------------------

GROUP = [
    {"full_name": "Nguyễn Văn An", "share_percent": "50", "consent_given": True,
     "email": "An@Example.vn", "role": "author"},
    {"full_name": "Lê Thị Hoa", "pen_name": "Hoa Lê", "share_percent": 30,
     "consent_given": True, "role": "co_author"},
    {"full_name": "Phạm Minh", "share_percent": "20.00", "consent_given": True,
     "role": "co_author"},
]


def test_a_group_names_its_authors_in_order_with_shares(draft, owner):
    entry = services.set_authors(draft, owner, GROUP, version=1, now=NOW)
    authors = list(entry.authors.order_by("position"))
    assert [a.full_name for a in authors] == ["Nguyễn Văn An", "Lê Thị Hoa", "Phạm Minh"]
    assert [a.share_percent for a in authors] == [50, 30, 20]
    assert authors[0].email == "an@example.vn" and authors[1].pen_name == "Hoa Lê"
    assert all(a.consent_at == NOW for a in authors)
    assert entry.version == 2


@pytest.mark.parametrize(("authors", "field", "words"), [
    ([{**GROUP[0], "share_percent": 50}, {**GROUP[1], "share_percent": 40}], "authors",
     "total 100% (now 90%)"),
    ([GROUP[0], {**GROUP[1], "share_percent": None}], "authors", "every author's share"),
    ([{**GROUP[0], "full_name": "  "}], "authors[0]", "full name"),
    ([{**GROUP[0], "email": "không phải thư"}], "authors[0]", "not an e-mail"),
    ([{**GROUP[0], "share_percent": "150"}], "authors[0]", "0 to 100"),
    ([{**GROUP[0], "role": "juror"}], "authors[0]", "options"),
    ([{**GROUP[0], "age": 40}], "authors[0]", "Unknown item"),
    (["Nguyễn Văn An"], "authors[0]", "name, role and share"),
    ("Nguyễn Văn An", "authors", "list"),
])
def test_bad_author_lists_are_refused_and_the_old_list_stays(draft, owner, authors, field,
                                                             words):
    with pytest.raises(EntryInvalid) as caught:
        services.set_authors(draft, owner, authors, now=NOW)
    assert any(words in message for message in caught.value.errors.get(field, [])), (
        caught.value.errors)
    assert [a.full_name for a in draft.authors.all()] == [owner.full_name]


def test_a_sole_author_holds_the_whole_work(draft, owner):
    entry = services.set_authors(draft, owner, [{**GROUP[0], "share_percent": 30}], now=NOW)
    assert entry.authors.get().share_percent == 100


def test_only_the_owners_own_account_can_be_linked(edition, draft, owner):
    other = new_participant(edition, "Người khác")
    with pytest.raises(EntryInvalid) as caught:
        services.set_authors(draft, owner, [{**GROUP[0], "user": other}], now=NOW)
    assert "only your own account" in caught.value.errors["authors[0]"][0]
    entry = services.set_authors(draft, owner, [{**GROUP[0], "user": owner.pk,
                                                 "consent_given": False}], now=NOW)
    author = entry.authors.get()
    assert author.user == owner and author.consent_given  # one's own consent goes without saying


def test_authors_are_version_checked_when_a_version_is_given(draft, owner):
    services.update_draft(draft, owner, 1, now=NOW, title="Khác")
    with pytest.raises(StaleVersion):
        services.set_authors(draft, owner, GROUP, version=1, now=NOW)


# --- files -------------------------------------------------------------------------------------

@pytest.fixture
def received(storage, owner):
    return finished_upload(owner, PDF, "../../etc/bài\u202e báo.pdf")


def test_a_finished_upload_becomes_an_entry_file_copied_intact(draft, owner, received):
    item = services.attach_file(draft, owner, received.key, FileRole.MAIN, now=NOW)
    assert item.original_name == "bài báo.pdf"
    assert (item.sha256, item.size, item.content_type) == (
        hashlib.sha256(PDF).hexdigest(), len(PDF), "application/pdf")
    assert "etc" not in item.file.name and "bài" not in item.file.name  # blind storage names
    with default_storage.open(item.file.name, "rb") as stored:
        assert stored.read() == PDF
    assert item.upload_key == received.key


def test_the_upload_is_released_and_the_inspection_hook_runs_after_commit(
        draft, owner, received, django_capture_on_commit_callbacks):
    sent = []

    def listen(sender, entry_file, **kwargs):
        sent.append(entry_file.pk)

    file_attached.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            item = services.attach_file(draft, owner, received, now=NOW)
    finally:
        file_attached.disconnect(listen)
    assert sent == [item.pk]
    assert not Upload.objects.filter(pk=received.pk).exists()
    item.refresh_from_db()
    assert item.upload is None and item.upload_key == received.key


def test_attaching_the_same_upload_twice_gives_the_same_file(draft, owner, received):
    first = services.attach_file(draft, owner, received.key, now=NOW)
    second = services.attach_file(draft, owner, str(received.key), now=NOW)
    assert first.pk == second.pk and EntryFile.objects.count() == 1


def test_someone_elses_upload_is_not_found(edition, draft, owner, storage):
    stranger = new_participant(edition, "Người lạ")
    theirs = finished_upload(stranger, PDF, "cua-ho.pdf")
    with pytest.raises(EntryError) as caught:
        services.attach_file(draft, owner, theirs.key, now=NOW)
    assert (caught.value.field, caught.value.code) == ("upload", "upload_not_found")
    with pytest.raises(EntryError):
        services.attach_file(draft, owner, "not-a-key", now=NOW)


def test_an_unfinished_upload_is_not_taken(draft, owner, storage):
    from giaithuong.uploads import services as uploads

    partial = uploads.create_upload(owner, length=1000, metadata={"filename": "a.pdf"})
    with pytest.raises(EntryError) as caught:
        services.attach_file(draft, owner, partial.key, now=NOW)
    assert caught.value.code == "upload_not_found"


@pytest.mark.parametrize(("data", "name", "role", "code"), [
    (b"", "rong.pdf", FileRole.MAIN, "file_empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "anh-doi-ten.pdf", FileRole.TRANSLATION,
     "file_type_not_accepted"),
    (b"MZ\x90\x00" + os.urandom(64), "virus.pdf", FileRole.MAIN, "file_type_not_accepted"),
    (b"<svg onload='alert(1)'/>", "anh.svg", FileRole.COVER, "file_type_not_accepted"),
    (PDF, "bia.pdf", FileRole.COVER, "file_type_not_accepted"),
])
def test_files_of_the_wrong_kind_or_empty_are_refused(draft, owner, storage, data, name, role,
                                                      code):
    upload = finished_upload(owner, data, name)
    with pytest.raises(EntryError) as caught:
        services.attach_file(draft, owner, upload.key, role, now=NOW)
    assert (caught.value.field, caught.value.code) == ("upload", code)
    assert not EntryFile.objects.exists()


def test_the_category_decides_what_the_work_itself_may_be(edition, owner, storage):
    radio = services.create_draft(owner, category(edition, "phat-thanh"), now=NOW)
    pdf = finished_upload(owner, PDF, "kich-ban.pdf")
    with pytest.raises(EntryError) as caught:
        services.attach_file(radio, owner, pdf.key, FileRole.MAIN, now=NOW)
    assert "audio" in str(caught.value)
    # ... while a translation or evidence of broadcast may be a PDF.
    assert services.attach_file(radio, owner, pdf.key, FileRole.EVIDENCE, now=NOW).pk


def test_a_file_over_the_category_limit_is_refused(draft, owner, storage, edition):
    from giaithuong.entries import facts

    limit = facts.category_rules(edition, "bao-tap-chi-tieng-viet").max_file_bytes
    upload = finished_upload(owner, PDF, "lon.pdf")
    Upload.objects.filter(pk=upload.pk).update(length=limit + 1)
    with pytest.raises(EntryError) as caught:
        services.attach_file(draft, owner, upload.key, now=NOW)
    assert caught.value.code == "file_too_large"
    assert "up to 200 MB" in str(caught.value)


def test_a_damaged_upload_is_not_stored(draft, owner, storage):
    upload = finished_upload(owner, PDF, "hong.pdf")
    Upload.objects.filter(pk=upload.pk).update(sha256="0" * 64)
    with pytest.raises(EntryError) as caught:
        services.attach_file(draft, owner, upload.key, now=NOW)
    assert caught.value.code == "upload_damaged"
    assert not EntryFile.objects.exists()
    assert not list((storage / "media").rglob("*.pdf"))


def test_one_cover_image_only(draft, owner, storage):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    services.attach_file(draft, owner, finished_upload(owner, png, "bia.png").key,
                         FileRole.COVER, now=NOW)
    with pytest.raises(EntryError) as caught:
        services.attach_file(draft, owner, finished_upload(owner, png, "bia2.png").key,
                             FileRole.COVER, now=NOW)
    assert caught.value.code == "cover_exists"


def test_removing_a_file_deletes_its_copy_after_commit(draft, owner, received,
                                                       django_capture_on_commit_callbacks):
    item = services.attach_file(draft, owner, received.key, now=NOW)
    name = item.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_file(item, owner, now=NOW)
    assert not EntryFile.objects.exists() and not default_storage.exists(name)
    services.remove_file(item, owner, now=NOW)  # twice is fine
    assert AuditEvent.objects.filter(action="entry.file_removed").count() == 1


def test_files_cannot_change_once_submitted(edition, owner, storage):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "k1", now=NOW)
    upload = finished_upload(owner, PDF, "muon.pdf")
    with pytest.raises(EntryConflict):
        services.attach_file(entry, owner, upload.key, now=NOW)


def test_inspection_findings_and_the_blind_copy_are_recorded(draft, owner, received):
    from django.core.files.base import ContentFile

    item = services.attach_file(draft, owner, received.key, now=NOW)
    item = services.record_inspection(item, findings={"problems": []}, page_count=3,
                                      blind_copy=ContentFile(b"%PDF-1.4 blind"))
    assert item.page_count == 3 and item.inspected_at is not None
    assert item.blind_file.name.endswith("-blind.pdf")
    with default_storage.open(item.file.name, "rb") as original:
        assert original.read() == PDF  # the original is never touched
