"""Reads of uploads. Only the owner ever sees an upload: for anyone else it does not exist."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import QuerySet

from giaithuong.uploads.models import Upload


def owned_upload(user, key: uuid.UUID | str) -> Upload | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        return None
    return Upload.objects.filter(key=key, owner=user).first()


def completed_upload(user, key: uuid.UUID | str) -> Upload | None:
    """A finished upload of `user`, for the app that takes its file (an entry, a letter)."""
    upload = owned_upload(user, key)
    return upload if upload is not None and upload.is_complete else None


def active_count(user, now: datetime) -> int:
    return Upload.objects.filter(owner=user, status=Upload.Status.RECEIVING,
                                 expires_at__gt=now).count()


def expired_uploads(now: datetime) -> QuerySet[Upload]:
    return Upload.objects.filter(expires_at__lte=now).order_by("expires_at", "pk")


def upload_exists(key: uuid.UUID) -> bool:
    return Upload.objects.filter(key=key).exists()
