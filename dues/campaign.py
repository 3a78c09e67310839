"""The yearly campaign: one dues call per active member, with the terms of
the year's scale."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from members.models import Member
from rfve_site import formats
from rfve_site.text import multi_line

from .errors import DuesError
from .models import (
    DuesBracket,
    DuesCall,
    DuesScale,
)
from .scales import bracket_for, validate_brackets


@dataclass(frozen=True)
class CallTerms:
    """What a scale asks of one member for its year."""

    bracket: DuesBracket
    period_start: dt.date
    period_end: dt.date
    amount: Decimal

    @property
    def months(self) -> int:
        return self.period_end.month - self.period_start.month + 1


def call_terms(scale: DuesScale, member: Member) -> CallTerms | None:
    """The bracket of the member's population and the months its dues cover:
    the whole year, or, in the year of the council's decision to join
    (member_since) under a pro rata scale, from that month to December.

    Pro rata amount = annual amount × months / 12, rounded to the cent, half
    up (675,00 € for 9 months of 900 €; 83,33 € for 1 month of 1 000 €).
    None without a population or a bracket."""
    bracket = bracket_for(scale, member.authority.population)
    if bracket is None:
        return None
    year = scale.year
    start = dt.date(year, 1, 1)
    joined = member.member_since
    pro_rata = scale.first_year_rule == DuesScale.FirstYear.PRO_RATA
    if pro_rata and joined is not None and joined.year == year:
        start = dt.date(year, joined.month, 1)
    months = 13 - start.month
    amount = (bracket.amount * months / 12).quantize(formats.CENT, ROUND_HALF_UP)
    return CallTerms(
        bracket=bracket,
        period_start=start,
        period_end=dt.date(year, 12, 31),
        amount=amount,
    )


@dataclass
class CampaignResult:
    created: list[DuesCall] = field(default_factory=list)
    already_called: int = 0
    without_population: list[Member] = field(default_factory=list)
    # Members whose council decided to join after the campaign's year.
    not_yet_members: list[Member] = field(default_factory=list)


@transaction.atomic
def launch_campaign(
    year: int,
    *,
    population_year_reason: str = "",
    members: Iterable[Member] | None = None,
) -> CampaignResult:
    """One dues call per active member for the year (or for the given ones:
    a city that joins after the campaign), with the terms of the scale
    (call_terms), the population and its millésime recorded. Members already
    called are left alone, so running it again creates nothing twice. The due
    date is set when the invoice is issued.

    A member whose reference population is of another millésime than the
    scale's is called only with a reason, stored on its call; without one,
    nothing is created and the error names them."""
    scale = DuesScale.objects.prefetch_related("brackets").filter(year=year).first()
    if scale is None:
        raise DuesError(f"Créez d’abord le barème {year}.")
    errors = validate_brackets(list(scale.brackets.all()))
    if errors:
        raise DuesError(f"Le barème {year} n’est pas valide : " + " ".join(errors))
    if scale.population_year is None:
        raise DuesError(
            f"Indiquez dans le barème {year} le millésime de la population "
            "municipale qui s’applique."
        )
    reason = multi_line(population_year_reason).strip()
    result = CampaignResult()
    other_year = []
    called = set(DuesCall.objects.filter(year=year).values_list("member", flat=True))
    active = Member.objects.active().select_related("authority")
    if members is not None:
        active = active.filter(pk__in=[member.pk for member in members])
    for member in active:
        if member.pk in called:
            result.already_called += 1
            continue
        if member.member_since and member.member_since.year > year:
            result.not_yet_members.append(member)
            continue
        authority = member.authority
        terms = call_terms(scale, member)
        if terms is None:
            result.without_population.append(member)
            continue
        differs = authority.population_year != scale.population_year
        if differs:
            other_year.append(member)
        result.created.append(
            DuesCall(
                member=member,
                year=year,
                amount=terms.amount,
                scale_amount=terms.amount,
                annual_amount=terms.bracket.amount,
                bracket_min_population=terms.bracket.min_population,
                bracket_max_population=terms.bracket.max_population,
                period_start=terms.period_start,
                period_end=terms.period_end,
                population=authority.population,
                population_year=authority.population_year,
                population_year_reason=reason if differs else "",
            )
        )
    if other_year and not reason:
        names = ", ".join(
            f"{member} ({member.authority.population_year or 'sans millésime'})"
            for member in other_year
        )
        raise DuesError(
            f"Le barème {year} retient la population municipale millésime "
            f"{scale.population_year}, mais le référentiel donne un autre "
            f"millésime pour {len(other_year)} ville(s) : {names}. Mettez à jour "
            "le référentiel des collectivités, ou indiquez le motif de l’écart "
            "pour lancer la campagne quand même."
        )
    DuesCall.objects.bulk_create(result.created)
    return result
