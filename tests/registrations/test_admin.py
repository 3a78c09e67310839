"""The secretariat's registrations in the admin: days follow the event,
capacity raised or a registration cancelled → the waiting list moves."""

import pytest
from django.core import mail
from django.urls import reverse

from registrations.models import Registration
from rfve_site.typography import french_html as typeset
from tests.factories import RegistrationFactory, RegistrationSettingsFactory, paris

pytestmark = pytest.mark.django_db


def test_cancel_action_promotes_the_first_waiting(staff_client):
    settings = RegistrationSettingsFactory(capacity=1)
    taken = RegistrationFactory(event=settings.event)
    waiting = RegistrationFactory(
        event=settings.event, status=Registration.Status.WAITING
    )
    response = staff_client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "cancel", "_selected_action": [taken.pk]},
        follow=True,
    )
    assert (
        typeset("1 inscription(s) annulée(s) ; 1 personne(s)")
        in response.content.decode()
    )
    waiting.refresh_from_db()
    assert waiting.is_confirmed and waiting.promoted_at
    assert [message.to for message in mail.outbox] == [[waiting.email]]


def test_waiting_list_is_filtered_per_event_and_day(staff_client):
    settings = RegistrationSettingsFactory(capacity=1)
    RegistrationFactory(event=settings.event, last_name="Dupont-Assise")
    RegistrationFactory(
        event=settings.event,
        last_name="Patient-Attendu",
        status=Registration.Status.WAITING,
    )
    day = settings.days.get()
    response = staff_client.get(
        reverse("admin:registrations_registration_changelist"),
        {
            "event__id__exact": settings.event_id,
            "status__exact": "attente",
            "jour": day.pk,
        },
    )
    page = response.content.decode()
    assert "Patient-Attendu" in page and "Dupont-Assise" not in page


def test_saving_settings_follows_the_event_days_and_fills_raised_capacity(
    staff_client,
):
    settings = RegistrationSettingsFactory(capacity=1)
    RegistrationFactory(event=settings.event)
    waiting = RegistrationFactory(
        event=settings.event, status=Registration.Status.WAITING
    )
    event = settings.event
    event.ends_at = paris(2030, 3, 13, 17)
    event.save()
    first, second = settings.days.all()  # the event's new day came at once
    url = reverse("admin:registrations_registrationsettings_change", args=[settings.pk])
    data = {
        "event": event.pk,
        "is_open": "on",
        "has_waiting_list": "on",
        "audience": "tous",
        "ask_function": "facultatif",
        "ask_authority": "facultatif",
        "ask_days": "obligatoire",
        "ask_accessibility": "facultatif",
        "ask_dietary": "non",
        "days-TOTAL_FORMS": 2,
        "days-INITIAL_FORMS": 2,
        "days-0-id": first.pk,
        "days-0-settings": settings.pk,
        "days-0-capacity": 2,
        "days-1-id": second.pk,
        "days-1-settings": settings.pk,
        "days-1-capacity": 2,
        "rates-TOTAL_FORMS": 0,
        "rates-INITIAL_FORMS": 0,
    }
    response = staff_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert [str(d) for d in settings.days.all()] == [
        "mardi 12 mars 2030",
        "mercredi 13 mars 2030",
    ]
    waiting.refresh_from_db()
    assert waiting.is_confirmed
