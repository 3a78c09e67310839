"""Site search: published events, pages and member cities, grouped, with the
matched words; accents ignored on both databases, French stemming on
PostgreSQL; empty and hostile queries answered with a clear page."""

import pytest
from django.db import connection

from calendar_app.models import Event
from members.models import Member
from pages.search import excerpt, site_search
from rfve_site.typography import french_html as typeset
from tests.factories import EventFactory, MemberFactory, PageFactory
from tests.markup import outer

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


def _main(response) -> str:
    html = response.content.decode()
    return outer(html, "main")


def _titles(query: str) -> dict[str, list[str]]:
    return {
        group.kind: [hit.title for hit in group.hits] for group in site_search(query)
    }


@pytest.fixture
def content():
    EventFactory(
        title="Groupe de travail restauration scolaire",
        description="Les **cantines** et l’éducation au goût.",
    )
    EventFactory(title="Séminaire éducation artistique", place="Lille")
    EventFactory(
        title="Réunion interne sur l’éducation", visibility=Event.Visibility.INTERNAL
    )
    EventFactory(title="Brouillon éducation", status=Event.Status.DRAFT)
    PageFactory(title="Notre ADN", body="Des politiques **éducatives** locales.")
    PageFactory(title="Brouillon", body="Éducation populaire.", is_published=False)
    MemberFactory(authority__name="Saint-Étienne", authority__region_name="Loire")
    MemberFactory(authority__name="Évry-Courcouronnes", status=Member.Status.LEFT)


def test_unaccented_query_finds_accented_text(content):
    titles = _titles("education")
    assert titles["events"] == [
        "Séminaire éducation artistique",
        "Groupe de travail restauration scolaire",
    ]


def test_accented_query_finds_the_same(content):
    assert _titles("ÉDUCATION") == _titles("education")


def test_drafts_internal_events_unpublished_pages_and_former_members_are_hidden(
    content,
):
    found = str(_titles("education brouillon interne")) + str(_titles("evry"))
    for hidden in ("Brouillon", "interne", "Évry"):
        assert hidden not in found


def test_city_by_name_without_accent_or_hyphen(content):
    assert _titles("saint etienne") == {"cities": ["Saint-Étienne"]}


def test_every_word_must_match(content):
    assert _titles("éducation lille") == {"events": ["Séminaire éducation artistique"]}
    assert _titles("éducation zanzibar") == {}


def test_results_page_groups_hits_by_kind_and_marks_the_words(client, content):
    main = _main(client.get("/recherche/", {"q": "cantines"}))
    assert typeset("1 résultat pour « cantines »") in main
    assert "Rendez-vous de l’agenda" in main
    assert "<mark>cantines</mark>" in main
    assert "**" not in main  # the excerpt is text, not Markdown


def test_words_are_matched_at_their_start_only(content):
    assert _titles("ducation") == {}
    assert "events" in _titles("éduc")


@postgresql_only
def test_french_stemming_on_postgresql(content):
    # "éducatif" and "éducatives" share the stem "éduc".
    assert _titles("éducatif")["pages"] == ["Notre ADN"]
    assert _titles("cantine")["events"] == ["Groupe de travail restauration scolaire"]


@postgresql_only
def test_title_ranks_above_text_on_postgresql(content):
    EventFactory(title="Les cantines de demain")
    assert _titles("cantines")["events"][0] == "Les cantines de demain"


def test_excerpt_centres_on_the_first_match_and_escapes():
    text = " ".join(f"mot{n}" for n in range(100)) + " <b>éducation</b> fin"
    snippet = excerpt(text, ["education"])
    assert snippet.startswith("… ")
    assert "<mark>éducation</mark>" in snippet
    assert "&lt;b&gt;" in snippet
    assert "mot0 " not in snippet


def test_excerpt_without_a_match_starts_the_text():
    assert excerpt("Hôtel de ville", ["lyon"]) == "Hôtel de ville"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Saisissez un ou plusieurs mots."),
        ("   ", "Saisissez un ou plusieurs mots."),
        ("x" * 201, "Cette recherche est trop longue"),
        ("' \" ; -- & | ! ( ) :*", "aucun mot à chercher"),
        ("a", "aucun mot à chercher"),
    ],
)
def test_empty_and_hostile_queries_get_a_clear_page(client, content, query, message):
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == 200
    assert message in _main(response)


def test_search_error_is_tied_to_the_field(client, db):
    main = _main(client.get("/recherche/", {"q": "x" * 201}))
    assert 'aria-describedby="id_q_error"' in main
    assert 'id="id_q_error"' in main


def test_no_query_shows_the_form_only(client):
    main = _main(client.get("/recherche/"))
    assert 'role="search"' in main
    assert "résultat" not in main and "Saisissez" not in main


@pytest.mark.parametrize(
    "query",
    ["a & b", "!!!", "éducation:*", "(éducation", "-éducation", '"éducation', "or or"],
)
def test_query_syntax_is_not_interpreted(client, content, query):
    assert client.get("/recherche/", {"q": query}).status_code == 200


def test_nothing_found_suggests_what_to_do(client, content):
    main = _main(client.get("/recherche/", {"q": "zanzibar"}))
    assert typeset("Aucun résultat pour « zanzibar »") in main
    assert "plan du site" in main


def test_query_is_escaped_in_the_page(client, content):
    main = _main(client.get("/recherche/", {"q": "<script>alert(1)</script>"}))
    assert "<script>" not in main


def test_search_runs_five_queries_however_many_hits(
    client, content, django_assert_max_num_queries
):
    for n in range(30):
        EventFactory(title=f"Atelier éducation {n}")
    client.get("/")  # warm the header's cache (its version is one query)
    # Events, articles, documents, pages, cities, letters: one query each; the
    # page cache's version and the next scheduled article's time (page_cache.py).
    with django_assert_max_num_queries(6 + 1 + 2):
        main = _main(client.get("/recherche/", {"q": "éducation"}))
    assert "20 premiers" in main


def test_header_has_a_search_form_on_every_page(client, content):
    html = client.get("/agenda/").content.decode()
    assert 'action="/recherche/"' in html
