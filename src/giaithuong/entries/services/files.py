"""Files of an entry: take a finished upload, remove a file, record what inspection found.

The bytes of an upload are copied into storage outside any database transaction (a 4 GB video
takes a while; on SQLite a transaction holds the whole database), hashed on the way and
compared with the upload's SHA-256. Only then does a short transaction add the row; the
upload is released after it commits. A copy that does not end up in a row is deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from giaithuong.entries.errors import EntryConflict, EntryError
from giaithuong.entries.facts import category_rules, file_kind
from giaithuong.entries.file_names import safe_file_name
from giaithuong.entries.models import Entry, EntryFile, FileRole, entry_file_path
from giaithuong.entries.services._base import (
    lock,
    moment,
    record_audit,
    require_editable,
    require_owner,
)
from giaithuong.entries.signals import file_attached
from giaithuong.uploads import selectors as upload_selectors
from giaithuong.uploads import services as upload_services
from giaithuong.uploads.models import Upload
from giaithuong.uploads.store import Locked, Missing

log = logging.getLogger(__name__)

MAX_FILES = 60
# Kinds accepted for the files around the work; the work itself takes the category's kinds.
ROLE_KINDS = {FileRole.TRANSLATION: frozenset({"pdf", "docx"}),
              FileRole.EVIDENCE: frozenset({"pdf", "image"}),
              FileRole.COVER: frozenset({"image"})}
KIND_NAMES = {"pdf": _("PDF"), "docx": _("Word (DOCX)"), "image": _("image"),
              "audio": _("audio"), "video": _("video")}
_MIB = 1024 * 1024


class _HashingReader:
    """A read-only stream that hashes what is read from it (restarting if rewound)."""

    def __init__(self, raw):
        self.raw = raw
        self.hasher = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.hasher.update(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise OSError("only a rewind is supported")
        self.hasher = hashlib.sha256()
        return self.raw.seek(0)

    def tell(self) -> int:
        return self.raw.tell()


def _kinds_for(entry: Entry, role: str) -> frozenset[str]:
    if role in ROLE_KINDS:
        return ROLE_KINDS[role]
    rules = category_rules(entry.edition, entry.category.code)
    return rules.file_kinds if rules and rules.file_kinds else frozenset(KIND_NAMES)


def _max_bytes(entry: Entry) -> int | None:
    rules = category_rules(entry.edition, entry.category.code)
    return rules.max_file_bytes if rules else None


def _check_upload(entry: Entry, upload: Upload, role: str) -> str:
    """The file's kind, or EntryError at the `upload` field saying what is wrong with it."""
    if upload.length == 0:
        raise EntryError(_("The file is empty (0 bytes). Choose the file again."),
                         field="upload", code="file_empty")
    limit = _max_bytes(entry)
    if limit is not None and upload.length > limit:
        raise EntryError(format_lazy(
            _("The file is {size} MB; this category takes files up to {limit} MB."),
            size=f"{upload.length / _MIB:,.1f}", limit=f"{limit // _MIB:,}"),
            field="upload", code="file_too_large")
    kind = file_kind(upload.content_type)
    accepted = _kinds_for(entry, role)
    if kind not in accepted:
        raise EntryError(format_lazy(
            _("This file is not a type accepted here (its content reads as {found}). "
              "Accepted: {accepted}."),
            found=upload.content_type or "?",
            accepted=", ".join(str(KIND_NAMES[k]) for k in sorted(accepted))),
            field="upload", code="file_type_not_accepted")
    return kind


def _copy(upload: Upload, entry: Entry) -> str:
    """Copy the upload's bytes into storage; the stored name. The upload's file is held
    (no one may cancel or purge it meanwhile) and the copy must hash to the upload's SHA-256."""
    store = upload_services.file_store()
    extension = upload.extension or "bin"
    name = entry_file_path(EntryFile(entry_id=entry.pk), f"{uuid.uuid4().hex}.{extension}")
    try:
        with store.locked(upload.storage_key) as held, held.reader() as stream:
            reader = _HashingReader(stream)
            content = File(reader, name=name)
            content.size = upload.length
            stored = default_storage.save(name, content)
    except Locked:
        raise EntryConflict(_("This file is still being received; try again in a moment."),
                            code="upload_busy") from None
    except Missing:
        raise EntryError(_("The uploaded file is no longer on the server; upload it again."),
                         field="upload", code="upload_missing") from None
    if reader.hasher.hexdigest() != upload.sha256:
        default_storage.delete(stored)
        log.error("entry %s: copy of upload %s does not match its SHA-256", entry.pk, upload.key)
        raise EntryError(_("The file was damaged on the way to storage; upload it again."),
                         field="upload", code="upload_damaged")
    return stored


def attach_file(entry: Entry, actor, upload: Upload | uuid.UUID | str, role: str = FileRole.MAIN,
                *, now: dt.datetime | None = None) -> EntryFile:
    """Add a finished upload of the owner to the entry as `role` (main, translation, evidence,
    cover). Attaching the same upload again returns the file it already became."""
    given_now, now = now, moment(now)
    role = str(role)
    if role not in FileRole.values:
        raise EntryError(_("Choose what this file is: the work, a translation, evidence of "
                           "publication or a cover image."), field="role", code="bad_role")
    key = upload.key if isinstance(upload, Upload) else upload
    with transaction.atomic():  # read-only checks first, so a refused file is never copied
        row = lock(entry)
        require_owner(row, actor)
        require_editable(row, now)
        existing = _existing(row, key)
        if existing is not None:
            return existing
        found = upload_selectors.completed_upload(actor, key)
        if found is None:
            raise EntryError(_("There is no finished upload of yours with this key; upload the "
                               "file again."), field="upload", code="upload_not_found")
        _check_upload(row, found, role)
        _check_count(row, role)
    stored = _copy(found, row)
    try:
        with transaction.atomic():
            row = lock(entry)
            require_editable(row, moment(given_now))  # the copy may have taken a while
            existing = _existing(row, found.key)
            if existing is not None:
                transaction.on_commit(lambda: default_storage.delete(stored))
                return existing
            _check_count(row, role)
            item = EntryFile.objects.create(
                entry=row, role=role, upload=found, upload_key=found.key, file=stored,
                original_name=safe_file_name(found.filename or f"file.{found.extension}"),
                sha256=found.sha256, content_type=found.content_type, size=found.length)
            record_audit("entry.file_attached", actor=actor, entry=row,
                         after={"file": item.pk, "role": role, "name": item.original_name,
                                "sha256": item.sha256, "size": item.size,
                                "content_type": item.content_type})
            transaction.on_commit(lambda: _after_attach(item, found, actor))
    except BaseException:
        default_storage.delete(stored)
        raise
    return item


def _existing(entry: Entry, key) -> EntryFile | None:
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        return None
    return EntryFile.objects.filter(entry=entry, upload_key=key).first()


def _check_count(entry: Entry, role: str) -> None:
    files = entry.files.all()
    if files.count() >= MAX_FILES:
        raise EntryError(format_lazy(_("An entry holds at most {limit} files."), limit=MAX_FILES),
                         field="upload", code="too_many_files")
    if role == FileRole.COVER and files.filter(role=FileRole.COVER).exists():
        raise EntryError(_("The entry already has a cover image; remove it first."),
                         field="upload", code="cover_exists")


def _after_attach(item: EntryFile, upload: Upload, actor) -> None:
    try:
        upload_services.release(upload, actor=actor)
    except Exception:  # the purge command sweeps it later; the entry already holds a copy
        log.warning("upload %s not released after entry file %s", upload.key, item.pk,
                    exc_info=True)
    file_attached.send_robust(sender=EntryFile, entry_file=item)


def remove_file(entry_file: EntryFile, actor, *, now: dt.datetime | None = None) -> None:
    """Take a file off an entry that may still be changed; its stored copies go after commit."""
    now = moment(now)
    with transaction.atomic():
        row = lock(entry_file.entry_id)
        require_owner(row, actor)
        require_editable(row, now)
        item = EntryFile.objects.filter(pk=entry_file.pk, entry=row).first()
        if item is None:
            return  # already removed: removing twice is not an error
        names = [n for n in (item.file.name, item.blind_file.name if item.blind_file else "")
                 if n]
        record_audit("entry.file_removed", actor=actor, entry=row,
                     before={"file": item.pk, "role": item.role, "name": item.original_name,
                             "sha256": item.sha256})
        item.delete()
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names])


def record_inspection(entry_file: EntryFile, *, findings: dict[str, Any] | None = None,
                      duration_seconds: int | None = None, page_count: int | None = None,
                      blind_copy: File | None = None, actor=None) -> EntryFile:
    """What the inspection step found about a file (running time, pages, problems) and its
    copy for blind judging. The one writer of those fields; the original is never touched."""
    stored = None
    if blind_copy is not None:
        name = f"{uuid.uuid4().hex}-blind.{entry_file.file.name.rsplit('.', 1)[-1]}"
        stored = default_storage.save(entry_file_path(entry_file, name), blind_copy)
    try:
        with transaction.atomic():
            item = EntryFile.objects.select_for_update().filter(pk=entry_file.pk).first()
            if item is None:
                raise EntryError(_("This file is no longer part of the entry."), code="not_found")
            old_blind = item.blind_file.name if item.blind_file else ""
            item.inspection = findings or {}
            item.duration_seconds = duration_seconds
            item.page_count = page_count
            item.inspected_at = timezone.now()
            if stored:
                item.blind_file = stored
            item.save()
            record_audit("entry.file_inspected", actor=actor, entry=item.entry,
                         after={"file": item.pk, "duration_seconds": duration_seconds,
                                "page_count": page_count, "blind_copy": bool(stored),
                                "findings": findings or {}})
            if stored and old_blind:
                transaction.on_commit(lambda: default_storage.delete(old_blind))
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return item
