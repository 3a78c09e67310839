"""Demo assemblies (`manage.py load_demo` runs `load_demo_assembly`, this
app being above `pages`): this year's past assembly with its frozen roll,
quorum, votes (one secret electronic ballot) and issued minutes; the next
one, from the agenda, convened with two proxies given.

Rebuilt on every load: `unload` runs before the agenda moves (the demo
events are re-dated from today), `load` after. The people designated to
represent the cities are fictional and flagged as demo data."""

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from association.models import SiteSettings
from calendar_app.dates import local_midnight
from calendar_app.demo import save_if_changed
from calendar_app.models import Event, EventType
from dues.models import Payment
from members.models import Mandate, Member, Person
from outbox.models import OutboxMessage

from . import convocation, minutes, proxies, roll, session, voting
from .apps import PAST_DEMO_SLUG
from .models import (
    AgendaItem,
    Assembly,
    Ballot,
    Choice,
    ConvocationSending,
    Minutes,
    Participation,
    Proxy,
    Resolution,
)

FIRST_NAMES = ["Nadia", "Julien", "Aurélie", "Mathieu", "Inès", "Olivier", "Léa"]
LAST_NAMES = ["Garnier", "Roussel", "Benoît", "Masson", "Colin", "Vidal", "Leclerc"]
AGENDA = [
    ("Rapport moral de la présidente", ""),
    ("Rapport financier et approbation des comptes", "Comptes de l’exercice clos."),
    ("Élection du conseil d’administration", "Renouvellement par moitié."),
    ("Questions diverses", ""),
]


def unload() -> None:
    """Remove the demo assemblies (PROTECT everywhere: in order)."""
    demo = Assembly.objects.filter(is_demo=True)
    Ballot.objects.filter(resolution__assembly__in=demo).delete()
    Participation.objects.filter(resolution__assembly__in=demo).delete()
    Proxy.objects.filter(assembly__in=demo).delete()
    sent = ConvocationSending.objects.filter(assembly__in=demo)
    OutboxMessage.objects.filter(
        pk__in=sent.exclude(message=None).values("message")
    ).delete()
    sent.delete()
    Minutes.objects.filter(assembly__in=demo).delete()  # rows, not the files
    demo.delete()  # its past event stays, unchanged unless its date moves


def _representatives(since: dt.date) -> None:
    """A designated representative for each listed city (fictional)."""
    designated = set(
        Mandate.objects.filter(body=Mandate.Body.ASSEMBLY).values_list(
            "person__member", flat=True
        )
    )
    for index, member in enumerate(Member.objects.listed().select_related("authority")):
        if member.pk in designated:
            continue
        person = Person.objects.create(
            first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
            last_name=LAST_NAMES[index * 3 % len(LAST_NAMES)],
            member=member,
            position="Conseillère municipale déléguée à l’éducation"
            if index % 2
            else "Adjoint au maire chargé de l’éducation",
            email=f"ag.{member.slug}@demo.example.org",
            is_demo=True,
        )
        Mandate.objects.create(person=person, body=Mandate.Body.ASSEMBLY, start=since)


def _agenda(assembly: Assembly) -> None:
    for order, (title, description) in enumerate(AGENDA, start=1):
        AgendaItem.objects.create(
            assembly=assembly, order=order, title=title, description=description
        )


def _resolutions(assembly: Assembly, year: int) -> list[Resolution]:
    return [
        Resolution.objects.create(
            assembly=assembly,
            order=1,
            title="Approbation du rapport moral",
            text="L’assemblée générale approuve le rapport moral présenté par "
            "la présidente.",
        ),
        Resolution.objects.create(
            assembly=assembly,
            order=2,
            title=f"Approbation des comptes de l’exercice {year - 1}",
            text=f"L’assemblée générale approuve les comptes de l’exercice "
            f"{year - 1} et donne quitus à la trésorière.",
        ),
        Resolution.objects.create(
            assembly=assembly,
            order=3,
            title="Élection des membres du conseil d’administration",
            text="L’assemblée générale élit au conseil d’administration les "
            "villes candidates dont la liste est jointe à la convocation.",
            secret=True,
            method=Resolution.Method.ELECTRONIC,
        ),
    ]


def _past(today: dt.date, admin_user) -> Assembly:
    # After the demo campaign's payments (dues/demo.py: none after today).
    last_payment = Payment.objects.filter(call__year=today.year).aggregate(
        last=Max("paid_on")
    )["last"] or today - dt.timedelta(days=5)
    cutoff = min(last_payment + dt.timedelta(days=1), today - dt.timedelta(days=3))
    day = min(cutoff + dt.timedelta(days=30), today - dt.timedelta(days=1))
    starts_at = local_midnight(day) + dt.timedelta(hours=14)
    event = save_if_changed(
        PAST_DEMO_SLUG,
        {
            "title": f"Assemblée générale {today.year}",
            "event_type_id": EventType.objects.get(slug="assemblee-generale").pk,
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(hours=3),
            "place": "Hôtel de ville de Villeurbanne",
            "status": Event.Status.PUBLISHED,
            "visibility": Event.Visibility.INTERNAL,
            "is_demo": True,
        },
    )
    assembly = Assembly.objects.create(
        event=event, dues_year=today.year, cutoff_date=cutoff, is_demo=True
    )
    _agenda(assembly)
    resolutions = _resolutions(assembly, today.year)
    roll.compute_roll(assembly)
    convened_at = starts_at - dt.timedelta(days=21)
    Assembly.objects.filter(pk=assembly.pk).update(
        convened_at=convened_at, convened_by=admin_user
    )
    assembly.refresh_from_db()
    for entry in convocation.recipients(assembly):
        ConvocationSending.objects.create(
            assembly=assembly,
            entry=entry,
            email=entry.representative_email,
            sent_at=convened_at,
            sent_by=admin_user,
            message_header=f"<demo-{entry.pk}@villeseducatrices.fr>",
        )
    voters = [entry for entry in assembly.roll.all() if entry.may_vote]
    # Three proxies, two thirds of the others present.
    for principal, holder in [(1, 0), (4, 3), (7, 6)]:
        if len(voters) > principal:
            proxies.give_proxy(
                assembly, voters[principal], voters[holder], signed_by="(papier)"
            )
    present = [e for i, e in enumerate(voters) if i % 3 != 2 and i not in (1, 4, 7)]
    assembly.roll.filter(pk__in=[e.pk for e in present]).update(present=True)
    session.open_session(assembly)
    assembly.refresh_from_db()
    counted = session.quorum(assembly).counted
    voting.record_show_of_hands(resolutions[0], counted - 1, 0, 1)
    voting.record_show_of_hands(resolutions[1], counted - 2, 1, 1)
    election = resolutions[2]
    voting.open_ballot(election)
    represented = proxies.holders(assembly)
    for index, entry in enumerate(present + list(represented)):
        if isinstance(entry, int):  # a principal's id: its holder votes
            principal = assembly.roll.get(pk=entry)
            by = represented[entry]
        else:
            principal, by = entry, None
        choice = [
            Choice.FOR,
            Choice.FOR,
            Choice.FOR,
            Choice.AGAINST,
            Choice.ABSTENTION,
        ][index % 5]
        voting.cast_ballot(election, principal, choice, cast_by=by)
    voting.close_ballot(election)
    Resolution.objects.filter(pk=election.pk).update(
        ballot_opened_at=starts_at + dt.timedelta(minutes=90),
        ballot_closed_at=starts_at + dt.timedelta(minutes=105),
    )
    Assembly.objects.filter(pk=assembly.pk).update(
        opened_at=starts_at + dt.timedelta(minutes=10)
    )
    assembly.refresh_from_db()
    draft = minutes.draft(assembly)
    issued = minutes.issue(draft, admin_user)
    Minutes.objects.filter(pk=issued.pk).update(
        issued_at=starts_at + dt.timedelta(days=8)
    )
    return assembly


def _next(today: dt.date, admin_user) -> Assembly | None:
    event = (
        Event.objects.filter(
            event_type__slug="assemblee-generale",
            is_demo=True,
            starts_at__gte=local_midnight(today + dt.timedelta(days=20)),
        )
        .order_by("starts_at")
        .first()
    )
    if event is None:
        return None
    assembly = Assembly.objects.create(
        event=event,
        dues_year=today.year,
        cutoff_date=today - dt.timedelta(days=1),
        is_demo=True,
        convocation_text="Le rapport moral, les comptes et la liste des villes "
        "candidates au conseil d’administration sont joints sur la page de "
        "l’événement.",
    )
    _agenda(assembly)
    _resolutions(assembly, today.year + 1)
    convocation.send_convocation(assembly, admin_user)
    voters = [entry for entry in assembly.roll.all() if entry.may_vote]
    if len(voters) >= 4:
        proxies.give_proxy(assembly, voters[1], voters[0], signed_by="(papier)")
        proxies.give_proxy(assembly, voters[3], voters[2], source=Proxy.Source.ONLINE)
    return assembly


def load(today: dt.date | None = None) -> tuple[Assembly, Assembly | None]:
    today = today or timezone.localdate()
    unload()
    rules = SiteSettings.load()
    rules.ag_electronic_voting = True
    rules.ag_electronic_voting_article = "article 15 (statuts modifiés en 2021)"
    rules.save()
    _representatives(dt.date(today.year - 3, 1, 1))
    return _past(today, None), _next(today, None)
