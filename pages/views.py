"""Content pages, pages built from data (home, governance, working groups,
Rencontres nationales), legal pages and machine-readable files."""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Min, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Event, EventPhoto, EventType
from calendar_app.months import WEEKDAY_NAMES, month_weeks
from members.map import city_map
from members.models import LocalAuthority, Mandate, Member, Person, WorkingGroup
from news.models import Article, Category, Document
from rfve_site.markup import render_markdown
from rfve_site.page_cache import cached_page, canonical_query, keep_until

from . import privacy as privacy_statement
from .chrome import load_chrome
from .contact import MESSAGE_RETENTION, forward, sender_key, too_many
from .forms import ContactForm, SearchForm
from .models import (
    MEMBER_COUNT_PLACEHOLDER,
    PATH_MAX_LENGTH,
    PATH_PATTERN,
    Page,
    PageRedirect,
)
from .search import SEARCHED_MODELS, search_words, site_search

HOME_EVENT_COUNT = 5
HOME_ARTICLE_COUNT = 3
PAST_MEETINGS_SHOWN = 20
# Bureau first by role, as the statutes list them.
ROLE_ORDER = [
    Mandate.Role.PRESIDENT,
    Mandate.Role.VICE_PRESIDENT,
    Mandate.Role.TREASURER,
    Mandate.Role.SECRETARY,
    Mandate.Role.MEMBER,
]
SECURITY_TXT_VALIDITY = dt.timedelta(days=365)


def page_trail(path: str) -> tuple[Page | None, list[Page]]:
    """The published page at `path` (or None) and its published ancestors,
    outermost first, in one query."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:length]) for length in range(1, len(parts) + 1)]
    found = {
        page.path: page for page in Page.objects.published().filter(path__in=prefixes)
    }
    return found.get(path), [found[p] for p in prefixes[:-1] if p in found]


def page_detail(request, path: str):
    """Any page of the tree; an old address of a moved page redirects."""
    if len(path) > PATH_MAX_LENGTH or not PATH_PATTERN.fullmatch(path):
        raise Http404("Page introuvable.")
    page, ancestors = page_trail(path)
    if page is None:
        moved = (
            PageRedirect.objects.filter(old_path=path, page__is_published=True)
            .select_related("page")
            .first()
        )
        if moved:
            return HttpResponsePermanentRedirect(moved.page.get_absolute_url())
        raise Http404("Page introuvable.")
    context = {
        "page": page,
        "ancestors": ancestors,
        "children": page.children.published().only("title", "path", "summary"),
    }
    return render(request, "pages/page.html", context)


def _data_page(request, template: str, context: dict):
    """A page built from data (DATA_VIEW_NAMES), with the text of the Page at
    its address (if any) as introduction and its ancestors as breadcrumbs."""
    intro, ancestors = page_trail(request.path_info.strip("/"))
    context |= {"intro": intro, "ancestors": ancestors}
    return render(request, template, context)


@cached_page(Event, EventType, Member, LocalAuthority, WorkingGroup, Article, Category)
def home(request):
    today = timezone.localdate()
    now = timezone.now()
    first_day = today.replace(day=1)
    public = Event.objects.public().select_related("event_type")
    month_events = list(public.in_month(first_day.year, first_day.month).for_grid())
    members = list(Member.objects.active().select_related("authority"))
    member_count = len(members)
    presentation = load_chrome(request)["settings"].presentation
    context = {
        "presentation_html": render_markdown(
            presentation.replace(MEMBER_COUNT_PLACEHOLDER, str(member_count))
        ),
        "first_day": first_day,
        "weeks": month_weeks(first_day, month_events, today),
        "weekday_names": WEEKDAY_NAMES,
        "next_events": list(public.upcoming(now)[:HOME_EVENT_COUNT]),
        "figures": {
            "members": member_count,
            "events_this_year": Event.objects.public()
            .exclude(status=Event.Status.CANCELLED)
            .in_year(today.year)
            .count(),
            "groups": WorkingGroup.objects.active().count(),
        },
        "year": today.year,
        "map": city_map(members),
        "latest_articles": list(
            Article.objects.published(now).select_related("category")[
                :HOME_ARTICLE_COUNT
            ]
        ),
        "next_rencontres": public.rencontres()
        .exclude(status=Event.Status.CANCELLED)
        .upcoming(now)
        .first(),
    }
    # Times of day at which the page changes: an event shown ends, the next
    # scheduled article appears.
    for event in [*context["next_events"], context["next_rencontres"]]:
        keep_until(request, event and event.ends_at)
    keep_until(request, Article.objects.next_publication(now))
    return render(request, "pages/home.html", context)


def _by_role(mandates: list[Mandate]) -> list[Mandate]:
    return sorted(
        mandates,
        key=lambda m: (
            ROLE_ORDER.index(m.role),
            m.person.last_name,
            m.person.first_name,
        ),
    )


# A person's city: Member and its LocalAuthority.
PEOPLE = (Person, Member, LocalAuthority)


@cached_page(Mandate, *PEOPLE)
def governance(request):
    """The bureau and the board, from the mandates running today."""
    mandates = list(
        Mandate.objects.current()
        .filter(body__in=[Mandate.Body.BUREAU, Mandate.Body.BOARD])
        .select_related("person__member__authority")
    )
    context = {
        "bureau": _by_role([m for m in mandates if m.body == Mandate.Body.BUREAU]),
        "board": _by_role([m for m in mandates if m.body == Mandate.Body.BOARD]),
    }
    return _data_page(request, "pages/governance.html", context)


@cached_page(WorkingGroup, Event, *PEOPLE)
def working_groups(request):
    now = timezone.now()
    # A group's next meeting moves when one ends.
    keep_until(
        request,
        Event.objects.public().exclude(working_group=None).upcoming(now).next_end(),
    )
    upcoming = Event.public_condition("events__") & Q(events__ends_at__gte=now)
    groups = (
        WorkingGroup.objects.active()
        .select_related("lead__member__authority")
        .annotate(
            next_meeting=Min("events__starts_at", filter=upcoming),
            meeting_count=Count("events", filter=upcoming),
        )
    )
    return _data_page(request, "pages/working_groups.html", {"groups": groups})


@cached_page(WorkingGroup, Event, EventType, Article, Category, Document, *PEOPLE)
def working_group(request, slug: str):
    group = get_object_or_404(
        WorkingGroup.objects.select_related("lead__member__authority"), slug=slug
    )
    now = timezone.now()
    meetings = Event.objects.public().filter(working_group=group)
    keep_until(request, meetings.upcoming(now).next_end())  # from upcoming to past
    context = {
        "group": group,
        "description_html": render_markdown(group.description),
        "upcoming": meetings.upcoming(now).select_related("event_type"),
        "past": meetings.filter(ends_at__lt=now)
        .select_related("event_type")
        .order_by("-starts_at")[:PAST_MEETINGS_SHOWN],
        "feed_url": f"{reverse('calendar:feed')}?groupe={group.slug}",
    }
    return _data_page(request, "pages/working_group.html", context)


@cached_page(Event, EventType, EventPhoto)
def rencontres(request):
    """The Rencontres nationales: the next edition and the archive."""
    now = timezone.now()
    editions = (
        Event.objects.public()
        .rencontres()
        .select_related("event_type", "host__authority")
    )
    keep_until(request, editions.upcoming(now).next_end())  # from upcoming to past
    context = {
        "upcoming": list(editions.upcoming(now)),
        "past": list(
            editions.filter(ends_at__lt=now)
            .order_by("-starts_at")
            .prefetch_related(
                Prefetch("photos", EventPhoto.objects.shown(), to_attr="shown_photos")
            )
        ),
    }
    context["has_photos"] = any(event.shown_photos for event in context["past"])
    return _data_page(request, "pages/rencontres.html", context)


@cached_page(Member, LocalAuthority, Event, EventType)
def city_detail(request, slug: str):
    member = get_object_or_404(
        Member.objects.listed().select_related("authority"),
        slug=slug,
    )
    hosted = Event.objects.public().filter(host=member).select_related("event_type")
    now = timezone.now()
    keep_until(request, hosted.upcoming(now).next_end())  # from upcoming to past
    context = {
        "member": member,
        "upcoming_events": hosted.filter(ends_at__gte=now).order_by("starts_at"),
        "past_events": hosted.filter(ends_at__lt=now).order_by("-starts_at")[:10],
    }
    return render(request, "pages/city_detail.html", context)


def legal_notice(request):
    return render(request, "pages/legal_notice.html")


def privacy(request):
    association = load_chrome(request)["settings"]
    return render(
        request,
        "pages/privacy.html",
        {"processings": privacy_statement.processings(association)},
    )


def accessibility(request):
    return render(request, "pages/accessibility.html")


def _tree(pages: list[Page]) -> list[dict]:
    """Nested nodes {"page", "children"} from pages sorted by path."""
    nodes = {page.path: {"page": page, "children": []} for page in pages}
    roots = []
    for page in pages:
        parent = nodes.get(page.path.rpartition("/")[0])
        (parent["children"] if parent else roots).append(nodes[page.path])
    return roots


def site_map(request):
    pages = list(
        Page.objects.published().order_by("path").only("title", "path", "summary")
    )
    context = {
        "tree": _tree(pages),
        "groups": WorkingGroup.objects.active().only("name", "slug"),
        "news_categories": Category.objects.all(),
    }
    return render(request, "pages/site_map.html", context)


def robots_txt(request):
    """No database: crawlers ask for it often."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow:", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def security_txt(request):
    """RFC 9116: whom to tell about a vulnerability."""
    contact = (
        load_chrome(request)["settings"].contact_email or settings.DEFAULT_FROM_EMAIL
    )
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    expires = (today + SECURITY_TXT_VALIDITY).astimezone(dt.UTC)
    lines = [
        f"Contact: mailto:{contact}",
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: fr, en",
        f"Canonical: {request.build_absolute_uri(reverse('security-txt'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# Every query is a page of its own: stored apart, briefly (settings.CACHES).
@cached_page(*SEARCHED_MODELS, query=("q",), cache_alias="search")
def search(request):
    form = SearchForm(request.GET or None)
    groups = []
    canonical_query(request, q=form.is_valid() and form.cleaned_data["q"] or None)
    if form.is_valid():
        groups = site_search(form.cleaned_data["q"])
        # A scheduled article joins the results at its publication time.
        keep_until(request, Article.objects.next_publication(timezone.now()))
    context = {
        "form": form,
        "groups": groups,
        "count": sum(len(group.hits) for group in groups),
        "no_words": form.is_valid() and not search_words(form.cleaned_data["q"]),
    }
    return render(request, "pages/search.html", context)


def contact(request):
    form = ContactForm(request.POST or None)
    status = 200
    if form.is_valid():
        if form.is_spam:
            return redirect("pages:contact-sent")  # as if sent: teach robots nothing
        key = sender_key(request)
        if not too_many(form.cleaned_data["email"], key):
            message = form.save(commit=False)
            message.sender_key = key
            message.save()
            forward(message)
            return redirect("pages:contact-sent")
        form.add_error(
            None,
            "Vous nous avez déjà écrit plusieurs fois dans l’heure : votre message "
            "n’a pas été envoyé. Réessayez plus tard ; il est conservé ci-dessous.",
        )
        status = 429
    # The retention the daily purge applies, as /donnees-personnelles/ states it.
    retention = privacy_statement.duration(MESSAGE_RETENTION)
    return render(
        request,
        "pages/contact.html",
        {"form": form, "retention": retention},
        status=status,
    )


def contact_sent(request):
    return render(request, "pages/contact_sent.html")
