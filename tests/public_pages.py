"""Every public URL of the site, enumerated from the URL configuration.

The quality gates (accessibility, security headers, page weight, query
budgets, fuzzing) walk this list, so a new page is checked without anyone
remembering to add it: a route that is missing below fails the tests until it
gets a sample and a query budget."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from calendar_app.models import Event
from mailings import links as letter_links
from mailings.models import Mailing, Subscriber, Topic
from members.models import Member, WorkingGroup
from news.models import Article, Category, Document
from registrations.links import personal_token
from registrations.models import Registration

# Namespaces that are not public pages.
PRIVATE_NAMESPACES = {"admin"}
# The sign-in's pages (django-allauth under /compte/) are behind the login,
# or steps of a flow, except these.
ACCOUNT_PREFIX = "compte/"
PUBLIC_ACCOUNT_ROUTES = {"account_login", "account_reset_password"}
# The members' area (/espace/) is behind its sign-in, whose first page is
# public (tests/espace checks the others, signed in).
AREA_PREFIX = "espace/"
PUBLIC_AREA_ROUTES = {"espace:sign-in"}


@dataclass(frozen=True)
class Route:
    name: str  # "calendar:month"
    route: str  # "agenda/<int:year>/<int:month>/"
    params: tuple[str, ...]


def iter_routes(patterns=None, prefix="", namespace=None, params=()):
    """Yield every named route of the URLconf, namespaced, with its parameters
    (those of the includes above it too: /agenda/evenements/<slug>/inscription/)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        converters = tuple(getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner in PRIVATE_NAMESPACES:
                continue
            yield from iter_routes(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                inner,
                params + converters,
            )
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:  # DEBUG-only media serving
                continue
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            path = prefix + str(pattern.pattern)
            if path.startswith(ACCOUNT_PREFIX) and name not in PUBLIC_ACCOUNT_ROUTES:
                continue
            if path.startswith(AREA_PREFIX) and name not in PUBLIC_AREA_ROUTES:
                continue
            yield Route(name, prefix + str(pattern.pattern), params + converters)


# Every sample is one row whatever the data: ties are broken by primary key
# (with ten times more events, ten share each start time).


def _public_event() -> Event:
    return Event.objects.public().order_by("starts_at", "pk").first()


def _past_year() -> int:
    return timezone.localdate().year - 1


def _news_category() -> Category:
    """The category with the most published articles."""
    return Category.objects.get(articles=Article.objects.published().first())


def _article_with_links() -> Article:
    """A published article linked to events, cities or groups (the richest)."""
    return Article.objects.published().exclude(events=None).first()


def _main_document() -> Document:
    """A published document with its accessible version."""
    return Document.objects.published().exclude(body="").order_by("-date", "pk")[0]


def _rencontres_slug() -> str:
    """The next Rencontres nationales, open for registration in the demo."""
    return Event.objects.rencontres().upcoming().order_by("starts_at", "pk")[0].slug


def _event_with_gallery() -> Event:
    """A past Rencontres nationales with its photos (the demo's gallery)."""
    return (
        Event.objects.public()
        .filter(photos__isnull=False, photos__withdrawn_at__isnull=True)
        .order_by("starts_at", "pk")
        .first()
    )


def _registration_token() -> dict:
    registration = (
        Registration.objects.confirmed()
        .filter(event__event_type__is_rencontres=True)
        .order_by("pk")[0]
    )
    return {"slug": registration.event.slug, "token": personal_token(registration)}


def _subscriber_email() -> str:
    return Subscriber.objects.order_by("pk")[0].email


def _confirmation_token() -> dict:
    topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True)[:2])
    return {"token": letter_links.confirmation_token("lea@exemple.fr", topics)}


def _latest_letter() -> str:
    return Mailing.objects.archived_letters().order_by("-started_at", "pk")[0].slug


# How to build a real URL for each route that takes parameters. Called with
# the demo data loaded.
SAMPLE_KWARGS = {
    "calendar:month": lambda: {"year": 2023, "month": 2},
    "calendar:archives": lambda: {"year": _past_year()},
    "calendar:event": lambda: {"slug": _public_event().slug},
    "calendar:event-ical": lambda: {"slug": _public_event().slug},
    "pages:city": lambda: {"slug": Member.objects.active().first().slug},
    "pages:group": lambda: {"slug": WorkingGroup.objects.active().first().slug},
    "page": lambda: {"path": "le-reseau/adn"},
    "news:year": lambda: {"year": Article.objects.published().first().publish_at.year},
    "news:category": lambda: {"slug": _news_category().slug},
    "news:category-rss": lambda: {"slug": _news_category().slug},
    "news:category-atom": lambda: {"slug": _news_category().slug},
    "news:article": lambda: {"slug": _article_with_links().slug},
    "news:document": lambda: {"slug": _main_document().slug},
    "news:download": lambda: {"slug": _main_document().slug},
    "registrations:register": lambda: {"slug": _rencontres_slug()},
    "registrations:done": lambda: {"slug": _rencontres_slug()},
    "registrations:waiting": lambda: {"slug": _rencontres_slug()},
    "registrations:manage": _registration_token,
    "mailings:letter": lambda: {"slug": _latest_letter()},
    "mailings:confirm": _confirmation_token,
    "mailings:preferences": lambda: {
        "token": letter_links.preferences_token(_subscriber_email())
    },
    "mailings:unsubscribe": lambda: {
        "token": letter_links.unsubscribe_token(_subscriber_email())
    },
}

# Pages that show a route in another state than its sample, checked by every
# gate too: {name: (route name, sample kwargs)}.
EXTRA_SAMPLES = {
    "calendar:event+galerie": (
        "calendar:event",
        lambda: {"slug": _event_with_gallery().slug},
    ),
}

# Most SQL queries a page may run, whatever the amount of data. Asserted with
# the demo data and with ten times more.
QUERY_BUDGETS = {
    # HTML pages: +3 for the header and footer (their data's version, menu
    # pages and association settings; the tests start with a cold cache, a
    # warm one costs the version only). Cached pages (rfve_site/page_cache.py)
    # +1 for their own data version; a warm cache costs that query only.
    # Cached lists of events or articles: +1 for the next time of day they
    # change (keep_until: an event ends, a scheduled article appears).
    "home": 12,
    "health": 0,
    "ready": 1,
    "calendar:current-month": 7,
    "calendar:month": 7,
    "calendar:upcoming": 9,
    "calendar:rss": 1,
    "calendar:atom": 1,
    "calendar:archives": 9,
    # +2 for the registration box (settings, places per day), +1 for the next
    # scheduled article linked to the event (its related publications), +1
    # for its gallery's photos.
    "calendar:event": 11,
    "calendar:event+galerie": 11,
    "calendar:event-ical": 3,
    "calendar:feed": 4,
    "calendar:subscribe": 4,
    "members:cities": 5,
    "pages:city": 8,
    "dues:join": 5,
    "pages:governance": 6,
    "pages:groups": 7,
    "pages:group": 12,  # +1: the next scheduled article linked to the group
    "pages:rencontres": 9,  # +1: the past editions' photos
    "pages:legal-notice": 3,
    "pages:privacy": 3,
    "pages:accessibility": 3,
    "pages:site-map": 6,
    "sitemap": 15,  # +1: the newsletter's letters
    "robots": 0,
    "security-txt": 3,
    # +2 for the page cache: the searched tables' version, the next scheduled article;
    # +1 for the newsletter's letters.
    "pages:search": 11,
    "pages:contact": 3,
    "pages:contact-sent": 3,
    "page": 6,
    "news:list": 9,
    "news:year": 9,
    "news:category": 10,
    "news:rss": 1,
    "news:atom": 1,
    "news:category-rss": 2,
    "news:category-atom": 2,
    "news:article": 8,
    "news:press": 8,
    "news:documents": 6,
    "news:document": 7,
    "news:download": 2,
    # The form: settings, places per day, rates, the days to choose.
    "registrations:register": 8,
    "registrations:done": 4,
    "registrations:waiting": 4,
    # The registration, its days, the event's days (to choose them again).
    "registrations:manage": 8,
    # The newsletter: the letters (+1 count, +1 page of them); the form's
    # topics; a confirmation's topics; a subscriber and its topics (+1 the
    # list to choose from); the unsubscription's page reads nothing.
    "mailings:letters": 5,
    "mailings:letter": 4,
    "mailings:subscribe": 4,
    "mailings:subscribe-sent": 3,
    "mailings:confirm": 4,
    "mailings:preferences": 6,
    "mailings:unsubscribe": 3,
    # The sign-in (django-allauth): the chrome only.
    "account_login": 4,
    "account_reset_password": 4,
    "espace:sign-in": 4,
}

# Query strings that make a route show what it is for (search results rather
# than an empty search form).
SAMPLE_QUERIES = {"pages:search": "q=%C3%A9ducation"}

# Routes that cannot answer 304: the contact form carries a per-visitor CSRF
# token; the probes answer before the middleware (rfve_site.middleware).
UNCACHEABLE = {
    "pages:contact",
    "mailings:subscribe",
    "mailings:confirm",
    "mailings:preferences",
    "registrations:register",
    "registrations:manage",
    "account_login",
    "account_reset_password",
    "espace:sign-in",
    "health",
    "ready",
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
        if route.name in SAMPLE_QUERIES:
            urls[route.name] += "?" + SAMPLE_QUERIES[route.name]
    for name, (route_name, kwargs) in EXTRA_SAMPLES.items():
        urls[name] = reverse(route_name, kwargs=kwargs())
    return urls
