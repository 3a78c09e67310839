"""The registration box of an event's page, for calendar_app's template (which
cannot import this app): `{% load registrations %}{% registration_box event %}`."""

from django import template
from django.utils import timezone

from rfve_site.page_cache import keep_until

from .. import booking, rates
from ..models import RegistrationSettings

register = template.Library()


@register.inclusion_tag("registrations/includes/event_box.html", takes_context=True)
def registration_box(context, event):
    """Places left and the link to the form, when the event takes
    registrations. One query without, three with (places, rates)."""
    settings = RegistrationSettings.objects.filter(event=event).first()
    if settings is None or not event.is_public:
        return {"settings": None}
    settings.event = event
    now = timezone.now()
    # The box changes when registrations open or close and when the event
    # starts: a cached event page is not served past these times.
    for moment in (settings.opens_at, settings.closes_at, event.starts_at):
        if moment is not None and moment > now:
            keep_until(context.request, moment)
    is_open = settings.is_open_at(now)
    shown = rates.offered(settings.rates.all(), invitations=False) if is_open else []
    return {
        "rates": shown,
        "has_paying_rate": any(not rate.is_free for rate in shown),
        "event": event,
        "settings": settings,
        "is_open": is_open,
        "opens_later": settings.is_open
        and settings.opens_at is not None
        and settings.opens_at > now,
        "places": booking.places(settings) if is_open else [],
    }
