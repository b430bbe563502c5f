"""Upload bytes on local disk: one file per upload, locked while in use (pure, no Django).

The file itself is the truth about how many bytes arrived: bytes are appended in order by the
single holder of the lock, so whatever the file holds is a correct prefix of the upload even
after the writing process was killed. `flock` locks vanish with their process, so a crashed
worker never leaves an upload locked. The directory must be on a local file system (flock is
not reliable over NFS); the finished file is what other apps copy into Django's storage.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

# Largest piece read from the request and written in one call: big enough for few system calls,
# small enough that memory stays flat whatever the upload's size.
READ_CHUNK = 1024 * 1024
# Ask the disk to take what was written every this many bytes, beside the reads, so the fsync
# that ends a PATCH finds little left to write.
FLUSH_EVERY = 32 * 1024 * 1024


class Locked(Exception):
    """Another request is writing this upload."""


class Missing(Exception):
    """The upload's file is not (or no longer) on disk."""


class Sink(Protocol):
    def update(self, data: bytes, /) -> None: ...


@dataclass(frozen=True)
class Received:
    written: int
    interrupted: bool  # the body ended (or failed) before the length it declared


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    modified: float  # seconds since the epoch


class UploadFile:
    """An upload's open, locked file."""

    def __init__(self, fd: int):
        self.fd = fd

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def sync(self) -> None:
        """Make every byte written so far durable (the file's size included)."""
        os.fdatasync(self.fd)

    def truncate(self, size: int) -> None:
        os.ftruncate(self.fd, size)
        os.fdatasync(self.fd)

    def receive(self, read: Callable[[int], bytes], count: int, *, at: int,
                sinks: Iterable[Sink] = (), chunk: int = READ_CHUNK,
                flush_every: int = FLUSH_EVERY, drop_cache: bool = False) -> Received:
        """Copy up to `count` bytes from `read` into the file at `at`, feeding every sink.

        A body that ends early or a connection that fails is not an error here: the bytes that
        did arrive are kept and reported, so the client can resume after them. Sinks (hashes)
        and periodic flushes run in a helper thread beside the reads. With `drop_cache`, flushed
        bytes leave the page cache (the caller will not read them back).
        """
        helper = _Helper(self.fd, tuple(sinks), at, flush_every, drop_cache)
        position, remaining = at, count
        try:
            while remaining:
                try:
                    data = read(min(chunk, remaining))
                except OSError:  # connection reset, timeout, Django's UnreadablePostError
                    break
                if not data:
                    break
                view = memoryview(data)
                while view:
                    written = os.pwrite(self.fd, view, position)
                    position += written
                    view = view[written:]
                helper.put(data)
                remaining -= len(data)
        finally:
            helper.finish()
        return Received(position - at, remaining > 0)

    def sha256(self) -> str:
        with self.reader() as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()

    @contextmanager
    def reader(self) -> Iterator[BinaryIO]:
        """A separate read handle from the start of the file (for hashing and sniffing)."""
        stream = os.fdopen(os.dup(self.fd), "rb")
        try:
            stream.seek(0)
            yield stream
        finally:
            stream.close()


class FileStore:
    """Upload files under `root`, spread over 256 sub-directories by the key's first two
    characters so no directory grows huge."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not key or "/" in key or key.startswith("."):
            raise ValueError(f"bad upload key {key!r}")
        return self.root / key[:2] / key

    def create(self, key: str) -> None:
        """An empty file for a new upload, durable (directory entry included) on return."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        _fsync_directory(path.parent)

    @contextmanager
    def locked(self, key: str) -> Iterator[UploadFile]:
        """The upload's file, held exclusively until the block ends; never waits.

        Raises Locked when another request holds it and Missing when there is no file.
        """
        try:
            fd = os.open(self.path(key), os.O_RDWR)
        except FileNotFoundError:
            raise Missing(key) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Locked(key) from None
            if os.fstat(fd).st_nlink == 0:  # removed while we waited for the lock
                raise Missing(key)
            yield UploadFile(fd)
        finally:
            os.close(fd)  # releases the lock

    def size(self, key: str) -> int:
        """The file's size, without opening or locking it (Missing when there is none)."""
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            raise Missing(key) from None

    def remove(self, key: str) -> None:
        """Delete the file (the caller holds its lock, or knows nobody uses it)."""
        path = self.path(key)
        path.unlink(missing_ok=True)
        _fsync_directory(path.parent)

    def files(self) -> Iterator[StoredFile]:
        """Every upload file on disk (for sweeping files whose upload row is gone)."""
        if not self.root.is_dir():
            return
        for directory in sorted(self.root.iterdir()):
            if not directory.is_dir() or len(directory.name) != 2:
                continue
            for entry in os.scandir(directory):
                if entry.is_file(follow_symlinks=False):
                    stat = entry.stat(follow_symlinks=False)
                    yield StoredFile(entry.name, stat.st_size, stat.st_mtime)

    def free_bytes(self) -> int:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        return shutil.disk_usage(self.root).free


class _Helper:
    """A thread that feeds pieces to the sinks and flushes the file while the request thread
    reads the next piece: hashing is CPU-bound, flushing waits on the disk, reading waits on
    the network, and hashlib, fdatasync and recv all release the GIL, so they overlap.

    Dropping flushed pages from the page cache keeps a multi-gigabyte upload from pushing
    everything else out of memory, and lets the next writes reuse the same few pages (on a VM
    that returns freed memory to its host, first-touch pages cost ~8x more: 150-200 MB/s
    became 450-600 MB/s). At most QUEUE pieces wait (bounded memory). An error in the thread
    is raised by finish().
    """

    QUEUE = 8

    def __init__(self, fd: int, sinks: tuple[Sink, ...], at: int, flush_every: int,
                 drop_cache: bool):
        self.fd, self.sinks, self.flush_every = fd, sinks, flush_every
        self.done = self.flushed = at  # bytes handed to the sinks / flushed (and dropped)
        self.drop_cache = drop_cache and hasattr(os, "posix_fadvise")
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=self.QUEUE)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="upload-helper", daemon=True)
        self.thread.start()

    def put(self, data: bytes) -> None:
        self.queue.put(data)

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is not None:
                continue  # keep draining so the request thread never blocks on a full queue
            try:
                for sink in self.sinks:
                    sink.update(data)
                self.done += len(data)
                if self.flush_every and self.done - self.flushed >= self.flush_every:
                    self._flush()
            except BaseException as error:  # handed to the request thread by finish()
                self.error = error

    def _flush(self) -> None:
        os.fdatasync(self.fd)
        if self.drop_cache:  # clean pages now: the kernel can let them go at once
            os.posix_fadvise(self.fd, self.flushed, self.done - self.flushed,
                             os.POSIX_FADV_DONTNEED)
        self.flushed = self.done


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
