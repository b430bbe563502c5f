"""Upload services: the one writer of Upload rows and their files.

Each request on an upload holds the upload's file lock (store.py) for its whole duration, so two
PATCHes can never write the same upload at once: the second is told 423 and, once the first is
done, 409 with the new offset. Offsets move forward only after the bytes are fsync'ed, with a
compare-and-set update, so the row never claims bytes the disk does not hold.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from giaithuong.common import audit
from giaithuong.common.text import nfc
from giaithuong.uploads import conf, selectors
from giaithuong.uploads.models import Upload
from giaithuong.uploads.sniff import sniff_file
from giaithuong.uploads.store import FileStore, Locked, Missing, UploadFile
from giaithuong.uploads.tus import Checksum, TusError, check_length, check_patch

log = logging.getLogger(__name__)

# Keep this much disk free beyond a new upload's length, for the database and logs.
DISK_RESERVE = 512 * 1024**2
# Files without an upload row are swept only when older than this (a creation may be under way).
ORPHAN_AGE = timedelta(hours=1)


def file_store() -> FileStore:
    return FileStore(conf.upload_dir())


# --- the running SHA-256 ---------------------------------------------------------------------
# A hashlib object cannot be saved to the database, so the whole-file hash is kept in this
# process while it receives an upload in order. A PATCH that another process (or a restarted
# one) takes over finds no state at its offset and does not hash; the file is then hashed once
# on completion. A single-PATCH upload is hashed as it streams and completes at once.
# See docs/decisions/resumable-uploads-own-tus-server.md for the measurements.
_RUNNING_MAX = 64
_running: OrderedDict[str, tuple[int, Any]] = OrderedDict()  # key -> (offset, sha256)
_running_lock = threading.Lock()


def _take_hasher(key: str, offset: int):
    with _running_lock:
        state = _running.pop(key, None)
    if state is not None and state[0] == offset:
        return state[1]
    return hashlib.sha256() if offset == 0 else None


def _keep_hasher(key: str, offset: int, hasher) -> None:
    with _running_lock:
        _running[key] = (offset, hasher)
        while len(_running) > _RUNNING_MAX:
            _running.popitem(last=False)


def _forget_hasher(key: str) -> None:
    with _running_lock:
        _running.pop(key, None)


# --- creation --------------------------------------------------------------------------------


def clean_filename(value: str) -> str:
    """The last path component, NFC, without control characters, at most 255 characters."""
    name = nfc(value).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return "" if name in (".", "..") else name[:255]


def create_upload(user, *, length: int, metadata: dict[str, str],
                  now: datetime | None = None) -> Upload:
    """A new, empty upload of `length` bytes owned by `user` (tus creation)."""
    now = now or timezone.now()
    purposes = conf.purposes()
    purpose = metadata.get("purpose") or conf.default_purpose()
    if purpose not in purposes:
        raise TusError(400, f"Unknown upload purpose {purpose!r}.")
    check_length(length, purposes[purpose])
    if selectors.active_count(user, now) >= conf.max_active():
        raise TusError(429, "Too many unfinished uploads: finish or cancel one first.")
    store = file_store()
    if store.free_bytes() < length + DISK_RESERVE:
        log.error("upload refused: disk full under %s", store.root)
        raise TusError(507, "The server has no room for this file now; try again later.")
    with transaction.atomic():
        upload = Upload.objects.create(
            owner=user, purpose=purpose, length=length, updated_at=now,
            filename=clean_filename(metadata.get("filename") or metadata.get("name") or ""),
            declared_type=(metadata.get("filetype") or metadata.get("type") or "")[:255],
            metadata={k: nfc(v) for k, v in metadata.items()},
            expires_at=now + conf.incomplete_ttl(),
        )
        audit.record("upload.created", actor=user, target=upload,
                     after={"key": str(upload.key), "purpose": purpose, "length": length,
                            "filename": upload.filename})
        # Inside the transaction: a file that cannot be made rolls the row back. A row that
        # fails to commit leaves an orphan file, which purge_uploads sweeps.
        store.create(upload.storage_key)
    if length == 0:
        with store.locked(upload.storage_key) as file:
            _finalize(upload, file, None, now, actor=user)
    return upload


# --- HEAD and PATCH --------------------------------------------------------------------------


def _owned(user, key, now: datetime) -> Upload:
    upload = selectors.owned_upload(user, key)
    if upload is None:
        raise TusError(404, "No such upload.")
    if upload.expires_at <= now and not upload.is_complete:
        raise TusError(410, "This upload expired; start again.")
    return upload


def current_state(user, key: uuid.UUID | str, *, now: datetime | None = None) -> Upload:
    """The upload as HEAD reports it: `offset` is what the disk durably holds.

    After a worker was killed mid-PATCH the file may hold more than the row says; the bytes are
    a correct prefix (written in order under the lock), so they are synced and counted. While
    another request writes, the last committed offset is the answer.
    """
    now = now or timezone.now()
    upload = _owned(user, key, now)
    if upload.is_complete:
        return upload
    store = file_store()
    try:
        # File and row agree (the usual case): answer without the lock, so a HEAD never makes
        # a PATCH arriving at the same moment wait or fail.
        if store.size(upload.storage_key) == upload.offset < upload.length:
            return upload
        with store.locked(upload.storage_key) as file:
            return _reconcile(upload, file, now)
    except Locked:
        return upload
    except Missing:
        raise TusError(410, "This upload's data is gone; start again.") from None


def receive(user, key: uuid.UUID | str, *, claimed_offset: int, content_length: int,
            content_type: str | None, read: Callable[[int], bytes],
            checksum: Checksum | None = None, now: datetime | None = None) -> Upload:
    """Append a PATCH body to the upload (tus core + checksum), streaming in constant memory.

    A body cut short keeps the bytes that arrived (unless it carried a checksum, which cannot
    be verified then): the client's next HEAD sees them.
    """
    now = now or timezone.now()
    upload = _owned(user, key, now)
    store = file_store()
    try:
        with store.locked(upload.storage_key) as file:
            upload = _reconcile(upload, file, now)
            check_patch(content_type=content_type, claimed_offset=claimed_offset,
                        content_length=content_length, offset=upload.offset,
                        length=upload.length)
            if content_length:
                _append(upload, file, read, content_length, checksum, now)
    except Locked:
        raise TusError(423, "Another request is writing this upload; try again shortly.",
                       {"Retry-After": "1"}) from None
    except Missing:
        raise TusError(410, "This upload's data is gone; start again.") from None
    return upload


def _append(upload: Upload, file: UploadFile, read, count: int, checksum: Checksum | None,
            now: datetime) -> None:
    start, key = upload.offset, upload.storage_key
    hasher = _take_hasher(key, start)
    piece = checksum.hasher() if checksum else None
    sinks = [h for h in (hasher, piece) if h is not None]
    try:
        # Pages the running hash has seen are never read again: let them leave the cache.
        received = file.receive(read, count, at=start, sinks=sinks,
                                drop_cache=hasher is not None)
    except OSError as error:  # writing failed (disk full, I/O error): keep only what was durable
        file.truncate(start)
        log.exception("upload %s: write failed at %d", key, start)
        if error.errno == errno.ENOSPC:
            raise TusError(507, "The server has no room for this file now.") from None
        raise
    if piece is not None and (received.interrupted or piece.digest() != checksum.digest):
        file.truncate(start)  # an unverified piece is never applied
        if received.interrupted:
            return
        raise TusError(460, "The body does not match its Upload-Checksum; send it again.")
    file.sync()
    offset = start + received.written
    updated = Upload.objects.filter(pk=upload.pk, offset=start).update(
        offset=offset, updated_at=now, expires_at=now + conf.incomplete_ttl())
    if updated != 1:  # impossible under the file lock; refuse rather than corrupt
        raise RuntimeError(f"upload {key}: offset moved under the lock")
    upload.offset, upload.updated_at = offset, now
    upload.expires_at = now + conf.incomplete_ttl()
    if offset == upload.length:
        _finalize(upload, file, hasher, now, actor=upload.owner)
    elif hasher is not None:
        _keep_hasher(key, offset, hasher)


def _reconcile(upload: Upload, file: UploadFile, now: datetime) -> Upload:
    """Bring the row in line with the file (the caller holds the lock) and finish a complete
    upload whose finishing was cut off."""
    upload.refresh_from_db()
    if upload.is_complete:
        return upload
    size = file.size()
    if size > upload.length:
        file.truncate(upload.length)
        size = upload.length
    if size != upload.offset:
        log.warning("upload %s: file holds %d bytes, row said %d; using the file",
                    upload.storage_key, size, upload.offset)
        file.sync()
        Upload.objects.filter(pk=upload.pk, offset=upload.offset).update(offset=size,
                                                                         updated_at=now)
        upload.offset = size
        _forget_hasher(upload.storage_key)
    if upload.offset == upload.length:
        _finalize(upload, file, None, now, actor=upload.owner)
    return upload


def _finalize(upload: Upload, file: UploadFile, hasher, now: datetime, *, actor) -> None:
    """Hash (unless the running hash covers the file) and type the finished upload."""
    _forget_hasher(upload.storage_key)
    digest = hasher.hexdigest() if hasher is not None else file.sha256()
    with file.reader() as stream:
        kind = sniff_file(stream)
    expires_at = now + conf.complete_ttl()
    with transaction.atomic():
        Upload.objects.filter(pk=upload.pk).update(
            status=Upload.Status.COMPLETE, sha256=digest, content_type=kind.mime,
            extension=kind.extension, completed_at=now, updated_at=now, expires_at=expires_at)
        upload.status, upload.sha256, upload.completed_at = Upload.Status.COMPLETE, digest, now
        upload.content_type, upload.extension = kind.mime, kind.extension
        upload.updated_at, upload.expires_at = now, expires_at
        audit.record("upload.completed", actor=actor, target=upload,
                     after={"key": str(upload.key), "length": upload.length, "sha256": digest,
                            "content_type": kind.mime, "declared_type": upload.declared_type})


# --- termination, release, expiry -------------------------------------------------------------


def terminate(user, key: uuid.UUID | str) -> None:
    """The owner cancels an upload (tus termination): row and bytes go."""
    upload = selectors.owned_upload(user, key)
    if upload is None:
        raise TusError(404, "No such upload.")
    try:
        _delete(upload, "upload.terminated", actor=user)
    except Locked:
        raise TusError(423, "Another request is writing this upload; try again shortly.",
                       {"Retry-After": "1"}) from None


def release(upload: Upload, *, actor) -> None:
    """Drop a finished upload once the app that took its file has stored a copy."""
    _delete(upload, "upload.released", actor=actor)


def _delete(upload: Upload, action: str, *, actor, only_if_expired_at: datetime | None = None
            ) -> bool:
    store = file_store()
    before = {"key": str(upload.key), "offset": upload.offset, "length": upload.length,
              "status": upload.status, "filename": upload.filename}
    try:
        with store.locked(upload.storage_key):
            deleted = _delete_row(upload, action, actor, before, only_if_expired_at)
            if deleted:
                store.remove(upload.storage_key)
    except Missing:
        deleted = _delete_row(upload, action, actor, before, only_if_expired_at)
    _forget_hasher(upload.storage_key)
    return deleted


def _delete_row(upload, action, actor, before, only_if_expired_at) -> bool:
    rows = Upload.objects.filter(pk=upload.pk)
    if only_if_expired_at is not None:  # a PATCH may have renewed it since it was listed
        rows = rows.filter(expires_at__lte=only_if_expired_at)
    with transaction.atomic():
        deleted, _ = rows.delete()
        if deleted:
            audit.record(action, actor=actor, target=upload, before=before)
    return bool(deleted)


@dataclass
class PurgeReport:
    uploads: int = 0
    upload_bytes: int = 0
    busy: int = 0  # expired but being written right now: left for the next run
    orphans: int = 0
    orphan_bytes: int = 0


def purge_expired(*, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete expired uploads and files left without an upload row (the purge_uploads command)."""
    now = now or timezone.now()
    report = PurgeReport()
    for upload in selectors.expired_uploads(now).iterator():
        if dry_run:
            report.uploads += 1
            report.upload_bytes += upload.offset
            continue
        try:
            if _delete(upload, "upload.expired", actor=None, only_if_expired_at=now):
                report.uploads += 1
                report.upload_bytes += upload.offset
        except Locked:
            report.busy += 1
    store = file_store()
    cutoff = (now - ORPHAN_AGE).timestamp()
    for stored in store.files():
        try:
            key = uuid.UUID(hex=stored.key)
        except ValueError:
            continue  # not ours: never delete what we did not write
        if stored.modified > cutoff or selectors.upload_exists(key):
            continue
        report.orphans += 1
        report.orphan_bytes += stored.size
        if not dry_run:
            store.remove(stored.key)
    return report
