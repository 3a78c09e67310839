"""The emails sent to a registered person: French plain text, the event's
.ics attached for a confirmed registration, the personal link."""

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
    # registrations/notices.py
    "evenement-annule": "Annulé : {title}",
    "evenement-reporte": "Reporté : {title}",
    "nouvelle-date": "Nouvelle date : {title}",
    "inscription-annulee": "Inscription annulée : {title}",
    "rappel": "Rappel : {title}, {when}",
}
# No calendar file for these: the person's attendance is cancelled, not the
# event (a file with STATUS:CANCELLED would say the event is).
WITHOUT_CALENDAR = {"inscription-annulee"}


def ordinal(number: int) -> str:
    """French abbreviated ordinal: 1re, 2e, 3e."""
    return "1re" if number == 1 else f"{number}e"


def build(
    registration,
    kind: str,
    *,
    calendar: bytes | None = None,
    reply_to: list[str] | None = None,
    **extra,
) -> EmailMessage:
    """The email of this kind; "confirmation" of a waiting registration
    tells it is on the waiting list. `calendar` (the event's .ics) and
    `reply_to`: when the caller writes to many registrants at once, made
    once for all."""
    if kind == "confirmation" and registration.is_waiting:
        kind = "attente"
    event = registration.event
    registration_settings = event.registration_settings
    # A waiting person has no place, so no calendar file: it would put the
    # event in their calendar as if they had one. STATUS:TENTATIVE would not
    # help: Google Calendar shows an imported tentative event like any
    # other, Outlook as a busy appointment, and the entry would stay there if
    # no place ever freed (nothing would update it). The promotion email
    # brings the file, with the event's UID: then it is their event.
    with_calendar = registration.is_confirmed and kind not in WITHOUT_CALENDAR
    position = registration.waiting_position()
    context = {
        "registration": registration,
        "event": event,
        "days": list(registration.days.all()),
        "personal_url": personal_url(registration),
        "event_url": f"https://{settings.SITE_DOMAIN}{event.get_absolute_url()}",
        "has_calendar": with_calendar,
        "position": ordinal(position) if position else "",
        "access": registration_settings.access,
        # Only a confirmed registration reads the visio link.
        "visio_url": registration_settings.visio_url
        if registration.is_confirmed
        else "",
        # A member city's person registered through the public form: told
        # here (to the address's owner only, never on the page) that the
        # members' area registers colleagues at once.
        "member_area_url": f"https://{settings.SITE_DOMAIN}/espace/"
        if kind == "confirmation"
        and Person.objects.filter(
            email__iexact=registration.email, member__status=Member.Status.ACTIVE
        ).exists()
        else "",
        **extra,
    }
    message = EmailMessage(
        subject=SUBJECTS["nouvelle-date" if extra.get("moved") else kind].format(
            title=one_line(event.title), when=event.when
        ),
        body=render_to_string(f"registrations/email/{kind}.txt", context),
        to=[registration.email],
        reply_to=reply_to
        if reply_to is not None
        else SiteSettings.load().secretariat_reply_to(),
    )
    if with_calendar:
        message.attach(
            f"{event.slug}.ics",
            calendar if calendar is not None else ical.event_calendar(event),
            "text/calendar",
        )
    return message
