import datetime as dt
import hashlib
import itertools

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import urlencode
from django.views.decorators.http import condition

from members.models import WorkingGroup
from rfve_site.data_version import data_version
from rfve_site.page_cache import cached_page, canonical_query, code_version, keep_until

from . import ical
from .dates import local_midnight
from .forms import EventFilterForm
from .models import Event, EventType
from .months import (
    WEEKDAY_NAMES,
    month_days_with_events,
    month_list_page,
    month_weeks,
    shift_month,
)

# The agenda covers these years; beyond them a URL is a 404, not a 500.
YEARS = range(1900, 2101)
UPCOMING_PER_PAGE = 20
FEED_CACHE_SECONDS = 24 * 3600


def _first_day_or_404(year: int, month: int = 1) -> dt.date:
    if year not in YEARS:
        raise Http404("Cette année n’est pas couverte par l’agenda.")
    try:
        return dt.date(year, month, 1)
    except ValueError:
        raise Http404("Ce mois n’existe pas.") from None


def month_redirect(request, year: str, month: str):
    """Another spelling of a month (`/agenda/2027/1/`): a permanent redirect
    to its one address, filters kept, so that links, the sitemap and the page
    cache hold one copy of each month."""
    first_day = _first_day_or_404(int(year), int(month))
    url = reverse("calendar:month", args=(first_day.year, first_day.month))
    if request.GET:
        url = f"{url}?{request.GET.urlencode()}"
    return HttpResponsePermanentRedirect(url)


# What the agenda's pages show: events, their types, the groups of the filter.
AGENDA_MODELS = (Event, EventType, WorkingGroup)
FILTERS = ("type", "groupe")


@cached_page(*AGENDA_MODELS, query=(*FILTERS, "page"))
def month_calendar(request, year: int | None = None, month: int | None = None):
    today = timezone.localdate()
    if year is None:
        first_day = today.replace(day=1)
    else:
        first_day = _first_day_or_404(year, month)
    filters = EventFilterForm(request.GET)
    canonical_query(request, **filters.canonical)
    events = list(
        filters.apply(Event.objects.public())
        .in_month(first_day.year, first_day.month)
        .for_grid()
    )
    weeks = month_weeks(first_day, events, today)
    days_with_events = month_days_with_events(weeks)
    list_page, listed_days = month_list_page(days_with_events, request.GET.get("page"))
    next_event = None
    if not days_with_events:
        next_event = (
            filters.apply(Event.objects.public())
            .filter(starts_at__gte=timezone.now())
            .order_by("starts_at")
            .first()
        )
        # Announced until it starts.
        keep_until(request, next_event and next_event.starts_at)
    previous_month, next_month = shift_month(first_day, -1), shift_month(first_day, 1)
    context = {
        "first_day": first_day,
        "weeks": weeks,
        "weekday_names": WEEKDAY_NAMES,
        "page": list_page,
        "listed_days": listed_days,
        "next_event": next_event,
        "previous_month": previous_month if previous_month.year in YEARS else None,
        "next_month": next_month if next_month.year in YEARS else None,
        "current_month": today.replace(day=1),
        "filters": filters,
    }
    return render(request, "calendar_app/month.html", context)


@cached_page(*AGENDA_MODELS, query=(*FILTERS, "page"))
def upcoming(request):
    filters = EventFilterForm(request.GET)
    events = filters.apply(Event.objects.public()).upcoming()
    # Each event ending leaves the list (and moves the pages after it).
    keep_until(request, events.next_end())
    page = Paginator(events.select_related("event_type"), UPCOMING_PER_PAGE).get_page(
        request.GET.get("page")
    )
    canonical_query(request, **filters.canonical, page=page.number)
    context = {
        "page": page,
        "archive_year": timezone.localdate().year,
        "filters": filters,
    }
    return render(request, "calendar_app/upcoming.html", context)


@cached_page(*AGENDA_MODELS, query=FILTERS)
def archives(request, year: int):
    _first_day_or_404(year)
    filters = EventFilterForm(request.GET)
    canonical_query(request, **filters.canonical)
    of_year = filters.apply(Event.objects.public()).in_year(year)
    now = timezone.now()
    events = of_year.filter(ends_at__lt=now).select_related("event_type")
    # An event of the year enters the archive when it ends.
    keep_until(request, of_year.upcoming(now).next_end())
    context = {
        "year": year,
        "events": events,
        "years": Event.objects.public().dates("starts_at", "year", order="DESC"),
        "filters": filters,
    }
    return render(request, "calendar_app/archives.html", context)


def _can_preview(request) -> bool:
    """Drafts and internal events are previewed by those who edit events, not
    by any staff account (a treasurer, the bureau)."""
    return request.user.has_perm("calendar_app.change_event")


def _visible_event_or_404(request, slug: str) -> Event:
    """Public events for everyone; drafts and internal ones only for those
    previewing them from the admin."""
    event = get_object_or_404(Event.objects.select_related("event_type"), slug=slug)
    if not event.is_public and not _can_preview(request):
        raise Http404("Cet événement n’est pas public.")
    return event


# The event, its type, the publications linked to it and the registration
# box (registrations' places: calendar_app does not import that app).
EVENT_PAGE_MODELS = (
    *AGENDA_MODELS,
    "calendar_app.EventPhoto",
    "news.Article",
    "news.Category",
    "news.Document",
    "registrations.RegistrationSettings",
    "registrations.EventDay",
    "registrations.Registration",
)


@cached_page(*EVENT_PAGE_MODELS)
def event_detail(request, slug: str):
    event = _visible_event_or_404(request, slug)
    context = {
        "event": event,
        "photos": list(event.photos.shown()),
        "structured_data": event.structured_data(
            request.build_absolute_uri("/").rstrip("/")
        ),
    }
    return render(request, "calendar_app/event_detail.html", context)


def subscribe(request):
    """How to subscribe to the feed (all events or one type) in common software,
    and the months it covers."""
    feed_url = request.build_absolute_uri(reverse("calendar:feed"))
    feeds = [("Tout l’agenda", feed_url)] + [
        (event_type.name, f"{feed_url}?{urlencode({'type': event_type.slug})}")
        for event_type in EventType.objects.all()
    ]
    context = {
        "feeds": feeds,
        # webcal:// makes the click open the calendar application, subscribed.
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        "months_before": ical.FEED_MONTHS_BEFORE,
        "months_after": ical.FEED_MONTHS_AFTER,
        "current_year": timezone.localdate().year,
    }
    return render(request, "calendar_app/subscribe.html", context)


def _calendar_response(
    content: bytes, filename: str, *, download: bool
) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _downloadable_events(request):
    """The events whose .ics this visitor may get. The conditional-request
    checks run before the view: on a draft they would answer 304 or 412 where
    the view answers 404, telling that the slug exists."""
    return Event.objects.all() if _can_preview(request) else Event.objects.public()


def _event_etag(request, slug):
    stamp = (
        _downloadable_events(request)
        .filter(slug=slug)
        .values_list("sequence", "updated_at")
        .first()
    )
    return f"{slug}-{stamp[0]}-{stamp[1].timestamp()}" if stamp else None


def _event_last_modified(request, slug):
    return (
        _downloadable_events(request)
        .filter(slug=slug)
        .values_list("updated_at", flat=True)
        .first()
    )


@condition(etag_func=_event_etag, last_modified_func=_event_last_modified)
def event_ical(request, slug: str):
    event = _visible_event_or_404(request, slug)
    return _calendar_response(ical.event_calendar(event), f"{slug}.ics", download=True)


def ical_feed(request):
    """The subscribable feed (the months of ical.feed_window). Calendar
    clients poll it: an unchanged feed answers 304. A changed one is streamed
    as it is rendered, in constant memory, its pieces stored in the cache as
    they go; every other subscriber gets them from the cache."""
    filters = EventFilterForm(request.GET)
    today = timezone.localdate()
    # The agenda's tables' version catches every change (type names and
    # groups included), today's date the window's move, the code's version a
    # deploy. No Last-Modified: a deletion does not move it, so
    # If-Modified-Since alone would keep a deleted event.
    version = "-".join(
        (
            filters.query_string,
            data_version(*AGENDA_MODELS),
            today.isoformat(),
            code_version(),
        )
    )
    etag = f'"{hashlib.sha256(version.encode()).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        name = "Agenda du Réseau français des villes éducatrices"
        if filters.label:
            name += f" – {filters.label}"
        window = ical.feed_window(today)
        events = (
            filters.apply(Event.objects.public())
            .overlapping(*(local_midnight(day) for day in window))
            .select_related("event_type")
            .order_by("starts_at", "pk")
        )
        parts = _cached_parts(
            f"agenda-feed:{etag}", lambda: ical.feed_parts(events, name, window)
        )
        response = StreamingHttpResponse(
            parts, content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="agenda-rfve.ics"'
    response["ETag"] = etag
    return response


def _cached_parts(key: str, build):
    """The pieces of build() (a generator), from the cache if they are all
    there, else produced and stored one by one; the count is stored last, so
    an interrupted response leaves nothing that looks complete. A piece
    evicted meanwhile is produced again, and the rest with it."""
    count = cache.get(key)
    if count is not None:
        for index in range(count):
            part = cache.get(f"{key}:{index}")
            if part is None:
                yield from itertools.islice(build(), index, None)
                return
            yield part
        return
    count = 0
    for part in build():
        cache.set(f"{key}:{count}", part, timeout=FEED_CACHE_SECONDS)
        count += 1
        yield part
    cache.set(key, count, timeout=FEED_CACHE_SECONDS)
