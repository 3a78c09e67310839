import datetime as dt
import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import urlencode
from django.views.decorators.http import condition

from members.models import WorkingGroup
from rfve_site.page_cache import cached_page, canonical_query, keep_until

from . import ical
from .forms import EventFilterForm
from .models import Event, EventType
from .months import WEEKDAY_NAMES, month_days_with_events, month_weeks, shift_month

# The agenda covers these years; beyond them a URL is a 404, not a 500.
YEARS = range(1900, 2101)
UPCOMING_PER_PAGE = 20
# The subscribable feed: a year of history and everything ahead, not decades.
FEED_HISTORY = dt.timedelta(days=365)
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


@cached_page(*AGENDA_MODELS, query=FILTERS)
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
        .select_related("event_type")
    )
    weeks = month_weeks(first_day, events, today)
    days_with_events = month_days_with_events(weeks)
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
        "days_with_events": days_with_events,
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
        "structured_data": event.structured_data(
            request.build_absolute_uri("/").rstrip("/")
        ),
    }
    return render(request, "calendar_app/event_detail.html", context)


def subscribe(request):
    """How to subscribe to the feed (all events or one type) in common software."""
    feed_url = request.build_absolute_uri(reverse("calendar:feed"))
    feeds = [("Tout l’agenda", feed_url)] + [
        (event_type.name, f"{feed_url}?{urlencode({'type': event_type.slug})}")
        for event_type in EventType.objects.all()
    ]
    context = {
        "feeds": feeds,
        # webcal:// makes the click open the calendar application, subscribed.
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
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
    """The subscribable feed. Calendar clients poll it: an unchanged feed
    answers 304, and a changed one is built once and then served from the cache
    to every other subscriber."""
    filters = EventFilterForm(request.GET)
    since = timezone.now() - FEED_HISTORY
    events = filters.apply(Event.objects.public()).filter(ends_at__gte=since)
    stamp = events.aggregate(count=Count("pk"), latest=Max("updated_at"))
    # The count catches deletions, the latest change catches edits, and the
    # day catches events leaving the window. No Last-Modified: a deletion does
    # not move it, so If-Modified-Since alone would keep a deleted event.
    version = (
        f"{filters.query_string}-{stamp['count']}-"
        f"{stamp['latest'] and stamp['latest'].timestamp()}-{timezone.localdate()}"
    )
    etag = f'"{hashlib.sha256(version.encode()).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        name = "Agenda du Réseau français des villes éducatrices"
        if filters.label:
            name += f" – {filters.label}"
        content = cache.get_or_set(
            f"agenda-feed:{etag}",
            lambda: ical.feed_calendar(events.select_related("event_type"), name),
            timeout=FEED_CACHE_SECONDS,
        )
        response = _calendar_response(content, "agenda-rfve.ics", download=False)
    response["ETag"] = etag
    return response
