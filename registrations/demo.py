"""Demo registrations (load_demo): the next Rencontres nationales open with
about sixty registrations from real member cities (the people are made up), a
full webinar with three people waiting, a past working group with attendance
marked.

The demo agenda follows today's date and drops its stale events, which a
registration protects: load_demo calls unload() before the agenda, then
load() after it; registrations are recreated on every run."""

import datetime as dt
import itertools
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from calendar_app.models import Event
from members.communes import normalise_name
from members.models import Member

from . import orders
from .models import Order, Question, Rate, Registration, RegistrationSettings

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


def unload() -> int:
    """Delete the demo registrations (and their events' settings)."""
    deleted, _ = Registration.objects.filter(is_demo=True).delete()
    Order.objects.filter(event__is_demo=True, registrations=None).delete()
    RegistrationSettings.objects.filter(event__is_demo=True).delete()
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
        orders.attach(registration, {"siret": registration.member.siret})
    count += len(paying)

    settings = _settings(webinar, WEBINAR_CAPACITY, is_open=True)
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
    return count + len(registrations)
