"""The convocation: one email to each voting city's representative, sent
through the project's email backend (the outbox), within the statutes'
notice period; the roll is frozen by it, and each sending is logged as
proof (who, when, to which address, the outbox message and its status).

Everything goes through `send_convocation`; `convocation_message` builds
one city's email. When the mailings app exists, it can take the list from
`recipients()` and the text from `convocation_message`, then call
`record_sending` for each message it hands to the outbox."""

import datetime as dt
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from association.models import SiteSettings
from calendar_app.dates import describe_span, to_local
from outbox.models import OutboxMessage
from outbox.sending import KIND_HEADER
from rfve_site.text import one_line
from rfve_site.typography import french

from .models import Assembly, ConvocationSending, RollEntry
from .roll import compute_roll

KIND = "convocation-ag"


class ConvocationError(Exception):
    """A convocation refused; the message is French."""


def last_day_to_convene(assembly: Assembly, rules: SiteSettings) -> dt.date:
    return assembly.date - dt.timedelta(days=rules.ag_notice_days)


def check_notice(assembly: Assembly, sent_on: dt.date, rules: SiteSettings) -> None:
    """Refuse a date that leaves fewer days than the statutes' notice."""
    last = last_day_to_convene(assembly, rules)
    if sent_on > last:
        article = f" ({rules.ag_notice_article})" if rules.ag_notice_article else ""
        raise ConvocationError(
            f"Convocation refusée : les statuts{article} exigent qu’elle parte "
            f"au moins {rules.ag_notice_days} jours avant l’assemblée du "
            f"{assembly.date:%d/%m/%Y}, soit le {last:%d/%m/%Y} au plus tard "
            f"(nous sommes le {sent_on:%d/%m/%Y}). Reportez l’assemblée ou "
            "passez par une seconde convocation dans les délais."
        )
    if sent_on < assembly.cutoff_date:
        raise ConvocationError(
            f"La date d’arrêt de la liste ({assembly.cutoff_date:%d/%m/%Y}) n’est "
            "pas encore passée : la liste d’émargement, figée par la convocation, "
            "ne peut pas être arrêtée avant elle."
        )


def recipients(assembly: Assembly):
    """The voting cities' entries with their representative's address."""
    return assembly.roll.filter(votes__gt=0, excluded_reason="").exclude(
        representative_email=""
    )


def convocation_message(assembly: Assembly, entry: RollEntry) -> EmailMessage:
    rules = SiteSettings.load()
    event = assembly.event
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    context = {
        "assembly": assembly,
        "entry": entry,
        "rules": rules,
        "when": describe_span(start, end, all_day=event.all_day, last_day=end.date()),
        "place": ", ".join(part for part in (event.place, event.address) if part),
        "items": list(assembly.agenda_items.all()),
        "resolutions": list(assembly.resolutions.all()),
        "event_url": f"https://{settings.SITE_DOMAIN}{event.get_absolute_url()}",
    }
    subject = french(
        one_line(render_to_string("assembly/emails/convocation_subject.txt", context))
    )
    body = french(render_to_string("assembly/emails/convocation_body.txt", context))
    return EmailMessage(
        subject=subject,
        body=body,
        to=[entry.representative_email],
        reply_to=rules.secretariat_reply_to(),
        headers={
            "Message-ID": make_msgid(domain=settings.SITE_DOMAIN),
            KIND_HEADER: KIND,
        },
    )


def record_sending(
    assembly: Assembly, entry: RollEntry, message: EmailMessage, sent_by, at
) -> ConvocationSending:
    message_id = message.extra_headers["Message-ID"]
    return ConvocationSending.objects.create(
        assembly=assembly,
        entry=entry,
        email=entry.representative_email,
        sent_at=at,
        sent_by=sent_by,
        message=OutboxMessage.objects.filter(message_id=message_id).first(),
        message_header=message_id,
    )


@transaction.atomic
def send_convocation(assembly: Assembly, sent_by=None) -> list[ConvocationSending]:
    """Check the notice period, freeze the roll as computed now, write one
    email per voting city's representative to the outbox and log each one.
    All or nothing: one transaction (the outbox writes in it)."""
    rules = SiteSettings.load()
    now = timezone.now()
    if assembly.is_convened:
        sent_on = to_local(assembly.convened_at).date()
        raise ConvocationError(f"La convocation est déjà partie le {sent_on:%d/%m/%Y}.")
    # Today as the rest of the site reads it (tests set it).
    check_notice(assembly, timezone.localdate(), rules)
    compute_roll(assembly)
    Assembly.objects.filter(pk=assembly.pk).update(convened_at=now, convened_by=sent_by)
    assembly.refresh_from_db()
    sendings = []
    for entry in recipients(assembly):
        message = convocation_message(assembly, entry)
        message.send()
        sendings.append(record_sending(assembly, entry, message, sent_by, now))
    return sendings
