"""The other data pages served from the page cache (rfve_site/page_cache.py):
answered with one query while unchanged, and every kind of change to what
they show (each model they declare) is on the very next request."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.updates import logged_update
from calendar_app.models import Event
from members.models import Mandate, Member
from news.models import Article, Document
from registrations.models import Registration
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    DocumentFactory,
    EventFactory,
    EventTypeFactory,
    MandateFactory,
    MemberFactory,
    PersonFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    WorkingGroupFactory,
    paris,
)
from tests.pages.test_page_cache import Clock, text, warm

pytestmark = pytest.mark.django_db


def _save(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, paris(2023, 2, 10, 12))


@pytest.fixture
def world(clock):
    """Something of every kind the data pages show, linked together."""
    city = MemberFactory(authority__name="Villeurbanne")
    lead = PersonFactory(first_name="Camille", last_name="Durand", member=city)
    group = WorkingGroupFactory(name="Petite enfance", slug="petite-enfance", lead=lead)
    rencontres_type = EventTypeFactory(name="Rencontres", is_rencontres=True)
    event = EventFactory(
        title="Rencontres de Villeurbanne",
        slug="rencontres",
        event_type=rencontres_type,
        working_group=group,
        host=city,
        starts_at=paris(2023, 2, 14, 10),
    )
    RegistrationSettingsFactory(event=event, capacity=20)
    category = CategoryFactory(name="Vie du réseau", slug="vie-du-reseau")
    document = DocumentFactory(
        title="Manifeste éducatif", slug="manifeste", in_press_kit=True
    )
    document.events.add(event)
    document.working_groups.add(group)
    article = ArticleFactory(
        title="Les Rencontres approchent",
        slug="approchent",
        category=category,
        kind=Article.Kind.PRESS_RELEASE,
        publish_at=paris(2023, 1, 5, 9),
        document=document,
    )
    article.events.add(event)
    article.members.add(city)
    article.working_groups.add(group)
    mandate = MandateFactory(person=lead, start=dt.date(2020, 1, 1))
    return {
        "city": city,
        "lead": lead,
        "group": group,
        "event": event,
        "category": category,
        "document": document,
        "article": article,
        "mandate": mandate,
    }


URLS = {
    "event": lambda w: w["event"].get_absolute_url(),
    "cities": lambda w: reverse("members:cities"),
    "city": lambda w: reverse("pages:city", args=[w["city"].slug]),
    "governance": lambda w: reverse("pages:governance"),
    "groups": lambda w: reverse("pages:groups"),
    "group": lambda w: reverse("pages:group", args=["petite-enfance"]),
    "rencontres": lambda w: reverse("pages:rencontres"),
    "news": lambda w: reverse("news:list"),
    "news-year": lambda w: reverse("news:year", args=[2023]),
    "news-category": lambda w: reverse("news:category", args=["vie-du-reseau"]),
    "article": lambda w: reverse("news:article", args=["approchent"]),
    "press": lambda w: reverse("news:press"),
    "documents": lambda w: reverse("news:documents"),
    "document": lambda w: reverse("news:document", args=["manifeste"]),
}


def rename_event(w):
    _save(w["event"], title="Rencontres de printemps")


def rename_type(w):
    _save(w["event"].event_type, name="Assemblée générale")


def cancel_event(w):
    _save(w["event"], status=Event.Status.CANCELLED)


def unpublish_event(w):
    _save(w["event"], status=Event.Status.DRAFT)


def rename_authority(w):
    _save(w["city"].authority, name="Vaulx-en-Velin")


def city_leaves(w):
    logged_update(Member.objects.filter(pk=w["city"].pk), status=Member.Status.LEFT)


def rename_person(w):
    _save(w["lead"], last_name="Lefebvre")


def mandate_role(w):
    _save(w["mandate"], role=Mandate.Role.PRESIDENT)


def mandate_ends(w):
    _save(w["mandate"], end=dt.date(2023, 1, 31))


def rename_group(w):
    _save(w["group"], name="Enfance et familles")


def rename_category(w):
    _save(w["category"], name="Rubrique renommée")


def rename_article(w):
    _save(w["article"], title="Les Rencontres sont là")


def unpublish_article(w):
    _save(w["article"], status=Article.Status.DRAFT)


def new_article(w):
    ArticleFactory(
        title="Un nouvel article",
        category=w["category"],
        publish_at=paris(2023, 2, 1, 9),
    )


def rename_document(w):
    _save(w["document"], title="Manifeste révisé")


def unpublish_document(w):
    _save(w["document"], is_published=False)


def new_registration(w):
    RegistrationFactory(event=w["event"])


def registration_cancelled(w):
    registration = Registration.objects.get(event=w["event"])
    _save(registration, status=Registration.Status.CANCELLED)


def fewer_places(w):
    w["event"].registration_settings.days.update(capacity=5)


def registrations_closed(w):
    _save(w["event"].registration_settings, is_open=False)


# (page, change, text, whether the next request shows it)
CHANGES = [
    ("event", rename_event, "Rencontres de printemps", True),
    ("event", rename_type, "Assemblée générale", True),
    ("event", cancel_event, "Annulé", True),
    ("event", new_registration, "19\xa0places restantes", True),
    ("event", fewer_places, "5\xa0places restantes", True),
    ("event", registrations_closed, "Les inscriptions sont closes", True),
    ("event", rename_article, "Les Rencontres sont là", True),
    ("event", rename_document, "Manifeste révisé", True),
    ("cities", rename_authority, "Vaulx-en-Velin", True),
    ("cities", city_leaves, "Villeurbanne", False),
    ("city", rename_authority, "Vaulx-en-Velin", True),
    ("city", rename_event, "Rencontres de printemps", True),
    ("city", rename_type, "Assemblée générale", True),
    ("governance", rename_person, "Lefebvre", True),
    ("governance", mandate_role, "Présidence", True),
    ("governance", mandate_ends, "Durand", False),
    ("governance", rename_authority, "Vaulx-en-Velin", True),
    ("groups", rename_group, "Enfance et familles", True),
    ("groups", rename_person, "Lefebvre", True),
    ("groups", rename_authority, "Vaulx-en-Velin", True),
    ("groups", unpublish_event, "Prochaine réunion", False),
    ("group", rename_group, "Enfance et familles", True),
    ("group", rename_person, "Lefebvre", True),
    ("group", rename_event, "Rencontres de printemps", True),
    ("group", rename_type, "Assemblée générale", True),
    ("group", rename_article, "Les Rencontres sont là", True),
    ("group", rename_document, "Manifeste révisé", True),
    ("rencontres", rename_event, "Rencontres de printemps", True),
    ("rencontres", rename_type, "Assemblée générale", True),
    ("news", rename_article, "Les Rencontres sont là", True),
    ("news", unpublish_article, "Les Rencontres approchent", False),
    ("news", new_article, "Un nouvel article", True),
    ("news", rename_category, "Rubrique renommée", True),
    ("news-year", rename_article, "Les Rencontres sont là", True),
    ("news-category", rename_article, "Les Rencontres sont là", True),
    ("news-category", rename_category, "Rubrique renommée", True),
    ("article", rename_article, "Les Rencontres sont là", True),
    ("article", rename_category, "Rubrique renommée", True),
    ("article", rename_document, "Manifeste révisé", True),
    ("article", rename_event, "Rencontres de printemps", True),
    ("article", rename_authority, "Vaulx-en-Velin", True),
    ("article", rename_group, "Enfance et familles", True),
    ("press", rename_article, "Les Rencontres sont là", True),
    ("press", rename_document, "Manifeste révisé", True),
    ("documents", rename_document, "Manifeste révisé", True),
    ("documents", unpublish_document, "Manifeste éducatif", False),
    ("document", rename_document, "Manifeste révisé", True),
    ("document", rename_event, "Rencontres de printemps", True),
    ("document", rename_group, "Enfance et familles", True),
]


@pytest.mark.parametrize(
    ("page", "change", "seen", "shown"),
    CHANGES,
    ids=[f"{page}-{change.__name__}" for page, change, *_ in CHANGES],
)
def test_every_change_shows_on_the_next_request(
    client, world, django_assert_num_queries, page, change, seen, shown
):
    url = URLS[page](world)
    assert (seen in warm(client, url, django_assert_num_queries)) is not shown

    change(world)

    assert (seen in text(client.get(url))) is shown


def test_a_cancelled_registration_gives_its_place_back(
    client, world, django_assert_num_queries
):
    RegistrationFactory(event=world["event"])
    url = URLS["event"](world)
    assert "19\xa0places restantes" in warm(client, url, django_assert_num_queries)

    registration_cancelled(world)

    assert "20\xa0places restantes" in text(client.get(url))


def test_registrations_opening_shows_at_their_time(
    client,
    world,
    clock,
    django_assert_num_queries,
):
    _save(world["event"].registration_settings, opens_at=paris(2023, 2, 10, 12, 30))
    url = URLS["event"](world)
    assert "Les inscriptions ouvriront" in warm(client, url, django_assert_num_queries)

    clock.moment = paris(2023, 2, 10, 12, 30, 1)

    assert "20\xa0places restantes" in text(client.get(url))


# Where each page starts listing the events that are over.
PAST_HEADING = {
    "city": "<h3>Passés</h3>",
    "group": '<h2 id="passees">',
    "rencontres": '<h2 id="archives">',
}


def _listed(html: str, page: str, title: str) -> str:
    """Where the page lists the event: "à venir", "passé" (or nowhere)."""
    upcoming, _, past = html.partition(PAST_HEADING[page])
    places = [
        name
        for name, part in (("à venir", upcoming), ("passé", past))
        if f">{title}</a>" in part
    ]
    return " et ".join(places) or "nulle part"


@pytest.mark.parametrize("page", ["city", "group", "rencontres"])
def test_an_event_moves_to_the_past_when_it_ends(
    client,
    world,
    clock,
    django_assert_num_queries,
    page,
):
    url = URLS[page](world)
    title = world["event"].title
    assert _listed(warm(client, url, django_assert_num_queries), page, title) == (
        "à venir"
    )

    clock.moment = paris(2023, 2, 14, 12, 1)  # it ended at 12:00

    assert _listed(text(client.get(url)), page, title) == "passé"


@pytest.mark.parametrize("page", ["news", "press", "news-category"])
def test_a_scheduled_article_appears_at_its_time(
    client,
    world,
    clock,
    django_assert_num_queries,
    page,
):
    ArticleFactory(
        title="Le manifeste est publié",
        category=world["category"],
        kind=Article.Kind.PRESS_RELEASE,
        publish_at=paris(2023, 2, 10, 12, 30),
    )
    url = URLS[page](world)
    assert "Le manifeste est publié" not in warm(client, url, django_assert_num_queries)

    clock.moment = paris(2023, 2, 10, 12, 30, 1)

    assert "Le manifeste est publié" in text(client.get(url))


def test_pages_of_a_list_and_document_kinds_have_their_own_copies(client, world):
    other = DocumentFactory(title="Rapport annuel", kind=Document.Kind.MINUTES)
    filtered = text(client.get(URLS["documents"](world), {"type": other.kind}))
    assert "Rapport annuel" in filtered
    assert "Manifeste éducatif" not in filtered
    assert "Manifeste éducatif" in text(client.get(URLS["documents"](world)))
