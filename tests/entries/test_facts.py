"""From rows to the eligibility engine: an entry's facts, the edition's context counted from
the database (other live entries per author and group, jurors, organisers), and the checks of
the entry's own form, as `services.violations` reports them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import grant_role
from giaithuong.entries import facts, services
from giaithuong.entries.entry_checks import AuthorForm, EntryForm, check_form
from giaithuong.entries.models import Entry, EntryStatus, FileRole
from tests.entries.conftest import (
    NOW,
    PDF,
    complete_draft,
    finished_upload,
    new_participant,
    reload_edition,
)

LATE = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def codes(entry, now=NOW):
    return {v.code for v in services.violations(entry, now=now)}


# --- the facts of one entry ----------------------------------------------------------------------

@pytest.mark.parametrize(("content_type", "kind"), [
    ("application/pdf", "pdf"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("image/jpeg", "image"), ("image/heic", "image"), ("image/svg+xml", None),
    ("audio/mpeg", "audio"), ("audio/mp4", "audio"), ("video/mp4", "video"),
    ("application/zip", None), ("text/html", None), ("", None),
])
def test_file_kinds_come_from_the_sniffed_type(content_type, kind):
    assert facts.file_kind(content_type) == kind


@pytest.mark.django_db
def test_an_entry_becomes_the_engines_facts(edition, storage):
    owner = new_participant(edition)
    entry = complete_draft(owner, edition, "truyen-hinh", parts_total=5, parts_in_window=4,
                           duration_seconds=3600, seconds_outside_window=600, language="vi")
    services.attach_file(entry, owner, finished_upload(owner, PDF, "bang-chung.pdf").key,
                         FileRole.EVIDENCE, now=NOW)
    services.attach_file(entry, owner, finished_upload(owner, PDF, "ban-dich.pdf").key,
                         FileRole.TRANSLATION, now=NOW)
    entry = Entry.objects.get(pk=entry.pk)
    found = facts.entry_facts(entry, at=NOW)
    assert (found.category_code, found.parts_in_window, found.parts_outside_window) == (
        "truyen-hinh", 4, 1)
    assert (found.duration_seconds, found.seconds_outside_window) == (3600, 600)
    assert found.files == ()  # evidence and translation are not the work itself
    assert found.translation_present and found.link_count == 1
    assert found.submitted_at == NOW  # a draft is judged as if sent now
    assert found.copyright_attested and found.prior_awards_declared
    assert [a.person_id for a in found.authors] == [owner.email]


@pytest.mark.django_db
def test_a_complete_draft_breaks_no_rule_and_an_empty_one_says_everything(edition):
    owner = new_participant(edition)
    assert not [v for v in services.violations(complete_draft(owner, edition), now=NOW)
                if v.blocking]
    empty = services.create_draft(owner, "bao-tap-chi-tieng-viet", edition=edition, now=NOW)
    found = services.violations(empty, now=NOW)
    assert found[0].blocking and not found[-1].blocking  # blocking ones first
    assert {"title_missing", "language_missing", "summary_missing", "publication_date_missing",
            "material_missing", "copyright_attestation_missing",
            "prior_award_declaration_missing"} <= {v.code for v in found}
    assert all(v.message_vi and v.message_en for v in found)


@pytest.mark.django_db
def test_a_draft_checked_after_the_deadline_is_late(edition):
    entry = complete_draft(new_participant(edition), edition)
    assert "submitted_late" in codes(entry, LATE)


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "code"), [
    ({"published_first": dt.date(2025, 6, 30)}, "published_outside_window"),
    ({"language": "en"}, "language_not_accepted"),
    ({"parts_total": 6, "parts_in_window": 6}, "series_too_many_parts"),
    ({"parts_total": 3, "parts_in_window": 4}, "parts_in_window_exceed_total"),
    ({"published_first": dt.date(2025, 5, 1), "published_last": dt.date(2025, 9, 1),
      "parts_total": 3, "parts_in_window": 1}, "straddle_share_too_small"),
    ({"copyright_accepted": False}, "copyright_attestation_missing"),
    ({"entrant_kind": "organisation"}, "organisation_name_missing"),
])
def test_rules_of_the_edition_file_reach_the_entry(edition, fields, code):
    entry = complete_draft(new_participant(edition), edition, **fields)
    assert code in codes(entry)


@pytest.mark.django_db
def test_the_two_thirds_rule_passes_at_its_boundary(edition):
    entry = complete_draft(new_participant(edition), edition,
                           published_first=dt.date(2025, 6, 1), published_last=dt.date(2025, 9, 1),
                           parts_total=3, parts_in_window=2)
    assert "straddle_share_too_small" not in codes(entry)


# --- group and form checks -----------------------------------------------------------------------

def _form(**changes):
    base = {"entrant_kind": "group", "organisation_name": "",
            "authors": (AuthorForm("A", Decimal(60), True), AuthorForm("B", Decimal(40), True)),
            "parts_total": 1, "parts_in_window": 1}
    return EntryForm(**{**base, **changes})


@pytest.mark.parametrize(("changes", "code"), [
    ({"authors": (AuthorForm("A", Decimal(100), True),)}, "group_too_small"),
    ({"authors": (AuthorForm("A", Decimal(60), True), AuthorForm("B", Decimal(30), True))},
     "shares_not_hundred"),
    ({"authors": (AuthorForm("A", Decimal(60), True), AuthorForm("", Decimal(40), False))},
     "author_consent_missing"),
    ({"entrant_kind": "organisation"}, None),
    ({"entrant_kind": "organisation", "organisation_name": " "}, "organisation_name_missing"),
    ({"category_open": False}, "category_closed"),
    ({"parts_total": 2, "parts_in_window": 3}, "parts_in_window_exceed_total"),
])
def test_the_entry_form_checks(changes, code):
    found = check_form(_form(**changes))
    if code is None:
        assert "organisation_name_missing" in {v.code for v in found}
    else:
        assert code in {v.code for v in found}
        assert all(v.blocking and "{" not in v.message_vi for v in found)
    assert check_form(_form()) == []


@pytest.mark.django_db
def test_an_author_without_consent_blocks_the_submit(edition):
    owner = new_participant(edition)
    entry = complete_draft(owner, edition, entrant_kind="group")
    services.set_authors(entry, owner, [
        {"full_name": owner.full_name, "user": owner, "share_percent": 70},
        {"full_name": "Lê Văn Tám", "share_percent": 30, "consent_given": False}], now=NOW)
    found = {v.code: v for v in services.violations(entry, now=NOW)}
    assert found["author_consent_missing"].field == "authors[1]"
    assert "Lê Văn Tám" in found["author_consent_missing"].message_vi


# --- the edition's context -----------------------------------------------------------------------

def _submit(owner, edition, key, **fields):
    return services.submit_entry(complete_draft(owner, edition, **fields), owner, key,
                                 now=NOW).entry


@pytest.mark.django_db
def test_other_live_entries_of_an_author_are_counted_by_account_and_by_email(edition):
    owner = new_participant(edition)
    _submit(owner, edition, "a")
    _submit(owner, edition, "b")
    withdrawn = _submit(owner, edition, "c")
    services.withdraw_entry(withdrawn, owner, now=NOW)
    complete_draft(owner, edition)  # drafts do not count
    # A colleague names the owner (by e-mail only, in other letters) as co-author.
    colleague = new_participant(edition, "Đồng nghiệp")
    shared = complete_draft(colleague, edition, entrant_kind="group")
    services.set_authors(shared, colleague, [
        {"full_name": colleague.full_name, "user": colleague, "share_percent": 50},
        {"full_name": owner.full_name, "email": owner.email.upper(), "share_percent": 50,
         "consent_given": True}], now=NOW)
    services.submit_entry(shared, colleague, "d", now=NOW)
    entry = complete_draft(owner, edition)
    context = facts.eligibility_context(entry)
    assert context.entries_by_author == {owner.email: 3}
    assert context.entries_by_group == {frozenset({owner.email}): 2,
                                        frozenset({owner.email, colleague.email}): 1}


@pytest.mark.django_db
def test_the_tenth_live_entry_is_the_last_one_allowed(edition):
    owner = new_participant(edition)
    for n in range(9):
        _submit(owner, edition, f"k{n}")
    tenth = complete_draft(owner, edition)
    assert "author_entry_limit" not in codes(tenth)
    services.submit_entry(tenth, owner, "k10", now=NOW)
    eleventh = complete_draft(owner, edition)
    found = {v.code: v for v in services.violations(eleventh, now=NOW)}
    assert found["author_entry_limit"].blocking
    assert "10" in found["author_entry_limit"].message_en


@pytest.mark.django_db
def test_a_group_counts_as_a_unit_when_the_edition_says_so(edition):
    edition = reload_edition(
        edition, ('entry_limit_counts = "each_member"', 'entry_limit_counts = "group_as_unit"'),
        ("max_entries_per_author = 10", "max_entries_per_author = 1"))
    owner = new_participant(edition)
    _submit(owner, edition, "k1")
    again = complete_draft(owner, edition)
    assert "author_entry_limit" in codes(again)
    colleague = new_participant(edition, "Đồng nghiệp")
    services.set_authors(again, owner, [
        {"full_name": owner.full_name, "user": owner, "share_percent": 50},
        {"full_name": colleague.full_name, "email": colleague.email, "share_percent": 50,
         "consent_given": True}], now=NOW)
    assert "author_entry_limit" not in codes(again)  # a different group


@pytest.mark.django_db
def test_jurors_and_organisers_of_the_edition_cannot_enter(edition, people):
    juror, organiser = people["juror"], people["organiser"]
    for person, code in ((juror, "author_is_juror"), (organiser, "author_is_organiser")):
        grant_role(person, Role.PARTICIPANT, edition=edition)
        entry = complete_draft(person, edition)
        assert code in codes(entry)
    # Named by e-mail as a co-author of someone else's entry, a juror is still found.
    owner = new_participant(edition)
    entry = complete_draft(owner, edition, entrant_kind="group")
    services.set_authors(entry, owner, [
        {"full_name": owner.full_name, "user": owner, "share_percent": 50},
        {"full_name": juror.full_name, "email": juror.email, "share_percent": 50,
         "consent_given": True}], now=NOW)
    found = {v.code: v for v in services.violations(entry, now=NOW)}
    assert found["author_is_juror"].field == "authors[1]"


@pytest.mark.django_db
def test_a_chair_of_another_editions_council_may_enter(edition, people):
    from giaithuong.editions.services import load_edition_text
    from giaithuong.judging.models import Council
    from tests.conftest import EDITION_FILE

    other = load_edition_text(
        EDITION_FILE.read_text(encoding="utf-8").replace("ordinal = 12", "ordinal = 13"),
        source_name="xiii.toml", make_current=False).edition
    council = Council.objects.create(edition=other, name="Hội đồng XIII", round_code="so-khao")
    person = new_participant(edition, "Chủ tịch kỳ sau")
    grant_role(person, Role.COUNCIL_CHAIR, council=council)
    assert "author_is_juror" not in codes(complete_draft(person, edition))


@pytest.mark.django_db
def test_category_rules_follow_the_editions_revision(edition):
    first = facts.category_rules(edition, "truyen-hinh")
    assert first.max_duration_seconds == 120 * 60
    reloaded = reload_edition(edition, ("max_duration_minutes = 120", "max_duration_minutes = 90"))
    assert facts.category_rules(reloaded, "truyen-hinh").max_duration_seconds == 90 * 60
    assert facts.category_rules(edition, "khong-co") is None


@pytest.mark.django_db
def test_violations_of_a_submitted_entry_use_its_submission_time(edition):
    owner = new_participant(edition)
    entry = _submit(owner, edition, "k")
    assert entry.status == EntryStatus.SUBMITTED
    assert "submitted_late" not in codes(entry, LATE)
