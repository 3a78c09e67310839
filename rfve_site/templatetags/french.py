"""Template filters for French notation (rfve_site/formats.py), registered as
the `french` library in settings.TEMPLATES:

    {% load french %}{{ call.amount|euros }} {{ authority.population|habitants }}

A missing or unreadable value gives an empty string, like Django's filters."""

from decimal import Decimal, InvalidOperation

from django import template

from rfve_site import formats

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter(is_safe=True)
def euros(value) -> str:
    """3000 → "3 000,00 €"."""
    amount = _decimal(value)
    return "" if amount is None or not amount.is_finite() else formats.euros(amount)


@register.filter(is_safe=True)
def habitants(value) -> str:
    """163684 → "163 684 habitants"."""
    population = _decimal(value)
    if population is None or not population.is_finite():
        return ""
    return formats.habitants(int(population))


@register.filter(is_safe=True)
def number(value) -> str:
    """163684 → "163 684" (whole numbers: populations, bracket limits)."""
    figure = _decimal(value)
    return "" if figure is None or not figure.is_finite() else formats.number(figure)
