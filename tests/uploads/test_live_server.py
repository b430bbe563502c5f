"""tus over real sockets to a running server: pieces, a dropped connection, racing PATCHes."""

import hashlib
import os
import threading
import time

import pytest

from giaithuong.uploads.models import Upload
from tests.uploads.helpers import SocketTus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def remote(live_server, participant):
    from giaithuong.accounts.services import create_api_token

    _, raw = create_api_token(participant, "live")
    return SocketTus(live_server.url, raw)


def _row(path: str) -> Upload:
    return Upload.objects.get(key=path.rsplit("/", 1)[-1])


def _wait_for_offset(remote, path, expected, limit=20.0):
    """HEAD until the server has finished with the dropped request (it still holds the
    upload while it notices the connection is gone; HEAD answers the last durable offset)."""
    deadline = time.monotonic() + limit
    while True:
        offset = remote.offset(path)
        if offset == expected or time.monotonic() > deadline:
            return offset
        time.sleep(0.05)


def test_pieces_over_a_real_connection(remote):
    data = os.urandom(5 * 1024 * 1024 + 3)
    path = remote.create(len(data), {"filename": "Phóng sự.mp4"})
    offset, piece = 0, 2 * 1024 * 1024
    while offset < len(data):
        status, headers = remote.patch(path, offset, data[offset:offset + piece])
        assert status == 204
        offset = int(headers["Upload-Offset"])
        assert remote.offset(path) == offset
    assert _row(path).sha256 == hashlib.sha256(data).hexdigest()


def test_a_dropped_connection_resumes_from_the_durable_offset(remote):
    data = os.urandom(4 * 1024 * 1024)
    path = remote.create(len(data))
    assert remote.patch(path, 0, data[:1000])[0] == 204
    sent = 1_500_000
    remote.patch_cut_off(path, 1000, declared=len(data) - 1000, sent=data[1000:1000 + sent])
    offset = _wait_for_offset(remote, path, 1000 + sent)
    assert offset == 1000 + sent
    assert remote.patch(path, offset - 1, data[offset - 1:])[0] == 409
    status, _ = remote.patch(path, offset, data[offset:])
    assert status == 204
    assert _row(path).sha256 == hashlib.sha256(data).hexdigest()


def test_racing_patches_leave_one_whole_winner(remote):
    size = 3 * 1024 * 1024
    bodies = {"a": os.urandom(size), "b": os.urandom(size)}
    path = remote.create(size)
    statuses, barrier = {}, threading.Barrier(2)

    def send(name):
        barrier.wait(10)
        statuses[name] = remote.patch(path, 0, bodies[name])[0]

    threads = [threading.Thread(target=send, args=(name,)) for name in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [name for name, status in statuses.items() if status == 204]
    assert len(winners) == 1, statuses
    (loser,) = set(bodies) - set(winners)
    assert statuses[loser] in (409, 423)
    assert _row(path).sha256 == hashlib.sha256(bodies[winners[0]]).hexdigest()
