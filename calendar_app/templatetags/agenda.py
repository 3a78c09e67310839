from django import template
from django.template.loader import get_template
from django.utils.html import format_html, format_html_join, json_script
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


@register.simple_tag
def day_list_url(month_url, filters, day) -> str:
    """Where a cell's "+ N autres" leads: the day in the list under the
    month's grid (`month_url`, or this page), on the list's page where the
    day starts, the filters kept."""
    query = filters.query_string if filters else ""
    if day.list_page > 1:
        query += f"{'&' if query else '?'}page={day.list_page}"
    return f"{month_url or ''}{query}#jour-{day.date:%Y-%m-%d}"


@register.simple_tag
def day_entries(events, day, details=False):
    """The events of one day of the month (grid cell, or the list under it
    with details): the start time on the event's first day, the linked title,
    its status; `details` adds type and place.

    Built in Python: the month view renders one for every event of every day
    it covers, twice, and the same markup as a template partial made the whole
    page about 10 % slower. The badge, rare, is the shared partial."""
    return format_html_join("", "{}", ((_day_entry(e, day, details),) for e in events))


def _day_entry(event, day, details):
    time = ""
    if event.start_time and event.first_day == day:
        time = format_html('<span class="time">{}</span> ', event.start_time)
    meta = ""
    if details:
        place = format_html(" · {}", event.place) if event.place else ""
        meta = format_html(' <span class="meta">· {}{}</span>', event.event_type, place)
    badge = ""
    if event.status_flag:
        badge = " " + get_template(
            "calendar_app/includes/events.html#status-badge"
        ).render({"event": event})
    return format_html(
        '<li class="type-{}{}"><a href="{}">{}{}</a>{}{}</li>',
        event.event_type.colour,
        " cancelled" if event.is_cancelled else "",
        event.url,
        time,
        event.title,
        meta,
        mark_safe(badge),  # noqa: S308 (the partial's escaped output)
    )
