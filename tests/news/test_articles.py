"""Issue 14, §1 and §2: articles, scheduled publication, drafts, feeds, press."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from association.models import SiteSettings
from news.models import Article
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    DocumentFactory,
    EventFactory,
    WorkingGroupFactory,
    paris,
)

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

ATOM = "{http://www.w3.org/2005/Atom}"
TOMORROW_NINE = paris(2026, 12, 1, 9)
DISTINCT = "Périscolarité"


@pytest.fixture
def clock(monkeypatch):
    """A frozen clock: clock(moment) sets what timezone.now() answers."""

    def set_now(moment: dt.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def _public_places(client, article: Article) -> dict[str, bool]:
    """Where a visitor could find the article, place by place."""
    event, group = article.events.first(), article.working_groups.first()
    pages = {
        "liste": reverse("news:list"),
        "rubrique": article.category.get_absolute_url(),
        "archives": reverse("news:year", args=[2026]),
        "accueil": reverse("home"),
        "rss": reverse("news:rss"),
        "atom": reverse("news:atom"),
        "rss rubrique": reverse("news:category-rss", args=[article.category.slug]),
        "sitemap": reverse("sitemap"),
        "recherche": reverse("pages:search") + f"?q={DISTINCT}",
        "événement": event.get_absolute_url(),
        "groupe": reverse("pages:group", args=[group.slug]),
    }
    found = {
        place: article.get_absolute_url() in client.get(url).content.decode()
        for place, url in pages.items()
    }
    found["page"] = client.get(article.get_absolute_url()).status_code == 200
    return found


@pytest.fixture
def scheduled():
    """Published, set for tomorrow 9:00, linked to an event and a group."""
    article = ArticleFactory(
        title=f"{DISTINCT} : les villes se mobilisent",
        publish_at=TOMORROW_NINE,
    )
    article.events.add(EventFactory())
    article.working_groups.add(WorkingGroupFactory())
    return article


def test_scheduled_article_appears_by_itself_at_its_time(client, clock, scheduled):
    clock(TOMORROW_NINE - dt.timedelta(minutes=1))
    before = _public_places(client, scheduled)
    clock(TOMORROW_NINE)
    after = _public_places(client, scheduled)

    assert not any(before.values()), before
    assert all(after.values()), after


def test_drafts_are_never_public(client, clock, scheduled):
    Article.objects.filter(pk=scheduled.pk).update(status=Article.Status.DRAFT)
    clock(TOMORROW_NINE + dt.timedelta(days=30))
    assert not any(_public_places(client, scheduled).values())


def test_those_who_edit_articles_preview_drafts(client, django_user_model):
    draft = ArticleFactory(title="Bilan à relire", status=Article.Status.DRAFT)
    bureau = django_user_model.objects.create_user("bureau", is_staff=True)
    bureau.groups.add(Group.objects.get(name="Bureau"))
    client.force_login(bureau)
    assert client.get(draft.get_absolute_url()).status_code == 404

    secretariat = django_user_model.objects.create_user("secr", is_staff=True)
    secretariat.groups.add(Group.objects.get(name="Secrétariat"))
    client.force_login(secretariat)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Aperçu réservé à l’équipe" in page and "Bilan à relire" in page
    assert "application/ld+json" not in page


def test_list_is_newest_first_and_paginated(client):
    for day in range(1, 13):
        ArticleFactory(title=f"Article du {day} mars", publish_at=paris(2026, 3, day))
    first = client.get(reverse("news:list")).context["page"]
    second = client.get(reverse("news:list"), {"page": 2}).context["page"]
    assert [a.title for a in first][:2] == ["Article du 12 mars", "Article du 11 mars"]
    assert len(first) == 10 and [a.title for a in second][-1] == "Article du 1 mars"


def test_category_page_and_feed_hold_only_their_category(client):
    advocacy = CategoryFactory(name="Plaidoyer", slug="plaidoyer")
    ArticleFactory(title="Audience au ministère", category=advocacy)
    ArticleFactory(title="Assemblée générale")
    page = client.get(advocacy.get_absolute_url()).content.decode()
    feed = client.get(reverse("news:category-rss", args=["plaidoyer"]))
    titles = [i.findtext("title") for i in ET.fromstring(feed.content).iter("item")]

    assert "Audience au ministère" in page and "Assemblée générale" not in page
    assert titles == ["Audience au ministère"]
    assert client.get("/actualites/categorie/inconnue/").status_code == 404
    assert client.get("/actualites/categorie/inconnue/flux.xml").status_code == 404


def test_year_archive(client):
    ArticleFactory(title="Rentrée 2025", publish_at=paris(2025, 9, 1))
    ArticleFactory(title="Printemps 2026", publish_at=paris(2026, 4, 1))
    page = client.get(reverse("news:year", args=[2025])).content.decode()
    assert "Rentrée 2025" in page and "Printemps 2026" not in page
    assert client.get("/actualites/1200/").status_code == 404


@pytest.mark.parametrize("name", ["news:rss", "news:atom"])
def test_feeds_are_valid_xml_announced_on_the_pages(client, name):
    ArticleFactory(
        title="Rencontres & ateliers <2026>", lead="Deux jours\x0b d’échanges"
    )
    response = client.get(reverse(name))
    root = ET.fromstring(response.content)  # raises on malformed XML
    titles = [e.text for e in root.iter("title")] + [
        e.text for e in root.iter(f"{ATOM}title")
    ]
    assert "Rencontres & ateliers <2026>" in titles
    home = client.get(reverse("news:list")).content.decode()
    assert (
        f'rel="alternate" type="application/{"rss" if "rss" in name else "atom"}+xml"'
        in home
    )
    assert reverse(name) in home


def test_article_page_has_opengraph_and_news_article(client):
    article = ArticleFactory(title="Journée de plaidoyer", lead="Un chapô.")
    page = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert '<meta property="og:type" content="article">' in page
    assert (
        'property="article:published_time" content="2026-03-02T09:00:00+01:00"' in page
    )
    assert data["@type"] == "NewsArticle" and data["headline"] == "Journée de plaidoyer"
    assert data["datePublished"] == "2026-03-02T09:00:00+01:00"


def test_home_shows_the_three_latest(client):
    for day in range(1, 6):
        ArticleFactory(title=f"Nouvelle n° {day}", publish_at=paris(2026, 3, day))
    page = client.get(reverse("home")).content.decode()
    assert [f"Nouvelle n° {d}" in page for d in range(1, 6)] == [False, False] + [
        True
    ] * 3


def test_event_and_group_pages_list_their_articles_and_documents(client):
    event, group = EventFactory(), WorkingGroupFactory()
    article = ArticleFactory(title="Retour sur la plénière")
    article.events.add(event)
    article.working_groups.add(group)
    document = DocumentFactory(title="Compte rendu de la plénière")
    document.events.add(event)
    document.working_groups.add(group)
    hidden = DocumentFactory(title="Brouillon de compte rendu", is_published=False)
    hidden.events.add(event)

    for url in (event.get_absolute_url(), reverse("pages:group", args=[group.slug])):
        page = client.get(url).content.decode()
        assert "Retour sur la plénière" in page
        assert "Compte rendu de la plénière" in page and "(PDF, " in page
        assert "Brouillon de compte rendu" not in page


def test_press_page(client):
    settings = SiteSettings.load()
    settings.press_contact = "Chargée de communication"
    settings.press_email = "presse@villeseducatrices.fr"
    settings.save()
    ArticleFactory(title="Plan pauvreté", kind=Article.Kind.PRESS_RELEASE)
    ArticleFactory(title="Une actualité ordinaire")
    DocumentFactory(title="Présentation du réseau", in_press_kit=True)
    DocumentFactory(title="Compte rendu interne")

    page = client.get(reverse("news:press")).content.decode()

    assert "Plan pauvreté" in page and "Une actualité ordinaire" not in page
    assert "presse@villeseducatrices.fr" in page and "Chargée de communication" in page
    assert "Présentation du réseau" in page and "Compte rendu interne" not in page


def test_reserved_slugs_are_refused():
    article = ArticleFactory.build(slug="2026", category=CategoryFactory())
    with pytest.raises(Exception, match="réservée"):
        article.full_clean()


@pytest.mark.parametrize("name", ["news:rss", "news:atom"])
def test_feeds_survive_control_characters_stored_before_cleaning(client, name):
    from django.db.models import TextField, Value

    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(
        title=Value("Plénière\x0bde mars", output_field=TextField()),
        lead=Value("Ordre\x01 du jour\x0c", output_field=TextField()),
    )
    response = client.get(reverse(name))
    assert response.status_code == 200
    ET.fromstring(response.content)


def test_search_finds_articles_and_documents_by_their_text(client):
    ArticleFactory(title="Plénière", body="Les temps périscolaires en débat.")
    DocumentFactory(
        title="Manifeste", body="## Engagements\n\nLa restauration scolaire."
    )
    Article.objects.create(
        title="Brouillon périscolaire",
        slug="brouillon",
        category=CategoryFactory(),
        status=Article.Status.DRAFT,
    )
    page = client.get(reverse("pages:search"), {"q": "periscolaire"}).content.decode()
    documents = client.get(reverse("pages:search"), {"q": "restauration"})
    assert "Plénière" in page and "Brouillon" not in page
    assert "<mark>périscolaires</mark>" in page
    assert "Manifeste" in documents.content.decode()
