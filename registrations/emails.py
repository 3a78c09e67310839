"""The emails sent to a registered person: French plain text, the event's
.ics attached, the personal link."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from association.models import SiteSettings
from calendar_app import ical
from members.models import Member, Person
from rfve_site.text import one_line

from .links import personal_url

SUBJECTS = {
    "confirmation": "Votre inscription : {title}",
    "attente": "Liste d’attente : {title}",
    "promotion": "Une place s’est libérée : {title}",
    "rappel-lien": "Votre lien d’inscription : {title}",
}


def build(registration, kind: str) -> EmailMessage:
    """The email of this kind; "confirmation" of a waiting registration
    tells it is on the waiting list."""
    if kind == "confirmation" and registration.is_waiting:
        kind = "attente"
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "days": list(registration.days.all()),
        "personal_url": personal_url(registration),
        "event_url": f"https://{settings.SITE_DOMAIN}{event.get_absolute_url()}",
        # A member city's person registered through the public form: told
        # here (to the address's owner only, never on the page) that the
        # members' area registers colleagues at once.
        "member_area_url": f"https://{settings.SITE_DOMAIN}/espace/"
        if kind == "confirmation"
        and Person.objects.filter(
            email__iexact=registration.email, member__status=Member.Status.ACTIVE
        ).exists()
        else "",
    }
    message = EmailMessage(
        subject=SUBJECTS[kind].format(title=one_line(event.title)),
        body=render_to_string(f"registrations/email/{kind}.txt", context),
        to=[registration.email],
        reply_to=SiteSettings.load().secretariat_reply_to(),
    )
    message.attach(f"{event.slug}.ics", ical.event_calendar(event), "text/calendar")
    return message
