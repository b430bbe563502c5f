"""The submit's reads written out in SQL (`submit_queries`, on `common.plain_sql`) answer
exactly what the ORM answers, on SQLite and on PostgreSQL: every field of every model read,
converted the same way (dates, decimals, JSON), in the same order."""

import datetime as dt

import pytest
from django.db import transaction

from giaithuong.accounts.auth import token_and_user
from giaithuong.accounts.models import User
from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_api_token, create_user, grant_role
from giaithuong.entries import services, submit_queries
from giaithuong.entries.models import LIVE, Entry, EntryAuthor, EntryFile, FileRole, SubmitKey
from tests.entries.conftest import NOW, PDF, complete_draft, finished_upload, new_participant

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname)
            for f in instance._meta.concrete_fields}


@pytest.fixture
def group_entry(edition, storage):
    owner = new_participant(edition)
    co_author = create_user(username="dong-tac-gia", password=None, full_name="Lê Văn Cường",
                            email="Cuong.Le@Example.vn")
    entry = complete_draft(owner, edition, prior_awards=[{"contest": "Báo chí", "level": "A"}])
    services.set_authors(entry, owner, [
        {"full_name": owner.full_name, "share_percent": "62.50", "consent_given": True,
         "user": owner.pk},
        {"full_name": "Lê Văn Cường", "share_percent": "37.50", "consent_given": True,
         "email": "cuong.le@example.vn"},
    ], now=NOW)
    for name, role in (("bai-bao.pdf", FileRole.MAIN), ("bang-chung.pdf", FileRole.EVIDENCE)):
        services.attach_file(entry, owner, finished_upload(owner, PDF, name).key, role, now=NOW)
    return Entry.objects.get(pk=entry.pk), owner, co_author


def test_the_locked_entry_is_the_orms_entry_with_its_edition_and_category(group_entry):
    entry, _, _ = group_entry
    with transaction.atomic():
        row = submit_queries.locked_entry(entry.pk)
    expected = Entry.objects.select_related("edition", "category").get(pk=entry.pk)
    assert fields(row) == fields(expected)
    assert isinstance(row.publication_urls, list) and isinstance(row.prior_awards, list)
    assert row.category.code == expected.category.code
    edition_fields = fields(expected.edition)
    del edition_fields["spec"]  # left behind: the rules come parsed from memory
    assert {k: getattr(row.edition, k) for k in edition_fields} == edition_fields
    assert "spec" in row.edition.get_deferred_fields()
    assert row.edition.rules.timeline.timezone == expected.edition.rules.timeline.timezone
    assert submit_queries.locked_entry(10**9) is None


def test_authors_and_files_come_in_the_orms_order_with_the_accounts_email(group_entry):
    entry, owner, _ = group_entry
    authors = submit_queries.authors(entry.pk)
    assert [fields(a) for a in authors] == [fields(a) for a in EntryAuthor.objects.filter(
        entry=entry)]
    assert [a.user_email for a in authors] == [owner.email, ""]
    assert [str(a.share_percent) for a in authors] == ["62.50", "37.50"]
    assert [fields(f) for f in submit_queries.files(entry.pk)] == [
        fields(f) for f in EntryFile.objects.filter(entry=entry)]


def test_a_persons_other_entries_are_found_by_email_or_account(edition, group_entry):
    entry, owner, co_author = group_entry
    other = complete_draft(owner, edition)
    assert submit_queries.entries_of_people({owner.email}, set(), besides=entry.pk) == {other.pk}
    assert submit_queries.entries_of_people(set(), {owner.pk}, besides=other.pk) == {entry.pk}
    assert submit_queries.entries_of_people({"cuong.le@example.vn"}, set(),
                                            besides=0) == {entry.pk}
    assert submit_queries.entries_of_people(set(), set(), besides=0) == set()
    assert submit_queries.user_ids_with_emails({"cuong.le@example.vn"}) == {co_author.pk}
    # Only drafts so far: none is live.
    assert submit_queries.people_of_live_entries({entry.pk, other.pk}, edition_id=edition.pk,
                                                 live=LIVE) == []
    services.submit_entry(entry, owner, "k1", now=NOW)
    assert sorted(submit_queries.people_of_live_entries(
        {entry.pk, other.pk}, edition_id=edition.pk, live=LIVE)) == sorted([
            (entry.pk, "", owner.pk, owner.email),
            (entry.pk, "cuong.le@example.vn", None, "")])


def test_jurors_and_organisers_are_those_the_orm_finds(edition):
    from giaithuong.judging.models import Council

    council = Council.objects.create(edition=edition, name="Hội đồng sơ khảo",
                                     round_code="so-khao")
    juror = create_user(username="giam-khao", password=None, full_name="Giám khảo",
                        email="gk@example.vn")
    organiser = create_user(username="btc", password=None, full_name="Ban tổ chức",
                            email="")
    anywhere = create_user(username="btc-chung", password=None, full_name="Ban tổ chức chung",
                           email="chung@example.vn")
    grant_role(juror, Role.JUROR, council=council)
    grant_role(organiser, Role.ORGANISER, edition=edition)
    grant_role(anywhere, Role.ORGANISER)
    grant_role(new_participant(edition), Role.INTAKE_OFFICER, edition=edition)
    assert sorted(submit_queries.jurors_and_organisers(edition.pk)) == sorted([
        (Role.JUROR, juror.pk, "gk@example.vn"), (Role.ORGANISER, organiser.pk, ""),
        (Role.ORGANISER, anywhere.pk, "chung@example.vn")])


def test_an_earlier_submit_key_is_read_with_its_stored_answer(edition):
    owner = new_participant(edition)
    entry = complete_draft(owner, edition)
    result = services.submit_entry(entry, owner, "khoa-1", now=NOW)
    key = submit_queries.submit_key(owner.pk, "khoa-1")
    assert fields(key) == fields(SubmitKey.objects.get())
    assert key.response == result.response
    assert submit_queries.submit_key(owner.pk, "khoa-2") is None


def test_an_api_token_is_read_with_its_account_and_roles(edition):
    owner = new_participant(edition)
    _, raw = create_api_token(owner, "script")
    row, user = token_and_user(raw)
    assert fields(user) == fields(User.objects.get(pk=owner.pk))
    assert row.user is user and user.role_names() == {str(Role.PARTICIPANT)}
    assert token_and_user(raw + "x") is None
    row.revoked_at = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    row.save()
    assert token_and_user(raw) is None


def test_a_tokens_use_is_noted_at_most_every_five_minutes(client, edition):
    from giaithuong.accounts.models import ApiToken

    owner = new_participant(edition)
    token, raw = create_api_token(owner, "script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/accounts/me", **headers).status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert client.get("/api/v1/accounts/me", **headers).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within five minutes
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=6))
    assert client.get("/api/v1/accounts/me", **headers).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first
