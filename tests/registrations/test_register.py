"""Registering to an event without an account: places, the form's answers,
confirmation email with the .ics and the personal link, duplicates, the
waiting list, cancellation, honeypot and rate limit."""

import re

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from outbox.models import OutboxMessage
from registrations import booking, links
from registrations.models import Question, Rate, Registration, RegistrationSettings
from rfve_site.typography import french_html as typeset
from tests.factories import (
    LocalAuthorityFactory,
    MemberFactory,
    RateFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    paris,
)

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def form_url(settings):
    return reverse("registrations:register", args=[settings.event.slug])


def answers(**extra):
    data = {
        "first_name": "Léa",
        "last_name": "Durand",
        "email": "lea.durand@mairie.example",
        "function": "Adjointe à l’éducation",
        "authority_name": "",
    }
    return {**data, **extra}


def link_in(message) -> str:
    return re.search(r"https://\S+/inscription/\S+/", message.body).group(0)


def test_event_page_shows_places_left_and_the_form_link(client):
    settings = RegistrationSettingsFactory(capacity=12)
    page = client.get(settings.event.get_absolute_url()).content.decode()
    assert typeset("12 places restantes") in page
    assert form_url(settings) in page


def test_event_without_registration_shows_no_form_link(client):
    settings = RegistrationSettingsFactory(is_open=False)
    page = client.get(settings.event.get_absolute_url()).content.decode()
    assert form_url(settings) not in page
    assert "Les inscriptions sont closes." in page


def test_full_event_announces_the_waiting_list(client):
    settings = RegistrationSettingsFactory(capacity=1)
    RegistrationFactory(event=settings.event)
    page = client.get(settings.event.get_absolute_url()).content.decode()
    assert typeset("Complet : inscription sur liste d’attente") in page


def test_registering_confirms_and_emails_the_ics_and_the_personal_link(client):
    settings = RegistrationSettingsFactory(capacity=12)
    response = client.post(form_url(settings), answers())
    assert response.status_code == 302
    assert response.url == reverse("registrations:done", args=[settings.event.slug])
    registration = Registration.objects.get()
    assert registration.is_confirmed
    page = client.get(form_url(settings)).content.decode()
    assert typeset("12 places") not in page
    assert typeset("11 places restantes") in page

    (message,) = mail.outbox
    assert message.to == ["lea.durand@mairie.example"]
    assert "Votre inscription est confirmée." in message.body
    filename, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content
    path = link_in(message).split("://", 1)[1].partition("/")[2]
    page = client.get("/" + path).content.decode()
    assert "Confirmée" in page and "Léa Durand" in page


def test_mistakes_get_french_answers_linked_to_their_fields(client):
    settings = RegistrationSettingsFactory()
    response = client.post(form_url(settings), answers(email="pas-un-courriel"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce courriel n’est pas valide" in page
    assert 'id="id_email_error"' in page
    assert 'aria-describedby="id_email_error"' in page
    assert not Registration.objects.exists()


def test_same_email_twice_is_not_registered_and_the_link_sent_again(client):
    settings = RegistrationSettingsFactory()
    client.post(form_url(settings), answers())
    mail.outbox.clear()
    response = client.post(
        form_url(settings), answers(email="LEA.Durand@mairie.example"), follow=True
    )
    page = response.content.decode()
    assert "/inscription/" + "1:" not in page  # the link goes by email only
    assert Registration.objects.count() == 1
    (message,) = mail.outbox
    assert message.to == ["lea.durand@mairie.example"]
    assert "existe déjà" in message.body
    assert link_in(message).endswith(
        links.personal_token(Registration.objects.get()) + "/"
    )


def test_a_full_event_puts_people_on_the_waiting_list(client):
    settings = RegistrationSettingsFactory(capacity=1)
    RegistrationFactory(event=settings.event)
    response = client.post(form_url(settings), answers())
    assert response.url == reverse("registrations:waiting", args=[settings.event.slug])
    assert Registration.objects.get(email="lea.durand@mairie.example").is_waiting
    assert "liste d’attente" in mail.outbox[0].body


def test_a_full_event_without_waiting_list_refuses(client):
    settings = RegistrationSettingsFactory(capacity=1, has_waiting_list=False)
    RegistrationFactory(event=settings.event)
    response = client.post(form_url(settings), answers())
    assert response.status_code == 409
    assert "Cet événement est complet" in response.content.decode()
    assert Registration.objects.count() == 1


def test_cancelling_frees_the_place_for_the_first_waiting(client):
    settings = RegistrationSettingsFactory(capacity=1)
    first = RegistrationFactory(event=settings.event)
    waiting = [
        RegistrationFactory(event=settings.event, status=Registration.Status.WAITING)
        for _ in range(2)
    ]
    url = reverse(
        "registrations:manage",
        args=[settings.event.slug, links.personal_token(first)],
    )
    response = client.post(url, {"action": "annuler"}, follow=True)
    assert "Votre inscription est annulée." in response.content.decode()
    first.refresh_from_db()
    assert first.is_cancelled
    statuses = [
        r.status
        for r in Registration.objects.filter(pk__in=[w.pk for w in waiting]).order_by(
            "pk"
        )
    ]
    assert statuses == [Registration.Status.CONFIRMED, Registration.Status.WAITING]
    (message,) = mail.outbox
    assert message.to == [waiting[0].email]
    assert "Une place s’est libérée" in message.subject


def test_the_personal_page_changes_the_answers(client):
    registration = RegistrationFactory(function="Maire")
    url = reverse(
        "registrations:manage",
        args=[registration.event.slug, links.personal_token(registration)],
    )
    response = client.post(
        url,
        {"action": "modifier", "function": "Conseiller municipal"},
        follow=True,
    )
    assert "Vos modifications sont enregistrées." in response.content.decode()
    registration.refresh_from_db()
    assert registration.function == "Conseiller municipal"


def test_a_forged_link_is_not_found_and_an_old_one_expired(client):
    registration = RegistrationFactory()
    slug = registration.event.slug
    token = links.personal_token(registration)
    forged = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert (
        client.get(reverse("registrations:manage", args=[slug, forged])).status_code
        == 404
    )
    registration.event.starts_at = paris(2023, 2, 14, 9)
    registration.event.ends_at = paris(2023, 2, 14, 17)
    registration.event.save()
    response = client.get(reverse("registrations:manage", args=[slug, token]))
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()


@pytest.fixture
def database_tasks(settings):
    """The production backend: the sending task is a row of the database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_confirmation_is_written_with_the_registration(database_tasks):
    """The confirmation and the task that sends it commit with the
    registration: the worker sees all three at once."""
    settings = RegistrationSettingsFactory()
    person = Registration(first_name="Léa", last_name="Durand", email="l@x.example")
    with transaction.atomic():
        booking.register(settings, person, list(settings.days.all()))
    (message,) = OutboxMessage.objects.all()
    assert message.to == "l@x.example"
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [message.pk]
    assert mail.outbox == []  # sent by the worker, not by the request


def test_no_email_for_a_registration_rolled_back(database_tasks):
    """The registration is saved, then its transaction fails: nobody is told
    they are registered."""
    settings = RegistrationSettingsFactory()
    person = Registration(first_name="Léa", last_name="Durand", email="l@x.example")
    with pytest.raises(RuntimeError), transaction.atomic():
        booking.register(settings, person, list(settings.days.all()))
        raise RuntimeError("what follows in the same transaction fails")
    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []
    assert not Registration.objects.exists()


def test_honeypot_registers_nobody(client):
    settings = RegistrationSettingsFactory()
    response = client.post(form_url(settings), answers(website="http://spam"))
    assert response.status_code == 302
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_one_visitor_cannot_register_without_limit(client):
    settings = RegistrationSettingsFactory(capacity=None)
    for number in range(booking.RATE_LIMIT):
        client.post(form_url(settings), answers(email=f"p{number}@mairie.example"))
    response = client.post(form_url(settings), answers(email="one.more@mairie.example"))
    assert response.status_code == 429
    assert "Réessayez dans une heure" in response.content.decode()
    assert Registration.objects.count() == booking.RATE_LIMIT


@pytest.mark.parametrize(
    ("change", "answer"),
    [
        ({"is_open": False}, "Les inscriptions à cet événement sont closes."),
        ({"opens_at": paris(2999, 1, 1)}, "Les inscriptions ouvriront le"),
        (
            {"closes_at": paris(2020, 1, 1)},
            "Les inscriptions à cet événement sont closes.",
        ),
        ({"event__starts_at": paris(2020, 1, 1)}, "sont closes"),
        ({"event__status": "annule"}, "sont closes"),
    ],
)
def test_closed_registrations_show_no_form(client, change, answer):
    settings = RegistrationSettingsFactory(**change)
    response = client.post(form_url(settings), answers())
    page = response.content.decode()
    assert answer in page
    assert 'name="email"' not in page
    assert not Registration.objects.exists()


def test_drafts_and_internal_events_take_no_registration(client):
    settings = RegistrationSettingsFactory(event__status="brouillon")
    assert client.get(form_url(settings)).status_code == 404


def test_a_waiting_person_can_leave_the_list(client):
    settings = RegistrationSettingsFactory(capacity=1)
    RegistrationFactory(event=settings.event)
    waiting = RegistrationFactory(
        event=settings.event, status=Registration.Status.WAITING
    )
    url = reverse(
        "registrations:manage",
        args=[settings.event.slug, links.personal_token(waiting)],
    )
    page = client.get(url).content.decode()
    assert "Sur liste d’attente" in page
    client.post(url, {"action": "annuler"})
    waiting.refresh_from_db()
    assert waiting.is_cancelled
    assert mail.outbox == []  # no place freed, nobody promoted


def test_members_only_event_refuses_other_collectivites(client):
    settings = RegistrationSettingsFactory(
        audience=RegistrationSettings.Audience.MEMBERS
    )
    LocalAuthorityFactory(name="Sainte-Fortune", code="01999")
    MemberFactory(authority__name="Villeurbanne", authority__code="69266")
    response = client.post(form_url(settings), answers(authority_name="Sainte-Fortune"))
    assert "réservé aux villes adhérentes" in response.content.decode()
    response = client.post(form_url(settings), answers(authority_name="69266"))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.member.authority.code == "69266"


def test_ambiguous_collectivite_asks_for_its_code(client):
    settings = RegistrationSettingsFactory()
    LocalAuthorityFactory(name="Saint-Denis", code="93066", department_code="93")
    LocalAuthorityFactory(name="Saint-Denis", code="97411", department_code="974")
    response = client.post(form_url(settings), answers(authority_name="Saint-Denis"))
    page = response.content.decode()
    assert "Plusieurs collectivités correspondent" in page
    assert "93066" in page and "97411" in page


def test_member_rate_needs_a_member_city(client):
    settings = RegistrationSettingsFactory()
    rate = RateFactory(settings=settings, category=Rate.Category.MEMBER)
    RateFactory(settings=settings, category=Rate.Category.NON_MEMBER)
    LocalAuthorityFactory(name="Sainte-Fortune", code="01999")
    response = client.post(
        form_url(settings), answers(authority_name="01999", rate=rate.pk)
    )
    assert "Ce tarif est réservé" in response.content.decode()


def test_required_and_off_questions(client):
    settings = RegistrationSettingsFactory(
        ask_function=Question.OFF, ask_dietary=Question.REQUIRED
    )
    page = client.get(form_url(settings)).content.decode()
    assert 'name="function"' not in page
    response = client.post(form_url(settings), answers())
    assert response.status_code == 400
    assert 'id="id_dietary_needs_error"' in response.content.decode()


def test_multi_day_capacity_is_per_day(client):
    settings = RegistrationSettingsFactory(
        event__starts_at=paris(2030, 3, 12, 9),
        event__ends_at=paris(2030, 3, 13, 17),
        capacity=1,
    )
    first, second = settings.days.all()
    RegistrationFactory(event=settings.event, days=[first])
    page = client.get(form_url(settings)).content.decode()
    assert "complet, inscription sur liste d’attente" in page
    assert "1 place restante" in page
    client.post(form_url(settings), answers(days=[second.pk]))
    assert Registration.objects.get(email="lea.durand@mairie.example").is_confirmed
    client.post(
        form_url(settings),
        answers(email="b@mairie.example", days=[first.pk, second.pk]),
    )
    assert Registration.objects.get(email="b@mairie.example").is_waiting


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (select_for_update); "
    "run with DATABASE_URL=postgres://…",
)
@pytest.mark.django_db(transaction=True)
def test_capacity_holds_when_the_last_places_go_at_once():
    import threading

    from django.db import connections

    settings = RegistrationSettingsFactory(capacity=3)
    days = list(settings.days.all())
    workers = 8
    start = threading.Barrier(workers)
    errors = []

    def take(number):
        try:
            start.wait()
            booking.register(
                RegistrationSettings.objects.get(pk=settings.pk),
                Registration(
                    first_name="P", last_name=str(number), email=f"p{number}@x.example"
                ),
                days,
            )
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Registration.objects.confirmed().count() == 3
    assert Registration.objects.waiting().count() == 5


def test_days_change_through_the_personal_link_within_the_places(client):
    settings = RegistrationSettingsFactory(
        event__starts_at=paris(2030, 3, 12, 9),
        event__ends_at=paris(2030, 3, 13, 17),
        capacity=1,
    )
    first, second = settings.days.all()
    RegistrationFactory(event=settings.event, days=[second])
    registration = RegistrationFactory(event=settings.event, days=[first])
    waiting = RegistrationFactory(
        event=settings.event, days=[first], status=Registration.Status.WAITING
    )
    url = reverse(
        "registrations:manage",
        args=[settings.event.slug, links.personal_token(registration)],
    )
    response = client.post(url, {"action": "modifier", "days": [first.pk, second.pk]})
    assert response.status_code == 409
    assert (
        "Il n’y a plus de place le mercredi 13 mars 2030" in response.content.decode()
    )
    assert list(registration.days.all()) == [first]

    # The second day is full: moving there is refused too. Once its holder
    # cancels, the move goes through and frees the first day for the waiting list.
    client.post(url, {"action": "modifier", "days": [second.pk]})
    assert list(registration.days.all()) == [first]
    other = Registration.objects.get(days=second, status="confirmee")
    other.status = Registration.Status.CANCELLED
    other.save()
    response = client.post(
        url, {"action": "modifier", "days": [second.pk]}, follow=True
    )
    assert "Vos modifications sont enregistrées." in response.content.decode()
    assert list(registration.days.all()) == [second]
    waiting.refresh_from_db()
    assert waiting.is_confirmed
    assert mail.outbox[-1].to == [waiting.email]


def test_the_link_is_sent_again_at_most_once_an_hour(client):
    registration = RegistrationFactory()
    url = reverse("registrations:register", args=[registration.event.slug])
    for _ in range(3):
        response = client.post(url, answers(email=registration.email))
        assert response.status_code == 302
    assert len(mail.outbox) == 1
    registration.refresh_from_db()
    registration.link_resent_at -= booking.LINK_RESEND_INTERVAL
    registration.save()
    client.post(url, answers(email=registration.email))
    assert len(mail.outbox) == 2


def test_registration_days_follow_the_event_dates():
    settings = RegistrationSettingsFactory(capacity=30)
    event = settings.event
    event.ends_at = paris(2030, 3, 14, 17)
    event.save()
    assert [(str(day), day.capacity) for day in settings.days.all()] == [
        ("mardi 12 mars 2030", 30),
        ("mercredi 13 mars 2030", 30),
        ("jeudi 14 mars 2030", 30),
    ]


@pytest.mark.parametrize(
    ("capacity", "waiting_list", "answer"),
    [(None, True, 302), (1, True, 302), (1, False, 409)],
    ids=["room", "waiting list", "full"],
)
def test_a_registered_address_gets_the_answer_a_new_one_gets(
    client, capacity, waiting_list, answer
):
    """The page tells no one whether an address is registered: the email
    tells its owner."""
    settings = RegistrationSettingsFactory(
        capacity=capacity, has_waiting_list=waiting_list
    )
    RegistrationFactory(event=settings.event, email="deja@mairie.example")
    mail.outbox.clear()

    new = client.post(form_url(settings), answers(email="nouvelle@mairie.example"))
    again = client.post(form_url(settings), answers(email="DEJA@mairie.example"))

    assert new.status_code == again.status_code == answer
    if answer == 302:
        assert new["Location"] == again["Location"]
        page = client.get(again["Location"]).content.decode()
        assert "déjà inscrite" in page  # said to everyone, the same way
    else:
        assert "complet" in new.content.decode()
        assert "complet" in again.content.decode()
    assert [message.to for message in mail.outbox][-1] == ["deja@mairie.example"]


def test_every_attempt_counts_toward_the_limit(client):
    """An address already registered, submitted again and again from one
    client, is refused once the limit is reached."""
    registration = RegistrationFactory()
    url = reverse("registrations:register", args=[registration.event.slug])
    for _ in range(booking.RATE_LIMIT):
        assert client.post(url, answers(email=registration.email)).status_code == 302

    response = client.post(url, answers(email=registration.email))

    assert response.status_code == 429


def test_ipv6_clients_are_limited_by_their_64_network(client):
    """One IPv6 client holds a whole /64: changing address changes nothing."""
    settings = RegistrationSettingsFactory(capacity=None)
    for number in range(booking.RATE_LIMIT):
        client.post(
            form_url(settings),
            answers(email=f"p{number}@mairie.example"),
            REMOTE_ADDR=f"2001:db8:1:2::{number + 1:x}",
        )

    same_network = client.post(
        form_url(settings),
        answers(email="encore@mairie.example"),
        REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:ffff",
    )
    other_network = client.post(
        form_url(settings),
        answers(email="autre@mairie.example"),
        REMOTE_ADDR="2001:db8:1:3::1",
    )

    assert same_network.status_code == 429
    assert other_network.status_code == 302


def test_free_text_answers_are_capped_with_a_french_answer(client):
    settings = RegistrationSettingsFactory(
        ask_accessibility=Question.OPTIONAL, ask_dietary=Question.OPTIONAL
    )
    page = client.get(form_url(settings)).content.decode()
    assert 'maxlength="1000"' in page

    response = client.post(
        form_url(settings),
        answers(accessibility_needs="a" + " " * 120_000 + "b", dietary_needs="x" * 501),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "1\u202f000 caractères au plus" in page
    assert "500 caractères au plus" in page
    assert not Registration.objects.exists()


def test_the_personal_link_carries_no_registration_number(client):
    """Issue 22, §4: the token is a signed random key, not the row's id."""
    settings = RegistrationSettingsFactory()
    client.post(form_url(settings), answers())
    registration = Registration.objects.get()
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert token.split(":")[0] == registration.link_key != str(registration.pk)
    assert len(registration.link_key) >= 22  # 128 random bits
    assert client.get(_path(link_in(mail.outbox[0]))).status_code == 200


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_asking_for_the_link_again_replaces_it(client):
    """The link sent again is a new one; the old one stops working."""
    settings = RegistrationSettingsFactory()
    client.post(form_url(settings), answers())
    old_link = link_in(mail.outbox[0])
    mail.outbox.clear()
    client.post(form_url(settings), answers())
    (message,) = mail.outbox
    new_link = link_in(message)
    assert new_link != old_link
    assert client.get(_path(new_link)).status_code == 200
    assert client.get(_path(old_link)).status_code == 404
