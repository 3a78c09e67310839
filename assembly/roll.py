"""Who votes: the roll at the cut-off date, computed from the data.

A member city votes when, at the cut-off date, it was a member (joined on or
before it, not suspended nor gone) and its dues of the assembly's year were
fully paid (payments dated on or before it cover the amount, net of the
credit notes issued by then: dues.standing). Its representative is the
person holding a running "Représentation à l’assemblée générale" mandate on
that date. Every member city gets an entry; those left out carry the reason.

The roll is recomputed on demand until the convocation is sent, then frozen
(convocation.send_convocation)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from association.models import AssemblyVoteBasis, SiteSettings
from dues.standing import calls_as_of
from members.models import Mandate, Member
from rfve_site.formats import euros

from .models import Assembly, FrozenError, RollEntry


@dataclass
class Standing:
    member: Member
    votes: int
    reason: str
    representative: object  # members.Person or None


def votes_for(population: int | None, rules: SiteSettings) -> int:
    """One vote, or (weighted statutes) one more per full slice of
    `ag_weight_population` inhabitants, up to `ag_weight_max`."""
    if rules.ag_vote_basis != AssemblyVoteBasis.WEIGHTED:
        return 1
    step = max(rules.ag_weight_population, 1)
    return min(1 + (population or 0) // step, max(rules.ag_weight_max, 1))


def representatives(on: dt.date) -> dict[int, object]:
    """member id → the person designated to represent it on that date (the
    latest-started running mandate if several overlap)."""
    mandates = (
        Mandate.objects.current(on)
        .filter(body=Mandate.Body.ASSEMBLY, person__member__isnull=False)
        .select_related("person")
        .order_by("start", "pk")
    )
    return {mandate.person.member_id: mandate.person for mandate in mandates}


def standings(
    year: int, cutoff: dt.date, rules: SiteSettings | None = None
) -> list[Standing]:
    """Every member city (gone ones that still were members at the cut-off
    included) with its votes and the reason it is left out, if it is."""
    rules = rules or SiteSettings.load()
    calls = {call.member_id: call for call in calls_as_of(year, cutoff)}
    people = representatives(cutoff)
    result = []
    members = Member.objects.listed().select_related("authority")
    for member in members:
        call = calls.get(member.pk)
        reason = ""
        if member.member_since and member.member_since > cutoff:
            reason = (
                f"adhérente après la date d’arrêt (le {member.member_since:%d/%m/%Y})"
            )
        elif member.status == Member.Status.SUSPENDED:
            reason = "adhésion suspendue"
        elif call is None:
            reason = f"aucun appel de cotisation {year}"
        elif call.net_amount <= Decimal(0):
            reason = f"cotisation {year} annulée par avoir"
        elif call.paid_total < call.net_amount:
            left = call.net_amount - call.paid_total
            reason = (
                f"cotisation {year} non soldée au {cutoff:%d/%m/%Y} "
                f"(reste {euros(left)})"
            )
        votes = 0 if reason else votes_for(call.population, rules)
        result.append(Standing(member, votes, reason, people.get(member.pk)))
    return result


@transaction.atomic
def compute_roll(assembly: Assembly) -> list[RollEntry]:
    """Write the roll from the data (again), unless it is frozen."""
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.is_convened:
        raise FrozenError(
            "La liste d’émargement est figée depuis l’envoi de la convocation."
        )
    # Proxies point at entries: a roll recomputed before the convocation
    # keeps the entries of cities still on it.
    current = {entry.member_id: entry for entry in assembly.roll.all()}
    kept = []
    for standing in standings(assembly.dues_year, assembly.cutoff_date):
        person = standing.representative
        entry = current.pop(standing.member.pk, None) or RollEntry(
            assembly=assembly, member=standing.member
        )
        entry.city_name = standing.member.name
        entry.votes = standing.votes
        entry.excluded_reason = standing.reason
        entry.representative = person
        entry.representative_name = str(person) if person else ""
        entry.representative_email = person.email if person else ""
        entry.save()
        if standing.reason:  # no longer votes: its proxies lapse
            entry.proxies_given.all().delete()
            entry.proxies_held.all().delete()
        kept.append(entry)
    for entry in current.values():
        entry.proxies_given.all().delete()
        entry.proxies_held.all().delete()
        entry.delete()
    return kept
