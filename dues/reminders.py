"""Reminders to late payers, on the schedule the secretariat edits; each one
logged and never sent twice for the same step."""

import datetime as dt

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

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
    mandated or paid are left out (the payment is on its way). Three queries,
    however many calls."""
    steps = list(ReminderStep.objects.order_by("days_after_due"))
    late = list(
        calls.late(today)
        .not_in_payment()
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
    invoice's stored file, to the member's finance contact. Each reminder is
    logged in the same transaction as it is sent: a failed send logs nothing,
    and a step logged meanwhile by another run is skipped."""
    sent = []
    for call, step in reminders_due(calls, today=today):
        recipient = call.member.finance_contact_email
        if not recipient:
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    call=call, step=step, recipient=recipient
                )
                _reminder_message(call, step, recipient).send()
        except IntegrityError:  # sent meanwhile by another run
            continue
        except DuesError:  # the stored file failed its check: logged
            continue
        sent.append(reminder)
    return sent


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _reminder_message(call: DuesCall, step: ReminderStep, recipient: str):
    invoice = invoice_of(call)
    values = _Blank(
        ville=one_line(str(call.member)),
        numero=invoice.number,
        montant=formats.euros(call.net_amount),
        reste=formats.euros(call.net_amount - call.paid_total),
        echeance=f"{call.due_on:%d/%m/%Y}",
    )
    message = EmailMessage(
        # Cleaned again: a line break stored in the subject would make the
        # mail refuse the header and stop every reminder after it.
        subject=french(one_line(step.subject.format_map(values))),
        body=french(multi_line(step.body.format_map(values))),
        to=[recipient],
    )
    message.attach(invoice.filename, pdf_of(invoice), "application/pdf")
    return message
