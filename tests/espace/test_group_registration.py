"""Issue 23, §2: one form registers several people of the city at once."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from outbox.models import OutboxMessage
from registrations.models import Order, Rate, Registration
from tests.factories import (
    PersonFactory,
    RateFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_(db):
    settings = RegistrationSettingsFactory(capacity=3)
    RateFactory(settings=settings, category=Rate.Category.MEMBER, amount=Decimal("60"))
    RateFactory(settings=settings, category=Rate.Category.NON_MEMBER)
    return settings


def _management(total=6):
    return {
        "form-TOTAL_FORMS": str(total),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "30",
    }


def _rows(*people):
    data = _management()
    for index, row in enumerate(people):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    return data


def test_three_colleagues_in_one_go_billed_to_the_city(area_client, access, settings_):
    member = access.person.member
    colleague = PersonFactory(member=member)
    url = reverse("espace:register-group", args=[settings_.event.slug])
    page = area_client.get(url)
    assert page.status_code == 200
    assert str(colleague) in page.text
    page = area_client.post(
        url,
        _rows(
            {"person": str(colleague.pk)},
            {"first_name": "Léa", "last_name": "Durand", "email": "lea@v.example"},
            {"first_name": "Marc", "last_name": "Petit", "email": "marc@v.example"},
        ),
        follow=True,
    )
    assert "3 personne(s) inscrite(s)" in page.text
    registrations = Registration.objects.filter(member=member)
    assert registrations.count() == 3
    assert {r.rate.category for r in registrations} == {Rate.Category.MEMBER}
    assert all(r.authority == member.authority for r in registrations)
    [order] = Order.objects.all()
    assert order.member == member
    assert set(order.registrations.all()) == set(registrations)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [colleague.email, "lea@v.example", "marc@v.example", access.person.email]
    )
    summary = next(m for m in mail.outbox if m.to == [access.person.email])
    assert "Léa Durand" in summary.body
    # Listed in the city's registrations.
    page = area_client.get(reverse("espace:registrations"))
    assert "Léa Durand" in page.text


def test_all_or_nothing_when_one_is_already_registered(area_client, access, settings_):
    RegistrationFactory(event=settings_.event, email="lea@v.example")
    url = reverse("espace:register-group", args=[settings_.event.slug])
    page = area_client.post(
        url,
        _rows(
            {"first_name": "Marc", "last_name": "Petit", "email": "marc@v.example"},
            {"first_name": "Léa", "last_name": "Durand", "email": "lea@v.example"},
        ),
    )
    assert page.status_code == 409
    assert "a déjà une inscription à cet événement" in page.text
    assert not Registration.objects.filter(email="marc@v.example").exists()
    # Marc's confirmation left the outbox with the rest (the test's task
    # backend sends at once; the database's would never see it).
    assert not OutboxMessage.objects.exists()


def test_capacity_holds_for_a_group(area_client, access, settings_):
    url = reverse("espace:register-group", args=[settings_.event.slug])
    rows = [
        {"first_name": f"P{i}", "last_name": "X", "email": f"p{i}@v.example"}
        for i in range(4)
    ]
    page = area_client.post(url, _rows(*rows))
    assert page.status_code in (200, 302, 409)
    confirmed = Registration.objects.confirmed().filter(event=settings_.event)
    assert confirmed.count() <= 3


def test_a_row_without_email_is_refused_in_french(area_client, settings_):
    url = reverse("espace:register-group", args=[settings_.event.slug])
    page = area_client.post(url, _rows({"first_name": "Léa", "last_name": "D"}))
    assert page.status_code == 400
    assert "Indiquez le courriel" in page.text
    assert not Registration.objects.exists()


def test_another_citys_person_cannot_be_chosen(
    area_client, settings_, other_city_client
):
    stranger = PersonFactory()
    url = reverse("espace:register-group", args=[settings_.event.slug])
    page = area_client.post(url, _rows({"person": str(stranger.pk)}))
    assert page.status_code == 400
    assert not Registration.objects.exists()


def test_a_closed_event_is_refused(area_client, settings_):
    settings_.is_open = False
    settings_.save()
    url = reverse("espace:register-group", args=[settings_.event.slug])
    page = area_client.get(url, follow=True)
    assert "ne sont pas ouvertes" in page.text


def test_the_registration_pages_refuse_people_without_access(
    settings_, no_access_client
):
    for url in (
        reverse("espace:registrations"),
        reverse("espace:register-group", args=[settings_.event.slug]),
    ):
        assert no_access_client.get(url).status_code == 403


def test_the_public_form_points_members_to_the_area(client, settings_, access):
    from registrations import emails

    url = reverse("registrations:register", args=[settings_.event.slug])
    assert 'href="/espace/"' in client.get(url).text
    # The confirmation of a member city's person tells them (the page never
    # says whose address is known).
    mine = RegistrationFactory(event=settings_.event, email=access.person.email)
    assert "espace adhérents" in emails.build(mine, "confirmation").body
    other = RegistrationFactory(event=settings_.event, email="x@ailleurs.example")
    assert "espace adhérents" not in emails.build(other, "confirmation").body
