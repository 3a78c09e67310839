"""What a dues call's invoice line says: the period covered in French, the
months, the bracket and the population with its millésime."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from rfve_site import formats

from .models import (
    DuesCall,
    bracket_label,
)

MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre "
    "novembre décembre"
).split()


def long_date(date: dt.date, *, with_year: bool = True) -> str:
    """ "1er avril 2027", "31 décembre 2027"."""
    day = "1er" if date.day == 1 else str(date.day)
    text = f"{day} {MONTHS[date.month - 1]}"
    return f"{text} {date.year}" if with_year else text


def period_wording(start: dt.date, end: dt.date) -> str:
    """ "du 1er avril au 31 décembre 2027"."""
    start_text = long_date(start, with_year=start.year != end.year)
    return f"du {start_text} au {long_date(end)}"


@dataclass(frozen=True)
class InvoiceLine:
    """What the invoice line of a call says about how its amount was set."""

    period_start: dt.date
    period_end: dt.date
    period: str  # "du 1er avril au 31 décembre 2027"
    months: int  # 12 for a whole year
    annual_amount: Decimal  # the bracket's amount for a whole year
    bracket: str  # "de 10 000 à 49 999 habitants" ("" on older calls)
    population: str  # "163 684 habitants" ("" without a population)
    population_year: int | None
    population_basis: str  # "population municipale (Insee, millésime 2023)"
    text: str  # all of it, in one French sentence

    @property
    def pro_rata(self) -> bool:
        return self.months < 12


def invoice_line(call: DuesCall) -> InvoiceLine:
    """The designation of a call on its invoice: period, months, bracket,
    population and its millésime. Calls made before periods were recorded
    cover the whole year."""
    start = call.period_start or dt.date(call.year, 1, 1)
    end = call.period_end or dt.date(call.year, 12, 31)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    annual = call.annual_amount if call.annual_amount is not None else call.amount
    bracket = ""
    if call.bracket_min_population is not None:
        bracket = bracket_label(
            call.bracket_min_population, call.bracket_max_population
        )
    population = "" if call.population is None else formats.habitants(call.population)
    basis = population_basis(call.population_year)
    period = period_wording(start, end)
    parts = [f"Cotisation {call.year}, {period}"]
    if months < 12:
        parts[0] += f" ({months} mois sur 12 : {formats.euros(annual)} × {months}/12)"
    if bracket:
        parts.append(f"tranche {bracket}")
    if population:
        parts.append(f"{basis} : {population}")
    return InvoiceLine(
        period_start=start,
        period_end=end,
        period=period,
        months=months,
        annual_amount=annual,
        bracket=bracket,
        population=population,
        population_year=call.population_year,
        population_basis=basis,
        text=" ; ".join(parts) + ".",
    )


def population_basis(population_year: int | None) -> str:
    """What the population figures are: "population municipale (Insee,
    millésime 2023)"."""
    if population_year is None:
        return "population municipale (Insee)"
    return f"population municipale (Insee, millésime {population_year})"
