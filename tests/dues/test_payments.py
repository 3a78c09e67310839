"""Payments: recorded on a dues call, or on a registration invoice paid by
transfer or cheque outside Chorus Pro; never dated before their invoice."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dues import invoices
from dues.models import Payment
from registrations import orders
from registrations.models import Rate
from tests.factories import (
    DuesCallFactory,
    LocalAuthorityFactory,
    RateFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    paris,
)

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2027, 3, 1)
NOW = paris(2030, 3, 20, 10)  # after the factory's event (12 March 2030)


def _registration_invoice():
    settings = RegistrationSettingsFactory()
    rate = RateFactory(
        settings=settings, category=Rate.Category.NON_MEMBER, amount=Decimal("90")
    )
    registration = RegistrationFactory(
        event=settings.event, rate=rate, authority=LocalAuthorityFactory(name="Bron")
    )
    order = orders.attach(registration, {})
    order.legal_name = "Commune de Bron"
    order.invoicing_address = "Place de Weingarten\n69500 Bron"
    order.siret = "21690123400019"
    order.save()
    orders.confirm_billing(order, by="secretariat", now=NOW)
    settings.is_open = False
    settings.save()
    (invoice,), _, _ = orders.issue_documents(settings, now=NOW)
    return invoice


def test_a_payment_dated_before_its_invoice_is_refused_in_french(admin_client):
    call = invoices.issue_invoice(DuesCallFactory(), today=ISSUED)
    early = Payment(
        call=call, paid_on=dt.date(2027, 2, 28), amount=Decimal("900"), method="cheque"
    )
    with pytest.raises(ValidationError) as refused:
        early.full_clean()
    assert refused.value.message_dict["paid_on"] == [
        "Un paiement ne peut pas être daté du 28/02/2027, avant l’émission de la "
        "facture 2027-0001 (le 01/03/2027)."
    ]
    Payment(call=call, paid_on=ISSUED, amount=Decimal("900"), method="cheque").clean()


def test_the_admin_refuses_a_payment_before_the_invoice(admin_client):
    call = invoices.issue_invoice(DuesCallFactory(), today=ISSUED)
    url = reverse("admin:dues_duescall_change", args=[call.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data.update(
        {
            "documents-TOTAL_FORMS": 0,
            "documents-INITIAL_FORMS": 1,
            "payments-TOTAL_FORMS": 1,
            "payments-INITIAL_FORMS": 0,
            "payments-0-paid_on": "15/02/2027",
            "payments-0-amount": "900",
            "payments-0-method": "virement",
            "reminders-TOTAL_FORMS": 0,
            "reminders-INITIAL_FORMS": 0,
        }
    )
    response = admin_client.post(url, data)
    assert "avant l’émission de la facture 2027-0001" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_registration_invoice_paid_by_transfer_is_recorded_and_counted(
    admin_client,
):
    invoice = _registration_invoice()
    page = admin_client.get(reverse("admin:dues_invoice_change", args=[invoice.pk]))
    assert "reçus (hors Chorus Pro)" in page.content.decode()
    Payment(
        invoice=invoice,
        paid_on=invoice.issued_on,
        amount=Decimal("90"),
        method=Payment.Method.TRANSFER,
    ).full_clean()
    Payment.objects.create(
        invoice=invoice,
        paid_on=invoice.issued_on,
        amount=Decimal("90"),
        method=Payment.Method.TRANSFER,
    )
    response = admin_client.get(
        reverse("admin:dues_duescall_treasury_csv"), {"annee": 2030}
    )
    rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    row = next(row for row in rows if row[0] == invoice.number)
    assert (row[9], row[10], row[13]) == ("90,00", "0,00", "payée")
    with pytest.raises(ValidationError):
        Payment(
            invoice=invoice,
            paid_on=invoice.issued_on - dt.timedelta(days=1),
            amount=Decimal("1"),
            method=Payment.Method.CHEQUE,
        ).full_clean()
