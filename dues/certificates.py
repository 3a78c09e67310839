"""The membership certificate (attestation d'adhésion) of a member whose year
is paid: templates/dues/certificate.html rendered by WeasyPrint, like the
invoices."""

import datetime as dt
from decimal import Decimal

from django.db.models import Max, Sum
from django.template.loader import render_to_string

from association.models import SiteSettings
from rfve_site import formats
from rfve_site.pdf import write_pdf
from rfve_site.typography import french_html

from .errors import DuesError
from .invoice_lines import invoice_line, long_date
from .models import DuesCall, Invoice

# Who certifies and where: without them the certificate would not be signed.
SIGNATORY_FIELDS = ["name", "legal_form", "seat_address", "seat_city"]


def certificate_filename(call: DuesCall) -> str:
    return f"attestation-adhesion-{call.year}-{call.member.slug}.pdf"


def certificate_html(call: DuesCall, *, today: dt.date) -> str:
    """Refused (DuesError, in French) unless the year is fully paid and the
    association's settings say who certifies, and where."""
    payments = call.payments.aggregate(total=Sum("amount"), last=Max("paid_on"))
    paid = payments["total"] or Decimal("0")
    # What is owed: the call less its credit notes.
    credited = call.documents.filter(kind=Invoice.Kind.CREDIT_NOTE).aggregate(
        total=Sum("total")
    )["total"] or Decimal("0")
    net = call.amount - credited
    if paid < net:
        raise DuesError(
            f"Pas d’attestation d’adhésion {call.year} pour {call.member} : la "
            f"cotisation n’est pas entièrement payée (reste "
            f"{formats.euros(net - paid)} sur {formats.euros(net)})."
        )
    association = SiteSettings.load()
    missing = [
        str(association._meta.get_field(name).verbose_name)
        for name in [*SIGNATORY_FIELDS, "treasurer_name", "treasurer_title"]
        if not str(getattr(association, name)).strip()
    ]
    if missing:
        raise DuesError(
            "L’attestation doit dire qui la signe et où : renseignez d’abord, "
            "dans « Informations de l’association », "
            + ", ".join(f"« {name} »" for name in missing)
            + "."
        )
    authority = call.member.authority
    context = {
        "call": call,
        "member": call.member,
        "authority": authority,
        "code_label": "code Insee" if authority.kind == "commune" else "SIREN",
        "line": invoice_line(call),
        "amount": formats.euros(net),
        "paid_on": long_date(payments["last"]) if payments["last"] else "",
        "association": association,
        "seat": ", ".join(
            line.strip()
            for line in association.seat_address.splitlines()
            if line.strip()
        ),
        "signed_on": long_date(today),
    }
    return french_html(render_to_string("dues/certificate.html", context))


def certificate_pdf(call: DuesCall, *, today: dt.date) -> bytes:
    return write_pdf(certificate_html(call, today=today))
