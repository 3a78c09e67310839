"""The public member pages: the list of cities, a city."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import Member
from tests.factories import (
    EventFactory,
    LocalAuthorityFactory,
    MemberFactory,
    PersonFactory,
    paris,
)

pytestmark = pytest.mark.django_db
CITIES_URL = reverse("members:cities")
JOIN_URL = reverse("dues:join")


def _member(name, region="Auvergne-Rhône-Alpes", **kwargs):
    authority = LocalAuthorityFactory(name=name, region_name=region)
    return MemberFactory(authority=authority, **kwargs)


def test_cities_are_listed_by_region_with_their_count(client):
    _member("Villeurbanne")
    _member("Grenoble")
    _member("Rennes", region="Bretagne")
    _member("Ancienne-Adhérente", status=Member.Status.LEFT)
    page = client.get(CITIES_URL).content.decode()
    assert "3 collectivités de toutes tailles sont membres du réseau" in page
    assert page.index("Auvergne-Rhône-Alpes (2)") < page.index("Bretagne (1)")
    cities = page[page.index('<ul class="city-list">') :]  # the list, not the map
    assert cities.index("Grenoble") < cities.index("Villeurbanne")
    assert "Ancienne-Adhérente" not in page


def test_city_page_shows_population_membership_and_hosted_events(client, settings):
    member = _member("Villeurbanne", member_since=dt.date(1998, 5, 1))
    member.authority.population = 156_928
    member.authority.population_year = 2022
    member.authority.save()
    EventFactory(title="Rencontres nationales 2023", host=member)
    EventFactory(title="Rencontre ailleurs")
    page = client.get(member.get_absolute_url()).content.decode()
    assert "Population municipale" in page and "Population légale" not in page
    assert "156\u202f928\u00a0habitants (Insee, millésime 2022)" in page
    assert "Membre depuis" in page and "1998" in page
    assert "Rencontres nationales 2023" in page
    assert "Rencontre ailleurs" not in page


def test_unknown_or_former_city_is_not_found(client):
    former = _member("Partie", status=Member.Status.LEFT)
    assert client.get(reverse("pages:city", args=["inconnue"])).status_code == 404
    assert client.get(former.get_absolute_url()).status_code == 404


def test_private_contact_details_never_appear_on_public_pages(client):
    member = _member(
        "Villeurbanne",
        finance_contact_email="compta.secrete@ville.example",
        finance_contact_phone="04 72 00 00 01",
    )
    person = PersonFactory(
        member=member, email="elue.privee@ville.example", phone="06 11 22 33 44"
    )
    EventFactory(host=member, starts_at=paris(2023, 2, 14, 10))
    urls = [CITIES_URL, member.get_absolute_url(), JOIN_URL, "/agenda/2023/02/"]
    for url in urls:
        page = client.get(url).content.decode()
        for secret in (
            "compta.secrete@ville.example",
            "04 72 00 00 01",
            person.email,
            person.phone,
        ):
            assert secret not in page, (url, secret)
