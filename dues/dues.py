"""The yearly dues: scale brackets, the campaign, invoice numbers, sending,
reminders and the treasurer's figures. Plain functions; the admin and the
`send_dues_reminders` command call them."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from association.models import SiteSettings
from members.models import Member
from rfve_site import formats
from rfve_site.text import multi_line, one_line

from .models import (
    DuesBracket,
    DuesCall,
    DuesScale,
    InvoiceSequence,
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


def default_due_date(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=settings.DUES_PAYMENT_DAYS)


@transaction.atomic
def launch_campaign(
    year: int,
    *,
    due_on: dt.date,
    population_year_reason: str = "",
    members: Iterable[Member] | None = None,
) -> CampaignResult:
    """One dues call per active member for the year (or for the given ones:
    a city that joins after the campaign), with the terms of the scale
    (call_terms), the population and its millésime recorded. Members already
    called are left alone, so running it again creates nothing twice.

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
                due_on=due_on,
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
        montant=formats.euros(call.amount),
        reste=formats.euros(call.amount - call.paid_total),
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


def euros(amount: Decimal) -> str:
    """The figure of an amount without its unit: "1 234,50". Kept for
    invoices.py (rewritten in parallel); everything else uses
    rfve_site.formats.euros, which adds the unit."""
    return formats.number(amount, decimals=2)


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
