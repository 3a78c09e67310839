"""The emails that follow an event (registrations/notices.py): the event
cancelled or postponed, a registration cancelled by the secretariat, the
reminder before the event with the visio link, the waiting list's email."""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from association.models import SiteSettings
from calendar_app.models import Event
from outbox.models import OutboxMessage
from registrations import booking, notices
from registrations.models import Notice, Registration
from rfve_site.typography import french_html as typeset
from tests.factories import RegistrationFactory, RegistrationSettingsFactory, paris

pytestmark = pytest.mark.django_db

EVENTS_URL = reverse_lazy("admin:calendar_app_event_changelist")
REGISTRATIONS_URL = reverse_lazy("admin:registrations_registration_changelist")
VISIO = "https://visio.example.org/rfve-webinaire-7c1d"


@pytest.fixture(autouse=True)
def secretariat_address():
    site = SiteSettings.load()
    site.contact_email = "secretariat@villes.example"
    site.save()


def event_form(event: Event, **values) -> dict:
    """The event's change form as the admin shows it, with `values` typed."""
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return {
        "title": event.title,
        "slug": event.slug,
        "event_type": event.event_type_id,
        "summary": event.summary,
        "description": event.description,
        "image_alt": "",
        "starts_at_0": f"{start:%d/%m/%Y}",
        "starts_at_1": f"{start:%H:%M}",
        "ends_at_0": f"{end:%d/%m/%Y}",
        "ends_at_1": f"{end:%H:%M}",
        "place": event.place,
        "address": event.address,
        "status": event.status,
        "visibility": event.visibility,
        "_save": "Enregistrer",
    } | values


def save_event(client, event: Event, **values):
    response = client.post(
        reverse("admin:calendar_app_event_change", args=[event.pk]),
        event_form(event, **values),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    return response


def by_recipient() -> dict[str, object]:
    return {message.to[0]: message for message in mail.outbox}


def calendar_of(message) -> icalendar.Event | None:
    files = [content for _, content, kind in message.attachments if "calendar" in kind]
    if not files:
        return None
    [vevent] = icalendar.Calendar.from_ical(files[0]).walk("VEVENT")
    return vevent


@pytest.fixture
def full_event():
    """An event in March 2030, one place taken, one person waiting, one
    registration cancelled."""
    settings = RegistrationSettingsFactory(capacity=1)
    event = settings.event
    event.title = "Webinaire : la tarification sociale"
    event.save()
    return {
        "settings": settings,
        "event": event,
        "confirmed": RegistrationFactory(event=event, first_name="Léa"),
        "waiting": RegistrationFactory(
            event=event, first_name="Paul", status=Registration.Status.WAITING
        ),
        "cancelled": RegistrationFactory(
            event=event, status=Registration.Status.CANCELLED
        ),
    }


def test_cancelling_an_event_tells_its_registrants_and_waiting_list_once(
    staff_client, full_event
):
    event = full_event["event"]
    save_event(staff_client, event, status=Event.Status.CANCELLED)

    sent = by_recipient()
    confirmed, waiting = full_event["confirmed"], full_event["waiting"]
    assert set(sent) == {confirmed.email, waiting.email}
    to_lea = sent[confirmed.email]
    assert to_lea.subject == "Annulé : Webinaire : la tarification sociale"
    assert "Bonjour Léa," in to_lea.body
    assert (
        "prévu le mardi 12 mars 2030, 9 h 00 – 17 h 00, est annulé : il n’aura "
        "pas lieu" in to_lea.body
    )
    assert to_lea.reply_to == ["secretariat@villes.example"]
    # The file she may have added to her calendar now cancels the event.
    assert str(calendar_of(to_lea)["STATUS"]) == "CANCELLED"
    assert "liste d’attente" in sent[waiting.email].body
    assert calendar_of(sent[waiting.email]) is None
    kinds = OutboxMessage.objects.values_list("kind", flat=True)
    assert list(kinds) == ["inscription-evenement-annule"] * 2

    # Saved again, cancelled again by the action: nobody is written to twice.
    mail.outbox.clear()
    save_event(staff_client, event, summary="Annulé faute de salle.")
    staff_client.post(EVENTS_URL, {"action": "cancel", "_selected_action": [event.pk]})
    event.refresh_from_db()
    published = event._schedule()._replace(status=Event.Status.PUBLISHED)
    assert notices.event_rescheduled(event, published, paris(2030, 3, 1)) == 0
    assert mail.outbox == []
    assert Notice.objects.count() == 2


def test_the_cancel_action_tells_the_registrants(staff_client, full_event):
    response = staff_client.post(
        EVENTS_URL,
        {"action": "cancel", "_selected_action": [full_event["event"].pk]},
        follow=True,
    )
    assert "1 événement(s) annulé(s)" in response.content.decode()
    assert len(mail.outbox) == 2
    assert Event.objects.get().is_cancelled


def test_postponing_to_a_new_date_gives_it(staff_client, full_event):
    event = full_event["event"]
    save_event(
        staff_client,
        event,
        status=Event.Status.POSTPONED,
        starts_at_0="09/04/2030",
        ends_at_0="09/04/2030",
    )
    sent = by_recipient()
    to_lea = sent[full_event["confirmed"].email]
    assert to_lea.subject == "Nouvelle date : Webinaire : la tarification sociale"
    assert (
        "prévu le mardi 12 mars 2030, 9 h 00 – 17 h 00, est reporté. Nouvelle "
        "date : mardi 9 avril 2030, 9 h 00 – 17 h 00." in to_lea.body
    )
    assert calendar_of(to_lea)["DTSTART"].dt == paris(2030, 4, 9, 9)
    # Her registration and its place moved with the event.
    lea = full_event["confirmed"]
    assert [str(day) for day in lea.days.all()] == ["mardi 9 avril 2030"]
    assert [str(day) for day in full_event["settings"].days.all()] == [
        "mardi 9 avril 2030"
    ]
    to_paul = sent[full_event["waiting"].email]
    assert "sur la liste d’attente est conservée, en 1re position" in to_paul.body
    assert calendar_of(to_paul) is None

    mail.outbox.clear()
    save_event(staff_client, event)  # saved again: nothing
    assert mail.outbox == []
    # Postponed once more, to another date: told again.
    save_event(staff_client, event, starts_at_0="16/04/2030", ends_at_0="16/04/2030")
    assert len(mail.outbox) == 2
    assert "Nouvelle date : mardi 16 avril 2030" in mail.outbox[0].body


def test_postponed_to_a_date_to_come_then_given_its_new_date(staff_client, full_event):
    event = full_event["event"]
    staff_client.post(
        EVENTS_URL, {"action": "postpone", "_selected_action": [event.pk]}
    )
    event.refresh_from_db()
    assert event.is_postponed
    to_lea = by_recipient()[full_event["confirmed"].email]
    assert to_lea.subject == "Reporté : Webinaire : la tarification sociale"
    assert "reporté à une date qui sera annoncée prochainement" in to_lea.body
    assert str(calendar_of(to_lea)["STATUS"]) == "TENTATIVE"

    mail.outbox.clear()
    save_event(
        staff_client,
        event,
        status=Event.Status.PUBLISHED,
        starts_at_0="14/05/2030",
        ends_at_0="14/05/2030",
    )
    to_lea = by_recipient()[full_event["confirmed"].email]
    assert "Nouvelle date : mardi 14 mai 2030, 9 h 00 – 17 h 00." in to_lea.body
    assert str(calendar_of(to_lea)["STATUS"]) == "CONFIRMED"


def test_an_event_already_over_tells_nobody(staff_client):
    settings = RegistrationSettingsFactory(
        event__starts_at=paris(2023, 2, 14, 10), event__ends_at=paris(2023, 2, 14, 12)
    )
    RegistrationFactory(event=settings.event)
    save_event(staff_client, settings.event, status=Event.Status.CANCELLED)
    assert mail.outbox == []


def test_a_registration_cancelled_in_the_admin_is_told_once(staff_client, full_event):
    confirmed, waiting = full_event["confirmed"], full_event["waiting"]
    staff_client.post(
        REGISTRATIONS_URL, {"action": "cancel", "_selected_action": [confirmed.pk]}
    )
    sent = by_recipient()
    told = sent[confirmed.email]
    assert told.subject == "Inscription annulée : Webinaire : la tarification sociale"
    assert "a été annulée par le secrétariat" in told.body
    assert told.reply_to == ["secretariat@villes.example"]
    assert told.attachments == []  # the event itself takes place
    # The freed place went to the waiting list, with its calendar file.
    assert "Une place s’est libérée" in sent[waiting.email].body
    assert str(calendar_of(sent[waiting.email])["STATUS"]) == "CONFIRMED"

    mail.outbox.clear()
    confirmed.refresh_from_db()
    assert not notices.registration_cancelled(confirmed, paris(2030, 3, 1))
    assert mail.outbox == []


def test_the_waiting_list_email_gives_the_position_and_no_confirmed_event():
    settings = RegistrationSettingsFactory(capacity=1)
    RegistrationFactory(event=settings.event)
    RegistrationFactory(event=settings.event, status=Registration.Status.WAITING)
    third = Registration(first_name="Inès", last_name="Morel", email="ines@x.example")
    booking.register(settings, third, list(settings.days.all()))

    (message,) = mail.outbox
    assert message.subject.startswith("Liste d’attente : ")
    assert "où vous êtes en 2e position" in message.body
    assert "STATUS:CONFIRMED" not in str(message.message())
    assert calendar_of(message) is None
    assert "fichier .ics" not in message.body
    assert third.waiting_position() == 2


# ---------------------------------------------------------------------------
# The reminder
# ---------------------------------------------------------------------------


@pytest.fixture
def webinar():
    """An online event on Thursday 14 March 2030 at 12:30, reminded two days
    before (the default): from Tuesday 12 March, 0:00, Paris time."""
    settings = RegistrationSettingsFactory(
        event__title="Webinaire",
        event__starts_at=paris(2030, 3, 14, 12, 30),
        event__ends_at=paris(2030, 3, 14, 13, 30),
        event__place="En ligne",
        visio_url=VISIO,
        access="Connexion ouverte dès 12 h 15.",
    )
    confirmed = RegistrationFactory(
        event=settings.event, first_name="Léa", created_at=paris(2030, 2, 1)
    )
    waiting = RegistrationFactory(
        event=settings.event,
        status=Registration.Status.WAITING,
        created_at=paris(2030, 2, 2),
    )
    return settings, confirmed, waiting


@pytest.mark.dates
def test_the_reminder_is_sent_once_on_its_day(webinar):
    settings, confirmed, waiting = webinar
    assert notices.send_reminders(paris(2030, 3, 11, 23, 59)) == 0
    assert notices.send_reminders(paris(2030, 3, 12, 0, 1)) == 1
    (message,) = mail.outbox
    assert message.to == [confirmed.email]
    assert message.subject == (
        "Rappel : Webinaire, jeudi 14 mars 2030, 12 h 30 – 13 h 30"
    )
    assert "le jeudi 14 mars 2030, 12 h 30 – 13 h 30" in message.body
    assert "Lieu : En ligne" in message.body
    assert "Accès :\nConnexion ouverte dès 12 h 15." in message.body
    assert VISIO in message.body
    assert message.reply_to == ["secretariat@villes.example"]
    assert str(calendar_of(message)["STATUS"]) == "CONFIRMED"
    assert VISIO not in str(calendar_of(message).to_ical())
    assert OutboxMessage.objects.get().kind == "inscription-rappel"

    mail.outbox.clear()
    assert notices.send_reminders(paris(2030, 3, 13, 9)) == 0  # run again
    assert mail.outbox == []


@pytest.mark.dates
def test_the_reminder_job_resumes_after_a_crash_without_sending_twice(
    webinar, monkeypatch
):
    settings, confirmed, _ = webinar
    second = RegistrationFactory(event=settings.event, created_at=paris(2030, 2, 3))
    real_build = notices.emails.build

    def crash_on_the_second(registration, kind, **email):
        if registration == second:
            raise RuntimeError("the worker died")
        return real_build(registration, kind, **email)

    monkeypatch.setattr(notices.emails, "build", crash_on_the_second)
    with pytest.raises(RuntimeError):
        notices.send_reminders(paris(2030, 3, 12, 7, 30))
    assert [message.to for message in mail.outbox] == [[confirmed.email]]

    monkeypatch.setattr(notices.emails, "build", real_build)
    assert notices.send_reminders(paris(2030, 3, 12, 8, 30)) == 1
    assert [message.to for message in mail.outbox] == [
        [confirmed.email],
        [second.email],
    ]


@pytest.mark.dates
def test_the_reminder_command_follows_the_days_set_per_event(webinar, monkeypatch):
    settings, confirmed, _ = webinar
    settings.reminder_days = 7
    settings.save()
    monkeypatch.setattr("django.utils.timezone.now", lambda: paris(2030, 3, 7, 7, 30))
    call_command("send_event_reminders", stdout=(out := __import__("io").StringIO()))
    call_command("send_event_reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 reminder(s) sent.",
        "0 reminder(s) sent.",
    ]
    assert [message.to for message in mail.outbox] == [[confirmed.email]]


@pytest.mark.dates
def test_no_reminder_for_a_cancelled_event_nor_when_switched_off(webinar):
    settings, *_ = webinar
    settings.reminder_days = 0
    settings.save()
    assert notices.send_reminders(paris(2030, 3, 14, 9)) == 0
    settings.reminder_days = 2
    settings.save()
    settings.event.status = Event.Status.CANCELLED
    settings.event.save()
    mail.outbox.clear()  # the cancellation notice
    assert notices.send_reminders(paris(2030, 3, 14, 9)) == 0


@pytest.mark.dates
def test_a_registration_confirmed_after_the_reminder_day_gets_none(webinar):
    settings, confirmed, waiting = webinar
    late = RegistrationFactory(event=settings.event, created_at=paris(2030, 3, 13))
    waiting.status = Registration.Status.CONFIRMED
    waiting.promoted_at = paris(2030, 3, 12, 15)
    waiting.save()
    assert notices.send_reminders(paris(2030, 3, 13, 7, 30)) == 1
    assert [message.to for message in mail.outbox] == [[confirmed.email]]
    assert late.notices.count() == 0


# ---------------------------------------------------------------------------
# The visio link: confirmed registrants only
# ---------------------------------------------------------------------------


@pytest.mark.dates
def test_the_visio_link_is_never_public(client, today):
    """Not on the event's page, its registration form, the agenda, the
    calendar files, the search or the sitemap (an event of next week)."""
    start = timezone.localtime() + dt.timedelta(days=7)
    settings = RegistrationSettingsFactory(
        event__title="Webinaire numérique",
        event__starts_at=start,
        event__ends_at=start + dt.timedelta(hours=1),
        visio_url=VISIO,
    )
    RegistrationFactory(event=settings.event)
    public = [
        settings.event.get_absolute_url(),
        reverse("calendar:event-ical", args=[settings.event.slug]),
        reverse("calendar:feed"),
        reverse("calendar:month", args=[start.year, start.month]),
        reverse("calendar:upcoming"),
        reverse("registrations:register", args=[settings.event.slug]),
        "/recherche/?q=webinaire",
        "/sitemap.xml",
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        content = (
            response.getvalue() if response.streaming else response.content
        ).decode()
        assert "visio.example.org" not in content, url
    in_feed = client.get(reverse("calendar:feed")).getvalue().decode()
    assert "Webinaire numérique" in in_feed  # the feed was looked at
    found = client.get("/recherche/?q=webinaire").content.decode()
    assert "Webinaire numérique" in found


def test_the_visio_link_is_on_the_confirmed_persons_page_and_emails(client, webinar):
    from registrations.links import personal_url

    settings, confirmed, waiting = webinar
    mine = client.get(personal_url(confirmed).split("villeseducatrices.fr")[1])
    assert VISIO in mine.content.decode()
    assert typeset("Connexion ouverte dès 12 h 15.") in mine.content.decode()
    theirs = client.get(personal_url(waiting).split("villeseducatrices.fr")[1])
    page = theirs.content.decode()
    assert VISIO not in page and "(1re position)" in page

    booking.send(confirmed, "confirmation")
    booking.send(waiting, "confirmation")
    to_lea, to_waiting = mail.outbox
    assert VISIO in to_lea.body
    assert VISIO not in to_waiting.body


@pytest.mark.dates
@pytest.mark.parametrize("people", [1, 10])
def test_queries_per_reminder_are_bounded(
    webinar, people, django_assert_max_num_queries
):
    """Four queries for the events and their people, then the same few per
    email (the notice and the outbox row in their savepoints; here the
    immediate task backend sends at once, three more): none per day of
    presence, per setting or per Reply-To read."""
    settings, *_ = webinar
    for _ in range(people - 1):
        RegistrationFactory(event=settings.event, created_at=paris(2030, 2, 3))
    with django_assert_max_num_queries(5 + 9 * people):
        assert notices.send_reminders(paris(2030, 3, 12, 7, 30)) == people


def test_a_registration_cancelled_by_its_status_in_the_admin_is_told(
    staff_client, full_event
):
    confirmed = full_event["confirmed"]
    page = reverse("admin:registrations_registration_change", args=[confirmed.pk])
    form = staff_client.get(page).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields and value != []
    } | {
        "status": Registration.Status.CANCELLED,
        "event": confirmed.event_id,
        "days": [day.pk for day in confirmed.days.all()],
    }
    for _ in range(2):  # saved twice: told once
        response = staff_client.post(page, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
    told = [m for m in mail.outbox if m.to == [confirmed.email]]
    assert [m.subject for m in told] == [
        "Inscription annulée : Webinaire : la tarification sociale"
    ]
    assert "Inscription annulée" in staff_client.get(page).content.decode()
