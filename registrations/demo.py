"""Demo registrations (load_demo): the next Rencontres nationales open with
about sixty registrations from real member cities (the people are made up), a
full webinar with three people waiting (its visio link for the confirmed
ones), a past working group with attendance marked, last month's cancelled
working group whose registrants were told, and an earlier paying working
group whose invoices are issued (member cities billed from their record, a
non-member city and a partner from the data they typed, confirmed by the
secretariat), to be read without clicking.

The demo agenda follows today's date and drops its stale events, which a
registration protects: load_demo calls unload() before the agenda, then
load() after it; registrations are recreated on every run."""

import datetime as dt
import itertools
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from calendar_app.demo import add_months
from calendar_app.models import Event
from dues.errors import DuesError
from members.communes import ensure_authorities, normalise_name
from members.models import Member
from members.validators import with_luhn_key

from . import orders
from .models import (
    BillingProposal,
    Notice,
    Order,
    Question,
    Rate,
    Registration,
    RegistrationSettings,
)

logger = logging.getLogger(__name__)

FIRST_NAMES = [
    "Camille", "Nadia", "Julien", "Sophie", "Karim", "Claire", "Thomas", "Inès",
    "Mathieu", "Aurélie", "Olivier", "Fatou", "Laurent", "Émilie", "Yacine",
    "Hélène", "Pierre", "Manon", "Sébastien", "Léa", "Nicolas", "Amandine",
    "François", "Chloé", "Mehdi", "Anne", "Vincent", "Sarah", "Damien", "Lucie",
]  # fmt: skip
LAST_NAMES = [
    "Moreau", "Lefebvre", "Garnier", "Faure", "Rousseau", "Blanc", "Guerin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clement", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
    "Masson", "Sanchez", "Girard", "Lemoine", "Bertin", "Colin", "Vidal",
    "Caron", "Picard", "Roger", "Aubert", "Lucas", "Brunet", "Meunier",
]  # fmt: skip
FEMININE = {
    "Camille", "Nadia", "Sophie", "Claire", "Inès", "Aurélie", "Fatou", "Émilie",
    "Hélène", "Manon", "Léa", "Amandine", "Chloé", "Anne", "Sarah", "Lucie",
}  # fmt: skip
# (feminine, masculine)
FUNCTIONS = [
    (
        "Adjointe au maire chargée de l’éducation",
        "Adjoint au maire chargé de l’éducation",
    ),
    ("Directrice de l’éducation", "Directeur de l’éducation"),
    (
        "Conseillère municipale déléguée à la jeunesse",
        "Conseiller municipal délégué à la jeunesse",
    ),
    (
        "Coordinatrice du projet éducatif de territoire",
        "Coordinateur du projet éducatif de territoire",
    ),
    ("Responsable du service périscolaire", "Responsable du service périscolaire"),
    ("Chargée de mission Cité éducative", "Chargé de mission Cité éducative"),
]
RENCONTRES_REGISTRATIONS = 60
WEBINAR_CAPACITY = 25
WEBINAR_WAITING = 3
PAST_REGISTRATIONS = 14
PAST_ABSENT = 2
WEBINAR_VISIO = "https://visio.example.org/rfve/webinaire-tarification-sociale"
CANCELLED_REGISTRATIONS = 9
CANCELLED_WAITING = 1


def unload(today: dt.date | None = None) -> int:
    """Delete the demo registrations (and their events' settings). Invoiced
    ones stay (an issued invoice is never re-issued), unless their event
    leaves the demo agenda's window (the agenda deletes it next); their
    invoices stay in any case, frozen."""
    today = today or timezone.localdate()
    window_start = add_months(today.replace(day=1), -2)
    invoiced = Registration.objects.filter(
        is_demo=True, invoice__isnull=False, event__starts_at__date__gte=window_start
    )
    kept_events = set(invoiced.values_list("event", flat=True))
    deleted, _ = (
        Registration.objects.filter(is_demo=True)
        .exclude(event__in=kept_events)
        .delete()
    )
    BillingProposal.objects.filter(
        order__event__is_demo=True, registration=None
    ).delete()
    Order.objects.filter(event__is_demo=True, registrations=None).delete()
    RegistrationSettings.objects.filter(event__is_demo=True).exclude(
        event__in=kept_events
    ).delete()
    return deleted


def _settings(event: Event, capacity: int | None, **values) -> RegistrationSettings:
    settings, _ = RegistrationSettings.objects.update_or_create(
        event=event, defaults=values
    )
    settings.sync_days()
    settings.days.update(capacity=capacity)
    return settings


def _register(settings, members, people, count, *, status, rates=None, now):
    """`count` registrations spread over the member cities, in arrival order."""
    days = list(settings.days.all())
    created = []
    for number in range(count):
        first, last = next(people)
        member = members[number % len(members)]
        domain = member.authority.search_name.replace(" ", "-")
        registration = Registration.objects.create(
            event=settings.event,
            first_name=first,
            last_name=last,
            email=f"{normalise_name(first)}.{normalise_name(last)}@{domain}"
            ".example.org".replace(" ", "-"),
            function=FUNCTIONS[number % len(FUNCTIONS)][first not in FEMININE],
            authority=member.authority,
            member=member,
            rate=rates[number % len(rates)] if rates else None,
            status=status,
            created_at=now - dt.timedelta(days=30) + dt.timedelta(hours=number * 7),
            is_demo=True,
        )
        # Multi-day: one in five comes on the first day only.
        registration.days.set(days[:1] if len(days) > 1 and number % 5 == 4 else days)
        created.append(registration)
    return created


@transaction.atomic
def load(today: dt.date) -> int:
    """Create the demo registrations; returns how many."""
    unload()
    now = timezone.now()
    members = list(
        Member.objects.active().select_related("authority").order_by("authority__code")
    )
    demo_events = Event.objects.public().filter(is_demo=True)
    rencontres = demo_events.rencontres().upcoming(now).first()
    webinar = demo_events.filter(event_type__slug="webinaire").upcoming(now).first()
    past = (
        demo_events.filter(title="Groupe de travail petite enfance", ends_at__lt=now)
        .order_by("-starts_at")
        .first()
    )
    if not members or not (rencontres and webinar and past):
        return 0
    # Made-up people, each name once, first names mixed (not all Camilles first).
    people = iter(
        sorted(
            itertools.product(FIRST_NAMES, LAST_NAMES),
            key=lambda name: (
                (len(name[0]) * 31 + len(name[1]) * 17 + ord(name[1][0])) % 101
            ),
        )
    )
    count = 0

    settings = _settings(
        rencontres,
        150,
        is_open=True,
        closes_at=rencontres.starts_at - dt.timedelta(days=7),
        ask_dietary=Question.OPTIONAL,
    )
    rates = [
        Rate.objects.create(settings=settings, category=category, amount=amount)
        for category, amount in [
            (Rate.Category.MEMBER, Decimal("90.00")),
            (Rate.Category.NON_MEMBER, Decimal("150.00")),
            (Rate.Category.PARTNER, Decimal("60.00")),
            (Rate.Category.INVITED, Decimal("0.00")),
        ]
    ]
    paying = _register(
        settings,
        members,
        people,
        RENCONTRES_REGISTRATIONS,
        status=Registration.Status.CONFIRMED,
        rates=rates[:1],
        now=now,
    )
    for registration in paying:  # one order per city, to invoice at closing
        orders.attach(registration, {})  # billed from the member's record
    count += len(paying)

    settings = _settings(
        webinar,
        WEBINAR_CAPACITY,
        is_open=True,
        # Confirmed registrants only: their emails and personal page.
        visio_url=WEBINAR_VISIO,
        access="Connexion ouverte dès 12 h 15 ; les questions se posent par "
        "écrit pendant le webinaire.",
    )
    count += len(
        _register(
            settings,
            members,
            people,
            WEBINAR_CAPACITY,
            status=Registration.Status.CONFIRMED,
            now=now,
        )
    )
    count += len(
        _register(
            settings,
            members[5:],
            people,
            WEBINAR_WAITING,
            status=Registration.Status.WAITING,
            now=now + dt.timedelta(days=10),
        )
    )

    settings = _settings(past, 30, is_open=False)
    registrations = _register(
        settings,
        members,
        people,
        PAST_REGISTRATIONS,
        status=Registration.Status.CONFIRMED,
        now=past.starts_at - dt.timedelta(days=10),
    )
    day = settings.days.get()
    for registration in registrations[PAST_ABSENT:]:
        registration.attended_days.add(day)
    count += len(registrations)

    cancelled = (
        Event.objects.filter(
            is_demo=True,
            status=Event.Status.CANCELLED,
            title="Groupe de travail Cités éducatives",
            ends_at__lt=now,
        )
        .order_by("-starts_at")
        .first()
    )
    if cancelled is not None:
        count += _cancelled_past_event(cancelled, members, people)

    paying_past = (
        demo_events.filter(title="Groupe de travail petite enfance", ends_at__lt=now)
        .exclude(pk=past.pk)
        .order_by("starts_at")
        .first()
    )
    if (
        paying_past is not None
        and not Registration.objects.filter(event=paying_past).exists()
    ):
        count += _paying_past_event(paying_past, members, people, now)
    return count


def _cancelled_past_event(event, members, people) -> int:
    """Last month's cancelled working group: its registrants and its waiting
    list were told a week before it, once each (the Notice rows the admin
    shows on each registration). Recorded, not sent: a demo never writes to
    its made-up people, so the outbox holds none of these."""
    settings = _settings(event, CANCELLED_REGISTRATIONS, is_open=False)
    told_at = event.starts_at - dt.timedelta(days=7)
    registered = _register(
        settings,
        members,
        people,
        CANCELLED_REGISTRATIONS,
        status=Registration.Status.CONFIRMED,
        now=told_at - dt.timedelta(days=5),
    ) + _register(
        settings,
        members[3:],
        people,
        CANCELLED_WAITING,
        status=Registration.Status.WAITING,
        now=told_at,
    )
    Notice.objects.bulk_create(
        Notice(
            registration=registration,
            kind=Notice.Kind.EVENT_CANCELLED,
            event_starts_at=event.starts_at,
            sent_at=told_at,
        )
        for registration in registered
    )
    return len(registered)


# Buyers that are not member cities, with the billing data they typed:
# (first name, last name, INSEE code or None, organisation, legal name,
# address, SIRET or None for the collectivité's own).
OTHER_BUYERS = [
    (
        "Anne",
        "Vidal",
        "69029",  # Bron, not a member
        "",
        "Commune de Bron",
        "Hôtel de ville\nPlace de Weingarten\n69500 Bron",
        None,
    ),
    (
        "Éric",
        "Lemaire",
        None,
        "Ligue de l’enseignement du Rhône",
        "Fédération des œuvres laïques du Rhône",
        "20 rue François-Garcin\n69003 Lyon",
        with_luhn_key("7798597310001"),
    ),
]
PAYING_PAST_MEMBERS = 5


def _paying_past_event(event, members, people, now) -> int:
    """A working group with a fee, its invoices issued: members billed from
    their record (the commitment number the secretariat entered when their
    record requires one), a non-member city and a partner from what they
    typed, confirmed by the secretariat."""
    settings = _settings(event, 40, is_open=False, invitation_code="PETITE-ENFANCE")
    rates = {
        category: Rate.objects.create(
            settings=settings, category=category, amount=amount
        )
        for category, amount in [
            (Rate.Category.MEMBER, Decimal("40.00")),
            (Rate.Category.NON_MEMBER, Decimal("70.00")),
            (Rate.Category.PARTNER, Decimal("55.00")),
            (Rate.Category.INVITED, Decimal("0.00")),
        ]
    }
    registered = _register(
        settings,
        members[:PAYING_PAST_MEMBERS],
        people,
        PAYING_PAST_MEMBERS,
        status=Registration.Status.CONFIRMED,
        rates=[rates[Rate.Category.MEMBER]],
        now=event.starts_at - dt.timedelta(days=20),
    )
    codes = [buyer[2] for buyer in OTHER_BUYERS if buyer[2]]
    authorities = ensure_authorities(codes)
    for number, (first, last, code, organisation, legal, address, siret) in enumerate(
        OTHER_BUYERS
    ):
        authority = authorities.get(code) if code else None
        if code and authority is None:
            continue  # not in this version of the reference file
        registration = Registration.objects.create(
            event=event,
            first_name=first,
            last_name=last,
            email=f"{normalise_name(first)}.{normalise_name(last)}@demo.example.org",
            function="Directrice de la petite enfance"
            if first == "Anne"
            else "Chargé de mission",
            authority=authority,
            organisation=organisation,
            rate=rates[
                Rate.Category.NON_MEMBER if authority else Rate.Category.PARTNER
            ],
            status=Registration.Status.CONFIRMED,
            created_at=event.starts_at - dt.timedelta(days=15 - number),
            is_demo=True,
        )
        registration.days.set(settings.days.all())
        registered.append(registration)
        billing = {
            "legal_name": legal,
            "invoicing_address": address,
            "siret": siret or with_luhn_key(f"{authority.siren}0001"),
            "service_code": "",
            "commitment_number": "",
        }
        order = orders.attach(registration, billing)
        # The secretariat checked the proposal and confirmed it.
        orders.adopt_proposal(order, order.billing_proposals.first())
        order.save()
        orders.confirm_billing(order, by="secretariat (démonstration)", now=now)
    for registration in registered[:PAYING_PAST_MEMBERS]:
        order = orders.attach(registration, {})
        if order.member.commitment_number_required and not order.commitment_number:
            order.commitment_number = f"EJ-{event.starts_at:%Y}-{order.pk:05d}"
            order.save(update_fields=["commitment_number"])
    try:
        orders.issue_documents(settings, now=now, send=False)
    except DuesError as error:  # the association's settings lack something
        logger.warning("Demo registration invoices not issued: %s", error)
    return len(registered)
