"""Association settings, legal pages, and the files for machines."""

import datetime as dt

import pytest
from django.db import connection
from django.template import loader
from django.test.utils import CaptureQueriesContext

from association.models import SiteSettings
from calendar_app.models import Event
from pages.models import Page
from rfve_site.typography import french_html as typeset
from tests.factories import EventFactory, PageFactory
from tests.markup import outer

pytestmark = pytest.mark.django_db


@pytest.fixture
def association():
    return SiteSettings.objects.create(
        name="Réseau des villes test",
        legal_form="Association loi 1901",
        seat_address="1 place de la Mairie\n69100 Villeurbanne",
        seat_city="Villeurbanne",
        rna="W691234567",
        siret="12345678900012",
        publication_director="Claire Morel",
        host_name="Hébergeur Exemple SAS",
        host_address="2 rue des Serveurs, 59100 Roubaix",
        host_phone="03 00 00 00 00",
        contact_email="contact@reseau.example",
        accessibility_state=SiteSettings.Conformity.PARTIAL,
        accessibility_rate="87 %",
        accessibility_audit_date=dt.date(2026, 3, 1),
        accessibility_audit_by="Cabinet Audit",
        accessibility_non_conformities="- Les PDF anciens ne sont pas balisés.",
    )


def test_legal_notice_shows_the_settings(client, association):
    html = client.get("/mentions-legales/").content.decode()
    for text in (
        "Réseau des villes test",
        "1 place de la Mairie<br>69100 Villeurbanne",
        "W691234567",
        "12345678900012",
        "Claire Morel",
        "Hébergeur Exemple SAS",
        "2 rue des Serveurs, 59100 Roubaix",
        "03 00 00 00 00",
        "contact@reseau.example",
    ):
        assert text in html, text


def test_the_publication_director_gets_her_own_title(client, association):
    html = client.get("/mentions-legales/").content.decode()
    assert "<dt>Direction de la publication</dt><dd>Claire Morel</dd>" in html
    association.publication_director_title = "directrice"
    association.save()
    html = client.get("/mentions-legales/").content.decode()
    assert "<dt>Directrice de la publication</dt><dd>Claire Morel</dd>" in html
    assert "directrice ou directeur" not in html.lower()


def test_settings_are_one_record(association):
    other = SiteSettings(name="Doublon")
    other.save()
    assert SiteSettings.objects.count() == 1
    assert SiteSettings.load().name == "Doublon"


def test_pages_work_before_any_settings_are_saved(client):
    html = client.get("/mentions-legales/").content.decode()
    assert "Réseau français des villes éducatrices" in html


def test_accessibility_statement(client, association):
    html = client.get("/accessibilite/").content.decode()
    assert "partiellement conforme" in html
    assert typeset("87 %") in html
    assert "1er mars 2026" in html
    assert "Cabinet Audit" in html
    assert "<li>Les PDF anciens ne sont pas balisés.</li>" in html
    assert "Défenseur des droits" in html
    assert "contact@reseau.example" in html


def test_footer_shows_name_seat_and_conformity_on_every_page(client, association):
    for url in ("/agenda/", "/villes/", "/mentions-legales/"):
        html = client.get(url).content.decode()
        footer = outer(html, "footer", class_="site-footer")
        assert "Réseau des villes test" in footer
        assert "Villeurbanne" in footer
        assert typeset("Accessibilité : partiellement conforme") in footer


def test_settings_changes_show_at_once(client, association):
    client.get("/agenda/")
    association.name = "Nouveau nom"
    association.save()
    assert "Nouveau nom" in client.get("/agenda/").content.decode()


def test_privacy_page_names_the_controller(client, association):
    html = client.get("/donnees-personnelles/").content.decode()
    assert "Réseau des villes test" in html
    assert "CNIL" in html


def test_error_pages_render_without_the_database(association):
    with CaptureQueriesContext(connection) as queries:
        for name in ("503.html", "500.html", "400.html", "403.html", "404.html"):
            html = loader.render_to_string(name)
            assert '<html lang="fr">' in html
    assert len(queries) == 0


def test_french_400_and_403_pages(client, association):
    html = loader.render_to_string("403.html")
    assert "Accès refusé" in html
    assert "Requête incorrecte" in loader.render_to_string("400.html")


def test_site_map_lists_published_pages(client, association):
    network = PageFactory(title="Le réseau", slug="le-reseau")
    PageFactory(title="Notre ADN", slug="adn", parent=network)
    PageFactory(title="Brouillon", slug="brouillon", is_published=False)
    html = client.get("/plan-du-site/").content.decode()
    assert 'href="/le-reseau/adn/"' in html
    assert "Brouillon" not in html
    for url in ("/agenda/", "/villes/", "/adherer/", "/mentions-legales/", "/contact/"):
        assert f'href="{url}"' in html


def test_sitemap_lists_every_published_page_and_no_draft(client, demo):
    PageFactory(title="Brouillon", slug="brouillon", is_published=False)
    xml = client.get("/sitemap.xml").content.decode()
    for page in Page.objects.filter(is_published=True):
        assert f"http://testserver{page.get_absolute_url()}</loc>" in xml
    assert "/brouillon/" not in xml
    for event in Event.objects.exclude(
        status__in=Event.VISIBLE_STATUSES, visibility=Event.Visibility.PUBLIC
    ):
        assert event.get_absolute_url() not in xml
    assert xml.count("/le-reseau/gouvernance/</loc>") == 1
    assert "/contact/</loc>" in xml
    assert "/recherche/" not in xml  # results pages are not for crawlers


def test_sitemap_leaves_out_draft_events(client, db):
    EventFactory(slug="publie")
    EventFactory(slug="brouillon", status=Event.Status.DRAFT)
    xml = client.get("/sitemap.xml").content.decode()
    assert "/agenda/evenements/publie/" in xml
    assert "/agenda/evenements/brouillon/" not in xml


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "admin" not in response.content.decode()


def test_security_txt(client, association):
    text = client.get("/.well-known/security.txt").content.decode()
    assert "Contact: mailto:contact@reseau.example" in text
    assert "Expires: " in text


def test_rss_feed_of_upcoming_events(client, db):
    from django.utils import timezone

    soon = timezone.now() + timezone.timedelta(days=3)
    EventFactory(title="Plénière <b>à venir</b>", starts_at=soon)
    EventFactory(title="Brouillon", starts_at=soon, status=Event.Status.DRAFT)
    response = client.get("/agenda/a-venir/flux.xml")
    xml = response.content.decode()
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "Plénière &lt;b&gt;à venir&lt;/b&gt;" in xml
    assert "Brouillon" not in xml
    assert client.get("/agenda/a-venir/atom.xml").status_code == 200


def test_pages_carry_canonical_and_opengraph_tags(client, association):
    html = client.get("/agenda/?type=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/agenda/">' in html
    assert '<meta property="og:title" content="Agenda de' in html
    assert '<meta property="og:url" content="http://testserver/agenda/">' in html
