"""`common.plain_sql`: rows written and read without the ORM's compiler come out as the ORM
writes and reads them (dates, JSON, addresses), on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.db import DatabaseError
from django.utils import timezone

from giaithuong.common import audit, plain_sql
from giaithuong.common.models import AuditEvent
from giaithuong.entries.models import Entry, EntryEvent, EntryStatus
from tests.entries.conftest import complete_draft, new_participant

pytestmark = pytest.mark.django_db


def stored(instance) -> dict:
    fresh = type(instance).objects.get(pk=instance.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


def test_an_insert_stores_what_the_orm_would_and_sets_the_key(edition):
    owner = new_participant(edition)
    before = timezone.now()
    event = audit.record("entry.tested", actor=owner, target=edition, ip_address="2001:db8::1",
                         before={"status": "draft"}, after={"ghi chú": "Đã nộp", "n": [1, 2]})
    assert event.pk is not None and not event._state.adding
    row = stored(event)
    assert row["after"] == {"ghi chú": "Đã nộp", "n": [1, 2]}
    assert row["before"] == {"status": "draft"} and row["ip_address"] == "2001:db8::1"
    assert row["actor_id"] == owner.pk and row["actor_label"] == owner.get_username()
    assert before <= row["at"] <= timezone.now()  # auto_now_add, as save() sets it
    assert row["at"] == event.at
    # the model still refuses edits of what was written this way
    with pytest.raises(PermissionError):
        event.save()


def test_an_insert_keeps_a_given_moment_and_null_foreign_keys(edition):
    entry = complete_draft(new_participant(edition), edition)
    at = dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
    event = EntryEvent(entry=entry, at=at, actor=None, action="tested",
                       from_status=EntryStatus.DRAFT, to_status=EntryStatus.DRAFT)
    plain_sql.insert(event)
    assert stored(event) | {} == {"id": event.pk, "entry_id": entry.pk, "at": at,
                                  "actor_id": None, "action": "tested", "from_status": "draft",
                                  "to_status": "draft", "note": ""}
    assert AuditEvent.objects.filter(action="tested").count() == 0


def test_an_update_writes_the_fields_named_and_moves_auto_now(edition):
    entry = complete_draft(new_participant(edition), edition)
    before = stored(entry)
    entry.genre, entry.published_last = "Bút ký", dt.date(2026, 4, 2)
    entry.title = "Không được ghi"  # not named: stays as stored
    plain_sql.update(entry, ["genre", "published_last", "updated_at"])
    after = stored(entry)
    assert after["genre"] == "Bút ký" and after["published_last"] == dt.date(2026, 4, 2)
    assert after["title"] == before["title"]
    assert after["updated_at"] > before["updated_at"]
    assert {k for k in after if after[k] != before[k]} == {"genre", "published_last",
                                                            "updated_at"}


def test_an_update_of_a_row_that_is_gone_is_an_error(edition):
    entry = complete_draft(new_participant(edition), edition)
    Entry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError):
        plain_sql.update(entry, ["title"])
