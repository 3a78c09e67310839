"""The old site's addresses answer 301 to their new home (issue 14 §4)."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from pages.models import LegacyRedirect
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:pages_legacyredirect_add")

seed_migration = importlib.import_module("pages.migrations.0010_seed_legacy_redirects")


@pytest.fixture(autouse=True)
def seeded():
    """The migration's seed (run again: a flushing test may have emptied the
    table; running it twice also proves it idempotent)."""
    seed_migration.seed(apps, None)
    seed_migration.seed(apps, None)


@pytest.mark.parametrize(
    "old, new",
    [
        ("/adn", "/le-reseau/adn/"),
        ("/adn/", "/le-reseau/adn/"),
        ("/communique-de-presse.html", "/presse/"),
        (
            "/actualites/rencontres-avec-le-cabinet-de-la-ministre-et-les-deputes-de-"
            "la-commission-culture-et-education/",
            "/actualites/",
        ),
        ("/?p=2090", "/publications/texte-d-orientation-municipales-2026/"),
    ],
)
def test_each_known_old_address_answers_one_301(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new  # one hop, no APPEND_SLASH detour


def test_the_seed_covers_the_known_addresses():
    assert LegacyRedirect.objects.count() == len(seed_migration.LEGACY_ADDRESSES)


def test_an_old_article_address_serves_the_article_when_it_exists(client, demo):
    response = client.get(
        "/actualites/rencontres-avec-le-cabinet-de-la-ministre-et-les-deputes-de-"
        "la-commission-culture-et-education/"
    )
    assert response.status_code == 200


def test_query_string_order_and_extra_encoding_do_not_matter(client):
    LegacyRedirect.objects.create(
        old_path="index.php", query="page=agenda&lang=fr", target="/agenda/"
    )
    for query in [
        "lang=fr&page=agenda",
        "page=agenda&lang=fr",
        "lang=%66r&page=agenda",
    ]:
        response = client.get(f"/index.php?{query}")
        assert response.status_code == 301, query
        assert response["Location"] == "/agenda/"
    assert client.get("/index.php?page=autre&lang=fr").status_code == 404


def test_an_address_without_query_redirects_whatever_its_parameters(client):
    assert client.get("/adn?utm_source=lettre")["Location"] == "/le-reseau/adn/"


def test_the_home_page_with_another_query_string_stays_home(client):
    assert client.get("/?p=1").status_code == 200
    assert client.get("/?utm_source=lettre").status_code == 200


def test_an_unknown_old_html_address_gets_the_french_404_at_once(client):
    response = client.get("/ancienne-page.html")
    assert response.status_code == 404  # not a 301 to "/ancienne-page.html/"
    assert "Page introuvable" in response.content.decode()


def test_a_live_page_wins_over_an_old_address(client):
    page = PageFactory(slug="adn")
    assert client.get(page.get_absolute_url()).status_code == 200


def test_a_normal_page_pays_no_query_for_the_table(client, django_assert_num_queries):
    page = PageFactory()
    client.get(page.get_absolute_url())  # warm the menu cache
    # The header's data version, the page and its children; never the table.
    with django_assert_num_queries(3) as queries:
        assert client.get(page.get_absolute_url()).status_code == 200
    assert not [q for q in queries.captured_queries if "legacyredirect" in q["sql"]]


@pytest.mark.parametrize(
    "path",
    [
        "/%00.html",
        "/adn%00",
        "/?p=%00",
        "/" + "a" * 3000 + ".html",
        "/?" + "p=1&" * 2000,
        "/%C0%AF.html",
        "/%2F%2Fevil.example",
    ],
)
def test_hostile_addresses_never_fail(client, path):
    assert client.get(path).status_code in {200, 400, 404}


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "le-reseau/adn/",
        "/ avec espace",
    ],
)
def test_the_admin_refuses_a_target_on_another_site(staff_client, target):
    response = staff_client.post(
        ADD_URL,
        {"old_path": "vieux.html", "query": "", "target": target, "note": ""},
    )
    assert response.status_code == 200
    assert (
        "les adresses d’autres sites ne sont pas acceptées" in response.content.decode()
    )
    assert not LegacyRedirect.objects.filter(old_path="vieux.html").exists()


def test_the_admin_normalises_what_the_secretariat_pastes(staff_client):
    response = staff_client.post(
        ADD_URL,
        {
            "old_path": "https://www.villeseducatrices.fr/index.php?b=2&a=1",
            "query": "",
            "target": "/agenda/",
            "note": "",
        },
    )
    assert response.status_code == 302
    entry = LegacyRedirect.objects.get(old_path="index.php")
    assert entry.query == "a=1&b=2"


def test_the_admin_refuses_a_loop_and_a_bare_home_page(staff_client):
    for old_path, query, target in [("adn-2", "", "/adn-2/"), ("", "", "/agenda/")]:
        response = staff_client.post(
            ADD_URL,
            {"old_path": old_path, "query": query, "target": target, "note": ""},
        )
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()


@pytest.mark.parametrize(
    "typed, path, query",
    [
        ("0 ?", "0", ""),
        ("/adn ?p=1", "adn", "p=1"),
        ("https://www.rfve.fr/adn/?b=2&a=1", "adn", "a=1&b=2"),
    ],
)
def test_a_pasted_address_is_kept_without_spaces_or_slashes(typed, path, query):
    redirect = LegacyRedirect(old_path=typed, target="/le-reseau/adn/")
    redirect.clean()
    assert (redirect.old_path, redirect.query) == (path, query)
