"""What the secretariat prints and sends for an event: the registrations by
day and category, an Excel-ready CSV, the attendance sheet of each day
(feuille d'émargement), name badges, and after the event the certificates of
attendance (attestation de présence) emailed to those who came.

PDFs are rendered by WeasyPrint from templates/registrations/documents/, as
the dues' documents are; nothing is stored (they are made again on demand),
except when a certificate was sent."""

import datetime as dt
import logging
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from association.models import SiteSettings
from outbox.sending import kind
from rfve_site import formats
from rfve_site.pdf import write_pdf
from rfve_site.text import one_line
from rfve_site.typography import french_html

from .models import EventDay, Rate, Registration, RegistrationSettings
from .orders import days_text

logger = logging.getLogger(__name__)

BADGES_PER_PAGE = 8  # 2 columns × 4 rows on A4
# Who signs a certificate, and where: without them it would not be signed.
SIGNATORY_FIELDS = ["name", "legal_form", "seat_address", "seat_city"]
SIGNATORY = "publication_director"  # the legal representative (law of 1982)


class DocumentError(Exception):
    """A document that cannot be made yet; the message is French."""


def _folded(text: str) -> str:
    """Sort key of a name: accents and case ignored (Émilie with E)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def alphabetical(registrations) -> list[Registration]:
    return sorted(
        registrations,
        key=lambda r: (_folded(r.last_name), _folded(r.first_name), r.pk),
    )


def _registrations(settings: RegistrationSettings):
    return (
        Registration.objects.filter(event=settings.event_id)
        .select_related("authority", "rate", "invoice")
        .prefetch_related(
            Prefetch("days", queryset=EventDay.objects.order_by("date")),
            Prefetch("attended_days", queryset=EventDay.objects.order_by("date")),
        )
    )


def day_attendees(day: EventDay) -> list[Registration]:
    """The confirmed registrations of one day, alphabetical."""
    return alphabetical(
        Registration.objects.confirmed()
        .filter(days=day)
        .select_related("authority")
        .prefetch_related("attended_days")
    )


# --- Registrations by day and category ---------------------------------------


@dataclass
class DayCount:
    day: EventDay
    confirmed: int
    attended: int
    by_category: list[int]  # in the order of Summary.categories


@dataclass
class Summary:
    categories: list[str]  # labels; the last one is "Sans tarif"
    days: list[DayCount]
    waiting: list[Registration]  # in their order on the list
    cancelled: int


def summary(settings: RegistrationSettings) -> Summary:
    """Confirmed registrations per day and rate category, the waiting list."""
    registrations = list(_registrations(settings))
    categories = [label for _, label in Rate.Category.choices] + ["Sans tarif"]
    keys = [value for value, _ in Rate.Category.choices] + [None]
    counts: dict[int, Counter] = {}
    attended: Counter = Counter()
    for registration in registrations:
        if registration.is_confirmed:
            category = registration.rate.category if registration.rate else None
            for day in registration.days.all():
                counts.setdefault(day.pk, Counter())[category] += 1
        for day in registration.attended_days.all():
            attended[day.pk] += 1
    days = [
        DayCount(
            day=day,
            confirmed=sum(counts.get(day.pk, Counter()).values()),
            attended=attended[day.pk],
            by_category=[counts.get(day.pk, Counter())[key] for key in keys],
        )
        for day in settings.days.order_by("date")
    ]
    waiting = sorted(
        (r for r in registrations if r.is_waiting), key=lambda r: (r.created_at, r.pk)
    )
    # Categories nobody chose are left out of the table.
    used = [i for i in range(len(keys)) if any(d.by_category[i] for d in days)]
    for count in days:
        count.by_category = [count.by_category[i] for i in used]
    return Summary(
        categories=[categories[i] for i in used],
        days=days,
        waiting=waiting,
        cancelled=sum(r.is_cancelled for r in registrations),
    )


# --- CSV -----------------------------------------------------------------------

# Accessibility and dietary needs are health data (RGPD art. 9): read only by
# those who run registrations (the Secrétariat), never by the treasury.
NEEDS_HEADER = ["Besoins d’accessibilité", "Régime alimentaire"]


def may_read_needs(user) -> bool:
    return user.has_perm("registrations.change_registration")


CSV_HEADER = [
    "Nom",
    "Prénom",
    "Courriel",
    "Fonction",
    "Collectivité ou organisme",
    "Code officiel",
    "Ville adhérente",
    "Tarif",
    "Montant (€)",
    "Statut",
    "Jours",
    "Présence",
    "Besoins d’accessibilité",
    "Régime alimentaire",
    "Inscrit le",
    "Facture",
]


def csv_header(*, with_needs: bool) -> list[str]:
    return [name for name in CSV_HEADER if with_needs or name not in NEEDS_HEADER]


def csv_rows(settings: RegistrationSettings, *, with_needs: bool = True):
    """The rows of csv_header() (raw values: rfve_site.csv_export formats
    them), alphabetical; the needs only `with_needs`."""
    for registration in alphabetical(_registrations(settings)):
        rate = registration.rate
        needs = (
            [registration.accessibility_needs, registration.dietary_needs]
            if with_needs
            else []
        )
        yield [
            registration.last_name,
            registration.first_name,
            registration.email,
            registration.function,
            registration.structure,
            registration.authority.code if registration.authority_id else "",
            registration.member_id is not None,
            rate.get_category_display() if rate else "",
            rate.amount if rate else None,
            registration.get_status_display(),
            ", ".join(formats.date(d.date, "d/m/Y") for d in registration.days.all()),
            ", ".join(
                formats.date(d.date, "d/m/Y") for d in registration.attended_days.all()
            ),
            *needs,
            registration.created_at,
            registration.invoice.number if registration.invoice_id else "",
        ]


# --- PDFs ----------------------------------------------------------------------


def _pdf(template: str, context: dict) -> bytes:
    """In French typography, like the dues' documents (no-break spaces
    before ":" and inside « »)."""
    return write_pdf(french_html(render_to_string(template, context)))


def _event_context(settings: RegistrationSettings) -> dict:
    association = SiteSettings.load()
    return {"event": settings.event, "association": association}


def attendance_sheet_pdf(day: EventDay) -> bytes:
    """The day's feuille d'émargement: everyone confirmed for that day,
    alphabetical, with a column to sign."""
    settings = day.settings
    context = {
        **_event_context(settings),
        "day": day,
        "day_text": formats.date(day.date, "l j F Y"),
        "attendees": day_attendees(day),
    }
    return _pdf("registrations/documents/attendance_sheet.html", context)


def attendance_sheet_filename(day: EventDay) -> str:
    return f"emargement-{day.settings.event.slug}-{day.date:%Y-%m-%d}.pdf"


def badges_pdf(settings: RegistrationSettings) -> bytes:
    """A badge per confirmed registration, alphabetical, 8 to an A4 page."""
    people = alphabetical(_registrations(settings).confirmed())
    pages = [
        people[start : start + BADGES_PER_PAGE]
        for start in range(0, len(people), BADGES_PER_PAGE)
    ]
    context = {**_event_context(settings), "pages": pages}
    return _pdf("registrations/documents/badges.html", context)


# --- Certificates of attendance ---------------------------------------------------


def check_signatory(association: SiteSettings) -> None:
    missing = [
        str(association._meta.get_field(name).verbose_name)
        for name in [*SIGNATORY_FIELDS, SIGNATORY]
        if not str(getattr(association, name)).strip()
    ]
    if missing:
        raise DocumentError(
            "L’attestation doit dire qui la signe et où : renseignez d’abord, "
            "dans « Informations de l’association », "
            + ", ".join(f"« {name} »" for name in missing)
            + "."
        )


def certificate_pdf(
    registration: Registration, association: SiteSettings, *, today: dt.date
) -> bytes:
    event = registration.event
    attended = sorted(registration.attended_days.all(), key=lambda day: day.date)
    context = {
        "registration": registration,
        "event": event,
        "association": association,
        "seat": ", ".join(
            line.strip()
            for line in association.seat_address.splitlines()
            if line.strip()
        ),
        "signatory": one_line(getattr(association, SIGNATORY)),
        "attended": days_text(attended),
        "day_count": len(attended),
        "signed_on": formats.date(today, "j F Y"),
    }
    return _pdf("registrations/documents/certificate.html", context)


def certificate_filename(registration: Registration) -> str:
    return f"attestation-presence-{registration.event.slug}-{registration.pk}.pdf"


def certificate_recipients(settings: RegistrationSettings):
    """Who came (present at least one day) and has not had a certificate."""
    return (
        Registration.objects.confirmed()
        .filter(
            event=settings.event_id,
            attended_days__isnull=False,
            certificate_sent_at=None,
            anonymised_at=None,
        )
        .exclude(email="")
        .distinct()
        .select_related("event", "authority")
        .prefetch_related("attended_days")
        .order_by("last_name", "first_name", "pk")
    )


def check_certificates(settings: RegistrationSettings, *, now: dt.datetime):
    """A French DocumentError unless certificates can be sent now."""
    event = settings.event
    if now < event.ends_at:
        raise DocumentError(
            f"{event} n’est pas terminé : les attestations de présence "
            "s’envoient après l’événement."
        )
    association = SiteSettings.load()
    check_signatory(association)
    return association


def send_certificates(
    settings: RegistrationSettings, *, now: dt.datetime
) -> tuple[int, list[str]]:
    """Email each attendee not yet served their certificate of attendance,
    once the event is over (run by a task: registrations.tasks). Each
    certificate is written to the outbox with its "sent" date in one
    transaction: an interrupted run sends the others when run again. Returns
    how many were sent and the French errors."""
    event = settings.event
    association = check_certificates(settings, now=now)
    today = timezone.localdate(now)
    sent, errors = 0, []
    for registration in certificate_recipients(settings):
        message = EmailMessage(
            subject=f"Attestation de présence : {one_line(event.title)}",
            body=render_to_string(
                "registrations/email/attestation.txt",
                {
                    "registration": registration,
                    "event": event,
                    "association": association,
                },
            ),
            to=[registration.email],
            reply_to=association.secretariat_reply_to(),
        )
        message.attach(
            certificate_filename(registration),
            certificate_pdf(registration, association, today=today),
            "application/pdf",
        )
        try:
            with transaction.atomic(), kind("attestation-presence"):
                message.send()
                registration.certificate_sent_at = now
                registration.save(update_fields=["certificate_sent_at"])
        except Exception:  # logged, tried next time
            logger.exception("Registration %s: certificate not sent.", registration.pk)
            errors.append(f"{registration} : l’attestation n’a pas pu être envoyée.")
            continue
        sent += 1
    return sent, errors
