"""The yearly dues: scale brackets, the campaign, invoices and credit notes
(what they print; the engine in documents.py numbers, renders and stores
them), sending, reminders and the treasurer's figures. Plain functions; the
admin and the management commands call them."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from association.models import SiteSettings
from members.models import Member
from rfve_site import formats
from rfve_site.text import multi_line, one_line
from rfve_site.typography import french

from . import documents
from .models import (
    DuesBracket,
    DuesCall,
    DuesScale,
    Invoice,
    Reminder,
    ReminderStep,
    bracket_label,
)


class DuesError(Exception):
    """A step the secretariat cannot take yet; the message is French."""


# --- Scale ------------------------------------------------------------------


def bracket_for(scale: DuesScale, population: int | None) -> DuesBracket | None:
    """The bracket holding the population (limits included), or None without a
    population or a matching bracket."""
    if population is None:
        return None
    for bracket in scale.brackets.all():
        upper = bracket.max_population
        if bracket.min_population <= population and (
            upper is None or population <= upper
        ):
            return bracket
    return None


def amount_for(scale: DuesScale, population: int | None) -> Decimal | None:
    """The annual amount of the population's bracket, or None."""
    bracket = bracket_for(scale, population)
    return None if bracket is None else bracket.amount


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
                f"Tranche à partir de {formats.number(bracket.min_population)} : "
                "le montant ne peut pas être négatif."
            )
        upper = bracket.max_population
        if upper is not None and upper < bracket.min_population:
            errors.append(
                f"Tranche à partir de {formats.number(bracket.min_population)} : "
                "la limite haute est inférieure à la limite basse."
            )
    for previous, following in zip(ordered, ordered[1:], strict=False):
        if previous.max_population is None:
            errors.append(
                f"Seule la dernière tranche peut être sans limite haute "
                f"(tranche à partir de {formats.number(previous.min_population)})."
            )
        elif following.min_population > previous.max_population + 1:
            errors.append(
                f"Trou entre {formats.number(previous.max_population)} et "
                f"{formats.number(following.min_population)} habitants."
            )
        elif following.min_population <= previous.max_population:
            errors.append(
                f"Les tranches se chevauchent à partir de "
                f"{formats.number(following.min_population)} habitants."
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
        year=to_year,
        # INSEE publishes a millésime a year: the next one, a year later.
        population_year=source.population_year
        and source.population_year + (to_year - from_year),
        first_year_rule=source.first_year_rule,
        notes=f"Copie du barème {from_year} : vérifiez les montants et le "
        "millésime de la population.",
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

MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre "
    "novembre décembre"
).split()


@dataclass(frozen=True)
class CallTerms:
    """What a scale asks of one member for its year."""

    bracket: DuesBracket
    period_start: dt.date
    period_end: dt.date
    amount: Decimal

    @property
    def months(self) -> int:
        return self.period_end.month - self.period_start.month + 1


def call_terms(scale: DuesScale, member: Member) -> CallTerms | None:
    """The bracket of the member's population and the months its dues cover:
    the whole year, or, in the year of the council's decision to join
    (member_since) under a pro rata scale, from that month to December.

    Pro rata amount = annual amount × months / 12, rounded to the cent, half
    up (675,00 € for 9 months of 900 €; 83,33 € for 1 month of 1 000 €).
    None without a population or a bracket."""
    bracket = bracket_for(scale, member.authority.population)
    if bracket is None:
        return None
    year = scale.year
    start = dt.date(year, 1, 1)
    joined = member.member_since
    pro_rata = scale.first_year_rule == DuesScale.FirstYear.PRO_RATA
    if pro_rata and joined is not None and joined.year == year:
        start = dt.date(year, joined.month, 1)
    months = 13 - start.month
    amount = (bracket.amount * months / 12).quantize(formats.CENT, ROUND_HALF_UP)
    return CallTerms(
        bracket=bracket,
        period_start=start,
        period_end=dt.date(year, 12, 31),
        amount=amount,
    )


def long_date(date: dt.date, *, with_year: bool = True) -> str:
    """ "1er avril 2027", "31 décembre 2027"."""
    day = "1er" if date.day == 1 else str(date.day)
    text = f"{day} {MONTHS[date.month - 1]}"
    return f"{text} {date.year}" if with_year else text


def period_wording(start: dt.date, end: dt.date) -> str:
    """ "du 1er avril au 31 décembre 2027"."""
    start_text = long_date(start, with_year=start.year != end.year)
    return f"du {start_text} au {long_date(end)}"


@dataclass(frozen=True)
class InvoiceLine:
    """What the invoice line of a call says about how its amount was set."""

    period_start: dt.date
    period_end: dt.date
    period: str  # "du 1er avril au 31 décembre 2027"
    months: int  # 12 for a whole year
    annual_amount: Decimal  # the bracket's amount for a whole year
    bracket: str  # "de 10 000 à 49 999 habitants" ("" on older calls)
    population: str  # "163 684 habitants" ("" without a population)
    population_year: int | None
    population_basis: str  # "population municipale (Insee, millésime 2023)"
    text: str  # all of it, in one French sentence

    @property
    def pro_rata(self) -> bool:
        return self.months < 12


def invoice_line(call: DuesCall) -> InvoiceLine:
    """The designation of a call on its invoice: period, months, bracket,
    population and its millésime. Calls made before periods were recorded
    cover the whole year."""
    start = call.period_start or dt.date(call.year, 1, 1)
    end = call.period_end or dt.date(call.year, 12, 31)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    annual = call.annual_amount if call.annual_amount is not None else call.amount
    bracket = ""
    if call.bracket_min_population is not None:
        bracket = bracket_label(
            call.bracket_min_population, call.bracket_max_population
        )
    population = "" if call.population is None else formats.habitants(call.population)
    basis = population_basis(call.population_year)
    period = period_wording(start, end)
    parts = [f"Cotisation {call.year}, {period}"]
    if months < 12:
        parts[0] += f" ({months} mois sur 12 : {formats.euros(annual)} × {months}/12)"
    if bracket:
        parts.append(f"tranche {bracket}")
    if population:
        parts.append(f"{basis} : {population}")
    return InvoiceLine(
        period_start=start,
        period_end=end,
        period=period,
        months=months,
        annual_amount=annual,
        bracket=bracket,
        population=population,
        population_year=call.population_year,
        population_basis=basis,
        text=" ; ".join(parts) + ".",
    )


def population_basis(population_year: int | None) -> str:
    """What the population figures are: "population municipale (Insee,
    millésime 2023)"."""
    if population_year is None:
        return "population municipale (Insee)"
    return f"population municipale (Insee, millésime {population_year})"


@dataclass
class CampaignResult:
    created: list[DuesCall] = field(default_factory=list)
    already_called: int = 0
    without_population: list[Member] = field(default_factory=list)
    # Members whose council decided to join after the campaign's year.
    not_yet_members: list[Member] = field(default_factory=list)


@transaction.atomic
def launch_campaign(
    year: int,
    *,
    population_year_reason: str = "",
    members: Iterable[Member] | None = None,
) -> CampaignResult:
    """One dues call per active member for the year (or for the given ones:
    a city that joins after the campaign), with the terms of the scale
    (call_terms), the population and its millésime recorded. Members already
    called are left alone, so running it again creates nothing twice. The due
    date is set when the invoice is issued.

    A member whose reference population is of another millésime than the
    scale's is called only with a reason, stored on its call; without one,
    nothing is created and the error names them."""
    scale = DuesScale.objects.prefetch_related("brackets").filter(year=year).first()
    if scale is None:
        raise DuesError(f"Créez d’abord le barème {year}.")
    errors = validate_brackets(list(scale.brackets.all()))
    if errors:
        raise DuesError(f"Le barème {year} n’est pas valide : " + " ".join(errors))
    if scale.population_year is None:
        raise DuesError(
            f"Indiquez dans le barème {year} le millésime de la population "
            "municipale qui s’applique."
        )
    reason = multi_line(population_year_reason).strip()
    result = CampaignResult()
    other_year = []
    called = set(DuesCall.objects.filter(year=year).values_list("member", flat=True))
    active = Member.objects.active().select_related("authority")
    if members is not None:
        active = active.filter(pk__in=[member.pk for member in members])
    for member in active:
        if member.pk in called:
            result.already_called += 1
            continue
        if member.member_since and member.member_since.year > year:
            result.not_yet_members.append(member)
            continue
        authority = member.authority
        terms = call_terms(scale, member)
        if terms is None:
            result.without_population.append(member)
            continue
        differs = authority.population_year != scale.population_year
        if differs:
            other_year.append(member)
        result.created.append(
            DuesCall(
                member=member,
                year=year,
                amount=terms.amount,
                scale_amount=terms.amount,
                annual_amount=terms.bracket.amount,
                bracket_min_population=terms.bracket.min_population,
                bracket_max_population=terms.bracket.max_population,
                period_start=terms.period_start,
                period_end=terms.period_end,
                population=authority.population,
                population_year=authority.population_year,
                population_year_reason=reason if differs else "",
            )
        )
    if other_year and not reason:
        names = ", ".join(
            f"{member} ({member.authority.population_year or 'sans millésime'})"
            for member in other_year
        )
        raise DuesError(
            f"Le barème {year} retient la population municipale millésime "
            f"{scale.population_year}, mais le référentiel donne un autre "
            f"millésime pour {len(other_year)} ville(s) : {names}. Mettez à jour "
            "le référentiel des collectivités, ou indiquez le motif de l’écart "
            "pour lancer la campagne quand même."
        )
    DuesCall.objects.bulk_create(result.created)
    return result


# --- Invoices and credit notes ------------------------------------------------


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


def due_date(issued_on: dt.date, issuer: SiteSettings) -> dt.date:
    """Issue date plus the payment delay of the settings (never before)."""
    return issued_on + dt.timedelta(days=max(issuer.payment_days, 0))


MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre "
    "novembre décembre"
).split()


def french_date(day: dt.date, *, year: bool = True) -> str:
    """1er janvier 2027, 31 décembre 2027."""
    text = f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def invoice_line_label(call: DuesCall, issuer: SiteSettings) -> str:
    return f"Cotisation {call.year} au {issuer.name}"


def legal_name(authority) -> str:
    """The recipient as a legal person: "Commune de Lyon", "Commune d’Annecy",
    "Commune du Havre"; an EPCI's name is already its full name."""
    name = authority.name
    if authority.kind != authority.Kind.COMMUNE:
        return name
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return f"Commune {contracted}{name[len(article) :]}"
    if name[:1].upper() in "AEIOUYÉÈÊÎÔH":
        return f"Commune d’{name}"
    return f"Commune de {name}"


def recipient_data(member: Member, commitment_number: str) -> dict:
    """The recipient block; texts cleaned again (stored before text hygiene,
    they would break the XML)."""
    authority = member.authority
    postcode = (authority.postcodes.split() or [""])[0]
    return {
        "legal_name": one_line(legal_name(authority)),
        "address": documents.address(
            multi_line(member.invoicing_address),
            postcode=postcode,
            city=one_line(authority.name),
        ),
        "siret": member.siret,
        "service_code": one_line(member.chorus_service_code),
        "commitment_number": one_line(commitment_number),
    }


PAYMENT_METHODS = "Virement ou mandat administratif"


def invoice_data(call: DuesCall, issuer: SiteSettings, issued_on, due_on) -> dict:
    """Everything a dues invoice prints, as the call, its member and the
    settings are at issue (the engine adds the number)."""
    line = invoice_line(call)
    details = []
    if line.bracket:
        details.append(f"Tranche de population : {line.bracket}")
    if line.population:
        details.append(
            f"Population retenue : {line.population}, {line.population_basis}"
        )
    if line.pro_rata:
        details.append(
            f"Première année au prorata des mois : {line.months} mois sur 12 "
            f"({formats.euros(line.annual_amount)} × {line.months}/12)"
        )
    if call.scale_amount is not None and call.amount != call.scale_amount:
        details.append(
            f"Montant hors barème (barème : {formats.euros(call.scale_amount)}) : "
            f"{one_line(call.override_reason)}"
        )
    return {
        "issued_on": issued_on.isoformat(),
        "due_on": due_on.isoformat(),
        "issuer": documents.issuer_data(issuer),
        "recipient": recipient_data(call.member, call.commitment_number),
        "lines": [
            {
                "label": invoice_line_label(call, issuer),
                "period": {
                    "start": line.period_start.isoformat(),
                    "end": line.period_end.isoformat(),
                    "text": line.period,
                },
                "details": details,
                "amount": documents.money(call.amount),
            }
        ],
        "total": documents.money(call.amount),
        "payment": {
            "methods": PAYMENT_METHODS,
            "terms": f"{PAYMENT_METHODS}, au plus tard le {due_on:%d/%m/%Y}, en "
            "rappelant le numéro de la facture.",
        },
    }


def issue_invoice(call: DuesCall, *, today: dt.date) -> DuesCall:
    """Issue the call's invoice: the next number of its year (gap-free), due
    after the settings' payment delay, frozen as a stored Factur-X file. Calls
    already issued are left as they are. Refused while the issuer's identity
    is incomplete."""
    with transaction.atomic():
        # Locks: the call first (two people issuing the same call get one
        # invoice), then the year's counter (two calls never share a number).
        call = (
            DuesCall.objects.select_for_update(of=("self",))
            .select_related("member__authority")
            .get(pk=call.pk)
        )
        if call.number:
            return call
        issuer = check_issuer()
        if call.member.commitment_number_required and not call.commitment_number:
            raise DuesError(
                f"{call.member} exige un numéro d’engagement : "
                "renseignez-le avant d’émettre la facture."
            )
        if call.amount <= 0:
            raise DuesError(f"{call} : montant nul, aucune facture à émettre.")
        due_on = due_date(today, issuer)
        document = documents.issue_document(
            kind=Invoice.Kind.INVOICE,
            year=call.year,
            data=invoice_data(call, issuer, today, due_on),
            call=call,
            issued_on=today,
            due_on=due_on,
            total=call.amount,
            recipient_name=one_line(legal_name(call.member.authority)),
        )
        call.number = document.sequence
        call.issued_on = today
        call.due_on = due_on
        call.save(update_fields=["number", "issued_on", "due_on"])
        return call


def invoice_of(call: DuesCall) -> Invoice:
    try:
        return call.documents.get(kind=Invoice.Kind.INVOICE)
    except Invoice.DoesNotExist:
        raise DuesError(
            f"{call.member} : émettez la facture avant de l’envoyer."
        ) from None


def creditable(invoice: Invoice) -> Decimal:
    """What is left to credit on an invoice."""
    credited = sum((note.total for note in invoice.credit_notes.all()), Decimal("0"))
    return invoice.total - credited


def issue_credit_note(
    invoice: Invoice,
    amount: Decimal,
    reason: str,
    *,
    today: dt.date,
    line: dict | None = None,
) -> Invoice:
    """A credit note (AV-2027-0001, gap-free per year of issue) cancelling or
    reducing an issued invoice, with its reason; frozen like an invoice.
    `line` is the invoice's line it corrects (its first by default)."""
    reason = one_line(reason)
    with transaction.atomic():
        # Two credit notes on one invoice at once could exceed its total.
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.is_credit_note:
            raise DuesError("Un avoir ne se corrige pas par un autre avoir.")
        if not reason:
            raise DuesError("Indiquez le motif de l’avoir.")
        left = creditable(invoice)
        if not 0 < amount <= left:
            raise DuesError(
                f"Le montant de l’avoir doit être positif et d’au plus "
                f"{euros(left)} € (reste de la facture {invoice.number})."
            )
        issuer = check_issuer()
        source = invoice.data
        line = line or source["lines"][0]
        action = "Annulation" if amount == invoice.total else "Réduction"
        data = {
            "issued_on": today.isoformat(),
            "due_on": None,
            "issuer": documents.issuer_data(
                issuer, vat_regime=source["issuer"]["vat"]["regime"]
            ),
            "recipient": source["recipient"],
            "lines": [
                {
                    "label": f"{action} de la facture {invoice.number} : "
                    f"{line['label']}",
                    "period": line["period"],
                    "details": [],
                    "amount": documents.money(amount),
                }
            ],
            "total": documents.money(amount),
            "reason": reason,
            "credited": {"number": invoice.number, "issued_on": source["issued_on"]},
            "payment": {
                "methods": PAYMENT_METHODS,
                "terms": f"Montant à déduire de la facture {invoice.number} ; "
                "s’il a déjà été payé, il est remboursé par virement.",
            },
        }
        return documents.issue_document(
            kind=Invoice.Kind.CREDIT_NOTE,
            year=today.year,
            data=data,
            call=invoice.call,
            credited_invoice=invoice,
            issued_on=today,
            due_on=None,
            total=amount,
            recipient_name=invoice.recipient_name,
            reason=reason,
        )


DEPARTED_REASON = "Adhésion résiliée : la ville a quitté le réseau."


def cancel_calls(calls, *, today: dt.date) -> tuple[int, list[Invoice]]:
    """Cancel calls of members who left: a draft call is deleted, an issued
    one gets a credit note for what is left of its invoice. Returns the
    number of drafts deleted and the credit notes issued."""
    deleted, notes = 0, []
    for call in calls:
        if not call.is_issued:
            call.delete()
            deleted += 1
            continue
        invoice = invoice_of(call)
        left = creditable(invoice)
        if left > 0:
            notes.append(issue_credit_note(invoice, left, DEPARTED_REASON, today=today))
    return deleted, notes


def pdf_of(document: Invoice) -> bytes:
    """The stored file, checked; a French DuesError if it fails its check."""
    try:
        return documents.read_pdf(document)
    except documents.DocumentIntegrityError as error:
        raise DuesError(str(error)) from error


def send_invoice(call: DuesCall) -> None:
    """Email the invoice (its stored Factur-X file) to the finance contact."""
    invoice = invoice_of(call)
    recipient = call.member.finance_contact_email
    if not recipient:
        raise DuesError(f"{call.member} : aucun courriel du contact finances.")
    context = {
        "association": invoice.data["issuer"]["name"],
        "invoice": invoice,
        "call": call,
        "member": one_line(str(call.member)),
        "amount": euros(invoice.total),
    }
    message = EmailMessage(
        subject=french(
            one_line(render_to_string("dues/emails/invoice_subject.txt", context))
        ),
        body=french(render_to_string("dues/emails/invoice_body.txt", context)),
        to=[recipient],
    )
    message.attach(invoice.filename, pdf_of(invoice), "application/pdf")
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


# --- Treasurer's view and CSV -----------------------------------------------


def euros(amount: Decimal) -> str:
    """The figure of an amount without its unit: "1 234,50". Kept for
    invoices.py (rewritten in parallel); everything else uses
    rfve_site.formats.euros, which adds the unit."""
    return formats.number(amount, decimals=2)


@dataclass
class YearSummary:
    year: int
    calls: list[DuesCall]
    called: Decimal  # the calls' amounts
    credited: Decimal  # their credit notes
    due: Decimal  # called less credited
    paid: Decimal
    outstanding: Decimal
    late: list[DuesCall]
    credit_notes: list[Invoice]
    # (status label, number of invoices) for each Chorus Pro status.
    chorus_counts: list[tuple[str, int]]
    rejected: list[Invoice]  # by Chorus Pro: to correct and deposit again
    # Invoices of other things than dues (event registrations), each with
    # `credited_total`; their payments are followed on Chorus Pro.
    other_invoices: list[Invoice] = field(default_factory=list)
    other_invoiced: Decimal = Decimal("0")
    other_credited: Decimal = Decimal("0")


def year_summary(year: int, *, today: dt.date) -> YearSummary:
    calls = list(
        DuesCall.objects.filter(year=year)
        .with_status(today)
        .select_related("member__authority")
        .prefetch_related("reminders")
        .order_by("member__authority__name")
    )
    called = sum((call.amount for call in calls), Decimal("0"))
    credited = sum((call.credited_total for call in calls), Decimal("0"))
    # Overpayments do not hide what others still owe.
    paid = sum(
        (min(call.paid_total, max(call.net_amount, 0)) for call in calls),
        Decimal("0"),
    )
    invoices = Invoice.objects.invoices().of_year(year)
    others = list(other_invoices(year))
    counts = dict(
        invoices.values_list("chorus_status").annotate(n=Count("pk")).order_by()
    )
    return YearSummary(
        year=year,
        calls=calls,
        called=called,
        credited=credited,
        due=called - credited,
        paid=paid,
        outstanding=called - credited - paid,
        late=[call for call in calls if call.status == DuesCall.Status.LATE],
        credit_notes=list(
            Invoice.objects.credit_notes().of_year(year).order_by("number")
        ),
        chorus_counts=[
            (status.label, counts.get(status.value, 0))
            for status in Invoice.ChorusStatus
        ],
        rejected=list(
            invoices.filter(chorus_status=Invoice.ChorusStatus.REJECTED).order_by(
                "number"
            )
        ),
        other_invoices=others,
        other_invoiced=sum((i.total for i in others), Decimal("0")),
        other_credited=sum((i.credited_total for i in others), Decimal("0")),
    )


def other_invoices(year: int):
    """The year's invoices of other things than dues, with `credited_total`."""
    credited = (
        Invoice.objects.credit_notes()
        .filter(credited_invoice=OuterRef("pk"))
        .values("credited_invoice")
        .annotate(sum=Sum("total"))
        .values("sum")
    )
    return (
        Invoice.objects.without_call()
        .filter(year=year)
        .annotate(
            credited_total=Coalesce(
                Subquery(credited),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            )
        )
        .order_by("number")
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
    "Avoirs (€)",
    "Payé (€)",
    "Reste dû (€)",
    "Émise le",
    "Échéance",
    "Statut",
    "Chorus Pro",
]


def csv_rows(calls):
    """The rows of CSV_HEADER, as raw values (rfve_site.csv_export formats and
    neutralises them). `calls` must come from
    DuesCall.objects.with_status().with_chorus_status()."""
    cent = Decimal("0.01")  # SQLite sums lose the trailing zero: 1234.5
    chorus = dict(Invoice.ChorusStatus.choices)
    for call in calls:
        paid, amount = call.paid_total.quantize(cent), call.amount.quantize(cent)
        credited = call.credited_total.quantize(cent)
        yield [
            call.invoice_number,
            call.member.name,
            call.member.authority.code,
            call.member.siret,
            call.year,
            call.population,
            call.population_year,
            amount,
            credited,
            paid,
            max(amount - credited - paid, Decimal("0.00")),
            call.issued_on,
            call.due_on,
            DuesCall.Status(call.status).label,
            chorus[call.chorus_status] if call.is_issued else "",
        ]


def other_csv_rows(invoices, *, today: dt.date):
    """Rows of CSV_HEADER for invoices of other things than dues (from
    other_invoices): paid once Chorus Pro says so."""
    cent = Decimal("0.01")
    for invoice in invoices:
        amount = invoice.total.quantize(cent)
        credited = invoice.credited_total.quantize(cent)
        net = max(amount - credited, Decimal("0.00"))
        is_paid = invoice.chorus_status == Invoice.ChorusStatus.PAID
        if net == 0:
            status = DuesCall.Status.CANCELLED.label
        elif is_paid:
            status = DuesCall.Status.PAID.label
        elif invoice.due_on and invoice.due_on < today:
            status = DuesCall.Status.LATE.label
        else:
            status = DuesCall.Status.DUE.label
        recipient = invoice.data.get("recipient", {})
        yield [
            invoice.number,
            invoice.recipient_name,
            "",
            recipient.get("siret", ""),
            invoice.year,
            None,
            None,
            amount,
            credited,
            net if is_paid else Decimal("0.00"),
            Decimal("0.00") if is_paid else net,
            invoice.issued_on,
            invoice.due_on,
            status,
            invoice.get_chorus_status_display(),
        ]
