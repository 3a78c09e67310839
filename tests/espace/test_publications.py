"""Issue 23, §2: members-only publications, listed and downloadable only in
the area; never in public lists, search, sitemap or feeds."""

import pytest
from django.test import Client
from django.urls import reverse

from news.models import Document
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reserved(db):
    return DocumentFactory(
        title="Compte rendu réservé du groupe",
        slug="compte-rendu-reserve",
        members_only=True,
        kind=Document.Kind.MINUTES,
    )


def test_listed_and_downloadable_in_the_area(area_client, reserved):
    page = area_client.get(reverse("espace:publications"))
    assert "Compte rendu réservé du groupe" in page.text
    download = area_client.get(
        reverse("espace:publication-download", args=[reserved.slug])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "no-store" in download["Cache-Control"]


def test_never_on_the_public_site(reserved):
    DocumentFactory(title="Plaidoyer public", slug="plaidoyer-public")
    client = Client()
    listing = client.get(reverse("news:documents"))
    assert "Plaidoyer public" in listing.text
    assert reserved.title not in listing.text
    assert client.get(reverse("news:document", args=[reserved.slug])).status_code == 404
    assert client.get(reverse("news:download", args=[reserved.slug])).status_code == 404
    assert reserved.slug not in client.get("/sitemap.xml").text
    search = client.get(reverse("pages:search"), {"q": "réservé"})
    assert reserved.title not in search.text


def test_not_for_people_without_access(reserved, no_access_client, client):
    url = reverse("espace:publication-download", args=[reserved.slug])
    assert no_access_client.get(url).status_code == 403
    assert client.get(url).status_code == 302
