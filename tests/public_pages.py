"""Every public URL of the site, enumerated from the URL configuration.

The quality gates (accessibility, security headers, page weight, query
budgets, fuzzing) walk this list, so a new page is checked without anyone
remembering to add it: a route that is missing below fails the tests until it
gets a sample and a query budget."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from calendar_app.models import Event
from members.models import Member

# Namespaces that are not public pages.
PRIVATE_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Route:
    name: str  # "calendar:month"
    route: str  # "agenda/<int:year>/<int:month>/"
    params: tuple[str, ...]


def iter_routes(patterns=None, prefix="", namespace=None):
    """Yield every named route of the URLconf, namespaced, with its parameters."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner in PRIVATE_NAMESPACES:
                continue
            yield from iter_routes(
                pattern.url_patterns, prefix + str(pattern.pattern), inner
            )
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:  # DEBUG-only media serving
                continue
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            converters = getattr(pattern.pattern, "converters", {})
            yield Route(name, prefix + str(pattern.pattern), tuple(converters))


def _public_event() -> Event:
    return Event.objects.public().order_by("starts_at").first()


def _past_year() -> int:
    return timezone.localdate().year - 1


# How to build a real URL for each route that takes parameters. Called with
# the demo data loaded.
SAMPLE_KWARGS = {
    "calendar:month": lambda: {"year": 2023, "month": 2},
    "calendar:archives": lambda: {"year": _past_year()},
    "calendar:event": lambda: {"slug": _public_event().slug},
    "calendar:event-ical": lambda: {"slug": _public_event().slug},
    "members:city": lambda: {"slug": Member.objects.active().first().slug},
}

# Most SQL queries a page may run, whatever the amount of data. Asserted with
# the demo data and with ten times more.
QUERY_BUDGETS = {
    "home": 0,
    "health": 0,
    "ready": 1,
    "calendar:current-month": 4,
    "calendar:month": 4,
    "calendar:upcoming": 4,
    "calendar:archives": 4,
    "calendar:event": 1,
    "calendar:event-ical": 3,
    "calendar:feed": 4,
    "calendar:subscribe": 1,
    "members:cities": 1,
    "members:city": 3,
    "members:join": 2,
}


def public_urls() -> dict[str, str]:
    """{route name: a URL of it}, for every public route."""
    urls = {}
    for route in iter_routes():
        if route.params:
            if route.name not in SAMPLE_KWARGS:
                raise LookupError(
                    f"No sample URL for {route.name!r} ({route.route}): "
                    "add one to SAMPLE_KWARGS in tests/public_pages.py."
                )
            urls[route.name] = reverse(route.name, kwargs=SAMPLE_KWARGS[route.name]())
        else:
            urls[route.name] = reverse(route.name)
    return urls
