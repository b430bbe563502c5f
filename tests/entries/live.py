"""Helpers for tests that go through the pages and the API, which run on the real clock: the
edition's deadline is extended far ahead (as organisers extend it), API tokens, and a
complete draft made through the services."""

from __future__ import annotations

from tests.entries.conftest import reload_edition

EXTENSION = ("# deadline_extended = 2026-09-15T23:59:59+07:00",
             "deadline_extended = 2099-12-31T23:59:59+07:00")


def extend_deadline(edition):
    """The edition with entries open until 2099 (its file with `deadline_extended` set)."""
    return reload_edition(edition, EXTENSION)


def close_entries(edition):
    """The edition as shipped again: its deadline (31/07/2026) has passed."""
    return reload_edition(edition)


def bearer(user, language: str = "en") -> dict[str, str]:
    from giaithuong.accounts.services import create_api_token

    _, raw = create_api_token(user, "tests")
    return {"Authorization": f"Bearer {raw}", "Accept-Language": language}
