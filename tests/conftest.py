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


@pytest.fixture
def mailbox(settings):
    """Mail goes through Django's SMTP backend to a real SMTP server on loopback."""
    from tests.smtp import smtp_server

    with smtp_server() as (port, inbox):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        yield inbox


@pytest.fixture
def english_pages(settings):
    """Pages and API answers in English (the msgids), for tests that read messages back; other
    tests check the Vietnamese. URL prefixes depend on the default language, so the resolver's
    caches are dropped on the way in and out."""
    from django.urls import clear_url_caches

    default = settings.LANGUAGE_CODE
    settings.LANGUAGE_CODE = "en"
    clear_url_caches()
    yield
    settings.LANGUAGE_CODE = default
    clear_url_caches()
