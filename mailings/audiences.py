"""Who a mailing writes to, from the site's data: each address once however
many groups it is in (compared without case), addresses on the outbox's
suppression list left out."""

from dataclasses import dataclass

from django.db.models import Q

from members.models import Mandate, Member, Person
from outbox.models import SuppressedAddress
from registrations.models import Registration

from .models import Mailing, Subscriber

SAMPLE_SIZE = 10


@dataclass(frozen=True)
class Address:
    email: str  # lower case
    name: str
    group: str  # the first group that brought it


def _people(queryset, group: str):
    rows = queryset.exclude(email="").values_list("email", "first_name", "last_name")
    for email, first, last in rows.order_by("last_name", "first_name", "pk"):
        yield Address(email.strip().lower(), f"{first} {last}", group)


def _member_people():
    return Person.objects.filter(member__status=Member.Status.ACTIVE)


def _groups(mailing: Mailing):
    """The addresses of each group the mailing chose, in the order shown."""
    if mailing.to_representatives:
        yield from _people(_member_people(), "Villes adhérentes")
    if mailing.to_elected:
        people = _member_people().filter(kind=Person.Kind.ELECTED)
        yield from _people(people, "Élues et élus")
    if mailing.to_agents:
        yield from _people(_member_people().filter(kind=Person.Kind.AGENT), "Agents")
    if mailing.to_finance:
        members = (
            Member.objects.active()
            .exclude(finance_contact_email="")
            .select_related("authority")
            .order_by("authority__name", "pk")
        )
        for member in members:
            yield Address(
                member.finance_contact_email.strip().lower(),
                member.finance_contact_name or f"Finances, {member.authority.name}",
                "Contacts finances",
            )
    if mailing.pk:
        for group in mailing.working_groups.all():
            current = Mandate.objects.current().filter(working_group=group)
            people = Person.objects.filter(
                Q(pk__in=current.values("person")) | Q(led_groups=group)
            ).distinct()
            yield from _people(people, group.name)
    if mailing.event_id and mailing.event_statuses:
        yield from _registrants(mailing)
    if mailing.pk:
        topics = list(mailing.topics.all())
        if topics:
            subscribers = (
                Subscriber.objects.filter(topics__in=topics).distinct().order_by("pk")
            )
            for email in subscribers.values_list("email", flat=True):
                yield Address(email.lower(), "", "Abonnés de la lettre")


def _registrants(mailing: Mailing):
    statuses = set(mailing.event_statuses)
    registrations = Registration.objects.filter(event=mailing.event_id)
    wanted = Q(pk__in=[])
    if Mailing.EventStatus.CONFIRMED in statuses:
        wanted |= Q(status=Registration.Status.CONFIRMED)
    if Mailing.EventStatus.WAITING in statuses:
        wanted |= Q(status=Registration.Status.WAITING)
    if Mailing.EventStatus.PRESENT in statuses:
        wanted |= Q(
            pk__in=registrations.filter(attended_days__isnull=False).values("pk")
        )
    chosen = registrations.filter(wanted).exclude(status=Registration.Status.CANCELLED)
    yield from _people(chosen, "Inscrits à l’événement")


def addresses(mailing: Mailing) -> list[Address]:
    """Every address the mailing would be sent to now, once each, suppressed
    ones left out."""
    suppressed = set(
        SuppressedAddress.objects.values_list("email", flat=True).iterator()
    )
    suppressed = {email.lower() for email in suppressed}
    seen, found = set(), []
    for address in _groups(mailing):
        if address.email in seen or address.email in suppressed:
            continue
        seen.add(address.email)
        found.append(address)
    return found


def suppressed_count(mailing: Mailing) -> int:
    """How many addresses of the chosen groups the suppression list removes."""
    emails = {address.email for address in _groups(mailing)}
    suppressed = SuppressedAddress.objects.values_list("email", flat=True)
    return len(emails & {email.lower() for email in suppressed})
