"""Several people of a member city registered to an event at once, from the
members' area: each one through registrations' own rules (booking.register:
places counted under the event's row lock, waiting list, their own
confirmation email with their personal link), all or none (one transaction:
a person already registered or a full event leaves nothing half done), one
order billed with the city's record (orders.attach: no billing data typed),
then a summary to the agent who registered them."""

from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from members.models import Member, Person
from registrations import booking, orders
from registrations import rates as rate_rules
from registrations.models import Registration, RegistrationSettings

MEMBER_BUYER = rate_rules.Buyer(
    has_authority=True, is_member=True, has_invitation=False
)


class GroupRefused(Exception):
    """Nothing was registered; the message says why, in French."""


@dataclass(frozen=True)
class Attendee:
    first_name: str
    last_name: str
    email: str
    function: str
    rate: object  # registrations.Rate or None
    days: list


def eligible_rates(settings: RegistrationSettings) -> list:
    return rate_rules.eligible(settings.rates.all(), MEMBER_BUYER)


def register_group(
    settings: RegistrationSettings,
    member: Member,
    attendees: list[Attendee],
    *,
    agent: Person,
    commitment_number: str = "",
) -> list[Registration]:
    made = []
    with transaction.atomic():
        for attendee in attendees:
            registration = Registration(
                first_name=attendee.first_name,
                last_name=attendee.last_name,
                email=attendee.email,
                function=attendee.function,
                authority=member.authority,
                member=member,
                rate=attendee.rate,
            )
            try:
                booking.register(settings, registration, attendee.days)
            except booking.AlreadyRegistered:
                raise GroupRefused(
                    f"{attendee.first_name} {attendee.last_name} "
                    f"({attendee.email}) a déjà une inscription à cet événement : "
                    "personne n’a été inscrit. Retirez cette ligne et validez "
                    "à nouveau."
                ) from None
            except booking.Refused as refusal:
                raise GroupRefused(f"{refusal} Personne n’a été inscrit.") from None
            order = orders.attach(registration, {})
            if order is not None and commitment_number and not order.commitment_number:
                order.commitment_number = commitment_number
                order.save(update_fields=["commitment_number"])
            made.append(registration)
        if agent.email:
            context = {"event": settings.event, "registrations": made, "agent": agent}
            send_mail(
                f"Inscriptions de {member} : {settings.event.title}",
                render_to_string("espace/email/group_summary.txt", context),
                None,
                [agent.email],
            )
    return made
