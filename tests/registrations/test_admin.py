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
        typeset(
            "1 inscription(s) annulée(s) et prévenue(s) par courriel ; 1 personne(s)"
        )
        in response.content.decode()
    )
    waiting.refresh_from_db()
    assert waiting.is_confirmed and waiting.promoted_at
    # The person cancelled is told (tests/registrations/test_notices.py), the
    # person promoted too.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [taken.email, waiting.email]
    )


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
        "invitation_code": "INVITE-2030",
        "ask_function": "facultatif",
        "ask_authority": "facultatif",
        "ask_days": "obligatoire",
        "ask_accessibility": "facultatif",
        "ask_dietary": "non",
        "reminder_days": 2,
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
    settings.refresh_from_db()
    assert settings.invitation_code == "INVITE-2030"  # set by the secretariat


def test_dupliquer_copies_registrations_and_the_places_follow_the_new_date(
    admin_client,
):
    from calendar_app.models import Event
    from registrations.models import Rate
    from tests.factories import RateFactory

    settings = RegistrationSettingsFactory(
        event__starts_at=paris(2030, 3, 12, 9),
        event__ends_at=paris(2030, 3, 13, 17),
        closes_at=paris(2030, 3, 5, 18),
        invitation_code="INVITE",
    )
    first, second = settings.days.all()
    first.capacity, second.capacity = 150, 100
    first.save()
    second.save()
    RateFactory(settings=settings, category=Rate.Category.MEMBER, amount=90)
    RegistrationFactory(event=settings.event)  # the original's, not copied

    admin_client.post(
        reverse("admin:calendar_app_event_changelist"),
        {"action": "duplicate", "_selected_action": [settings.event.pk]},
    )

    copy = Event.objects.exclude(pk=settings.event.pk).get()
    copied = copy.registration_settings
    assert (copied.closes_at, copied.invitation_code) == (
        paris(2030, 3, 5, 18),
        "INVITE",
    )
    assert [(r.category, r.amount) for r in copied.rates.all()] == [
        (Rate.Category.MEMBER, 90)
    ]
    assert [(d.date.isoformat(), d.capacity) for d in copied.days.all()] == [
        ("2030-03-12", 150),
        ("2030-03-13", 100),
    ]
    assert not Registration.objects.filter(event=copy).exists()

    # Re-dated a month later: days, places and the closing move with it.
    copy.starts_at, copy.ends_at = paris(2030, 4, 9, 9), paris(2030, 4, 10, 17)
    copy.save()
    copied.refresh_from_db()
    assert [(d.date.isoformat(), d.capacity) for d in copied.days.all()] == [
        ("2030-04-09", 150),
        ("2030-04-10", 100),
    ]
    assert copied.closes_at == paris(2030, 4, 2, 18)  # same local time, DST or not
    # The original is untouched.
    assert [d.capacity for d in settings.days.all()] == [150, 100]


def test_registrations_event_filter_shows_dates(admin_client):
    settings = RegistrationSettingsFactory()
    RegistrationFactory(event=settings.event)
    page = admin_client.get(
        reverse("admin:registrations_registration_changelist")
    ).content.decode()
    assert f"{settings.event.title} (12/03/2030)" in page
