"""The demo pages from the original site's presentation."""

import pytest
from django.urls import reverse

from association.models import SiteSettings
from members.models import Member
from pages.models import ContactMessage, Page
from tests.shared_data import load_demo

pytestmark = pytest.mark.django_db


def test_demo_pages_follow_the_seed_and_count_cities_from_data(client, demo):
    response = client.get("/le-reseau/adn/")
    html = response.content.decode()
    assert (
        "Un réseau d’élus au service des élus pour des politiques éducatives "
        "territoriales" in html
    )
    count = Member.objects.active().count()
    assert f"il regroupe {count} villes françaises" in html
    assert "120 villes" not in html
    for url in (
        "/le-reseau/",
        "/le-reseau/gouvernance/",
        "/le-reseau/groupes-de-travail/",
        "/le-reseau/rencontres-nationales/",
    ):
        assert client.get(url).status_code == 200, url


def test_loading_the_demo_twice_creates_nothing_new(demo):
    pages = Page.objects.count()
    load_demo()
    assert Page.objects.count() == pages
    assert ContactMessage.objects.count() == 2
    assert SiteSettings.objects.count() == 1


def test_demo_inbox_has_one_message_to_forward_again(admin_client, demo):
    response = admin_client.get(
        reverse("admin:pages_contactmessage_changelist"), {"transmis": "non"}
    )
    assert "Interview sur les Rencontres nationales" in response.content.decode()
    assert "Adhésion de notre commune" not in response.content.decode()
