"""The yearly dues scale: its brackets, the amount of a population, checking
a scale and copying it to a new year."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from members.models import LocalAuthority
from rfve_site import formats

from .errors import DuesError
from .models import (
    DuesBracket,
    DuesScale,
)


def bracket_for(scale: DuesScale, population: int | None) -> DuesBracket | None:
    """The bracket holding the population (limits included), or None without a
    population or a matching bracket."""
    if population is None:
        return None
    for bracket in scale.brackets.all():
        upper = bracket.max_population
        if bracket.min_population <= population and (
            upper is None or population <= upper
        ):
            return bracket
    return None


def amount_for(scale: DuesScale, population: int | None) -> Decimal | None:
    """The annual amount of the population's bracket, or None."""
    bracket = bracket_for(scale, population)
    return None if bracket is None else bracket.amount


def validate_brackets(brackets) -> list[str]:
    """French error messages for a list of brackets (objects with
    min_population, max_population and amount); empty when the scale is
    valid: starts at 0 inhabitants, no gap, no overlap, no negative amount, and
    only the last bracket is open-ended."""
    if not brackets:
        return ["Le barème doit comporter au moins une tranche."]
    errors = []
    ordered = sorted(brackets, key=lambda b: b.min_population)
    if ordered[0].min_population != 0:
        errors.append("La première tranche doit commencer à 0 habitant.")
    for bracket in ordered:
        if bracket.amount is None or bracket.amount < 0:
            errors.append(
                f"Tranche à partir de {formats.number(bracket.min_population)} : "
                "le montant ne peut pas être négatif."
            )
        upper = bracket.max_population
        if upper is not None and upper < bracket.min_population:
            errors.append(
                f"Tranche à partir de {formats.number(bracket.min_population)} : "
                "la limite haute est inférieure à la limite basse."
            )
    for previous, following in zip(ordered, ordered[1:], strict=False):
        if previous.max_population is None:
            errors.append(
                f"Seule la dernière tranche peut être sans limite haute "
                f"(tranche à partir de {formats.number(previous.min_population)})."
            )
        elif following.min_population > previous.max_population + 1:
            errors.append(
                f"Trou entre {formats.number(previous.max_population)} et "
                f"{formats.number(following.min_population)} habitants."
            )
        elif following.min_population <= previous.max_population:
            errors.append(
                f"Les tranches se chevauchent à partir de "
                f"{formats.number(following.min_population)} habitants."
            )
    if ordered[-1].max_population is not None:
        errors.append("La dernière tranche doit être sans limite haute (« et plus »).")
    return errors


@transaction.atomic
def copy_scale(from_year: int, to_year: int) -> DuesScale:
    """A new scale for to_year with the brackets of from_year."""
    try:
        source = DuesScale.objects.get(year=from_year)
    except DuesScale.DoesNotExist:
        raise DuesError(f"Il n’y a pas de barème {from_year}.") from None
    if DuesScale.objects.filter(year=to_year).exists():
        raise DuesError(f"Le barème {to_year} existe déjà.")
    # The millésime of the populations the site actually has (the reference
    # loaded by load_communes), not a guess a year ahead: a campaign refuses
    # every city whose population is of another millésime.
    loaded = LocalAuthority.objects.aggregate(year=Max("population_year"))["year"]
    scale = DuesScale.objects.create(
        year=to_year,
        population_year=loaded or source.population_year,
        first_year_rule=source.first_year_rule,
        notes=f"Copie du barème {from_year} : vérifiez les montants ; population "
        f"municipale millésime {loaded or source.population_year}, celle du "
        "référentiel des collectivités chargé.",
    )
    DuesBracket.objects.bulk_create(
        DuesBracket(
            scale=scale,
            min_population=bracket.min_population,
            max_population=bracket.max_population,
            amount=bracket.amount,
        )
        for bracket in source.brackets.all()
    )
    return scale
