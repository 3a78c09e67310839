"""`make bench`: how fast the site answers under gunicorn, measured with wrk.

A command, not a test: it fills a throwaway database with 5,000 published
events over five years centred on today, starts gunicorn (2 sync workers) on
127.0.0.1, runs wrk against the month view, the iCalendar feed, the site
search, a trivial view and a static file served by whitenoise from the same
server, counts the SQL queries of each page in-process, and prints one
Markdown table. It stops the server it started and removes its temporary
directory, whatever happens.

Environment:
    BENCH_SECONDS       wrk duration per URL, in seconds (default 10).
    BENCH_DATABASE_URL  benchmark this database instead of a throwaway SQLite
                        file (e.g. postgres://...). It must hold no events
                        nor event types; the bench rows are deleted at the end.
DATABASE_URL is deliberately ignored: a benchmark must never write to the
database of a development or production site by accident.
"""

import datetime as dt
import http.client
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"
MANIFEST = BASE_DIR / "staticfiles" / "staticfiles.json"

EVENTS = 5_000
YEARS = 5
WORKERS = 2
CONNECTIONS = 8
DEFAULT_SECONDS = 10
MAX_SECONDS = 120
STARTUP_TIMEOUT = 30  # seconds for gunicorn to answer /sante/
WARM_UP_SECONDS = 2  # per URL, under gunicorn, before wrk
WRK_REQUEST_TIMEOUT = 30  # seconds before wrk counts a request as timed out
SLUG_PREFIX = "bench-"
SEED = 20_261_101  # same events on every run, relative to today

EVENT_TYPES = [
    ("Rencontre du réseau", "bleu"),
    ("Formation", "vert"),
    ("Webinaire", "violet"),
    ("Assemblée générale", "rouge"),
    ("Colloque", "orange"),
    ("Groupe de travail", "turquoise"),
]
THEMES = [
    "Cités éducatives",
    "Petite enfance",
    "Temps périscolaire",
    "Participation des jeunes",
    "Éducation à la citoyenneté",
    "Égalité filles-garçons",
    "Numérique éducatif",
    "Alimentation à l’école",
]
CITIES = [
    ("Lyon", "Hôtel de ville, 1 place de la Comédie, 69001 Lyon"),
    ("Rennes", "Salle de la Cité, 10 rue Saint-Louis, 35000 Rennes"),
    ("Nantes", "Maison des associations, 2 rue d’Alger, 44000 Nantes"),
    ("Grenoble", "Maison de l’international, 1 rue Hector-Berlioz, 38000 Grenoble"),
    ("Lille", "Hôtel de ville, place Augustin-Laurent, 59000 Lille"),
    ("Strasbourg", "Centre administratif, 1 parc de l’Étoile, 67000 Strasbourg"),
    ("Bordeaux", "Athénée municipal, place Saint-Christoly, 33000 Bordeaux"),
    ("En ligne", ""),
]
DESCRIPTION = """Une journée d’échanges entre élus, techniciens et associations
autour du thème **{theme}**.

## Programme

- 9 h 30 : accueil et présentation des projets de {city} ;
- 11 h 00 : ateliers en petits groupes ;
- 14 h 00 : restitution et [ressources du réseau](https://villeseducatrices.fr/).

Inscription gratuite, dans la limite des places disponibles."""


class BenchError(Exception):
    """A failure to report in one line, without a traceback."""


@dataclass
class Target:
    label: str
    path: str
    queries: int | None = None
    size: int | None = None
    seconds_per_request: float = 0.0  # slowest warm-up request, alone
    result: "Result | None" = None


@dataclass
class Result:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: str | None


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def bench_seconds() -> int:
    raw = os.environ.get("BENCH_SECONDS", str(DEFAULT_SECONDS))
    try:
        seconds = int(raw)
    except ValueError:
        raise BenchError(f"BENCH_SECONDS must be a whole number, not {raw!r}") from None
    if not 1 <= seconds <= MAX_SECONDS:
        raise BenchError(f"BENCH_SECONDS must be between 1 and {MAX_SECONDS}")
    return seconds


def redact(url: str) -> str:
    """The database URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


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


def configure_environment(database_url: str) -> None:
    """The same production-like settings for the server and for this process."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="rfve_site.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
    )


def choose_database(tmp: Path) -> tuple[str, bool]:
    """(database URL, whether it is a throwaway file)."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if url:
        say(
            f"WARNING: writing {EVENTS:,} events to {redact(url)} "
            "(BENCH_DATABASE_URL); they are deleted at the end."
        )
        return url, False
    if os.environ.get("DATABASE_URL"):
        say("DATABASE_URL is ignored; set BENCH_DATABASE_URL to bench another one.")
    return f"sqlite:///{tmp / 'bench.sqlite3'}", True


def migrate(throwaway: bool) -> None:
    from django.core.management import call_command

    from calendar_app.models import Event, EventType

    say("migrating the database")
    call_command("migrate", verbosity=0, interactive=False)
    if not throwaway and (Event.objects.exists() or EventType.objects.exists()):
        raise BenchError(
            "BENCH_DATABASE_URL points to a database that already holds events "
            "or event types: use an empty database."
        )


def populate() -> tuple[dt.date, dt.date]:
    from django.db import transaction

    from calendar_app.models import Event, EventType

    say(f"creating {EVENTS:,} events over {YEARS} years")
    started = time.monotonic()
    with transaction.atomic():
        first, last = create_events(Event, EventType)
    say(f"events created in {time.monotonic() - started:.1f} s")
    return first, last


def create_events(Event, EventType) -> tuple[dt.date, dt.date]:
    """Published public events spread over five years centred on today:
    mostly timed ones, some all-day, some over several days."""
    from django.utils import timezone

    rng = random.Random(SEED)
    paris = timezone.get_default_timezone()
    types = EventType.objects.bulk_create(
        EventType(name=name, slug=f"{SLUG_PREFIX}{index}", colour=colour, order=index)
        for index, (name, colour) in enumerate(EVENT_TYPES)
    )
    span = YEARS * 365
    first = timezone.localdate() - dt.timedelta(days=span // 2)
    events = []
    for number in range(EVENTS):
        day = first + dt.timedelta(days=rng.randrange(span))
        hour, minute = rng.randint(8, 19), rng.choice((0, 15, 30, 45))
        starts_at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=paris)
        kind = rng.random()
        all_day = False
        if kind < 0.70:  # an afternoon meeting
            ends_at = starts_at + dt.timedelta(minutes=rng.choice((60, 90, 120, 180)))
        elif kind < 0.85:  # a day
            all_day, ends_at = True, starts_at
        else:  # two to four days
            all_day = rng.random() < 0.5
            ends_at = starts_at + dt.timedelta(days=rng.randint(1, 3), hours=2)
        event_type = rng.choice(types)
        theme = rng.choice(THEMES)
        city, address = rng.choice(CITIES)
        event = Event(
            title=f"{event_type.name} : {theme.lower()} ({city})",
            slug=f"{SLUG_PREFIX}{number}",
            event_type=event_type,
            starts_at=starts_at,
            ends_at=ends_at,
            all_day=all_day,
            place=city,
            address=address,
            summary=f"{theme} : retours d’expérience et débats entre villes.",
            description=DESCRIPTION.format(theme=theme.lower(), city=city),
            status=Event.Status.PUBLISHED,
            visibility=Event.Visibility.PUBLIC,
        )
        event.normalise_dates()  # what save() would do; bulk_create skips it
        events.append(event)
    Event.objects.bulk_create(events, batch_size=500)
    return first, first + dt.timedelta(days=span - 1)


def delete_bench_rows() -> None:
    from calendar_app.models import Event, EventType

    Event.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    EventType.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    say("bench events deleted from BENCH_DATABASE_URL")


def targets() -> list[Target]:
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.urls import reverse
    from django.utils import timezone

    if not MANIFEST.exists():
        raise BenchError("staticfiles/staticfiles.json is missing: run collectstatic")
    today = timezone.localdate()
    month = reverse("calendar:month", kwargs={"year": today.year, "month": today.month})
    return [
        Target("Month view", month),
        Target("iCalendar feed", reverse("calendar:feed")),
        # One event in eight matches ("Numérique éducatif"): 625 hits, 20 shown.
        Target("Search", f"{reverse('pages:search')}?q=numerique"),
        Target("Trivial view", reverse("health")),
        Target("Static file (whitenoise)", staticfiles_storage.url("css/site.css")),
    ]


def count_queries(pages: list[Target]) -> None:
    """SQL queries per request, in-process, after one warm-up request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for page in pages:
        client.get(page.path).close()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
            response.close()
        if response.status_code != 200:
            raise BenchError(f"{page.path} answered {response.status_code} in-process")
        page.queries = len(captured.captured_queries)


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


def report(
    pages: list[Target],
    seconds: int,
    database: str,
    span: tuple[dt.date, dt.date],
    load: float,
) -> str:
    static_rps = pages[-1].result.rps  # targets() puts the static file last
    lines = [
        "| Page | URL | req/s | % of static | p50 | p99 | SQL queries | Size |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    notes = []
    for page in pages:
        result = page.result
        timed = result.requests > 0
        lines.append(
            f"| {page.label} | `{page.path}` | {format_rps(result.rps)} "
            f"| {format_percent(100 * result.rps / static_rps) if static_rps else '–'} "
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
        f"{EVENTS:,} events from {span[0]} to {span[1]} on {database}.",
    ]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines)


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
        load = os.getloadavg()[0]
        if load > 0.5:
            say(
                f"load average {load:.2f}: something else uses the CPU, "
                "figures will be lower and noisier than on an idle machine"
            )
        wrk = find_wrk()
        database_url, throwaway = choose_database(tmp)
        configure_environment(database_url)
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        migrate(throwaway)
        # From here on, the bench rows are ours to delete (never someone else's).
        populated = True
        span = populate()
        pages = targets()
        count_queries(pages)

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
        database = "a throwaway SQLite file" if throwaway else redact(database_url)
        print(report(pages, seconds, database, span, load), flush=True)
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
