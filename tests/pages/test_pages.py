"""Content pages: Markdown sanitised, addresses that follow the tree and
survive moves, menu and breadcrumbs."""

import pytest
from django.core.exceptions import ValidationError

from pages.models import Page, PageRedirect
from tests.factories import MemberFactory, PageFactory
from tests.markup import inner, outer

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    return outer(html, "main")


@pytest.fixture
def network():
    return PageFactory(title="Le réseau", slug="le-reseau", in_menu=True)


def test_url_follows_the_tree(client, network):
    adn = PageFactory(title="Notre ADN", slug="adn", parent=network)
    assert adn.get_absolute_url() == "/le-reseau/adn/"
    response = client.get("/le-reseau/adn/")
    assert response.status_code == 200
    assert "<h1>Notre ADN</h1>" in response.content.decode()


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[clic](javascript:alert(1))",
        '<a href="javascript:alert(1)">clic</a>',
        '<iframe src="https://evil.example/"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<svg onload=alert(1)>",
    ],
)
def test_page_body_payloads_are_inert(client, payload):
    PageFactory(slug="piege", body=f"Texte.\n\n{payload}\n\nFin.")
    main = _main(client.get("/piege/")).lower()
    for dangerous in ("<script", "onerror", "onload", "javascript:", "<iframe"):
        assert dangerous not in main
    assert " style=" not in main


def test_markdown_is_rendered(client):
    PageFactory(slug="texte", body="## Sous-titre\n\n- un\n- deux\n\n[lien](/agenda/)")
    main = _main(client.get("/texte/"))
    assert "<h2>Sous-titre</h2>" in main
    assert "<li>un</li>" in main
    assert 'href="/agenda/"' in main


def test_member_count_comes_from_data(client):
    MemberFactory.create_batch(3)
    PageFactory(slug="adn", body="Le réseau regroupe {villes} villes.")
    assert "regroupe 3 villes" in _main(client.get("/adn/"))
    MemberFactory()
    assert "regroupe 4 villes" in _main(client.get("/adn/"))


def test_drafts_and_unknown_paths_are_not_found(client):
    PageFactory(slug="brouillon", is_published=False)
    assert client.get("/brouillon/").status_code == 404
    assert client.get("/nulle-part/").status_code == 404
    assert client.get("/a/b/c/d/").status_code == 404


def test_changing_the_slug_redirects_permanently(client, network):
    page = PageFactory(slug="adn", parent=network)
    page.slug = "notre-adn"
    page.save()
    response = client.get("/le-reseau/adn/")
    assert response.status_code == 301
    assert response["Location"] == "/le-reseau/notre-adn/"
    assert client.get("/le-reseau/notre-adn/").status_code == 200


def test_moving_a_parent_moves_and_redirects_its_children(client, network):
    child = PageFactory(slug="gouvernance-archive", parent=network)
    grandchild = PageFactory(slug="2020", parent=child)
    network.slug = "reseau"
    network.save()
    grandchild.refresh_from_db()
    assert grandchild.path == "reseau/gouvernance-archive/2020"
    response = client.get("/le-reseau/gouvernance-archive/2020/")
    assert response.status_code == 301
    assert response["Location"] == "/reseau/gouvernance-archive/2020/"
    assert client.get("/le-reseau/")["Location"] == "/reseau/"


def test_changing_the_parent_redirects(client, network):
    other = PageFactory(slug="association")
    page = PageFactory(slug="statuts", parent=network)
    page.parent = other
    page.save()
    assert client.get("/le-reseau/statuts/")["Location"] == "/association/statuts/"


def test_moves_in_a_chain_redirect_to_the_latest_address(client):
    page = PageFactory(slug="un")
    for slug in ("deux", "trois"):
        page.slug = slug
        page.save()
    assert client.get("/un/")["Location"] == "/trois/"
    assert client.get("/deux/")["Location"] == "/trois/"


def test_a_new_page_takes_over_an_old_address(client):
    page = PageFactory(slug="ancienne")
    page.slug = "nouvelle"
    page.save()
    PageFactory(slug="ancienne", title="Une autre page")
    assert not PageRedirect.objects.filter(old_path="ancienne").exists()
    assert client.get("/ancienne/").status_code == 200


def test_redirect_to_an_unpublished_page_is_not_found(client):
    page = PageFactory(slug="avant")
    page.slug = "apres"
    page.is_published = False
    page.save()
    assert client.get("/avant/").status_code == 404


def test_a_page_cannot_take_the_address_of_another_route():
    page = Page(title="Agenda", slug="agenda")
    with pytest.raises(ValidationError, match="autre partie du site"):
        page.full_clean()


def test_a_page_may_introduce_a_page_built_from_data(network):
    Page(title="Gouvernance", slug="gouvernance", parent=network).full_clean()


def test_a_page_cannot_be_its_own_ancestor(network):
    child = PageFactory(slug="enfant", parent=network)
    network.parent = child
    with pytest.raises(ValidationError, match="elle-même"):
        network.full_clean()


def test_other_routes_are_not_shadowed(client, network):
    assert client.get("/agenda/").status_code == 200
    assert client.get("/villes/").status_code == 200
    assert client.get("/sante/").content == b"ok"


def test_menu_lists_published_pages_marked_for_it(client, network):
    PageFactory(title="Rencontres", slug="rencontres", in_menu=True, menu_order=2)
    PageFactory(title="Cachée", slug="cachee", in_menu=True, is_published=False)
    PageFactory(title="Hors menu", slug="hors-menu")
    html = client.get("/agenda/").content.decode()
    nav = inner(html, "nav", **{"aria-label": "Navigation principale"})
    assert nav.index("Le réseau") < nav.index("Rencontres") < nav.index("Agenda")
    assert "Cachée" not in nav
    assert "Hors menu" not in nav
    for label in ("Agenda", "Villes adhérentes", "Adhérer"):
        assert f">{label}</a>" in nav


def test_menu_marks_the_current_page(client, network):
    html = client.get("/le-reseau/").content.decode()
    assert '<a href="/le-reseau/" aria-current="page">Le réseau</a>' in html


def test_breadcrumbs_show_the_published_ancestors(client, network):
    adn = PageFactory(title="Notre ADN", slug="adn", parent=network)
    PageFactory(title="Histoire", slug="histoire", parent=adn)
    html = client.get("/le-reseau/adn/histoire/").content.decode()
    crumbs = inner(html, "nav", **{"aria-label": "Fil d’Ariane"})
    assert '<a href="/">Accueil</a>' in crumbs
    assert crumbs.index("/le-reseau/") < crumbs.index("/le-reseau/adn/")
    assert '<li aria-current="page">Histoire</li>' in crumbs


def test_parent_page_lists_its_published_children(client, network):
    PageFactory(title="Notre ADN", slug="adn", parent=network, summary="Qui.")
    PageFactory(title="Secret", slug="secret", parent=network, is_published=False)
    main = _main(client.get("/le-reseau/"))
    assert "Notre ADN" in main and "Qui." in main
    assert "Secret" not in main


def test_admin_lists_pages_with_their_path(admin_client, network):
    PageFactory(title="Notre ADN", slug="adn", parent=network)
    html = admin_client.get("/admin/pages/page/").content.decode()
    assert "/le-reseau/adn/" in html
    assert admin_client.get("/admin/pages/page/add/").status_code == 200
