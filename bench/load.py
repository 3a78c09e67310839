"""The load: BENCH_SECONDS, finding (or installing) wrk, running it for a
bounded time, and parsing its output into a Result."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from bench.common import BenchError, say

CONNECTIONS = 8
DEFAULT_SECONDS = 10
MAX_SECONDS = 120
WRK_REQUEST_TIMEOUT = 30  # seconds before wrk counts a request as timed out


@dataclass
class Result:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: str | None


def bench_seconds() -> int:
    raw = os.environ.get("BENCH_SECONDS", str(DEFAULT_SECONDS))
    try:
        seconds = int(raw)
    except ValueError:
        raise BenchError(f"BENCH_SECONDS must be a whole number, not {raw!r}") from None
    if not 1 <= seconds <= MAX_SECONDS:
        raise BenchError(f"BENCH_SECONDS must be between 1 and {MAX_SECONDS}")
    return seconds


def find_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("wrk is missing: apt-get install -y wrk")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for command in (
            ["apt-get", "install", "-y", "-q", "wrk"],
            ["apt-get", "update", "-q"],
            ["apt-get", "install", "-y", "-q", "wrk"],
        ):
            subprocess.run(command, env=env, timeout=300, check=False)
            wrk = shutil.which("wrk")
            if wrk:
                return wrk
    raise BenchError(
        "wrk (the HTTP load generator) is not installed. "
        "Install it, e.g. `sudo apt-get install wrk` or `brew install wrk`, "
        "then run `make bench` again."
    )


def run_bounded(command: list[str], limit: float) -> subprocess.CompletedProcess:
    """Run a command; on timeout or interruption, stop it (TERM, then KILL)."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=limit)
    except BaseException:
        process.terminate()  # `timeout` passes TERM on to wrk
        try:
            process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> Result:
    def latency(percent: str) -> float:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
        if not match:
            raise BenchError(f"no {percent}% latency in wrk's output:\n{output}")
        return float(match[1]) * UNITS_MS[match[2]]

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    requests = re.search(r"^\s*(\d+) requests in ", output, re.M)
    if not rps or not requests:
        raise BenchError(f"unexpected wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:\s+(.*)$", output, re.M)
    return Result(
        requests=int(requests[1]),
        rps=float(rps[1]),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=errors[1].strip() if errors else None,
    )


def run_wrk(wrk: str, port: int, path: str, seconds: int) -> Result:
    url = f"http://127.0.0.1:{port}{path}"
    command = [
        "timeout",
        "--kill-after=5",
        str(seconds + 20),
        wrk,
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        f"--timeout={WRK_REQUEST_TIMEOUT}s",
        "--latency",
        url,
    ]
    completed = run_bounded(command, limit=seconds + 30)
    if completed.returncode != 0:
        raise BenchError(
            f"wrk failed on {path} (exit {completed.returncode}):\n"
            f"{completed.stderr or completed.stdout}"
        )
    return parse_wrk(completed.stdout)
