"""Personal data of registrations (needs erased after the event, people
anonymised later, stated on the privacy page) and the demo registrations."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from calendar_app.models import Event
from registrations import purge
from registrations.models import Notice, Registration
from rfve_site.formats import duration
from rfve_site.typography import french_html as typeset
from tests.factories import RegistrationFactory, paris
from tests.shared_data import load_demo

pytestmark = pytest.mark.django_db

EVENT_END = paris(2030, 3, 12, 17)


def needy_registration():
    return RegistrationFactory(
        accessibility_needs="Fauteuil roulant",
        dietary_needs="Sans gluten",
        function="Maire",
        sender_key="abc",
        created_at=paris(2030, 1, 5),
    )


def test_needs_are_erased_as_soon_as_the_event_is_over():
    registration = needy_registration()
    purge.purge(EVENT_END - dt.timedelta(minutes=1))
    registration.refresh_from_db()
    assert registration.dietary_needs == "Sans gluten"
    purge.purge(EVENT_END + dt.timedelta(minutes=1))
    registration.refresh_from_db()
    assert (registration.accessibility_needs, registration.dietary_needs) == ("", "")
    assert registration.last_name  # the person stays until the retention ends
    assert registration.sender_key == ""  # forgotten after a day


def test_people_are_anonymised_after_the_retention_keeping_the_figures():
    registration = needy_registration()
    day = registration.days.get()
    registration.attended_days.add(day)
    later = EVENT_END + purge.REGISTRATION_RETENTION + dt.timedelta(minutes=1)
    call_command("purge_personal_data", verbosity=0)  # today: nothing to do yet
    purge.purge(later)
    registration.refresh_from_db()
    assert registration.full_name == "" and registration.email == ""
    assert registration.function == ""
    assert registration.anonymised_at == later
    assert list(registration.attended_days.all()) == [day]
    assert str(registration) == f"Inscription anonymisée n° {registration.pk}"


def test_privacy_page_states_the_registrations_retention(client):
    page = client.get(reverse("pages:privacy")).content.decode()
    assert "Inscriptions aux événements" in page
    retention = duration(purge.REGISTRATION_RETENTION)
    assert typeset(f"{retention} après l’événement") in page


def test_demo_registrations(demo):
    rencontres = Registration.objects.filter(event__event_type__is_rencontres=True)
    assert rencontres.confirmed().count() == 60
    assert rencontres.exclude(member=None).count() == 60
    webinar = Registration.objects.filter(event__event_type__slug="webinaire")
    settings = webinar.first().event.registration_settings
    assert webinar.confirmed().count() == settings.days.get().capacity
    assert webinar.waiting().count() == 3
    assert settings.visio_url.startswith("https://visio.example.org/")
    past = Registration.objects.exclude(attended_days=None)
    assert past.count() == 12
    # Last month's cancelled working group: everyone was told, once.
    cancelled = Registration.objects.filter(event__status=Event.Status.CANCELLED)
    assert cancelled.count() == 10 and cancelled.waiting().count() == 1
    told = Notice.objects.filter(kind=Notice.Kind.EVENT_CANCELLED)
    assert told.count() == 10
    assert {notice.sent_at < notice.event_starts_at for notice in told} == {True}
    load_demo()  # again: nothing doubles
    # Rencontres, webinar, past working group, cancelled one, paying past one.
    assert Registration.objects.filter(is_demo=True).count() == (60 + 28 + 14 + 10 + 7)
    assert Notice.objects.count() == 10
