"""The file store: locked files, streaming appends that survive cut-off bodies."""

import hashlib
import io
import os
import threading

import pytest

from giaithuong.uploads.store import FileStore, Locked, Missing

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def store(tmp_path):
    s = FileStore(tmp_path / "store")
    s.create(KEY)
    return s


def test_create_makes_an_empty_private_file_in_a_fan_out_directory(store):
    path = store.path(KEY)
    assert path.parent.name == "01" and path.read_bytes() == b""
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        store.create(KEY)


@pytest.mark.parametrize("key", ["", "../x", "a/b", ".hidden"])
def test_keys_cannot_leave_the_directory(store, key):
    with pytest.raises(ValueError):
        store.path(key)


def test_receive_streams_in_pieces_and_feeds_sinks(store):
    data = os.urandom(3 * 1024 * 1024 + 17)
    sizes = []
    source = io.BytesIO(data)

    def read(n):
        sizes.append(n)
        return source.read(n)

    hasher = hashlib.sha256()
    with store.locked(KEY) as file:
        received = file.receive(read, len(data), at=0, sinks=[hasher])
        file.sync()
        assert file.size() == len(data) and file.sha256() == hashlib.sha256(data).hexdigest()
    assert received.written == len(data) and not received.interrupted
    assert max(sizes) <= 1024 * 1024  # never asks for more than one piece
    assert hasher.hexdigest() == hashlib.sha256(data).hexdigest()


def test_receive_appends_at_the_offset(store):
    with store.locked(KEY) as file:
        file.receive(io.BytesIO(b"hello ").read, 6, at=0)
        file.receive(io.BytesIO(b"world").read, 5, at=6)
    assert store.path(KEY).read_bytes() == b"hello world"


def test_a_body_that_ends_early_keeps_what_arrived(store):
    with store.locked(KEY) as file:
        received = file.receive(io.BytesIO(b"abc").read, 10, at=0)
    assert (received.written, received.interrupted) == (3, True)
    assert store.path(KEY).read_bytes() == b"abc"


def test_a_connection_that_fails_keeps_what_arrived(store):
    pieces = [b"x" * 1000, b"y" * 500]

    def read(n):
        if pieces:
            return pieces.pop(0)
        raise ConnectionResetError("peer went away")

    with store.locked(KEY) as file:
        received = file.receive(read, 5000, at=0)
    assert (received.written, received.interrupted) == (1500, True)
    assert store.path(KEY).stat().st_size == 1500


def test_truncate_goes_back(store):
    with store.locked(KEY) as file:
        file.receive(io.BytesIO(b"abcdef").read, 6, at=0)
        file.truncate(2)
        assert file.size() == 2


def test_a_second_holder_is_refused_not_kept_waiting(store):
    with store.locked(KEY), pytest.raises(Locked):  # noqa: SIM117 - the nesting is the point
        with store.locked(KEY):
            pass
    with store.locked(KEY):  # free again
        pass


def test_the_lock_holds_across_threads(store):
    held, release, outcome = threading.Event(), threading.Event(), []

    def hold():
        with store.locked(KEY):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        with store.locked(KEY):
            outcome.append("got it")
    except Locked:
        outcome.append("locked")
    release.set()
    thread.join()
    assert outcome == ["locked"]


def test_missing_and_removed_files(store):
    with pytest.raises(Missing), store.locked("f" * 32):
        pass
    with store.locked(KEY):
        store.remove(KEY)
    with pytest.raises(Missing), store.locked(KEY):
        pass


def test_files_lists_upload_files_only(store, tmp_path):
    (store.root / "notes.txt").write_text("not an upload directory")
    other = "ab" + "0" * 30
    store.create(other)
    with store.locked(other) as file:
        file.receive(io.BytesIO(b"1234").read, 4, at=0)
    assert sorted((f.key, f.size) for f in store.files()) == [(KEY, 0), (other, 4)]
    assert list(FileStore(tmp_path / "nowhere").files()) == []
    assert store.free_bytes() > 0


def test_flushing_and_dropping_the_cache_keep_every_byte(store):
    data = os.urandom(5 * 1024 * 1024 + 1)
    hasher = hashlib.sha256()
    with store.locked(KEY) as file:
        received = file.receive(io.BytesIO(data).read, len(data), at=0, sinks=[hasher],
                                chunk=300_000, flush_every=1024 * 1024, drop_cache=True)
        assert received.written == len(data)
        assert file.sha256() == hasher.hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_failing_sink_is_raised_without_blocking_the_reads(store):
    class Broken:
        def update(self, data):
            raise ValueError("hash failed")

    data = os.urandom(20 * 1024 * 1024)  # many more pieces than the helper's queue holds
    with store.locked(KEY) as file, pytest.raises(ValueError, match="hash failed"):
        file.receive(io.BytesIO(data).read, len(data), at=0, sinks=[Broken()], chunk=65536)


def test_malloc_tuning_takes_effect_with_glibc():
    import platform

    from giaithuong.uploads.memory import keep_large_buffers_in_heap

    assert keep_large_buffers_in_heap() is (platform.libc_ver()[0] == "glibc")
