"""The Markdown table printed at the end: figures formatted for reading, one
row per URL, the machine and the run's settings, and notes on doubtful rows."""

import datetime as dt
import os
import platform

from bench.load import CONNECTIONS
from bench.pages import RENDER_RUNS, TRIVIAL, Target
from bench.server import WORKERS

# Issue 12: served from the shared cache, each at least half as fast as the
# trivial view; workers stay small.
CACHED_TARGETS = ("Month view", "Home page")
CACHED_TARGET_PERCENT = 50
RSS_TARGET_MB = 80


def format_ms(value: float) -> str:
    if value < 10:
        return f"{value:.2f} ms"
    if value < 100:
        return f"{value:.1f} ms"
    return f"{value:,.0f} ms"


def format_rps(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def format_percent(value: float) -> str:
    return f"{value:.1f} %" if value < 10 else f"{value:.0f} %"


def format_size(size: int | None) -> str:
    if size is None:
        return "?"
    if size < 10_000:
        return f"{size:,} B"
    if size < 1_000_000:
        return f"{size / 1000:,.0f} kB"
    return f"{size / 1_000_000:,.1f} MB"


def ratio(rps: float, reference: float) -> str:
    return format_percent(100 * rps / reference) if reference else "–"


def report(
    pages: list[Target],
    seconds: int,
    database: str,
    data: tuple[int, dt.date, dt.date],
    load: float,
    render_ms: dict[str, float],
    freshness_ms: float,
    rss_mb: list[float],
) -> str:
    events, first, last = data
    static_rps = pages[-1].result.rps  # targets() puts the static file last
    trivial_rps = next(p.result.rps for p in pages if p.label == TRIVIAL)
    lines = [
        "| Page | URL | req/s | % of trivial | % of static | p50 | p99 "
        "| SQL queries | Size |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    notes = []
    for page in pages:
        result = page.result
        timed = result.requests > 0
        lines.append(
            f"| {page.label} | `{page.path}` | {format_rps(result.rps)} "
            f"| {ratio(result.rps, trivial_rps)} | {ratio(result.rps, static_rps)} "
            f"| {format_ms(result.p50_ms) if timed else '–'} "
            f"| {format_ms(result.p99_ms) if timed else '–'} "
            f"| {page.queries} | {format_size(page.size)} |"
        )
        if result.non_2xx:
            notes.append(f"{page.label}: {result.non_2xx} non-2xx/3xx responses!")
        if result.socket_errors:
            notes.append(f"{page.label}: wrk socket errors: {result.socket_errors}")
        if not timed:
            notes.append(f"{page.label}: no request completed within {seconds} s.")
        elif result.requests < 100:
            notes.append(
                f"{page.label}: only {result.requests} requests timed; "
                "its percentiles are rough."
            )
    now = dt.datetime.now(dt.UTC).astimezone()
    cpus = os.process_cpu_count()
    lines += [
        "",
        f"Machine: {cpus} CPUs (nproc), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; {now:%Y-%m-%d %H:%M %Z}; "
        f"load average {load:.2f} before the run; "
        f"gunicorn {WORKERS} sync workers, "
        f"wrk -t1 -c{CONNECTIONS} -d{seconds}s on 127.0.0.1; "
        f"{events:,} events from {first} to {last} on {database}.",
    ]
    for label in CACHED_TARGETS:
        rps = next(p.result.rps for p in pages if p.label == label)
        lines.append(
            f"{label}: {ratio(rps, trivial_rps)} of the trivial view's requests "
            f"per second (target ≥ {CACHED_TARGET_PERCENT} %)."
        )
    lines += [
        f"{label} rendered without the page cache: {format_ms(ms)} (CPU time, "
        f"in-process median of {RENDER_RUNS} renders, queries included)."
        for label, ms in render_ms.items()
    ]
    lines.append(
        f"Freshness check of a cached page (its data version query): "
        f"{format_ms(freshness_ms)} (wall time, in-process median)."
    )
    lines += [
        "Worker RSS after the run: "
        + (", ".join(f"{size:.0f} MB" for size in rss_mb) or "unknown (no /proc)")
        + f" (target ≤ {RSS_TARGET_MB} MB per worker).",
    ]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines)
