"""Dues invoices as PDF: templates/dues/invoice.html rendered by WeasyPrint
(which needs Pango from the system: see README, "Deploying")."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from .dues import euros
from .models import DuesCall


def invoice_html(call: DuesCall) -> str:
    context = {
        "call": call,
        "member": call.member,
        "amount": euros(call.amount),
        "population": f"{call.population or 0:,}".replace(",", "\u202f"),
        "association": {
            "name": settings.ASSOCIATION_NAME,
            "address": settings.ASSOCIATION_ADDRESS,
            "siret": settings.ASSOCIATION_SIRET,
            "iban": settings.ASSOCIATION_IBAN,
            "bic": settings.ASSOCIATION_BIC,
        },
    }
    return render_to_string("dues/invoice.html", context)


def invoice_pdf(call: DuesCall) -> bytes:
    return HTML(string=invoice_html(call)).write_pdf()
