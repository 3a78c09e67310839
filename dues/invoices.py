"""Dues invoices as PDF: templates/dues/invoice.html rendered by WeasyPrint
(which needs Pango from the system: see README, "Deploying")."""

from django.template.loader import render_to_string
from weasyprint import HTML

from association.models import SiteSettings

from .dues import euros
from .models import DuesCall


def invoice_html(call: DuesCall) -> str:
    context = {
        "call": call,
        "member": call.member,
        "amount": euros(call.amount),
        "population": f"{call.population or 0:,}".replace(",", "\u202f"),
        "association": SiteSettings.load(),
    }
    return render_to_string("dues/invoice.html", context)


def invoice_pdf(call: DuesCall) -> bytes:
    return HTML(string=invoice_html(call)).write_pdf()
