"""dues 0005 moves to numbering by the year of issue, one series per kind,
forward only: no issued document changes its number, and each series goes on
after the highest number already issued in it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from dues import documents
from dues.models import DuesCall, Invoice, InvoiceSequence
from tests.factories import MemberFactory

BEFORE = ("dues", "0004_invoice_documents")
ISSUED = dt.date(2026, 12, 2)


def _document(apps, number: str, **fields):
    kind = "avoir" if number.startswith("AV-") else "facture"
    year, sequence = number.removeprefix("AV-").split("-")
    return apps.get_model("dues", "Invoice").objects.create(
        kind=kind,
        year=int(year),
        sequence=int(sequence),
        number=number,
        issued_on=ISSUED,
        total=Decimal("900"),
        recipient_name="Commune de Lyon",
        data={},
        file=f"factures/{number}.pdf",
        sha256="0" * 64,
        **fields,
    )


def _old_rows(apps):
    """As seen on 02/12/2026: 2027 calls issued that day took 2027-0001…0003
    (dues year), then 2026 calls and registrations 2026-0009… from another
    counter; AV-2026-0002 credits 2027-0002. One call was numbered before
    invoices were stored (no document)."""
    call = apps.get_model("dues", "DuesCall")
    calls = {}
    for year, rank in [(2027, 1), (2027, 2), (2026, 9), (2026, 8)]:
        calls[(year, rank)] = call.objects.create(
            member_id=MemberFactory().pk,
            year=year,
            number=rank,
            amount=Decimal("900"),
            issued_on=ISSUED,
            due_on=ISSUED,
        )
    for year, rank in [(2027, 1), (2027, 2), (2026, 9)]:
        _document(apps, f"{year}-{rank:04d}", call=calls[(year, rank)])
    _document(apps, "2026-0010")  # a registration invoice, same counter
    credited = apps.get_model("dues", "Invoice").objects.get(number="2027-0002")
    _document(apps, "AV-2026-0002", credited_invoice=credited, call=credited.call)
    counters = apps.get_model("dues", "InvoiceSequence").objects
    counters.create(kind="facture", year=2027, last_number=3)  # 0003: a draft lost
    counters.create(kind="facture", year=2026, last_number=10)
    # No credit notes' counter: the next one still follows AV-2026-0002.


@pytest.mark.django_db(transaction=True)
def test_numbering_migration_renumbers_nothing_and_goes_on_after_the_highest():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    _old_rows(executor.loader.project_state([BEFORE]).apps)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    printed = dict(DuesCall.objects.values_list("number", "invoice_number"))
    assert printed == {1: "2027-0001", 2: "2027-0002", 9: "2026-0009", 8: "2026-0008"}
    series = dict(Invoice.objects.values_list("number", "series"))
    assert series == {
        "2027-0001": "facture",
        "2027-0002": "facture",
        "2026-0009": "facture",
        "2026-0010": "facture",
        "AV-2026-0002": "avoir",
    }
    counters = {(c.kind, c.year): c.last_number for c in InvoiceSequence.objects.all()}
    assert counters == {("facture", 2027): 3, ("facture", 2026): 10, ("avoir", 2026): 2}
    # The next numbers, as issuing on 03/12/2026 would take them.
    next_day = dt.date(2026, 12, 3)
    with transaction.atomic():
        next_numbers = [
            documents.format_number(s, 2026, documents.next_sequence(s, next_day))
            for s in Invoice.Series
        ]
    assert next_numbers == ["2026-0011", "INS-2026-0001", "AV-2026-0003"]
