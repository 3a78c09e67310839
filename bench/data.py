"""The benchmark's database: which one (a throwaway SQLite file unless
BENCH_DATABASE_URL), the settings shared with gunicorn, migrating it, filling it
with BENCH_EVENTS published events (5,000 by default) over five years, and
deleting them afterwards.
Django is imported inside the functions: it is set up only once the
environment is configured."""

import datetime as dt
import os
import random
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.common import BenchError, say

DEFAULT_EVENTS = 5_000
MAX_EVENTS = 500_000
YEARS = 5
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


def bench_events() -> int:
    """BENCH_EVENTS: how many events the database holds (ten times the
    default shows how the costs grow with years of archives)."""
    raw = os.environ.get("BENCH_EVENTS", "").strip().replace("_", "")
    try:
        events = int(raw or DEFAULT_EVENTS)
    except ValueError:
        raise BenchError(f"BENCH_EVENTS must be a whole number, not {raw!r}") from None
    if not 1 <= events <= MAX_EVENTS:
        raise BenchError(f"BENCH_EVENTS must be between 1 and {MAX_EVENTS:,}")
    return events


def redact(url: str) -> str:
    """The database URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


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


def choose_database(tmp: Path, events: int) -> tuple[str, bool]:
    """(database URL, whether it is a throwaway file)."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if url:
        say(
            f"WARNING: writing {events:,} events to {redact(url)} "
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


def populate(count: int) -> tuple[dt.date, dt.date]:
    from django.db import transaction

    from calendar_app.models import Event, EventType

    say(f"creating {count:,} events over {YEARS} years")
    started = time.monotonic()
    with transaction.atomic():
        first, last = create_events(Event, EventType, count)
    say(f"events created in {time.monotonic() - started:.1f} s")
    analyze(Event, EventType)
    return first, last


def analyze(*models) -> None:
    """Give the planner the new rows' statistics, as autovacuum does on a site
    within a minute: without them PostgreSQL takes thousands of events for a few
    rows and plans the search as for an empty table. SQLite: the same."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def create_events(Event, EventType, count: int) -> tuple[dt.date, dt.date]:
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
    for number in range(count):
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
