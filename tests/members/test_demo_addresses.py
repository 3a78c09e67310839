"""The demo's member cities have real-looking invoicing addresses: the town
hall's street, the postcode of its district, the city once."""

import pytest

from dues import invoices
from members import demo as members_demo
from members.communes import normalise_name

pytestmark = pytest.mark.django_db


def test_every_demo_city_has_its_town_halls_street_and_postcode():
    members = members_demo.load()
    assert set(members) == {code for code, _ in members_demo.CITIES}
    for code, member in members.items():
        block = invoices.recipient_data(member, "")["address"]
        city = member.authority.name
        building, street = block["lines"]
        assert street and normalise_name(city) not in normalise_name(street), city
        assert block["city"] == city
        assert block["postcode"][:2] == code[:2], city
    block = invoices.recipient_data(members["13055"], "")["address"]
    assert block == {
        "lines": ["Hôtel de ville", "Quai du Port"],
        "postcode": "13002",  # the town hall's arrondissement, not 13001
        "city": "Marseille",
        "country": "FR",
    }
