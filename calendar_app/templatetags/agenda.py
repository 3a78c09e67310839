from django import template

from .. import dates

register = template.Library()


@register.filter
def french_day(day):
    """{{ day|french_day }} → "mercredi 1er février 2023"."""
    return dates.french_day(day)


@register.filter
def month_name(day):
    """{{ first_day|month_name }} → "février 2023"."""
    return dates.month_name(day)
