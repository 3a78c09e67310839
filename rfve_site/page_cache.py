"""Whole pages served from the shared cache while nothing they show has changed.

A page is stored under a key made of everything its HTML depends on: the
version of the tables it shows and of the header and footer's
(data_version.py: every change moves it, on every process and host), its
address (scheme, host, path: the canonical URL), the query parameters it reads,
today's date in Europe/Paris (today's highlight, this year's figures) and the
code that renders it. Times of day the page depends on (an event leaving "à
venir" when it ends, a scheduled article appearing) are declared by the view
with keep_until(): the stored copy is not served after them.

The key is computed before rendering, so an unchanged page costs the version's
query and one cache read, and a client that already has it gets a 304 without
either the page or its data being read again.

Each process also keeps the last pages it served (RECENT_PAGES, by the same
keys): a key names one content forever, since the version in it is read from
the database on every request, so that copy can never be stale; it saves
reading and decoding the shared cache's copy, the main cost of a cached page.

Only the pages the site links to are stored: a view declares the query
parameters it showed, in their one spelling (canonical_query: a known filter's
slug, the page number the paginator resolved), and a request that spelled them
otherwise (`?type=anything`, `?page=99999`, a repeated parameter) is answered
without being stored; empty parameters (a filter form sent with "Tous") are
dropped from the key. A flood of made-up addresses then stores nothing, and
searches, whose every query is a page of its own, are stored apart
(`cache_alias="search"`: a bounded cache with a short timeout), so that no
flood of distinct queries can evict the pages every visitor reads.

Only pages identical for every visitor are stored: requests carrying a session
cookie (staff, previews) are rendered as usual, and so is a page whose
rendering touched the session, a CSRF token or a CSP nonce, or that set a
cookie: none of those may reach another visitor.
"""

import datetime as dt
import functools
import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone
from django.utils.cache import get_conditional_response

from .data_version import DEFAULT_TIMEOUT, data_version
from .typography import typeset_response

# The models every HTML page shows (header and footer), registered by the app
# that builds them (pages/apps.py): this module imports no app.
EVERY_PAGE: list = []
# Pages this process served last, by key (a few MB at most), the least
# recently served dropped first.
RECENT_PAGES_MAX = 50
RECENT_PAGES: OrderedDict[str, "StoredPage"] = OrderedDict()
_recent_lock = threading.Lock()


def every_page_shows(*models) -> None:
    EVERY_PAGE.extend(model for model in models if model not in EVERY_PAGE)


def keep_until(request, moment: dt.datetime | None) -> None:
    """The page shows something that changes at `moment` (an event ends, an
    article's publication time comes): its stored copy expires then."""
    if moment is not None:
        current = getattr(request, "_page_valid_until", None)
        request._page_valid_until = moment if current is None else min(current, moment)


@functools.cache
def code_version() -> str:
    """The templates, the project's code, its data files (the map's) and the
    static files' hashed names: a deploy renders every page again (nodes
    running different code during a deploy each keep their own copies)."""
    digest = hashlib.sha256(django.__version__.encode())
    base = Path(settings.BASE_DIR)
    skipped = {"node_modules", "tests", "bench", "media", "private", "staticfiles"}
    files = [Path(settings.STATIC_ROOT) / "staticfiles.json"]
    for folder, subfolders, names in os.walk(base):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in skipped and not name.startswith((".", "__"))
        )
        # And the data files pages are drawn from (members/data/: the map).
        files += [
            Path(folder, name)
            for name in names
            if name.endswith((".py", ".html")) or Path(folder).name == "data"
        ]
    for path in sorted(files):
        if path.is_file():
            digest.update(os.path.relpath(path, base).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class StoredPage:
    etag: str
    valid_until: float  # a timestamp
    content: bytes
    headers: list[tuple[str, str]]

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response[name] = value
        response.typeset = True  # stored typeset (_store)
        return response


def canonical_query(request, **values) -> None:
    """The query parameters the page shows, as the site's links spell them
    (None or "" for a parameter not set; page 1 is the page without one). A
    request spelling them otherwise is answered, but its page is not stored."""
    request._canonical_query = {
        name: [str(value)]
        for name, value in values.items()
        if value not in (None, "") and not (name == "page" and value == 1)
    }


def _asked(request, query: tuple[str, ...]) -> dict[str, list[str]]:
    """The request's parameters among `query`, empty ones dropped."""
    asked = {}
    for name in query:
        values = [value for value in request.GET.getlist(name) if value]
        if values:
            asked[name] = values
    return asked


def _page_key(request, models, query: tuple[str, ...]) -> str:
    parts = [
        code_version(),
        request.build_absolute_uri(request.path),
        repr(sorted(_asked(request, query).items())),
        timezone.localdate().isoformat(),
        data_version(*_resolved(models), *EVERY_PAGE),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _resolved(models) -> tuple:
    """Models, or "app_label.Model" for those of an app the view's module may
    not import (the event page shows registrations' places)."""
    return tuple(
        apps.get_model(model) if isinstance(model, str) else model for model in models
    )


def _same_for_everyone(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.accessed)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not get_nonce(request)
    )


def cacheable(request, query: tuple[str, ...]) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # Other parameters may show up in the page (pagination links).
        and set(request.GET).issubset(query)
    )


def cached_page(*models, query: tuple[str, ...] = (), cache_alias: str = "default"):
    """Serve the view from the shared cache while `models`' tables (and the
    header's) are unchanged (models, or "app_label.Model" labels). `query`:
    the query parameters the view reads (a view reading some declares them
    with canonical_query); a request with others is rendered without the
    cache. `cache_alias`: the cache the pages are stored in; pages outside
    "default" are kept no longer than that cache's TIMEOUT, and not in this
    process's RECENT_PAGES."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not cacheable(request, query):
                return view(request, *args, **kwargs)
            key = _page_key(request, models, query)
            stored = _recall(key, cache_alias)
            if stored is not None:
                response = (
                    get_conditional_response(request, etag=stored.etag)
                    or stored.response()
                )
                response["ETag"] = stored.etag
                return response
            response = view(request, *args, **kwargs)
            if _same_for_everyone(request, response) and _canonical(request, query):
                stored = _store(request, key, response, cache_alias)
                response["ETag"] = stored.etag
            return response

        return wrapper

    return decorator


def _canonical(request, query: tuple[str, ...]) -> bool:
    """Whether the request spelled its parameters as the site's links do
    (a view without parameters has one spelling: none)."""
    canonical = getattr(request, "_canonical_query", {})
    return _asked(request, query) == canonical


def _remember(key: str, stored: StoredPage) -> None:
    with _recent_lock:
        RECENT_PAGES[key] = stored
        RECENT_PAGES.move_to_end(key)
        while len(RECENT_PAGES) > RECENT_PAGES_MAX:
            RECENT_PAGES.popitem(last=False)  # the least recently served


def _recall(key: str, cache_alias: str) -> StoredPage | None:
    """The page stored under `key`, from this process or the shared cache,
    if its times of day have not passed."""
    stored = RECENT_PAGES.get(key) if cache_alias == "default" else None
    if stored is not None:
        with _recent_lock:
            if key in RECENT_PAGES:
                RECENT_PAGES.move_to_end(key)
    else:
        stored = caches[cache_alias].get(key)
        if stored is not None and cache_alias == "default":
            _remember(key, stored)
    if stored is None or timezone.now().timestamp() >= stored.valid_until:
        return None
    return stored


def _store(request, key: str, response, cache_alias: str) -> StoredPage:
    now = timezone.now().timestamp()
    store = caches[cache_alias]
    valid_until = now + (
        DEFAULT_TIMEOUT
        if cache_alias == "default"
        else min(DEFAULT_TIMEOUT, store.default_timeout)
    )
    moment = getattr(request, "_page_valid_until", None)
    if moment is not None:
        valid_until = min(valid_until, moment.timestamp())
    tag = hashlib.sha256(f"{key}:{valid_until}".encode()).hexdigest()[:32]
    # Stored as it leaves the site: typeset once here, not on every request.
    typeset_response(response)
    stored = StoredPage(
        etag=f'"{tag}"',
        valid_until=valid_until,
        content=response.content,
        headers=list(response.headers.items()),
    )
    if valid_until > now:
        store.set(key, stored, timeout=valid_until - now)
        if cache_alias == "default":
            _remember(key, stored)
    return stored
