"""The invoicing engine: invoices and credit notes numbered without gaps,
rendered once at issue from a snapshot of everything they print, kept as
Factur-X files (PDF/A-3 with the EN 16931 CII XML) in the private "invoices"
storage with their SHA-256, and read back only after checking it.

The snapshot (`Invoice.data`) is plain JSON: strings, ISO dates, amounts as
decimal strings. `render()` reads nothing else: no live member, settings or
call. Dues calls build their snapshot in `invoices.py`; event registrations
build theirs in registrations/orders.py."""

import datetime as dt
import hashlib
import io
import logging
import re
import zipfile
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.template.loader import render_to_string

from association.models import SiteSettings
from rfve_site.pdf import write_pdf
from rfve_site.text import multi_line, one_line
from rfve_site.typography import french_html

from .errors import DuesError
from .models import Invoice, InvoiceSequence

logger = logging.getLogger(__name__)

# The numbering rule (README, "Numbering"): one series per kind of document,
# numbered by the year of issue, each continuous and chronological.
PREFIXES = {
    Invoice.Series.DUES: "",
    Invoice.Series.REGISTRATIONS: "INS-",
    Invoice.Series.CREDIT_NOTES: "AV-",
}
# The VAT regimes of statutory dues and how EN 16931 says them: category O
# (outside the scope of VAT) or E (exempt: article 261-7-1° a of the CGI
# transposes article 132 (1) (l) of the VAT directive, non-profit bodies'
# services to their members).
VAT_CODES = {
    SiteSettings.VatRegime.OUT_OF_SCOPE: ("O", "VATEX-EU-O"),
    SiteSettings.VatRegime.EXEMPT: ("E", "VATEX-EU-132-1L"),
    # Event registration fees (a service, within the scope of VAT): exempt
    # as a non-profit's accessory receipts, or under the small-business
    # franchise.
    SiteSettings.RegistrationVat.NON_PROFIT: ("E", "VATEX-EU-132"),
    SiteSettings.RegistrationVat.FRANCHISE: ("E", "VATEX-FR-FRANCHISE"),
}
VAT_TEXTS = dict(SiteSettings.VatRegime.choices + SiteSettings.RegistrationVat.choices)


class DocumentIntegrityError(Exception):
    """A stored file no longer matches the SHA-256 recorded at issue."""


def storage():
    return storages["invoices"]


# --- Numbering --------------------------------------------------------------


def format_number(series: str, year: int, sequence: int) -> str:
    """2027-0001 (dues), INS-2027-0001 (registrations), AV-2027-0001 (credit
    notes)."""
    return f"{PREFIXES[series]}{year}-{sequence:04d}"


def series_of(kind: str, *, registrations: bool = False) -> str:
    if kind == Invoice.Kind.CREDIT_NOTE:
        return Invoice.Series.CREDIT_NOTES
    return Invoice.Series.REGISTRATIONS if registrations else Invoice.Series.DUES


def next_sequence(series: str, issued_on: dt.date) -> int:
    """The next number of a series in the year of issue. Must run inside the
    transaction that saves the document: the counter's row stays locked until
    it commits, and a rollback gives the number back (no gap). Refuses an
    issue date before the series' last one: numbers follow the dates."""
    year = issued_on.year
    InvoiceSequence.objects.get_or_create(kind=series, year=year)
    counter = InvoiceSequence.objects.select_for_update().get(kind=series, year=year)
    last = (
        Invoice.objects.filter(series=series, year=year)
        .order_by("-issued_on")
        .values_list("issued_on", flat=True)
        .first()
    )
    if last is not None and issued_on < last:
        raise DuesError(
            f"Date d’émission {issued_on:%d/%m/%Y} antérieure au dernier "
            f"document de la série ({last:%d/%m/%Y}) : les numéros doivent "
            "suivre l’ordre des dates."
        )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


# --- Snapshot helpers -------------------------------------------------------


_POSTCODE_CITY = re.compile(r"^(\d{5})\s+(.+)$")


def address(text: str, *, postcode: str = "", city: str = "") -> dict:
    """A typed postal address split as EN 16931 wants it: up to three street
    lines, the postcode and the city (found on the last "69100 Villeurbanne"
    line), the country (France)."""
    lines = [one_line(line) for line in multi_line(text).splitlines()]
    lines = [line for line in lines if line]
    if lines and (match := _POSTCODE_CITY.match(lines[-1])):
        postcode, city = match.groups()
        lines = lines[:-1]
    # "…\nVilleurbanne" typed above the postcode and city printed after it:
    # the city once.
    while lines and city and lines[-1].casefold() == city.casefold():
        lines = lines[:-1]
    if len(lines) > 3:  # CII has three street lines
        lines = [*lines[:2], ", ".join(lines[2:])]
    return {"lines": lines, "postcode": postcode, "city": city, "country": "FR"}


def issuer_data(issuer: SiteSettings, *, vat_regime: str = "") -> dict:
    """The issuer block, as the association's settings are at issue. The VAT
    regime is the dues' one unless another is given (registration fees)."""
    vat_regime = vat_regime or issuer.vat_regime
    category, exemption = VAT_CODES[vat_regime]
    return {
        "name": one_line(issuer.name),
        "legal_form": one_line(issuer.legal_form),
        "address": address(issuer.seat_address),
        "siret": issuer.siret,
        "rna": issuer.rna,
        "phone": issuer.phone,
        "treasurer_name": issuer.treasurer_name,
        "treasurer_email": issuer.treasurer_email,
        "iban": issuer.iban.replace(" ", "").upper(),
        "bic": issuer.bic,
        "vat": {
            "regime": vat_regime,
            "text": str(VAT_TEXTS[vat_regime]),
            "category": category,
            "exemption_code": exemption,
            # Only an exempt (taxable) seller prints it: outside the scope of
            # VAT, EN 16931 forbids it (BR-O-02).
            "seller_number": issuer.vat_number if category == "E" else "",
            # Exempt without a VAT number: BR-E-02 accepts the seller's tax
            # registration identifier (BT-32, scheme FC) instead; a French
            # legal person's is its SIREN.
            "tax_id": issuer.siret[:9]
            if category == "E" and not issuer.vat_number
            else "",
        },
        "unpaid_dues_text": one_line(issuer.unpaid_dues_text),
    }


# --- What each kind of document says ----------------------------------------


def is_public_body(siret: str) -> bool:
    """A legal person of public law (State, collectivité, public body): Insee
    gives them a SIREN starting with 1 or 2."""
    return siret[:1] in ("1", "2")


def service_invoice_notes(recipient: dict) -> list[str]:
    """The late-payment mentions of an invoice for a service (a registration
    fee, within the scope of VAT, unlike the statutory dues).

    A professional buyer: article L. 441-10 of the Code de commerce requires
    the invoice to state the late-payment penalty rate (at least three times
    the legal interest rate; by default the ECB's refinancing rate plus 10
    points) and the fixed recovery indemnity, 40 € (article D. 441-5).
    A public buyer (State, collectivité, public body) is not under these
    articles but under the Code de la commande publique: late payment makes
    interest and the indemnity due of right (article L. 2192-13), at the
    ECB's main refinancing rate in force on the first day of the half-year
    plus 8 points (article R. 2192-31), the indemnity being 40 € (article
    D. 2192-35).
    Article L. 441-9 also asks for the discount conditions: none."""
    if is_public_body(recipient.get("siret", "")):
        late = (
            "Tout retard de paiement fait courir de plein droit des intérêts "
            "moratoires au taux de la principale facilité de refinancement de "
            "la Banque centrale européenne en vigueur au premier jour du semestre de "
            "l’année civile au cours duquel ils ont commencé à courir, majoré de "
            "huit points (articles L. 2192-13 et R. 2192-31 du code de la "
            "commande publique), ainsi qu’une indemnité forfaitaire pour frais "
            "de recouvrement de 40 € (article D. 2192-35 du même code)."
        )
    else:
        late = (
            "En cas de retard de paiement, des pénalités sont exigibles dès le "
            "lendemain de la date d’échéance, au taux appliqué par la Banque "
            "centrale européenne à son opération de refinancement la plus "
            "récente majoré de 10 points de pourcentage, ainsi qu’une indemnité "
            "forfaitaire pour frais de recouvrement de 40 € (articles L. 441-10 "
            "et D. 441-5 du code de commerce)."
        )
    return [late, "Aucun escompte n’est accordé en cas de paiement anticipé."]


def money(amount: Decimal) -> str:
    return str(Decimal(amount).quantize(Decimal("0.01")))


# --- Rendering --------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def euros(amount: str) -> str:
    """French notation of a snapshot amount: 1 234,50 (narrow no-break space)."""
    return f"{Decimal(amount):,.2f}".replace(",", "\u202f").replace(".", ",")


def iban_groups(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _context(data: dict) -> dict:
    """The snapshot with dates as dates and amounts in French, for templates."""
    return {
        "doc": data,
        # Snapshots taken before each kind had its wording printed the
        # statutes' clause on every document.
        "notes": data.get("notes", [data["issuer"].get("unpaid_dues_text", "")]),
        "issued_on": _date(data["issued_on"]),
        "due_on": _date(data.get("due_on")),
        "lines": [
            {
                **line,
                "start": _date(line["period"]["start"]),
                "end": _date(line["period"]["end"]),
                "amount_fr": euros(line["amount"]),
            }
            for line in data["lines"]
        ],
        "total_fr": euros(data["total"]),
        "iban": iban_groups(data["issuer"]["iban"]),
        "credited_issued_on": _date((data.get("credited") or {}).get("issued_on")),
    }


def cii_xml(data: dict) -> bytes:
    """The EN 16931 CII XML of a snapshot (templates/dues/facturx.xml)."""
    context = _context(data)
    context["type_code"] = "381" if data["kind"] == Invoice.Kind.CREDIT_NOTE else "380"
    return render_to_string("dues/facturx.xml", context).encode()


def invoice_html(data: dict) -> str:
    """The page WeasyPrint prints, in French typography like every text."""
    return french_html(render_to_string("dues/invoice.html", _context(data)))


def render(data: dict) -> bytes:
    """The Factur-X PDF of a snapshot: WeasyPrint's PDF/A-3b with the CII XML
    embedded (checked against the official XSD on the way)."""
    # Loaded only when a document is issued: with pypdf and lxml they would
    # add some 40 MB to every web worker.
    import facturx

    pdf = write_pdf(invoice_html(data), pdf_variant="pdf/a-3b")
    kind = "Avoir" if data["kind"] == Invoice.Kind.CREDIT_NOTE else "Facture"
    issuer = data["issuer"]["name"]
    return facturx.generate_from_binary(
        pdf,
        cii_xml(data),
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        lang="fr-FR",
        pdf_metadata={
            "author": issuer,
            "keywords": "Factur-X, facture",
            "title": f"{issuer} : {kind} {data['number']}",
            "subject": f"{kind} {data['number']} du {data['issued_on']}, "
            f"émise par {issuer}",
        },
    )


# --- Issuing and reading ----------------------------------------------------


def issue_document(
    *, kind: str, series: str, issued_on: dt.date, data: dict, **columns
) -> Invoice:
    """Number, render, store and record a document: the next number of its
    series in the year of issue (issued_on: today in Paris for every caller
    but the demo). `data` is the snapshot without its number; `columns` are
    the Invoice fields queried (call, credited_invoice, due_on, total,
    recipient_name, reason). Runs in one transaction: the PDF is rendered
    while the series' counter is locked, since it prints the number."""
    with transaction.atomic():
        sequence = next_sequence(series, issued_on)
        return record_document(
            kind=kind,
            series=series,
            year=issued_on.year,
            sequence=sequence,
            data=data,
            issued_on=issued_on,
            **columns,
        )


def record_document(
    *, kind: str, year: int, sequence: int, data: dict, series: str = "", **columns
):
    """Render, store and record a document whose number is already given (by
    issue_document, or by the numbering of calls issued before documents
    were frozen: see the freeze_issued_invoices command)."""
    series = series or series_of(kind)
    number = format_number(series, year, sequence)
    data = {**data, "kind": kind, "number": number}
    pdf = render(data)
    folder = "avoirs" if kind == Invoice.Kind.CREDIT_NOTE else "factures"
    name = storage().save(f"{folder}/{year}/{number}.pdf", ContentFile(pdf))
    return Invoice.objects.create(
        kind=kind,
        series=series,
        year=year,
        sequence=sequence,
        number=number,
        data=data,
        file=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        **columns,
    )


def read_pdf(document: Invoice) -> bytes:
    """The stored file, after checking its SHA-256: a file changed or lost
    since issue is an error (logged), never silently another document."""
    try:
        with storage().open(document.file, "rb") as stored:
            content = stored.read()
    except OSError as error:
        logger.error("Invoice file %s missing: %s", document.number, error)
        raise DocumentIntegrityError(
            f"Le fichier du document {document.number} est introuvable."
        ) from error
    if hashlib.sha256(content).hexdigest() != document.sha256:
        logger.error(
            "Invoice file %s (%s) does not match its SHA-256 %s",
            document.number,
            document.file,
            document.sha256,
        )
        raise DocumentIntegrityError(
            f"Le fichier du document {document.number} ne correspond plus à "
            "celui émis "
            "(empreinte SHA-256 différente) : il n’est pas transmis."
        )
    return content


def zip_of(documents) -> bytes:
    """One ZIP of the Factur-X files, each named by its number (2027-0001.pdf),
    ready to deposit on Chorus Pro. Raises DocumentIntegrityError if any file
    fails its check."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            archive.writestr(f"{document.number}.pdf", read_pdf(document))
    return buffer.getvalue()
