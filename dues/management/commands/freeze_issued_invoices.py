from django.core.management.base import BaseCommand
from django.db import transaction

from association.models import SiteSettings
from audit.updates import logged_update
from dues import documents, invoices
from dues.models import DuesCall, Invoice
from rfve_site.text import one_line


class Command(BaseCommand):
    help = (
        "Freeze, once, the invoices of dues calls numbered before invoices "
        "were stored: each gets its Factur-X file with its number, issue and "
        "due dates unchanged (nothing is renumbered), printed from the "
        "current data. Run once after the upgrade; safe to run again: frozen "
        "calls are skipped."
    )

    def handle(self, *args, **options):
        issuer = invoices.check_issuer()
        calls = (
            DuesCall.objects.filter(number__isnull=False)
            .exclude(documents__kind=Invoice.Kind.INVOICE)
            .select_related("member__authority")
            .order_by("year", "number")
        )
        frozen = 0
        for call in calls:
            self._freeze(call, issuer)
            self.stdout.write(f"{call.invoice_number} {call.member}")
            frozen += 1
        self.stdout.write(self.style.SUCCESS(f"{frozen} invoice(s) frozen."))

    @transaction.atomic
    def _freeze(self, call: DuesCall, issuer: SiteSettings):
        # Calls issued before the due date rule kept the campaign's date.
        due_on = call.due_on or invoices.due_date(call.issued_on, issuer)
        if call.due_on is None:
            logged_update(DuesCall.objects.filter(pk=call.pk), due_on=due_on)
        document = documents.record_document(
            kind=Invoice.Kind.INVOICE,
            year=call.year,
            sequence=call.number,
            data=invoices.invoice_data(call, issuer, call.issued_on, due_on),
            call=call,
            issued_on=call.issued_on,
            due_on=due_on,
            total=call.amount,
            recipient_name=one_line(call.member.authority.legal_name),
        )
        if not call.invoice_number:
            logged_update(
                DuesCall.objects.filter(pk=call.pk), invoice_number=document.number
            )
