"""The participant's entry pages from the list to the receipt, with Django's test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from giaithuong.entries import services
from giaithuong.entries.models import Entry, EntryStatus
from tests.entries.conftest import NOW, complete_draft
from tests.entries.pages import clock, hidden, owner, signed_in, text  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_list_offers_a_new_entry_in_every_open_category(edition, signed_in):
    response = signed_in.get("/en/entries/")
    assert response.status_code == 200
    words = text(response)
    assert "21 days left to submit" in words
    for category in edition.categories.filter(is_active=True):
        assert reverse("entries:new", args=[category.code]) in response.content.decode()


def test_starting_an_entry_makes_one_draft_and_opens_its_first_step(edition, signed_in, owner):
    page = signed_in.get("/en/entries/new/anh/")
    assert page.status_code == 200
    key = hidden(page, "creation_key")
    response = signed_in.post("/en/entries/new/anh/", {"creation_key": key})
    entry = Entry.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == f"/en/entries/{entry.pk}/edit/?step=work"
    page = signed_in.get(response["Location"])
    assert page.status_code == 200
    assert "Kind of work" in text(page)
