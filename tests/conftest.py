"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# ../shared sits beside the repository on developer machines and in CI, never on a user's.
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EDITION_FILE = ROOT / "src" / "giaithuong" / "editions" / "data" / "ttdn-xii-2026.toml"


def pytest_configure(config):
    from django.conf import settings

    # Hashing is not what these tests check; the real hasher stays in every other setting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache, so cached pages never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def edition(db):
    """Edition XII loaded from the file that ships with the product."""
    from giaithuong.editions.services import load_edition_file

    return load_edition_file(EDITION_FILE).edition
