"""The entry tables hold their invariants even against writes that bypass the services."""

import pytest
from django.db import IntegrityError, transaction

from giaithuong.entries.models import (
    Entry,
    EntryAuthor,
    EntryStatus,
    ReceiptSequence,
    SubmitKey,
)
from tests.entries.conftest import NOW, category, new_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(edition):
    return new_participant(edition)


def _entry(edition, owner, **fields):
    return Entry.objects.create(edition=edition, category=category(edition), owner=owner,
                                **fields)


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_submitted_entry_needs_its_receipt_number_sequence_and_time(edition, owner):
    _refused(lambda: _entry(edition, owner, status=EntryStatus.SUBMITTED))
    _refused(lambda: _entry(edition, owner, status=EntryStatus.VALID, receipt_number="XII-1",
                            receipt_sequence=1))
    entry = _entry(edition, owner, status=EntryStatus.SUBMITTED, receipt_number="XII-x-0001",
                   receipt_sequence=1, submitted_at=NOW)
    assert str(entry).startswith("XII-x-0001 · ")


def test_a_draft_has_no_receipt_number(edition, owner):
    _refused(lambda: _entry(edition, owner, receipt_number="XII-x-0001", receipt_sequence=1))


def test_receipt_numbers_and_sequences_never_repeat(edition, owner):
    receipted = {"status": EntryStatus.SUBMITTED, "submitted_at": NOW}
    _entry(edition, owner, receipt_number="A-1", receipt_sequence=1, **receipted)
    _refused(lambda: _entry(edition, owner, receipt_number="A-2", receipt_sequence=1,
                            **receipted))
    _refused(lambda: _entry(edition, owner, receipt_number="A-1", receipt_sequence=2,
                            **receipted))
    # Many drafts share the empty receipt number.
    _entry(edition, owner)
    _entry(edition, owner)


def test_shares_stay_between_0_and_100_and_positions_are_unique(edition, owner):
    entry = _entry(edition, owner)
    EntryAuthor.objects.create(entry=entry, position=1, full_name="A", share_percent=60)
    _refused(lambda: EntryAuthor.objects.create(entry=entry, position=1, full_name="B"))
    _refused(lambda: EntryAuthor.objects.create(entry=entry, position=2, full_name="B",
                                                share_percent=101))


def test_one_receipt_sequence_per_category_and_one_answer_per_submit_key(edition, owner):
    ReceiptSequence.objects.create(edition=edition, category=category(edition))
    _refused(lambda: ReceiptSequence.objects.create(edition=edition, category=category(edition)))
    entry = _entry(edition, owner)
    SubmitKey.objects.create(owner=owner, key="k", entry=entry, response={})
    _refused(lambda: SubmitKey.objects.create(owner=owner, key="k", entry=entry, response={}))


def test_parts_outside_the_window_are_the_rest_of_the_series(edition, owner):
    entry = _entry(edition, owner, parts_total=5, parts_in_window=4)
    assert entry.parts_outside_window == 1
    entry.parts_in_window = 7
    assert entry.parts_outside_window == 0  # the form check reports it; never negative
