"""`make bench`: how fast the site answers under gunicorn, measured with wrk.

A command, not a test: it fills a throwaway database with BENCH_EVENTS
published events (5,000 by default) over five years centred on today, starts
gunicorn (2 sync workers) on 127.0.0.1, runs wrk against the month view, the
home page, the iCalendar feed, the site search, a trivial view and a static
file served by whitenoise from the same server, counts the SQL queries of each
page in-process, times in-process the month view's and the search's render
without the page cache and a cached page's freshness check (its data version
query), reads the workers' memory after the run, and prints one Markdown
table. It stops the server it started and removes its temporary directory,
whatever happens.

Environment:
    BENCH_SECONDS       wrk duration per URL, in seconds (default 10).
    BENCH_EVENTS        events in the database (default 5,000; 50,000 shows
                        the costs with ten years' worth of archives).
    BENCH_DATABASE_URL  benchmark this database instead of a throwaway SQLite
                        file (e.g. postgres://...). It must hold no events
                        nor event types; the bench rows are deleted at the end.
DATABASE_URL is deliberately ignored: a benchmark must never write to the
database of a development or production site by accident.

This module only orchestrates and cleans up; the work lives beside it:
data.py (the database and its events), pages.py (the URLs and their SQL
queries), server.py (gunicorn), load.py (wrk), report.py (the table) and
common.py (errors and messages).
"""

import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench.common import BASE_DIR, BenchError, say
from bench.data import (
    bench_events,
    choose_database,
    configure_environment,
    delete_bench_rows,
    migrate,
    populate,
    redact,
)
from bench.load import bench_seconds, find_wrk, run_wrk
from bench.pages import (
    UNCACHED_TIMED,
    count_queries,
    freshness_check_ms,
    targets,
    uncached_render_ms,
)
from bench.report import report
from bench.server import (
    WORKERS,
    check_and_warm,
    free_port,
    log_tail,
    settle,
    start_gunicorn,
    stop_gunicorn,
    wait_until_ready,
    workers_rss_mb,
)


def stop_on_signal(signum, frame):
    # SIGTERM/SIGHUP (make interrupted, terminal closed): run the finally blocks.
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="rfve-bench-"))
    server = None
    throwaway = True
    populated = False
    try:
        seconds = bench_seconds()
        events = bench_events()
        load = os.getloadavg()[0]
        if load > 0.5:
            say(
                f"load average {load:.2f}: something else uses the CPU, "
                "figures will be lower and noisier than on an idle machine"
            )
        wrk = find_wrk()
        database_url, throwaway = choose_database(tmp, events)
        configure_environment(database_url)
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        migrate(throwaway)
        # From here on, the bench rows are ours to delete (never someone else's).
        populated = True
        span = populate(events)
        pages = targets()
        count_queries(pages)
        render_ms = {  # without the page cache: what a new page costs
            page.label: uncached_render_ms(page.path)
            for page in pages
            if page.label in UNCACHED_TIMED
        }
        freshness_ms = freshness_check_ms()

        port = free_port()
        log = tmp / "gunicorn.log"
        server = start_gunicorn(port, log)
        say(f"gunicorn (pid {server.pid}) on 127.0.0.1:{port}, {WORKERS} workers")
        wait_until_ready(server, port, log)
        check_and_warm(port, pages)

        # Fastest first: the slowest URL (the feed) leaves work behind that
        # would delay the next one; last, it delays nothing but the shutdown.
        order = sorted(pages, key=lambda page: page.seconds_per_request)
        for number, page in enumerate(order, start=1):
            say(f"wrk {seconds} s on {page.path}")
            page.result = run_wrk(wrk, port, page.path, seconds)
            if number < len(order):
                settle(port, page)
        if server.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{log_tail(log)}")
        rss = workers_rss_mb(server)
        database = "a throwaway SQLite file" if throwaway else redact(database_url)
        print(
            report(
                pages,
                seconds,
                database,
                (events, *span),
                load,
                render_ms,
                freshness_ms,
                rss,
            ),
            flush=True,
        )
        return 0
    except BenchError as error:
        say(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        if server is not None:
            stop_gunicorn(server)
        if populated and not throwaway:
            try:
                delete_bench_rows()
            except Exception as error:  # report it, finish cleaning up
                say(f"could not delete the bench rows: {error}")
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)
        say(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
