"""home_page: requests per second of the public home page over those of a bare view, same server.

Builds its own site in a temporary directory (SQLite there, or BENCH_DATABASE_URL), loads edition
XII, starts the real server (gunicorn, 2 sync workers, DEBUG=0) on a free port of 127.0.0.1 and
loads it from several client processes with a few threads each, one new HTTP/1.1 connection per
request (sync workers close them anyway), counting only 200 answers. After a warm-up, hello and
home alternate in short segments (hello home home hello hello home home hello, 8 s each in all):
the issue's "hello, home, hello", finer grained, because this machine's speed drifts by a factor
of two within seconds when other work runs on it.

Target (issue 2, item 10): home rps / hello rps >= 0.5.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from _harness import ROOT, report, results

EDITION_FILE = ROOT / "src/giaithuong/editions/data/ttdn-xii-2026.toml"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
WORKERS = 2
CLIENT_PROCESSES = 4
THREADS_PER_PROCESS = 4
WARMUP = 2.0
SEGMENT = 2.0
MAX_REQUESTS_PER_THREAD = 200_000
SOCKET_TIMEOUT = 10.0
HOME_MARKER = "lần thứ XII"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def site_environment(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    env.update({
        "GIAITHUONG_VAR_DIR": var_dir,
        "GIAITHUONG_PROFILE": "development",
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "EMAIL_BACKEND": "console",
    })
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def prepare_site(env: dict[str, str]) -> None:
    giaithuong = str(BIN / "giaithuong")
    for args in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_edition", str(EDITION_FILE)],
        ["compile_translations"],
    ):
        completed = subprocess.run(
            [giaithuong, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        if completed.returncode != 0:
            raise RuntimeError(
                f"giaithuong {' '.join(args)} failed ({completed.returncode}):\n"
                f"{completed.stdout}\n{completed.stderr}"
            )


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    try:
        return subprocess.Popen(
            [
                str(BIN / "gunicorn"), "giaithuong.wsgi:application",
                "--workers", str(WORKERS), "--worker-class", "sync",
                "--bind", f"{HOST}:{port}", "--log-level", "warning",
            ],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the master and its workers
        )
    finally:
        log.close()


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the server's process group, then SIGKILL to whatever is left of it."""
    if server.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=15)
    # Workers left behind by a master that died or hung.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=5)


def fetch(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=SOCKET_TIMEOUT) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def wait_until_up(server: subprocess.Popen, port: int, log_path: Path, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{log_path.read_text()}")
        try:
            if fetch(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {limit:.0f} s:\n{log_path.read_text()}")


# --- load generator ------------------------------------------------------------------------------


def one_request(port: int, request: bytes) -> int:
    """One GET on a new connection; the status code (0 on a malformed answer)."""
    with socket.create_connection((HOST, port), timeout=SOCKET_TIMEOUT) as conn:
        conn.sendall(request)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    head = b"".join(chunks[:1])[:16]
    parts = head.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        return 0
    return int(parts[1]) if parts[1].isdigit() else 0


# Segments of the run, in order: (label, path, counted). Hello and home alternate as
# hello home home hello hello home home hello, so a machine that speeds up or slows down during the
# run weighs on both sides alike (the "hello, home, hello", finer grained).
PATHS = {"hello": "/healthz", "home": "/"}
SCHEDULE = [("hello", False), ("home", False)] + [
    (label, True) for label in ("hello", "home", "home", "hello", "hello", "home", "home", "hello")
]


def segment_times(start: float) -> list[tuple[float, float]]:
    """(from, to) wall-clock seconds of each SCHEDULE segment."""
    times, at = [], start
    for _, counted in SCHEDULE:
        length = SEGMENT if counted else WARMUP / 2
        times.append((at, at + length))
        at += length
    return times


def client_thread(port: int, start: float, out: list) -> None:
    requests = {
        label: (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept-Language: vi\r\n"
            "Accept-Encoding: identity\r\nConnection: close\r\n\r\n"
        ).encode()
        for label, path in PATHS.items()
    }
    times = segment_times(start)
    ok = [0] * len(SCHEDULE)
    errors = [0] * len(SCHEDULE)
    index = 0
    for _ in range(MAX_REQUESTS_PER_THREAD):
        now = time.time()
        while index < len(times) and now >= times[index][1]:
            index += 1
        if index == len(times):
            break
        if now < times[index][0]:
            time.sleep(times[index][0] - now)
        (label, counted), (_, until) = SCHEDULE[index], times[index]
        try:
            status = one_request(port, requests[label])
        except OSError:
            status = -1
        if not counted or time.time() > until:
            continue  # a warm-up request, or one that ended in the next segment: not counted
        if status == 200:
            ok[index] += 1
        else:
            errors[index] += 1
    out.append((ok, errors))


def client_process(job: tuple[int, float]) -> tuple[list[int], list[int]]:
    port, start = job
    out: list[tuple[list[int], list[int]]] = []
    threads = [
        threading.Thread(target=client_thread, args=(port, start, out))
        for _ in range(THREADS_PER_PROCESS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [sum(o[i] for o, _ in out) for i in range(len(SCHEDULE))], [
        sum(e[i] for _, e in out) for i in range(len(SCHEDULE))
    ]


def run_load(port: int) -> dict[str, tuple[float, int, int, list[float]]]:
    """Per path: (rps of 200 answers, 200 answers, errors, rps of each counted segment)."""
    start = time.time() + 0.5  # let every client process start first
    with multiprocessing.get_context("fork").Pool(CLIENT_PROCESSES) as pool:
        parts = pool.map(client_process, [(port, start)] * CLIENT_PROCESSES)
    figures = {}
    for label in PATHS:
        indexes = [i for i, (lab, counted) in enumerate(SCHEDULE) if counted and lab == label]
        per_segment = [sum(ok[i] for ok, _ in parts) for i in indexes]
        errors = sum(err[i] for _, err in parts for i in indexes)
        ok = sum(per_segment)
        rps = ok / (SEGMENT * len(indexes))
        figures[label] = (rps, ok, errors, [n / SEGMENT for n in per_segment])
    return figures


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-home-page-") as var_dir:
        env = site_environment(var_dir)
        prepare_site(env)
        port = free_port()
        log_path = Path(var_dir) / "gunicorn.log"
        server = start_server(env, port, log_path)
        try:
            wait_until_up(server, port, log_path)
            status, _ = fetch(port, "/healthz")
            if status != 200:
                raise RuntimeError(f"/healthz answered {status}")
            status, body = fetch(port, "/")
            if status != 200 or HOME_MARKER not in body:
                raise RuntimeError(f"/ answered {status} without {HOME_MARKER!r}:\n{body[:500]}")
            counted = sum(1 for _, c in SCHEDULE if c) // 2
            print(
                f"server: gunicorn {WORKERS} sync workers on {HOST}:{port}, "
                f"database {'BENCH_DATABASE_URL' if 'DATABASE_URL' in env else 'SQLite'}; "
                f"load: {CLIENT_PROCESSES} processes x {THREADS_PER_PROCESS} threads, "
                f"new connection per request, {WARMUP:g} s warm-up, then "
                f"{counted} x {SEGMENT:g} s per path in the order "
                f"{' '.join(label for label, c in SCHEDULE if c)}",
                flush=True,
            )
            figures = run_load(port)
        finally:
            stop_server(server)
        for label, path in PATHS.items():
            rps, ok, errors, segments = figures[label]
            print(f"  {label:<5} {path:<8} {rps:8.1f} req/s  ({ok} x 200, {errors} errors; "
                  f"segments {', '.join(f'{x:.0f}' for x in segments)})", flush=True)
        total_errors = sum(f[2] for f in figures.values())
        if total_errors:
            print(f"server log:\n{log_path.read_text()[-2000:]}", flush=True)
        hello_rps, home_rps = figures["hello"][0], figures["home"][0]
        ratio = home_rps / hello_rps if hello_rps else 0.0
        report("home_page", ratio, "ratio", ">=", 0.5)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
