"""Template filters for French notation (rfve_site/formats.py), registered as
the `french` library in settings.TEMPLATES:

    {% load french %}{{ call.amount|euros }} {{ authority.population|habitants }}
    {{ document.date|french_date:"j F Y" }} ("1er janvier 2027")

A missing or unreadable value gives an empty string, like Django's filters."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

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


@register.filter(is_safe=False)
def french_date(value, format="DATE_FORMAT") -> str:
    """Django's `date` filter with "1er" for the first of the month: use it
    wherever a date is written in words ("j F Y"). Datetimes in Paris time."""
    if not value or not hasattr(value, "day"):
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return formats.date(value, format)
