"""Search result pages served from the page cache (pages/views.py search,
rfve_site/page_cache.py): a repeated search costs the data's version query,
and any change to what a result page shows is seen on the next request."""

import pytest
from django.urls import reverse

from calendar_app.models import Event
from members.models import LocalAuthority, Member
from news.models import Article, Document
from pages.models import Page
from tests.factories import (
    ArticleFactory,
    DocumentFactory,
    EventFactory,
    EventTypeFactory,
    MemberFactory,
    PageFactory,
    paris,
)
from tests.pages.test_page_cache import Clock, get_from_cache, text

pytestmark = pytest.mark.django_db

URL = reverse("pages:search") + "?q=tonnelle"


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, paris(2026, 3, 10, 12))


@pytest.fixture
def found(clock):
    """One match of each kind for "tonnelle"."""
    return {
        "event": EventFactory(
            title="Atelier tonnelle",
            event_type=EventTypeFactory(name="Réunion plénière"),
            starts_at=paris(2026, 4, 2, 10),
        ),
        "article": ArticleFactory(
            title="La tonnelle du réseau",
            category__name="Vie du réseau",
            publish_at=paris(2026, 3, 2, 9),
        ),
        "document": DocumentFactory(title="Guide de la tonnelle"),
        "page": PageFactory(title="Nos tonnelles", body="Une page."),
        "member": MemberFactory(
            authority__name="Tonnelle-sur-Loire", authority__department_name="Rhône"
        ),
    }


def warm(client, django_assert_num_queries) -> str:
    client.get(URL)
    return text(get_from_cache(client, URL, django_assert_num_queries))


def test_a_repeated_search_is_served_from_the_cache(
    client, found, django_assert_num_queries
):
    page = warm(client, django_assert_num_queries)  # 1 query, no template

    for title in ["Atelier tonnelle", "La tonnelle du réseau", "Guide de la tonnelle"]:
        assert title in page
    assert "Nos tonnelles" in page
    assert "Tonnelle-sur-Loire" in page


def test_each_query_has_its_own_copy(client, found):
    client.get(URL)

    page = text(client.get(reverse("pages:search") + "?q=guide"))

    assert "Guide de la tonnelle" in page
    assert "Atelier tonnelle" not in page


def _rename(found, kind, title):
    item = found[kind]
    item.title = title
    item.save()


def _rename_event(found):
    _rename(found, "event", "Atelier tonnelle de printemps")


def _rename_event_type(found):
    found["event"].event_type.name = "Assemblée générale"
    found["event"].event_type.save()


def _rename_article(found):
    _rename(found, "article", "La tonnelle du réseau, suite")


def _rename_category(found):
    found["article"].category.name = "Vie des villes"
    found["article"].category.save()


def _rename_document(found):
    _rename(found, "document", "Guide de la tonnelle, 2e édition")


def _rename_page(found):
    _rename(found, "page", "Nos tonnelles fleuries")


def _member_leaves(found):
    found["member"].status = Member.Status.LEFT
    found["member"].save()


def _rename_commune(found):
    authority = found["member"].authority
    authority.department_name = "Loire-Atlantique"
    authority.save()


def _rename_communes_in_bulk(found):
    LocalAuthority.objects.filter(pk=found["member"].authority_id).update(
        department_name="Loire-Atlantique"
    )


def _unpublish_in_bulk(found):
    Document.objects.filter(pk=found["document"].pk).update(is_published=False)


def _new_event(found):
    EventFactory(title="Tonnelle d’été", status=Event.Status.PUBLISHED)


def _new_page(found):
    PageFactory(title="Tonnelle et jardins")


def _unpublish_article(found):
    Article.objects.filter(pk=found["article"].pk).update(status=Article.Status.DRAFT)


def _delete_page(found):
    Page.objects.filter(pk=found["page"].pk).delete()


# (what changes, what the next request shows, or no longer shows)
CHANGES = [
    (_rename_event, "Atelier tonnelle de printemps", True),
    (_new_event, "Tonnelle d’été", True),
    (_rename_event_type, "Assemblée générale", True),
    (_rename_article, "La tonnelle du réseau, suite", True),
    (_unpublish_article, "La tonnelle du réseau", False),
    (_rename_category, "Vie des villes", True),
    (_rename_document, "Guide de la tonnelle, 2e édition", True),
    (_unpublish_in_bulk, "Guide de la tonnelle", False),
    (_rename_page, "Nos tonnelles fleuries", True),
    (_new_page, "Tonnelle et jardins", True),
    (_delete_page, "Nos tonnelles", False),
    (_member_leaves, "Tonnelle-sur-Loire", False),
    (_rename_commune, "Loire-Atlantique", True),
    (_rename_communes_in_bulk, "Loire-Atlantique", True),
]


@pytest.mark.parametrize(
    ("change", "seen", "shown"),
    CHANGES,
    ids=[change.__name__.strip("_") for change, *_ in CHANGES],
)
def test_every_change_shows_on_the_next_request(
    client, found, django_assert_num_queries, change, seen, shown
):
    assert (seen in warm(client, django_assert_num_queries)) is not shown

    change(found)

    assert (seen in text(client.get(URL))) is shown


def test_a_scheduled_article_appears_at_its_time(
    client, clock, found, django_assert_num_queries
):
    ArticleFactory(title="Tonnelle programmée", publish_at=paris(2026, 3, 10, 12, 30))
    assert "Tonnelle programmée" not in warm(client, django_assert_num_queries)

    clock.moment = paris(2026, 3, 10, 12, 30, 1)  # within the hour it is kept

    assert "Tonnelle programmée" in text(client.get(URL))
