"""The file pipeline: what happens to a file once it belongs to an entry.

`signals.file_attached` (sent after the attaching transaction commits) reaches
`on_file_attached`. A small file is inspected at once, in the request that attached it: its
type, pages or running time and problems (`inspection.inspect_file`, plus the category's limits
for the work itself), and a copy without its authors' metadata for blind judging
(`blind.make_blind_copy`); `services.record_inspection` writes both. A large one (above
`GIAITHUONG_INSPECT_INLINE_BYTES`, 32 MiB by default: video, long audio, big scans) goes to the
background worker (`tasks.inspect_entry_file`), so no participant waits minutes for ffmpeg to
copy a 4 GB film; `giaithuong inspect_pending` sweeps up any file the worker never reached.

Idempotent: a file is claimed (`EntryFile.inspection_claimed_at`) by one process at a time and
skipped once inspected; a claim older than `CLAIM_TTL` (a crashed worker) is taken over. The
original file is only ever read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.utils import timezone

from giaithuong.common.tasks import enqueue_after_commit
from giaithuong.entries import blind, inspection, inspection_messages, tasks
from giaithuong.entries.facts import category_rules
from giaithuong.entries.models import EntryFile, FileRole
from giaithuong.entries.services import record_inspection

log = logging.getLogger(__name__)

INLINE_BYTES = 32 * 1024 * 1024
# Longer than the slowest step (ffmpeg's copy of a 4 GB video may take up to 30 minutes).
CLAIM_TTL = dt.timedelta(hours=1)
FINDINGS_VERSION = 1


def inline_limit() -> int:
    return int(getattr(settings, "GIAITHUONG_INSPECT_INLINE_BYTES", INLINE_BYTES))


def on_file_attached(sender, entry_file: EntryFile, **kwargs) -> None:
    """Inspect a small file now; hand a large one to the background worker."""
    if entry_file.size > inline_limit():
        log.info("entry file %s (%s bytes) left for the worker", entry_file.pk, entry_file.size)
        enqueue_after_commit(tasks.inspect_entry_file, entry_file.pk)
        return
    inspect_entry_file(entry_file.pk)  # a failure is logged by send_robust; the file stays


def pending_files():
    """Files not inspected yet, oldest first, that no live process is working on."""
    stale = timezone.now() - CLAIM_TTL
    return (EntryFile.objects.filter(inspected_at__isnull=True)
            .filter(Q(inspection_claimed_at__isnull=True) | Q(inspection_claimed_at__lt=stale))
            .order_by("created_at", "pk"))


def _claim(file_id: int, *, again: bool) -> bool:
    """Take the file for this process; False when it is done or another process has it."""
    now = timezone.now()
    free = Q(inspection_claimed_at__isnull=True) | Q(inspection_claimed_at__lt=now - CLAIM_TTL)
    rows = EntryFile.objects.filter(free, pk=file_id)
    if not again:
        rows = rows.filter(inspected_at__isnull=True)
    return rows.update(inspection_claimed_at=now) == 1


def _release(file_id: int) -> None:
    EntryFile.objects.filter(pk=file_id).update(inspection_claimed_at=None)


def inspect_entry_file(file_id: int, *, again: bool = False) -> EntryFile | None:
    """Inspect one stored file and record what was found; None when there was nothing to do
    (inspected already, removed, or being inspected by another process). `again` inspects an
    inspected file once more (after ffmpeg is installed, say)."""
    if not _claim(file_id, again=again):
        return None
    try:
        item = (EntryFile.objects.select_related("entry__edition", "entry__category")
                .filter(pk=file_id).first())
        if item is None:
            return None
        with _local_path(item) as path, tempfile.TemporaryDirectory(prefix="blind-") as work:
            found = inspection.inspect_file(path, declared_name=item.original_name)
            problems = list(found.problems)
            if item.role == FileRole.MAIN:
                rules = category_rules(item.entry.edition, item.entry.category.code)
                if rules is not None:
                    problems += inspection.check_against_rules(found, rules)
            copy, blind_problem = _blind_copy(path, Path(work), found)
            if blind_problem is not None:
                problems.append(blind_problem)
            findings = _findings(item, found, problems, copy)
            with contextlib.ExitStack() as stack:
                content = None
                if copy is not None:
                    content = File(stack.enter_context(copy.path.open("rb")),
                                   name=f"blind.{item.file.name.rsplit('.', 1)[-1]}")
                return record_inspection(item, findings=findings,
                                         duration_seconds=found.duration_seconds,
                                         page_count=found.pages, blind_copy=content)
    finally:
        _release(file_id)  # done (inspected_at is set), or failed: the next run tries again


def _blind_copy(path: Path, work: Path,
                found: inspection.Inspection) -> tuple[blind.BlindCopy | None,
                                                       inspection.Problem | None]:
    """The blind copy, or why there is none. A file that failed inspection (damaged, a bomb)
    is not opened again to copy it: intake handles it from the findings."""
    if not found.ok or found.kind is None:
        return None, None
    if not blind.can_make_blind_copy(found.mime):
        return None, inspection.problem("blind_not_supported",
                                        actual=inspection_messages.type_name(found.mime))
    target = work / f"blind.{found.stored_name.rsplit('.', 1)[-1]}"
    try:
        return blind.make_blind_copy(path, target, mime=found.mime, name=found.name), None
    except blind.BlindCopyError as error:
        return None, error.problem


def _findings(item: EntryFile, found: inspection.Inspection,
              problems: list[inspection.Problem], copy: blind.BlindCopy | None) -> dict[str, Any]:
    findings = found.as_dict()
    findings["problems"] = [p.as_dict() for p in problems]
    findings["v"] = FINDINGS_VERSION
    # The copy in storage must still be the bytes received (their SHA-256 was checked then).
    findings["stored_intact"] = found.sha256 == item.sha256
    if not findings["stored_intact"]:
        log.error("entry file %s: stored bytes no longer match SHA-256 %s", item.pk, item.sha256)
    findings["blind"] = ({"sha256": copy.sha256, "size_bytes": copy.size_bytes}
                         if copy is not None else None)
    return findings


@contextlib.contextmanager
def _local_path(item: EntryFile) -> Iterator[Path]:
    """A path on this machine to read the stored file from: the file itself on local disk, a
    temporary copy (streamed, constant memory) from an object store."""
    try:
        local = item.file.storage.path(item.file.name)
    except NotImplementedError:
        local = None
    if local is not None:
        yield Path(local)
        return
    extension = item.file.name.rsplit(".", 1)[-1]
    with tempfile.NamedTemporaryFile(suffix=f".{extension}") as copy:
        with item.file.storage.open(item.file.name, "rb") as stored:
            shutil.copyfileobj(stored, copy, inspection.CHUNK)
        copy.flush()
        yield Path(copy.name)
