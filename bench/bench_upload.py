"""upload_2gb: a 2 GB resumable (tus) upload over loopback to gunicorn, against `cp`.

Builds its own site in a temporary directory under /tmp (SQLite there, or BENCH_DATABASE_URL),
makes a participant with an API token, writes a 2 GB file of random bytes, starts the real
server (gunicorn, 2 sync workers, DEBUG=0) and uploads the file with a tiny client of our own
(http.client for POST/HEAD, socket.sendfile for the bodies, so the client costs little CPU):

1. in one PATCH, as the tus spec asks clients to send the rest of a file (and as tus-js-client
   and tuspy do by default): the figure held to the target. The time runs from the POST to the
   answer of the PATCH, which includes the fsync and the SHA-256 and type sniff of completion.
2. in PATCHes of BENCH_UPLOAD_CHUNK bytes (default 64 MiB), for information: with pieces the
   two workers take turns, the running hash of one process rarely continues, so the file is
   hashed again at completion and its pages stay in the cache for that (docs/decisions).
3. in pieces again, with SIGKILL to the whole server mid-PATCH; the server is started again,
   HEAD gives the offset to resume from, the rest is sent, and the SHA-256 the server stored
   (Repr-Digest) must equal the file's.

`cp` is timed before and after the uploads (the faster run is the baseline, the harder target),
each as the copy itself plus an fsync of the copy: the upload is durable when it is acknowledged,
so the copy is timed to the same point. The copy alone is printed too. Before each timed run
the machine is left idle for BENCH_SETTLE seconds (default 5): on a VM that hands freed memory
back to its host (free page reporting), touching memory soon after a large free is ~8x faster
than later, which would favour whichever run comes right after another one frees its pages.

Targets (issue 4): one-PATCH upload speed / cp speed >= 0.5; peak RSS of any server process
<= 200 MB (all uploads); the resumed upload's stored SHA-256 matches. BENCH_UPLOAD_BYTES shrinks
the file for a quick run.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from _harness import ROOT, report, results
from bench_home_page import BIN, HOST, free_port, start_server, stop_server, wait_until_up

SIZE = int(os.environ.get("BENCH_UPLOAD_BYTES", 2 * 1024**3))
CHUNK = int(os.environ.get("BENCH_UPLOAD_CHUNK", 64 * 1024**2))
SETTLE = float(os.environ.get("BENCH_SETTLE", 5))
KILL_AT = 0.4  # the second upload is cut when this share of the file has been sent
SOCKET_TIMEOUT = 120.0

CREATE_USER = """
from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_api_token, create_user, grant_role
user = create_user(username="bench-uploader", password="Bench-upload-2026!",
                   full_name="Người gửi thử")
grant_role(user, Role.PARTICIPANT)
print(create_api_token(user, "bench")[1])
"""


def site_environment(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    env.update({"GIAITHUONG_VAR_DIR": var_dir, "GIAITHUONG_PROFILE": "development",
                "DEBUG": "0", "ALLOWED_HOSTS": HOST, "EMAIL_BACKEND": "console"})
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def prepare_site(env: dict[str, str]) -> str:
    """Migrate; create the uploading participant; return its API token."""
    giaithuong = str(BIN / "giaithuong")
    for args in (["migrate", "--no-input", "-v", "0"], ["shell", "-c", CREATE_USER]):
        done = subprocess.run([giaithuong, *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"giaithuong {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


# --- the source file and cp ------------------------------------------------------------------


def write_source(path: Path, size: int) -> str:
    """`size` random bytes, durable on disk; their SHA-256."""
    hasher, block = hashlib.sha256(), 16 * 1024**2
    with path.open("wb") as out:
        left = size
        while left:
            data = os.urandom(min(block, left))
            out.write(data)
            hasher.update(data)
            left -= len(data)
        out.flush()
        os.fsync(out.fileno())
    return hasher.hexdigest()


def time_cp(source: Path, target: Path) -> tuple[float, float]:
    """(seconds for cp, seconds for cp and an fsync of the copy)."""
    started = time.perf_counter()
    subprocess.run(["cp", str(source), str(target)], check=True)
    copied = time.perf_counter()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    synced = time.perf_counter()
    target.unlink()
    return copied - started, synced - started


# --- a tiny tus client -----------------------------------------------------------------------


class Client:
    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}

    def _request(self, method: str, path: str, headers: dict) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=SOCKET_TIMEOUT)
        conn.request(method, path, headers={**self.headers, **headers})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response

    def create(self, size: int, name: str) -> str:
        metadata = "filename " + base64.b64encode(name.encode()).decode()
        response = self._request("POST", "/uploads/", {"Upload-Length": str(size),
                                                       "Upload-Metadata": metadata})
        if response.status != 201:
            raise RuntimeError(f"create answered {response.status}")
        return urlsplit(response.headers["Location"]).path

    def head(self, path: str) -> http.client.HTTPResponse:
        response = self._request("HEAD", path, {})
        if response.status != 200:
            raise RuntimeError(f"HEAD answered {response.status}")
        return response

    def patch(self, path: str, source, offset: int, count: int,
              cut_after: int | None = None, on_cut=None) -> http.client.HTTPResponse | None:
        """PATCH `count` bytes of `source` from `offset`; with `cut_after`, send only that many,
        call `on_cut` (which kills the server) and return None."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=SOCKET_TIMEOUT)
        conn.putrequest("PATCH", path, skip_accept_encoding=True)
        for name, value in {**self.headers, "Upload-Offset": str(offset),
                            "Content-Type": "application/offset+octet-stream",
                            "Content-Length": str(count)}.items():
            conn.putheader(name, value)
        conn.endheaders()
        sent = conn.sock.sendfile(source, offset, count if cut_after is None else cut_after)
        if cut_after is not None:
            time.sleep(0.5)  # let the worker write what it received, then kill it mid-request
            on_cut()
            conn.close()
            return None
        assert sent == count
        response = conn.getresponse()
        response.read()
        conn.close()
        return response

    def upload(self, path: str, source, start: int, size: int, *, piece: int = CHUNK,
               cut_at: int | None = None, on_cut=None) -> http.client.HTTPResponse | None:
        offset, response = start, None
        while offset < size:
            count = min(piece, size - offset)
            if cut_at is not None and offset <= cut_at < offset + count:
                self.patch(path, source, offset, count, cut_after=cut_at - offset, on_cut=on_cut)
                return None
            response = self.patch(path, source, offset, count)
            if response.status != 204:
                raise RuntimeError(f"PATCH at {offset} answered {response.status}")
            offset = int(response.headers["Upload-Offset"])
        return response


def stored_sha256(response: http.client.HTTPResponse) -> str:
    value = response.headers.get("Repr-Digest", "")
    if not value.startswith("sha-256=:"):
        return ""
    return base64.b64decode(value.removeprefix("sha-256=:").rstrip(":")).hex()


# --- server memory -----------------------------------------------------------------------------


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    pids.append(int(entry))
            except ProcessLookupError:
                pass
    return pids


def status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


class RssSampler(threading.Thread):
    """The largest VmRSS of any server process, sampled every 50 ms (and VmHWM at the end)."""

    def __init__(self, pgid: int, peak_kib: int = 0):
        super().__init__(daemon=True)
        self.pgid, self.peak_kib, self.stopping = pgid, peak_kib, threading.Event()

    def run(self):
        while not self.stopping.wait(0.05):
            for pid in group_pids(self.pgid):
                self.peak_kib = max(self.peak_kib, status_kib(pid, "VmRSS"))

    def stop(self) -> int:
        for pid in group_pids(self.pgid):
            self.peak_kib = max(self.peak_kib, status_kib(pid, "VmHWM"))
        self.stopping.set()
        self.join()
        return self.peak_kib


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB/s"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-upload-", dir="/tmp") as var_dir:
        env = site_environment(var_dir)
        token = prepare_site(env)
        source_path = Path(var_dir) / "source.bin"
        free = shutil.disk_usage(var_dir).free
        if free < 4 * SIZE + 1024**3:
            raise RuntimeError(f"need {4 * SIZE + 1024**3:,} bytes free under /tmp, have {free:,}")
        print(f"file: {SIZE:,} random bytes under {var_dir}", flush=True)
        digest = write_source(source_path, SIZE)
        time.sleep(SETTLE)
        cp_runs = [time_cp(source_path, Path(var_dir) / "copy.bin")]

        port = free_port()
        log_path = Path(var_dir) / "gunicorn.log"
        server = start_server(env, port, log_path)
        try:
            wait_until_up(server, port, log_path)
            client = Client(port, token)
            sampler = RssSampler(server.pid)
            sampler.start()
            timings = {}
            for label, piece in (("one PATCH", SIZE), ("in pieces", CHUNK)):
                time.sleep(SETTLE)
                with source_path.open("rb") as source:
                    started = time.perf_counter()
                    path = client.create(SIZE, "Phóng sự bench.bin")
                    last = client.upload(path, source, 0, SIZE, piece=piece)
                    elapsed = time.perf_counter() - started
                right = last is not None and stored_sha256(last) == digest
                timings[label] = (elapsed, right)
                print(f"  upload       {mb(SIZE / elapsed)} {label} ({elapsed:.2f} s, "
                      f"{-(-SIZE // piece)} PATCHes of up to {piece:,} bytes, "
                      f"stored hash {'right' if right else 'WRONG'})", flush=True)
            elapsed, whole_ok = timings["one PATCH"]

            time.sleep(SETTLE)
            cp_runs.append(time_cp(source_path, Path(var_dir) / "copy.bin"))
            cp_only = min(run[0] for run in cp_runs)
            cp_synced = min(run[1] for run in cp_runs)
            print(f"  cp           {mb(SIZE / cp_only)} (copy only), {mb(SIZE / cp_synced)} "
                  f"(copy + fsync; the baseline; faster of a run before and one after)",
                  flush=True)

            # Kill the server mid-PATCH, start it again, resume.
            with source_path.open("rb") as source:
                path = client.create(SIZE, "Phóng sự bench (cắt).bin")
                cut_at = int(SIZE * KILL_AT) // 4096 * 4096 + 12345
                client.upload(path, source, 0, SIZE, cut_at=cut_at,
                              on_cut=lambda: stop_server_hard(server))
                peak_before_kill = sampler.stop()
                server = start_server(env, port, log_path)
                wait_until_up(server, port, log_path)
                sampler = RssSampler(server.pid, peak_before_kill)
                sampler.start()
                resume_at = int(client.head(path).headers["Upload-Offset"])
                last = client.upload(path, source, resume_at, SIZE)
            peak_kib = sampler.stop()
            resumed_ok = last is not None and stored_sha256(last) == digest
            print(f"  killed mid-PATCH with {cut_at:,} bytes sent, {cut_at // CHUNK * CHUNK:,} "
                  f"acknowledged; HEAD after restart: {resume_at:,}; resumed: stored SHA-256 "
                  f"{'matches' if resumed_ok else 'DIFFERS'} {'PASS' if resumed_ok else 'FAIL'}",
                  flush=True)
        finally:
            stop_server(server)
        print(f"  server peak RSS {peak_kib / 1024:.0f} MiB (largest VmRSS/VmHWM of master and "
              f"workers, over all uploads)", flush=True)
        ratio = (SIZE / elapsed) / (SIZE / cp_synced)
        print(f"  ratio upload / cp: {ratio:.2f} (against cp without fsync: "
              f"{(SIZE / elapsed) / (SIZE / cp_only):.2f}; in pieces: "
              f"{cp_synced / timings['in pieces'][0]:.2f})", flush=True)
        report("upload_2gb", ratio if whole_ok else 0.0, "x cp", ">=", 0.5)
        report("upload_2gb_rss", peak_kib / 1024, "MiB", "<=", 200)
        report("upload_2gb_resume", 1.0 if resumed_ok else 0.0, "sha256 match", ">=", 1)
    return 0 if all(results) else 1


def stop_server_hard(server: subprocess.Popen) -> None:
    """SIGKILL to master and workers at once: a crash, not a shutdown."""
    import signal

    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
