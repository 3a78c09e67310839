"""The yearly dues: scale brackets, the campaign, invoice numbers, sending,
reminders and the treasurer's figures. Plain functions; the admin and the
`send_dues_reminders` command call them."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from association.models import SiteSettings
from members.models import Member
from rfve_site.text import multi_line, one_line

from .models import (
    DuesBracket,
    DuesCall,
    DuesScale,
    InvoiceSequence,
    Reminder,
    ReminderStep,
)


class DuesError(Exception):
    """A step the secretariat cannot take yet; the message is French."""


# --- Scale ------------------------------------------------------------------


def amount_for(scale: DuesScale, population: int | None) -> Decimal | None:
    """The amount of the bracket holding the population (limits included), or
    None without a population or a matching bracket."""
    if population is None:
        return None
    for bracket in scale.brackets.all():
        upper = bracket.max_population
        if bracket.min_population <= population and (
            upper is None or population <= upper
        ):
            return bracket.amount
    return None


def validate_brackets(brackets) -> list[str]:
    """French error messages for a list of brackets (objects with
    min_population, max_population and amount); empty when the scale is
    valid: starts at 0 inhabitants, no gap, no overlap, no negative amount, and
    only the last bracket is open-ended."""
    if not brackets:
        return ["Le barème doit comporter au moins une tranche."]
    errors = []
    ordered = sorted(brackets, key=lambda b: b.min_population)
    if ordered[0].min_population != 0:
        errors.append("La première tranche doit commencer à 0 habitant.")
    for bracket in ordered:
        if bracket.amount is None or bracket.amount < 0:
            errors.append(
                f"Tranche à partir de {bracket.min_population} : "
                "le montant ne peut pas être négatif."
            )
        upper = bracket.max_population
        if upper is not None and upper < bracket.min_population:
            errors.append(
                f"Tranche à partir de {bracket.min_population} : la limite haute "
                "est inférieure à la limite basse."
            )
    for previous, following in zip(ordered, ordered[1:], strict=False):
        if previous.max_population is None:
            errors.append(
                f"Seule la dernière tranche peut être sans limite haute "
                f"(tranche à partir de {previous.min_population})."
            )
        elif following.min_population > previous.max_population + 1:
            errors.append(
                f"Trou entre {previous.max_population} et "
                f"{following.min_population} habitants."
            )
        elif following.min_population <= previous.max_population:
            errors.append(
                f"Les tranches se chevauchent à partir de "
                f"{following.min_population} habitants."
            )
    if ordered[-1].max_population is not None:
        errors.append("La dernière tranche doit être sans limite haute (« et plus »).")
    return errors


@transaction.atomic
def copy_scale(from_year: int, to_year: int) -> DuesScale:
    """A new scale for to_year with the brackets of from_year."""
    try:
        source = DuesScale.objects.get(year=from_year)
    except DuesScale.DoesNotExist:
        raise DuesError(f"Il n’y a pas de barème {from_year}.") from None
    if DuesScale.objects.filter(year=to_year).exists():
        raise DuesError(f"Le barème {to_year} existe déjà.")
    scale = DuesScale.objects.create(
        year=to_year, notes=f"Copie du barème {from_year}."
    )
    DuesBracket.objects.bulk_create(
        DuesBracket(
            scale=scale,
            min_population=bracket.min_population,
            max_population=bracket.max_population,
            amount=bracket.amount,
        )
        for bracket in source.brackets.all()
    )
    return scale


# --- Campaign ---------------------------------------------------------------


@dataclass
class CampaignResult:
    created: list[DuesCall] = field(default_factory=list)
    already_called: int = 0
    without_population: list[Member] = field(default_factory=list)


def default_due_date(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=settings.DUES_PAYMENT_DAYS)


@transaction.atomic
def launch_campaign(year: int, *, due_on: dt.date) -> CampaignResult:
    """One dues call per active member for the year, at the amount of the
    bracket of its official population (recorded with its millésime).
    Members already called are left alone, so running it again creates
    nothing twice."""
    scale = DuesScale.objects.prefetch_related("brackets").filter(year=year).first()
    if scale is None:
        raise DuesError(f"Créez d’abord le barème {year}.")
    errors = validate_brackets(list(scale.brackets.all()))
    if errors:
        raise DuesError(f"Le barème {year} n’est pas valide : " + " ".join(errors))
    result = CampaignResult()
    called = set(DuesCall.objects.filter(year=year).values_list("member", flat=True))
    members = Member.objects.active().select_related("authority")
    for member in members:
        if member.pk in called:
            result.already_called += 1
            continue
        authority = member.authority
        amount = amount_for(scale, authority.population)
        if amount is None:
            result.without_population.append(member)
            continue
        result.created.append(
            DuesCall(
                member=member,
                year=year,
                amount=amount,
                scale_amount=amount,
                population=authority.population,
                population_year=authority.population_year,
                due_on=due_on,
            )
        )
    DuesCall.objects.bulk_create(result.created)
    return result


# --- Invoices ---------------------------------------------------------------


def check_issuer() -> SiteSettings:
    """The association's settings, if an invoice can be issued with them."""
    issuer = SiteSettings.load()
    missing = issuer.missing_issuer_fields()
    if missing:
        raise DuesError(
            "Aucune facture ne peut être émise : renseignez d’abord, dans "
            "« Informations de l’association », "
            + ", ".join(f"« {name} »" for name in missing)
            + "."
        )
    return issuer


def issue_invoice(call: DuesCall, *, today: dt.date) -> DuesCall:
    """Give the call the next invoice number of its year (gap-free). Calls
    already numbered keep their number. Refused while the issuer's identity
    is incomplete."""
    with transaction.atomic():
        # Locks: the call first (two people issuing the same call get one
        # number), then the year's counter (two calls never share a number).
        call = (
            DuesCall.objects.select_for_update(of=("self",))
            .select_related("member__authority")
            .get(pk=call.pk)
        )
        if call.number:
            return call
        check_issuer()
        if call.member.commitment_number_required and not call.commitment_number:
            raise DuesError(
                f"{call.member} exige un numéro d’engagement : "
                "renseignez-le avant d’émettre la facture."
            )
        InvoiceSequence.objects.get_or_create(year=call.year)
        sequence = InvoiceSequence.objects.select_for_update().get(year=call.year)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        call.number = sequence.last_number
        call.issued_on = today
        call.due_on = call.due_on or default_due_date(today)
        call.save(update_fields=["number", "issued_on", "due_on"])
        return call


def invoice_filename(call: DuesCall) -> str:
    return f"facture-rfve-{call.invoice_number}.pdf"


def send_invoice(call: DuesCall) -> None:
    """Email the invoice (PDF attached) to the city's finance contact."""
    from .invoices import invoice_pdf  # WeasyPrint is loaded only when needed

    if not call.number:
        raise DuesError(f"{call.member} : émettez la facture avant de l’envoyer.")
    recipient = call.member.finance_contact_email
    if not recipient:
        raise DuesError(f"{call.member} : aucun courriel du contact finances.")
    association = SiteSettings.load().name
    message = EmailMessage(
        subject=f"{association} – facture {call.invoice_number} "
        f"(cotisation {call.year})",
        body=(
            "Madame, Monsieur,\n\n"
            f"Veuillez trouver ci-joint la facture {call.invoice_number} de la "
            f"cotisation {call.year} de {one_line(str(call.member))} au {association}, "
            f"d’un montant de {euros(call.amount)} €, payable au plus tard le "
            f"{call.due_on:%d/%m/%Y}.\n\n"
            "Les coordonnées bancaires figurent sur la facture, qui peut aussi "
            "être déposée sur Chorus Pro.\n\n"
            "Avec nos remerciements,\n"
            f"La trésorerie du {association}\n"
        ),
        to=[recipient],
    )
    message.attach(invoice_filename(call), invoice_pdf(call), "application/pdf")
    message.send()
    call.sent_at = timezone.now()
    call.save(update_fields=["sent_at"])


# --- Reminders --------------------------------------------------------------


def step_due(call: DuesCall, steps: list[ReminderStep], today: dt.date):
    """The latest step whose delay has passed for an unpaid call, or None.
    Earlier steps missed (a schedule changed later) are not sent after it."""
    if call.no_reminders or call.due_on is None or not call.number:
        return None
    late_by = (today - call.due_on).days
    passed = [step for step in steps if step.days_after_due <= late_by]
    return passed[-1] if passed else None


def send_reminders(calls, *, today: dt.date) -> list[Reminder]:
    """Send the reminder due for each late call, once per step. Each one is
    logged in the same transaction as it is sent: a failed send logs nothing,
    and a step already logged (by another run, too) is skipped."""
    steps = list(ReminderStep.objects.order_by("days_after_due"))
    sent = []
    for call in calls.late(today).select_related("member__authority"):
        step = step_due(call, steps, today)
        recipient = call.member.finance_contact_email
        if step is None or not recipient:
            continue
        if Reminder.objects.filter(call=call, step=step).exists():
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    call=call, step=step, recipient=recipient
                )
                _reminder_message(call, step, recipient).send()
        except IntegrityError:  # sent meanwhile by another run
            continue
        sent.append(reminder)
    return sent


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _reminder_message(call: DuesCall, step: ReminderStep, recipient: str):
    from .invoices import invoice_pdf

    values = _Blank(
        ville=one_line(str(call.member)),
        numero=call.invoice_number,
        montant=f"{euros(call.amount)} €",
        reste=f"{euros(call.amount - call.paid_total)} €",
        echeance=f"{call.due_on:%d/%m/%Y}",
    )
    message = EmailMessage(
        # Cleaned again: a line break stored in the subject would make the
        # mail refuse the header and stop every reminder after it.
        subject=one_line(step.subject.format_map(values)),
        body=multi_line(step.body.format_map(values)),
        to=[recipient],
    )
    message.attach(invoice_filename(call), invoice_pdf(call), "application/pdf")
    return message


# --- Treasurer's view and CSV -----------------------------------------------


def euros(amount: Decimal, *, grouping: bool = True) -> str:
    """French notation: 1 234,50 (narrow no-break space), or 1234,50."""
    text = f"{amount:,.2f}" if grouping else f"{amount:.2f}"
    return text.replace(",", "\u202f").replace(".", ",")


@dataclass
class YearSummary:
    year: int
    calls: list[DuesCall]
    due: Decimal
    paid: Decimal
    outstanding: Decimal
    late: list[DuesCall]


def year_summary(year: int, *, today: dt.date) -> YearSummary:
    calls = list(
        DuesCall.objects.filter(year=year)
        .with_status(today)
        .select_related("member__authority")
        .prefetch_related("reminders")
        .order_by("member__authority__name")
    )
    due = sum((call.amount for call in calls), Decimal("0"))
    # Overpayments do not hide what others still owe.
    paid = sum((min(call.paid_total, call.amount) for call in calls), Decimal("0"))
    return YearSummary(
        year=year,
        calls=calls,
        due=due,
        paid=paid,
        outstanding=due - paid,
        late=[call for call in calls if call.status == DuesCall.Status.LATE],
    )


CSV_HEADER = [
    "Facture",
    "Ville",
    "Code officiel",
    "SIRET",
    "Année",
    "Population",
    "Millésime",
    "Montant (€)",
    "Payé (€)",
    "Reste dû (€)",
    "Émise le",
    "Échéance",
    "Statut",
]


def csv_rows(calls):
    """The rows of CSV_HEADER, as raw values (rfve_site.csv_export formats and
    neutralises them). `calls` must come from DuesCall.objects.with_status()."""
    cent = Decimal("0.01")  # SQLite sums lose the trailing zero: 1234.5
    for call in calls:
        paid, due = call.paid_total.quantize(cent), call.amount.quantize(cent)
        yield [
            call.invoice_number,
            call.member.name,
            call.member.authority.code,
            call.member.siret,
            call.year,
            call.population,
            call.population_year,
            due,
            paid,
            max(due - paid, Decimal("0.00")),
            call.issued_on,
            call.due_on,
            DuesCall.Status(call.status).label,
        ]
