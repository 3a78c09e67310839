"""The gunicorn server under test: a free port on 127.0.0.1, starting it in
its own session, waiting until it answers, checking and warming each URL,
letting it settle between URLs, stopping it, and the tail of its log."""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import time
from pathlib import Path

from bench.common import BASE_DIR, BenchError, say
from bench.pages import Target

GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"
WORKERS = 2
STARTUP_TIMEOUT = 30  # seconds for gunicorn to answer /sante/
WARM_UP_SECONDS = 2  # per URL, under gunicorn, before wrk


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    if not GUNICORN.exists():
        raise BenchError(f"{GUNICORN} is missing: run `make install`")
    command = [
        str(GUNICORN),
        "rfve_site.wsgi",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "5",
        "--no-control-socket",
    ]
    with log.open("wb") as output:
        # Its own session: Ctrl-C reaches this script, which stops it in order.
        return subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=os.environ.copy(),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # graceful: the master stops its workers
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # Its own process group (start_new_session): master and workers.
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    say(f"gunicorn (pid {server.pid}) stopped")


def log_tail(log: Path, lines: int = 20) -> str:
    try:
        text = log.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "\n".join(text)


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    """One GET on the local server: no proxy, no redirect followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_ready(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited at start-up:\n{log_tail(log)}")
        try:
            if get(port, "/sante/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchError(
        f"gunicorn did not answer /sante/ within {STARTUP_TIMEOUT} s:\n{log_tail(log)}"
    )


def check_and_warm(port: int, pages: list[Target]) -> None:
    """Every URL must answer 200 (wrk would happily time a 404), and the
    workers get a few requests (within a couple of seconds) before being timed."""
    for page in pages:
        times = []
        deadline = time.monotonic() + WARM_UP_SECONDS
        while len(times) < 2 or (
            len(times) < 3 * WORKERS and time.monotonic() < deadline
        ):
            started = time.monotonic()
            status, body = get(port, page.path)
            times.append(time.monotonic() - started)
            if status != 200:
                raise BenchError(f"{page.path} answered {status} under gunicorn")
        page.seconds_per_request = max(times)
        page.size = len(body)
        say(f"{page.path}: {1000 * statistics.median(times):,.1f} ms a request alone")


def settle(port: int, page: Target) -> None:
    """Let the workers finish what wrk left behind before timing the next URL.

    wrk stops on time but closes its connections with requests still queued
    or running, and sync workers finish them anyway: after the feed, the next
    URL would otherwise be timed behind seconds of feed rendering. The accept
    queue is first in, first out, so once a new request is answered every
    earlier one has started; wait for the slowest of those to end too."""
    get(port, "/sante/", timeout=120)
    time.sleep(1.5 * page.seconds_per_request + 0.1)


def workers_rss_mb(server: subprocess.Popen) -> list[float]:
    """Resident memory of each worker of the gunicorn master (Linux /proc)."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (name) state ppid ...": the name may hold spaces.
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid != server.pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile, or not readable
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sorted(sizes)
