"""Fixtures of the accounts tests."""

import pytest

from giaithuong.accounts import participants
from tests.accounts.participant_helpers import FakeEntries


@pytest.fixture
def fake_entries():
    """A stand-in for the entries app's data source, registered for one test."""
    source = FakeEntries()
    participants.register_data_exporter(source.export, section="fake_entries",
                                        erase=source.erase)
    yield source
    participants.unregister_data_exporter("fake_entries")
