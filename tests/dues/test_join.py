"""/adherer/: how to join, this year's scale, the dues simulator."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dues.models import DuesBracket, DuesScale
from tests.factories import LocalAuthorityFactory
from tests.markup import inner

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
JOIN_URL = reverse("dues:join")


@pytest.fixture
def scale(db, today):
    scale = DuesScale.objects.create(year=today.year, population_year=2022)
    for low, high, amount in [
        (0, 9_999, "300"),
        (10_000, 49_999, "900"),
        (50_000, None, "2500"),
    ]:
        DuesBracket.objects.create(
            scale=scale, min_population=low, max_population=high, amount=Decimal(amount)
        )
    return scale


def test_join_page_shows_the_scale(client, scale):
    page = client.get(JOIN_URL).content.decode()
    assert f"Cotisation annuelle {scale.year}" in page
    assert "jusqu’à 9" in page
    assert "50" in page and "et plus" in page
    assert "2\u202f500,00\u00a0€" in page
    assert "jusqu’à 9\u202f999" in page
    assert "population municipale (Insee, millésime 2022)" in page


def _simulate(client, text):
    """The join page's text, French thousands separators as plain spaces."""
    page = client.get(JOIN_URL, {"commune": text}).content.decode()
    return page.replace("\xa0", " ").replace("\u202f", " ")


def test_simulator_gives_population_and_dues(client, scale):
    LocalAuthorityFactory(
        code="69266", name="Villeurbanne", postcodes="69100", population=156_928
    )
    for text in ("villeurbanne", "Villeurbanne", "69100", "69266"):
        page = _simulate(client, text)
        assert "156 928 habitants" in page, text
        assert "millésime 2022" in page
        assert "2 500,00 €" in page, text


def test_simulator_ignores_accents_and_hyphens(client, scale):
    LocalAuthorityFactory(code="42218", name="Saint-Étienne", population=173_089)
    page = _simulate(client, "saint etienne")
    assert "Saint-Étienne" in page
    assert "2 500,00 €" in page


def test_simulator_asks_to_choose_between_homonyms(client, scale):
    LocalAuthorityFactory(code="93066", name="Saint-Denis", department_code="93")
    LocalAuthorityFactory(code="97411", name="Saint-Denis", department_code="974")
    page = _simulate(client, "Saint-Denis")
    assert "Plusieurs collectivités correspondent" in page
    assert "?commune=93066" in page and "?commune=97411" in page
    chosen = _simulate(client, "97411")
    assert "Saint-Denis (974)" in chosen
    assert "€" in chosen


def test_simulator_says_when_nothing_matches(client, scale):
    page = _simulate(client, "Atlantide")
    assert "Aucune commune ni intercommunalité ne correspond à « Atlantide »" in page


@pytest.mark.parametrize("text", ["", "   ", "x" * 500, "\x00", "<script>"])
def test_simulator_survives_bad_input(client, scale, text):
    response = client.get(JOIN_URL, {"commune": text})
    assert response.status_code == 200
    assert "<script>" not in inner(response.content.decode(), "main")


def test_simulator_on_real_communes_of_the_reference_file(client, scale):
    from dues.scales import amount_for
    from members.communes import ensure_authorities

    real = ensure_authorities(["69266", "42218", "93066", "97411"])
    assert real["42218"].name == "Saint-Étienne"
    for text, code in [("Villeurbanne", "69266"), ("saint etienne", "42218")]:
        authority = real[code]
        page = _simulate(client, text)
        assert f"{authority.population:,}".replace(",", " ") + " habitants" in page
        assert f"millésime {authority.population_year}" in page
        amount = amount_for(scale, authority.population)
        figure = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
        assert f"{figure} €" in page
    assert "Plusieurs collectivités correspondent" in _simulate(client, "Saint-Denis")


def test_simulator_abbreviated_saint_finds_the_exact_commune(client):
    """ "St-Étienne" is "Saint-Étienne" for the simulator as for the search:
    its exact match wins over the longer names containing it."""
    LocalAuthorityFactory(code="42218", name="Saint-Étienne", population=173_089)
    LocalAuthorityFactory(
        code="38373", name="Saint-Étienne-de-Saint-Geoirs", population=3_400
    )
    page = _simulate(client, "St-Étienne")
    assert "Plusieurs collectivités correspondent" not in page
    assert "173" in page and "Saint-Étienne-de-Saint-Geoirs" not in page
