"""Upload settings, each overridable in Django settings (defaults below).

GIAITHUONG_UPLOAD_DIR            where partial and finished uploads live (local disk)
GIAITHUONG_UPLOAD_PURPOSES       {purpose: largest Upload-Length in bytes}; the first is the default
GIAITHUONG_UPLOAD_INCOMPLETE_TTL how long an unfinished upload waits for its next byte
GIAITHUONG_UPLOAD_COMPLETE_TTL   how long a finished upload waits for the app that takes it
GIAITHUONG_UPLOAD_MAX_ACTIVE     unfinished uploads one person may hold at once
"""

from datetime import timedelta

from django.conf import settings

GiB = 1024**3
MiB = 1024**2
DEFAULT_PURPOSES = {"entry": 4 * GiB, "document": 100 * MiB}


def upload_dir():
    return getattr(settings, "GIAITHUONG_UPLOAD_DIR", settings.VAR_DIR / "uploads")


def purposes() -> dict[str, int]:
    return dict(getattr(settings, "GIAITHUONG_UPLOAD_PURPOSES", DEFAULT_PURPOSES))


def default_purpose() -> str:
    return next(iter(purposes()))


def max_size() -> int:
    return max(purposes().values())


def incomplete_ttl() -> timedelta:
    return getattr(settings, "GIAITHUONG_UPLOAD_INCOMPLETE_TTL", timedelta(days=3))


def complete_ttl() -> timedelta:
    return getattr(settings, "GIAITHUONG_UPLOAD_COMPLETE_TTL", timedelta(days=30))


def max_active() -> int:
    return getattr(settings, "GIAITHUONG_UPLOAD_MAX_ACTIVE", 20)
