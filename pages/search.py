"""Site search across published events, pages, member cities, published
articles and documents.

Each kind's table holds an indexed search document (rfve_site/fulltext.py,
built by the migrations of the app that owns the table). On PostgreSQL:
French stemming after unaccent, ranked. On SQLite (FTS5): every word of the
query must start a word of the text, both without accents or case ("educ"
finds "Éducation"), title matches first."""

import datetime as dt
import functools
import html
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import QuerySet
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from calendar_app.models import Event, EventType
from members.communes import normalise_name
from members.models import LocalAuthority, Member
from news.models import Article, Category, Document
from rfve_site.fulltext import matching
from rfve_site.markup import render_markdown

from .models import Page

RESULTS_PER_KIND = 20
# Every table a result page shows: its cached copies are keyed by their
# version (pages/views.py, rfve_site/page_cache.py).
SEARCHED_MODELS = (
    Event,
    EventType,
    Article,
    Category,
    Document,
    Page,
    Member,
    LocalAuthority,
)
# Apps beside this one (the newsletter's archive) add their tables and hits
# through their AppConfig (searched_models, site_search), without an import.
SEARCHED_MODELS += tuple(
    label
    for config in apps.get_app_configs()
    for label in getattr(config, "searched_models", ())
)
# The columns a hit shows (.only(): rows are read whole otherwise).
EVENT_FIELDS = ("title", "slug", "summary", "description", "place", "starts_at")
ARTICLE_FIELDS = ("title", "slug", "lead", "body", "kind", "publish_at")
AUTHORITY_FIELDS = ("name", "department_name", "region_name")
# Words before and after the first match in an excerpt.
EXCERPT_BEFORE, EXCERPT_AFTER = 10, 25


def search_words(query: str) -> list[str]:
    """The query as lower-case words without accents; single letters dropped."""
    return [word for word in normalise_name(query).split() if len(word) > 1]


@dataclass
class Hit:
    title: str
    url: str
    excerpt: SafeString
    detail: str = ""  # the type of an event
    when: dt.datetime | None = None  # the start of an event


@dataclass
class Group:
    kind: str  # "events", "articles", "documents", "pages", "cities"
    label: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # more than RESULTS_PER_KIND matched


# --- Excerpts -------------------------------------------------------------------

_WORD = re.compile(r"(\w+)")


@functools.lru_cache(maxsize=1024)
def plain_text(markdown: str) -> str:
    """What a reader sees of a Markdown text, as one line of plain text.

    Rendering Markdown was most of a search's time once the database answered
    from its index: each process remembers the texts it rendered last (the
    text is the key, so an edited text is rendered afresh)."""
    text = html.unescape(strip_tags(render_markdown(markdown)))
    return " ".join(text.split())


@functools.lru_cache(maxsize=8192)
def _plain_word(word: str) -> str:
    """A word of a text as the query's words are: lower case, no accents."""
    return normalise_name(word).replace(" ", "")


def _stem(word: str) -> str:
    """A rough French stem, to highlight "éducation" for "éducatives" as
    PostgreSQL matches it: the word less its last letters."""
    return word[: max(4, len(word) - 3)] if len(word) > 4 else word


def excerpt(text: str, words: list[str]) -> SafeString:
    """A few dozen words of `text` around the first matched word, matches in
    <mark>; the beginning of the text when no word matches (a title hit).

    Words that start with a query word are marked; failing any, words that
    share its stem (what PostgreSQL matched)."""
    parts = _WORD.split(text)  # separators at even indexes, words at odd ones
    plain = {i: _plain_word(parts[i]) for i in range(1, len(parts), 2)}

    def marked_by(prefixes: list[str]) -> set[int]:
        return {i for i, word in plain.items() if word.startswith(tuple(prefixes))}

    marked = marked_by(words) or marked_by([_stem(word) for word in words])
    first = min(marked, default=1)
    start = max(0, first - 2 * EXCERPT_BEFORE)
    end = min(len(parts), first + 2 * EXCERPT_AFTER)
    pieces, unmarked = [], []  # escape runs of unmarked words at once
    for i in range(start, end):
        if i in marked:
            pieces += [escape("".join(unmarked)), f"<mark>{escape(parts[i])}</mark>"]
            unmarked = []
        else:
            unmarked.append(parts[i])
    body = "".join([*pieces, escape("".join(unmarked))]).strip()
    if start > 0:
        body = f"… {body}"
    if end < len(parts):
        body = f"{body} …"
    return mark_safe(body)  # noqa: S308 - every part escaped


# --- Matching (rfve_site/fulltext.py) -----------------------------------------


def _limited(queryset: QuerySet) -> tuple[list, bool]:
    rows = list(queryset[: RESULTS_PER_KIND + 1])
    return rows[:RESULTS_PER_KIND], len(rows) > RESULTS_PER_KIND


def matching_events(query: str, words: list[str]) -> QuerySet:
    return matching(
        Event.objects.public()
        .select_related("event_type")
        # What a hit shows: not the image, address and bookkeeping columns.
        .only(*EVENT_FIELDS, "event_type__name"),
        query,
        words,
        title="title",
        order=["-starts_at"],
    )


def _event_hits(query: str, words: list[str]) -> Group:
    events, more = _limited(matching_events(query, words))
    hits = []
    for event in events:
        parts = [event.summary, plain_text(event.description), event.place]
        text = " ".join(filter(None, parts))
        hits.append(
            Hit(
                event.title,
                event.get_absolute_url(),
                excerpt(text, words),
                detail=event.event_type.name,
                when=event.starts_at,
            )
        )
    return Group("events", "Rendez-vous de l’agenda", hits, more)


def _article_hits(query: str, words: list[str]) -> Group:
    articles, more = _limited(
        matching(
            Article.objects.published()
            .select_related("category")
            .only(*ARTICLE_FIELDS, "category__name"),
            query,
            words,
            title="title",
            order=["-publish_at"],
        )
    )
    hits = [
        Hit(
            article.title,
            article.get_absolute_url(),
            excerpt(f"{article.lead} {plain_text(article.body)}", words),
            detail=article.get_kind_display()
            if article.is_press_release
            else article.category.name,
            when=article.publish_at,
        )
        for article in articles
    ]
    return Group("articles", "Actualités et communiqués", hits, more)


def _summary_and_body_hits(queryset, query, words, *, order, key, label) -> Group:
    """Hits on what has a title, a summary and a Markdown body (documents,
    pages): the excerpt is taken from the summary and the body's text."""
    found, more = _limited(
        matching(
            queryset,
            query,
            words,
            title="title",
            order=order,
        )
    )
    hits = [
        Hit(
            item.title,
            item.get_absolute_url(),
            excerpt(f"{item.summary} {plain_text(item.body)}", words),
        )
        for item in found
    ]
    return Group(key, label, hits, more)


def _document_hits(query: str, words: list[str]) -> Group:
    return _summary_and_body_hits(
        Document.objects.published().only("title", "slug", "summary", "body"),
        query,
        words,
        order=["-date"],
        key="documents",
        label="Publications",
    )


def _page_hits(query: str, words: list[str]) -> Group:
    return _summary_and_body_hits(
        Page.objects.published().only("title", "path", "summary", "body"),
        query,
        words,
        order=["path"],
        key="pages",
        label="Pages",
    )


def _city_hits(query: str, words: list[str]) -> Group:
    members, more = _limited(
        matching(
            Member.objects.active()
            .select_related("authority")
            .only("slug", *(f"authority__{name}" for name in AUTHORITY_FIELDS)),
            query,
            words,
            title="authority__name",
            order=["authority__name"],
        )
    )
    hits = []
    for member in members:
        authority = member.authority
        place = f"{authority.department_name}, {authority.region_name}".strip(", ")
        hits.append(
            Hit(authority.name, member.get_absolute_url(), excerpt(place, words))
        )
    return Group("cities", "Villes adhérentes", hits, more)


def _other_apps_hits(query: str, words: list[str]) -> list[Group]:
    """Hits of the apps that offer their own (AppConfig.site_search): each
    gives its kind, label, items (title, url, Markdown text, detail, date) and
    whether there are more."""
    groups = []
    for config in apps.get_app_configs():
        if not hasattr(config, "site_search"):
            continue
        key, label, found, more = config.site_search(query, words, RESULTS_PER_KIND)
        hits = [
            Hit(
                item.title,
                item.url,
                excerpt(plain_text(item.markdown), words),
                detail=item.detail,
                when=item.when,
            )
            for item in found
        ]
        groups.append(Group(key, label, hits, more))
    return groups


def site_search(query: str) -> list[Group]:
    """Hits for the query grouped by kind (events, articles, documents, pages,
    cities), empty groups left out. Five SQL queries."""
    words = search_words(query)
    if not words:
        return []
    finders = (_event_hits, _article_hits, _document_hits, _page_hits, _city_hits)
    groups = [find(query, words) for find in finders]
    groups += _other_apps_hits(query, words)
    return [group for group in groups if group.hits]
