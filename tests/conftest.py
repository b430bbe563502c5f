"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest
from django.core.signals import setting_changed

ROOT = Path(__file__).resolve().parent.parent
# ../shared sits beside the repository on developer machines and in CI, never on a user's.
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EDITION_FILE = ROOT / "src" / "giaithuong" / "editions" / "data" / "ttdn-xii-2026.toml"


def pytest_configure(config):
    from django.conf import settings

    # Hashing is not what these tests check; the real hasher stays in every other setting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run in the test's own process once the change commits, so a test sees
    # their effects at once; `task_queue` switches a test to the database queue and its worker.
    settings.TASKS = IMMEDIATE_TASKS
    setting_changed.send(sender=None, setting="TASKS", value=IMMEDIATE_TASKS, enter=True)


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                               "QUEUES": ["default"]}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["default"]}}


class TaskQueue:
    """The database queue as production runs it; `run()` is `giaithuong db_worker --batch`."""

    def pending(self) -> int:
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.ready().count()

    def names(self) -> list[str]:
        from django_tasks_db.models import DBTaskResult

        return [row.task_path.rsplit(".", 1)[1]
                for row in DBTaskResult.objects.order_by("enqueued_at")]

    def run(self) -> str:
        import io
        from unittest import mock

        from django.core.management import call_command

        out = io.StringIO()
        # The worker drops stale connections between tasks; inside a test's transaction the
        # connection is the test's own and must stay open.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0",
                         "--no-reload", stdout=out, stderr=out)
        return out.getvalue()


@pytest.fixture
def task_queue(settings, monkeypatch):
    """The database queue; the batch that follows submits starts at once rather than after
    its usual delay (tested on its own)."""
    import datetime as dt

    from giaithuong.entries import follow_up

    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(follow_up, "DELAY", dt.timedelta(0))
    yield TaskQueue()


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
