"""Who may take which rate: the form offers the eligible rates once the
collectivité is known, the server refuses the others, a free rate at a paying
event is for invited people (a code from the secretariat), prices are shown
on the event page."""

import pytest
from django.urls import reverse

from registrations.models import Rate, Registration
from rfve_site.typography import french_html as typeset
from tests.factories import (
    LocalAuthorityFactory,
    MemberFactory,
    RateFactory,
    RegistrationSettingsFactory,
)
from tests.markup import start_tags

pytestmark = pytest.mark.django_db


def form_url(settings):
    return reverse("registrations:register", args=[settings.event.slug])


def answers(rate, **extra):
    data = {
        "first_name": "Léa",
        "last_name": "Durand",
        "email": "lea.durand@mairie.example",
        "function": "Adjointe à l’éducation",
        "authority_name": "",
        "rate": rate.pk,
    }
    return {**data, **extra}


@pytest.fixture
def rencontres():
    """A paying event: the four categories, the invited one free."""
    settings = RegistrationSettingsFactory()
    rates = {
        category: RateFactory(settings=settings, category=category, amount=amount)
        for category, amount in [
            (Rate.Category.MEMBER, 90),
            (Rate.Category.NON_MEMBER, 150),
            (Rate.Category.PARTNER, 60),
            (Rate.Category.INVITED, 0),
        ]
    }
    return settings, rates


def offered(page: str) -> set[str]:
    return {
        tag["value"]
        for tag in start_tags(page, "input")
        if tag.get("name") == "rate" and tag.get("type") == "radio"
    }


def test_a_non_member_cannot_take_the_free_rate_at_a_paying_event(client, rencontres):
    settings, rates = rencontres
    LocalAuthorityFactory(name="Paris", code="75056")
    # Not even offered: there is no invitation code.
    assert str(rates[Rate.Category.INVITED].pk) not in offered(
        client.get(form_url(settings)).content.decode()
    )
    response = client.post(
        form_url(settings),
        answers(rates[Rate.Category.INVITED], authority_name="75056"),
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_a_wrong_rate_is_refused_with_the_eligible_ones(client, rencontres):
    settings, rates = rencontres
    LocalAuthorityFactory(name="Paris", code="75056", department_code="75")
    response = client.post(
        form_url(settings), answers(rates[Rate.Category.MEMBER], authority_name="75056")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        typeset(
            "Ce tarif est réservé aux villes adhérentes du réseau ; Paris (75) n’en "
            "fait pas partie. Tarif possible : Élue, élu ou agent d’une collectivité "
            "non adhérente : 150,00 €."
        )
        in page
    )
    # Once the collectivité is known, the form offers only what it may take
    # (and what was chosen, to show the error beside it).
    assert offered(page) == {
        str(rates[Rate.Category.NON_MEMBER].pk),
        str(rates[Rate.Category.MEMBER].pk),
    }


def test_each_category_is_open_to_its_people_only(client, rencontres):
    settings, rates = rencontres
    member = MemberFactory(authority__code="69266")
    LocalAuthorityFactory(code="01999")
    refused = [
        (Rate.Category.NON_MEMBER, {"authority_name": "69266"}),
        (Rate.Category.PARTNER, {"authority_name": "69266"}),
        (Rate.Category.PARTNER, {"authority_name": "01999"}),
        (Rate.Category.MEMBER, {"organisation": "Ligue de l’enseignement"}),
        (Rate.Category.NON_MEMBER, {"organisation": "Ligue de l’enseignement"}),
    ]
    for category, extra in refused:
        response = client.post(form_url(settings), answers(rates[category], **extra))
        assert response.status_code == 400, (category, extra)
        assert 'id="id_rate_error"' in response.content.decode()
    response = client.post(
        form_url(settings), answers(rates[Rate.Category.MEMBER], authority_name="69266")
    )
    assert response.status_code == 302
    assert Registration.objects.get().member == member


def test_the_invitation_code_opens_the_invited_rate(client, rencontres):
    settings, rates = rencontres
    settings.invitation_code = "RENCONTRES-2030"
    settings.save()
    LocalAuthorityFactory(code="75056")
    invited = rates[Rate.Category.INVITED]
    page = client.get(form_url(settings)).content.decode()
    assert str(invited.pk) in offered(page)
    assert 'name="invitation_code"' in page
    response = client.post(
        form_url(settings),
        answers(invited, authority_name="75056", invitation_code="MAUVAIS"),
    )
    assert response.status_code == 400
    assert typeset("Ce tarif est réservé aux invités") in response.content.decode()
    response = client.post(
        form_url(settings),
        answers(invited, authority_name="75056", invitation_code="rencontres-2030"),
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.rate == invited and registration.order is None


def test_a_free_rate_of_another_category_at_a_paying_event_needs_the_code(client):
    settings = RegistrationSettingsFactory()
    RateFactory(settings=settings, category=Rate.Category.NON_MEMBER, amount=150)
    free = RateFactory(settings=settings, category=Rate.Category.MEMBER, amount=0)
    MemberFactory(authority__code="69266")
    response = client.post(form_url(settings), answers(free, authority_name="69266"))
    assert response.status_code == 400


def test_prices_are_on_the_event_page_without_gratuit_gratuit(client, rencontres):
    settings, _ = rencontres
    page = client.get(settings.event.get_absolute_url()).content.decode()
    for text in [
        "Élue, élu ou agent d’une ville adhérente : 90,00 €",
        "Élue, élu ou agent d’une collectivité non adhérente : 150,00 €",
        "Partenaire : 60,00 €",
    ]:
        assert typeset(text) in page
    assert "Invitée, invité" not in page  # by invitation only
    assert "Gratuit : gratuit" not in page
    assert str(Rate(category=Rate.Category.INVITED)) == "Invitée, invité : gratuit"
