"""The URLs the bench measures, their SQL queries per request counted
in-process with Django's test client, and the render time of the month view
and of the search without the page cache."""

import inspect
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.common import BASE_DIR, BenchError
from bench.load import Result

TRIVIAL = "Trivial view"
MANIFEST = BASE_DIR / "staticfiles" / "staticfiles.json"


@dataclass
class Target:
    label: str
    path: str
    queries: int | None = None
    size: int | None = None
    seconds_per_request: float = 0.0  # slowest warm-up request, alone
    result: "Result | None" = None


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
        Target("Home page", reverse("home")),
        Target("iCalendar feed", reverse("calendar:feed")),
        # One event in eight matches ("Numérique éducatif"): 625 hits, 20 shown.
        Target("Search", f"{reverse('pages:search')}?q=numerique"),
        Target(TRIVIAL, reverse("health")),
        Target("Static file (whitenoise)", staticfiles_storage.url("css/site.css")),
    ]


def count_queries(pages: list[Target]) -> None:
    """SQL queries per request, in-process, after one warm-up request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for page in pages:
        _read(client.get(page.path))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
            _read(response)
        if response.status_code != 200:
            raise BenchError(f"{page.path} answered {response.status_code} in-process")
        page.queries = len(captured.captured_queries)


def _read(response) -> None:
    """Read the whole response: a streamed one (the feed) runs its queries,
    and stores its pieces in the cache, as it is sent."""
    if response.streaming:
        for _piece in response.streaming_content:
            pass
    response.close()


RENDER_RUNS = 30
# Pages also timed without their page cache (a month or a search not yet asked).
UNCACHED_TIMED = ("Month view", "Search")


def uncached_render_ms(path: str) -> float:
    """Median CPU time (steadier than wall time on a busy machine) of the view
    at `path` called in-process without its page cache (the function under
    the cache decorator), the header and footer cached as in production."""
    from django.test import RequestFactory
    from django.urls import resolve

    match = resolve(urlsplit(path).path)  # the search's ?q= is not the route's
    view = inspect.unwrap(match.func)
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    times = []
    for run in range(RENDER_RUNS + 3):
        request = factory.get(path)
        request.resolver_match = match
        started = time.process_time()
        response = view(request, *match.args, **match.kwargs)
        elapsed = time.process_time() - started
        if response.status_code != 200:
            raise BenchError(f"{path} answered {response.status_code} in-process")
        if run >= 3:  # the first ones warm the templates and the cache
            times.append(elapsed)
    return 1000 * statistics.median(times)


FRESHNESS_RUNS = 200


def freshness_check_ms() -> float:
    """Median wall time of what a page served from the page cache asks the
    database: the version of the month view's tables and of the header's
    (rfve_site/data_version.py), in-process."""
    from calendar_app.views import AGENDA_MODELS
    from rfve_site.data_version import data_version
    from rfve_site.page_cache import EVERY_PAGE

    models = (*AGENDA_MODELS, *EVERY_PAGE)
    times = []
    for run in range(FRESHNESS_RUNS + 10):
        started = time.perf_counter()
        data_version(*models)
        if run >= 10:
            times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)
