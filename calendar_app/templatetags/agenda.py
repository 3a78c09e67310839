from django import template
from django.utils.html import json_script
from django.utils.safestring import mark_safe

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


@register.filter
def json_ld(data):
    """{{ data|json_ld }}: Django's json_script (its escaping: "</script>" in a
    title cannot close the tag) as the JSON-LD block search engines read."""
    script = json_script(data)
    return mark_safe(script.replace("application/json", "application/ld+json", 1))
