"""Who reads what of a registration: accessibility and dietary needs are
health data, read only by the Secrétariat (not the Trésorerie); a private
person's name as an invoice recipient is never shown to the Bureau."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dues.models import Invoice
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

NEEDS = ("Fauteuil roulant, rampe d’accès", "Sans gluten")


@pytest.fixture
def login(client, django_user_model):
    def login_as(group_name: str):
        user = django_user_model.objects.create_user(
            username=f"equipe-{group_name}", password="unused", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return login_as


@pytest.fixture
def registration():
    return RegistrationFactory(accessibility_needs=NEEDS[0], dietary_needs=NEEDS[1])


def _pages(registration) -> list[str]:
    settings_pk = registration.event.registration_settings.pk
    return [
        reverse("admin:registrations_registration_change", args=[registration.pk]),
        reverse("admin:registrations_registrationsettings_csv", args=[settings_pk]),
    ]


@pytest.mark.parametrize(
    ("group", "reads"), [("Secrétariat", True), ("Trésorerie", False)]
)
def test_only_the_secretariat_reads_health_needs(login, registration, group, reads):
    client = login(group)
    for url in _pages(registration):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode("utf-8-sig")
        assert registration.last_name in content  # the registration is read
        for need in NEEDS:
            assert (need in content) is reads, (url, need)


@pytest.fixture
def private_invoice():
    """A registration invoice addressed to a person in their own name."""
    return Invoice.objects.create(
        kind=Invoice.Kind.INVOICE,
        year=2030,
        sequence=1,
        number="2030-0001",
        issued_on=dt.date(2030, 3, 1),
        due_on=dt.date(2030, 3, 31),
        total=Decimal("90.00"),
        recipient_name="Léa Durand",
        data={"recipient": {"legal_name": "Léa Durand", "siret": ""}},
        file="factures/2030/2030-0001.pdf",
        sha256="0" * 64,
    )


@pytest.mark.parametrize(
    ("group", "reads"),
    [("Bureau", False), ("Trésorerie", True), ("Secrétariat", True)],
)
def test_the_bureau_never_sees_a_private_person_as_invoice_recipient(
    login, private_invoice, group, reads
):
    client = login(group)
    pages = [
        (reverse("admin:dues_invoice_changelist"), {}),
        (reverse("admin:dues_invoice_change", args=[private_invoice.pk]), {}),
        (reverse("admin:dues_duescall_treasury"), {"annee": 2030}),
        (reverse("admin:dues_invoice_changelist"), {"q": "Durand"}),
    ]
    for url, query in pages:
        response = client.get(url, query)
        assert response.status_code == 200, url
        assert ("Léa Durand" in response.content.decode()) is reads, (url, query)
    if not reads:
        found = client.get(pages[-1][0], {"q": "Durand"}).context["cl"].result_count
        assert found == 0  # no search by name either
