"""The stored search documents (rfve_site/fulltext.py) on both databases: every
way of writing a row reaches the index, each searched field is in it, the
index is complete after all migrations, and no query string is syntax."""

import importlib
import json

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection

from calendar_app.models import Event
from members.communes import normalise_name
from news.models import Article
from pages.search import matching_events, search_words, site_search
from rfve_site.fulltext import FTS_SUFFIX, VECTOR_COLUMN
from tests.factories import (
    ArticleFactory,
    DocumentFactory,
    EventFactory,
    MemberFactory,
    PageFactory,
    paris,
)

pytestmark = pytest.mark.django_db

INDEXED_TABLES = [
    "calendar_app_event",
    "members_localauthority",
    "news_article",
    "news_document",
    "pages_page",
    "mailings_mailing",
]


def _titles(query: str) -> dict[str, list[str]]:
    return {
        group.kind: [hit.title for hit in group.hits] for group in site_search(query)
    }


def _events(query: str) -> list[str]:
    return _titles(query).get("events", [])


# --- Every way of writing reaches the index ---------------------------------------


def test_created_event_is_found():
    EventFactory(title="Atelier cantines")
    assert _events("cantines") == ["Atelier cantines"]


def test_edited_event_is_found_by_its_new_text_only():
    event = EventFactory(title="Atelier cantines")
    event.title = "Atelier jardins"
    event.save()
    assert _events("cantines") == []
    assert _events("jardins") == ["Atelier jardins"]


def test_queryset_update_reaches_the_index():
    event = EventFactory(title="Atelier", description="Les cantines.")
    Event.objects.filter(pk=event.pk).update(description="Les jardins.")
    assert _events("cantines") == []
    assert _events("jardins") == ["Atelier"]


def test_update_of_other_fields_keeps_the_row_found():
    event = EventFactory(title="Atelier cantines")
    Event.objects.filter(pk=event.pk).update(address="1 place Bellecour")
    assert _events("cantines") == ["Atelier cantines"]


def test_bulk_created_events_are_found():
    event_type = EventFactory().event_type
    start = paris(2023, 1, 5, 14)
    Event.objects.bulk_create(
        Event(
            title=f"Réunion {n}",
            slug=f"reunion-{n}",
            event_type=event_type,
            starts_at=start,
            ends_at=start,
            status=Event.Status.PUBLISHED,
            place="Villeurbanne",
        )
        for n in range(3)
    )
    assert sorted(_events("villeurbanne")) == ["Réunion 0", "Réunion 1", "Réunion 2"]


def test_upserted_events_are_found_by_their_new_text():
    """bulk_create(update_conflicts=True), as load_communes does."""
    event = EventFactory(title="Atelier cantines")
    event.pk, event.title = None, "Atelier jardins"
    Event.objects.bulk_create(
        [event], update_conflicts=True, unique_fields=["slug"], update_fields=["title"]
    )
    assert _events("cantines") == []
    assert _events("jardins") == ["Atelier jardins"]


def test_deleted_events_are_gone_from_the_index():
    kept = EventFactory(title="Atelier cantines")
    EventFactory(title="Cantines d’hier").delete()
    EventFactory(title="Cantines anciennes")
    Event.objects.filter(title="Cantines anciennes").delete()
    assert _events("cantines") == [kept.title]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM calendar_app_event{FTS_SUFFIX}")
            assert cursor.fetchone()[0] == Event.objects.count()


def test_loaded_fixtures_are_indexed_when_created_and_when_updated(tmp_path):
    page = PageFactory(title="Cantines scolaires")
    fixture = json.loads(serializers.serialize("json", [page]))
    page.delete()
    path = tmp_path / "page.json"
    path.write_text(json.dumps(fixture))
    call_command("loaddata", str(path), verbosity=0)
    assert _titles("cantines").get("pages") == ["Cantines scolaires"]

    fixture[0]["fields"]["title"] = "Jardins partagés"
    path.write_text(json.dumps(fixture))
    call_command("loaddata", str(path), verbosity=0)
    assert "pages" not in _titles("cantines")
    assert _titles("jardins").get("pages") == ["Jardins partagés"]


# --- Each searched field is in the index ------------------------------------------


@pytest.mark.parametrize("field", ["title", "summary", "description", "place"])
def test_event_fields(field):
    EventFactory(**{"title": "Atelier", field: "Zanzibar"})
    assert _events("zanzibar") == ["Zanzibar" if field == "title" else "Atelier"]


@pytest.mark.parametrize("field", ["title", "lead", "body"])
def test_article_fields(field):
    ArticleFactory(**{"title": "Plénière", field: "Zanzibar"})
    assert len(_titles("zanzibar").get("articles", [])) == 1


@pytest.mark.parametrize(
    ("factory", "kind"), [(DocumentFactory, "documents"), (PageFactory, "pages")]
)
@pytest.mark.parametrize("field", ["title", "summary", "body"])
def test_document_and_page_fields(factory, kind, field):
    factory(**{"title": "Manifeste", field: "Zanzibar"})
    assert len(_titles("zanzibar").get(kind, [])) == 1


@pytest.mark.parametrize("field", ["name", "department_name", "region_name"])
def test_city_fields(field):
    MemberFactory(**{"authority__name": "Lyon", f"authority__{field}": "Zanzibar"})
    assert len(_titles("zanzibar").get("cities", [])) == 1


def test_city_renamed_in_the_reference_is_found_by_its_new_name():
    member = MemberFactory(authority__name="Évry")
    type(member.authority).objects.filter(pk=member.authority_id).update(
        name="Évry-Courcouronnes"
    )
    assert _titles("courcouronnes") == {"cities": ["Évry-Courcouronnes"]}


def test_draft_article_stays_hidden_though_indexed():
    ArticleFactory(title="Zanzibar", status=Article.Status.DRAFT)
    assert _titles("zanzibar") == {}


# --- Accents, case, ligatures, plurals ---------------------------------------------


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("École des parents", "ecole"),
        ("ecole des parents", "ÉCOLE"),
        ("Chef-d’œuvre", "oeuvre"),
        ("Cœur de ville", "coeur"),
        ("Les cantines", "cantine"),
        ("Égalité filles-garçons", "garcons"),
        ("L’éducation populaire", "education"),
        ("Manifeste 2030", "2030"),
    ],
)
def test_accents_case_ligatures_and_plurals(title, query):
    EventFactory(title=title)
    assert _events(query) == [title]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="prefixes are SQLite's")
def test_same_hits_and_order_as_every_word_starting_a_word_on_sqlite():
    """What the search did before the index: each word of the query starts a
    word of the title or text (both without accents), titles holding every
    word first, then the newest."""
    texts = [
        ("Éducation à la citoyenneté", "Cœur de ville", "Lyon"),
        ("Petite enfance", "L’éducation des tout-petits", "Rennes"),
        ("Cités éducatives", "Programme national", "Saint-Étienne"),
        ("Temps périscolaire", "Éduquer ensemble, 2030", "En ligne"),
        ("Égalité filles-garçons", "Éducation et égalité", "Lille"),
    ]
    for day, (title, summary, place) in enumerate(texts, start=1):
        EventFactory(
            title=title, summary=summary, place=place, starts_at=paris(2024, 1, day)
        )

    def before(query: str) -> list[str]:
        words = search_words(query)
        hits = []
        for event in Event.objects.order_by("-starts_at"):
            text = f" {normalise_name(f'{event.title} {event.summary} {event.place}')}"
            title = f" {normalise_name(event.title)}"
            if all(f" {word}" in text for word in words):
                hits.append((not all(f" {word}" in title for word in words), event))
        return [event.title for _, event in sorted(hits, key=lambda hit: hit[0])]

    for query in ("educ", "éducation", "egal", "coeur", "ville lyon", "2030", "cit"):
        assert _events(query) == before(query), query


# --- Nothing the visitor types is syntax ------------------------------------------

HOSTILE = [
    '"',
    '"éducation',
    'éducation"',
    "éducation*",
    "*",
    "* éducation",
    "NEAR(éducation lille)",
    "éducation NEAR lille",
    "éducation AND lille",
    "éducation OR zanzibar",
    "NOT zanzibar",
    "-éducation",
    "éducation -lille",
    "(éducation",
    "éducation)",
    "title:éducation",
    "{title text}: éducation",
    "^éducation",
    "éducation + lille",
    "éducation\x00lille",
    "éduc\\ation",
    "éducation' OR '1'='1",
    "éducation; DROP TABLE calendar_app_event; --",
    "é" * 200,
    " ".join(["éducation"] * 400),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(query):
    EventFactory(title="Séminaire éducation", place="Lille")
    site_search(query)  # no exception
    site_search(query.replace("\x00", ""))


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_a_page(client, query):
    EventFactory(title="Séminaire éducation", place="Lille")
    assert client.get("/recherche/", {"q": query}).status_code == 200


def test_operators_are_words():
    EventFactory(title="Séminaire éducation", place="Lille")
    EventFactory(title="Lille near the station")
    assert _events("éducation lille") == ["Séminaire éducation"]
    assert _events("NEAR lille") == ["Lille near the station"]
    assert _events("(éducation) lille*") == ["Séminaire éducation"]


# --- The index is complete after all migrations -----------------------------------

EVENT_INDEX = importlib.import_module(
    "calendar_app.migrations.0008_event_search_document"
).EVENT_INDEX


def test_running_the_index_again_repairs_it():
    """What to do after a migration that rebuilt the table on SQLite, which
    drops its triggers; harmless on PostgreSQL."""
    EventFactory(title="Atelier cantines")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                cursor.execute(f'DROP TRIGGER "calendar_app_event_fts_{event}"')
        else:  # ALTER TABLE waits for no deferred foreign key check
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Event.objects.update(title="Atelier jardins")  # not indexed on SQLite
        for statement in EVENT_INDEX.statements(connection.vendor):
            cursor.execute(statement)
    assert _events("cantines") == []
    assert _events("jardins") == ["Atelier jardins"]
    Event.objects.update(title="Atelier potagers")
    assert _events("potagers") == ["Atelier potagers"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
@pytest.mark.parametrize("table", INDEXED_TABLES)
def test_every_fts_table_has_its_triggers(table):
    """A migration that rebuilds a table on SQLite (some AlterField do)
    drops its triggers: recreate them after it (SearchIndex.sqlite())."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [table],
        )
        triggers = {row[0] for row in cursor.fetchall()}
    fts = table + FTS_SUFFIX
    search_triggers = {name for name in triggers if name.startswith(fts)}
    assert search_triggers == {f"{fts}_insert", f"{fts}_update", f"{fts}_delete"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN")
@pytest.mark.parametrize("table", INDEXED_TABLES)
def test_every_search_vector_reads_its_gin_index(table):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM {table} WHERE {VECTOR_COLUMN} @@ "
            "websearch_to_tsquery('french_unaccent', 'cantines')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"{table}_search" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN")
def test_event_search_reads_the_gin_index_on_postgresql():
    """With an agenda of some size the planner picks the index."""
    event_type = EventFactory().event_type
    start = paris(2023, 1, 5, 14)
    Event.objects.bulk_create(
        Event(
            title=f"Réunion {n}",
            slug=f"reunion-{n}",
            event_type=event_type,
            starts_at=start,
            ends_at=start,
            status=Event.Status.PUBLISHED,
            description="Ordre du jour à venir. " * 20,
        )
        for n in range(5000)
    )
    query = matching_events("cantines", ["cantines"]).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE calendar_app_event")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "calendar_app_event_search" in plan, plan
