from django import template
from django.utils.html import format_html
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


@register.simple_tag
def status_badge(event):
    """ "Annulé" or "Reporté", for events that will not happen as announced."""
    if event.is_cancelled:
        return mark_safe('<strong class="badge badge-cancelled">Annulé</strong>')
    if event.is_postponed:
        return mark_safe('<strong class="badge badge-postponed">Reporté</strong>')
    return ""


@register.simple_tag
def day_entry(event, day, details=False):
    """One event in a day of the month (grid cell or list): the start time on
    its first day, the linked title, its status; `details` adds type and place.

    Built in Python: the month view renders it for every event of every day,
    and the template engine made this the page's main cost."""
    time = ""
    if event.start_time and event.first_day == day:
        time = format_html('<span class="time">{}</span> ', event.start_time)
    meta = ""
    if details:
        place = format_html(" · {}", event.place) if event.place else ""
        meta = format_html(' <span class="meta">· {}{}</span>', event.event_type, place)
    badge = status_badge(event)
    return format_html(
        '<li class="type-{}{}"><a href="{}">{}{}</a>{}{}</li>',
        event.event_type.colour,
        " cancelled" if event.is_cancelled else "",
        event.url,
        time,
        event.title,
        meta,
        format_html(" {}", badge) if badge else "",
    )
