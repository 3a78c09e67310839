"""Reminders to late payers, on the schedule the secretariat edits; each one
logged and never sent twice for the same step."""

import datetime as dt

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from association.models import SiteSettings
from outbox.sending import kind
from rfve_site import formats
from rfve_site.text import multi_line, one_line
from rfve_site.typography import french

from .errors import DuesError
from .invoices import invoice_of
from .models import (
    DuesCall,
    Reminder,
    ReminderStep,
)
from .sending import pdf_of


def step_due(call: DuesCall, steps: list[ReminderStep], today: dt.date):
    """The latest step whose delay has passed for an unpaid call, or None.
    Earlier steps missed (a schedule changed later) are not sent after it."""
    if call.no_reminders or call.due_on is None or not call.number:
        return None
    late_by = (today - call.due_on).days
    passed = [step for step in steps if step.days_after_due <= late_by]
    return passed[-1] if passed else None


def reminders_due(calls, *, today: dt.date) -> list[tuple[DuesCall, ReminderStep]]:
    """The reminders to send today: each late call with its step due, unless
    that step was already sent. Calls whose invoice Chorus Pro reports
    mandated or paid are left out (the payment is on its way), and so are
    rejected or disputed ones (the treasurer's list). Three queries, however
    many calls."""
    steps = list(ReminderStep.objects.order_by("days_after_due"))
    late = list(
        calls.late(today)
        .remindable()
        .select_related("member__authority")
        .order_by("due_on", "member__authority__name")
    )
    sent = set(
        Reminder.objects.filter(call__in=[call.pk for call in late]).values_list(
            "call_id", "step_id"
        )
    )
    due = []
    for call in late:
        step = step_due(call, steps, today)
        if step is not None and (call.pk, step.pk) not in sent:
            due.append((call, step))
    return due


def send_reminders(calls, *, today: dt.date) -> list[Reminder]:
    """Send the reminders due (reminders_due), once per step, with the
    invoice's stored file, to the member's finance contact, here and now
    (the admin and the daily command run them in the background instead:
    dues.tasks.remind_run, through `remind` below)."""
    sent = []
    steps = steps_in_order()
    for call, step in reminders_due(calls, today=today):
        try:
            sent.append(remind(call, step, steps))
        except (AlreadyReminded, DuesError):
            continue
    return sent


class AlreadyReminded(Exception):
    """The step was logged meanwhile, by another run."""


def remind(call: DuesCall, step: ReminderStep, steps, *, run=None) -> Reminder:
    """Remind `call` of `step`: the reminder is logged (with its run) in the
    same transaction as its email is written to the outbox, so a run
    interrupted anywhere has either both or neither, and the log's unique
    step per call makes a second run skip it (AlreadyReminded). A call
    without a finance contact, or whose stored file fails its check, raises
    DuesError."""
    recipient = call.member.finance_contact_email
    if not recipient:
        raise DuesError(
            f"{call.member} : aucune adresse de contact financier, relance non envoyée."
        )
    try:
        with transaction.atomic():
            already = Reminder.objects.filter(call=call).count()
            reminder = Reminder.objects.create(
                call=call, step=step, recipient=recipient, run=run
            )
            # The words of the reminder's real rank, not of its delay.
            wording = steps[min(already, len(steps) - 1)]
            with kind("relance"):
                _reminder_message(call, wording, recipient).send()
    except IntegrityError:  # sent meanwhile by another run
        raise AlreadyReminded from None
    return reminder


def steps_in_order() -> list[ReminderStep]:
    return list(ReminderStep.objects.order_by("days_after_due"))


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _reminder_message(call: DuesCall, wording: ReminderStep, recipient: str):
    """The reminder in the words of `wording` (the step of its rank among
    the reminders the call actually got), with the amounts net of credit
    notes, and the invoice and its credit notes attached."""
    invoice = invoice_of(call)
    notes = list(invoice.credit_notes.order_by("number"))
    credited = " et ".join(
        f"{note.number} de {formats.euros(note.total)}" for note in notes
    )
    credited = (
        ("de l’avoir " if len(notes) == 1 else "des avoirs ") + credited
        if notes
        else ""
    )
    values = _Blank(
        ville=one_line(str(call.member)),
        numero=invoice.number,
        montant=formats.euros(call.net_amount),
        reste=formats.euros(call.net_amount - call.paid_total),
        echeance=f"{call.due_on:%d/%m/%Y}",
        avoirs=f"déduction faite {credited}" if notes else "",
    )
    body = multi_line(wording.body.format_map(values))
    if notes and "{avoirs}" not in wording.body:
        joined = "joint" if len(notes) == 1 else "joints"
        body = body.rstrip("\n") + (
            f"\n\nP.-S. : ces montants tiennent compte {credited}, "
            f"{joined} à ce message.\n"
        )
    message = EmailMessage(
        # Cleaned again: a line break stored in the subject would make the
        # mail refuse the header and stop every reminder after it.
        subject=french(one_line(wording.subject.format_map(values))),
        body=french(body),
        to=[recipient],
        reply_to=SiteSettings.load().treasury_reply_to(),
    )
    for document in [invoice, *notes]:
        message.attach(document.filename, pdf_of(document), "application/pdf")
    return message
