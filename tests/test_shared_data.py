"""The demo copied back from its snapshot (tests/shared_data.py) is the demo:
rows and issued files alike."""

import pytest

from calendar_app.models import Event
from dues.documents import read_pdf
from dues.models import Invoice
from tests.shared_data import load_demo


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("load", ["loaded", "copied back"])
def test_the_demo_has_its_events_and_readable_invoices(load):
    load_demo()
    assert Event.objects.filter(is_demo=True).count() > 40
    invoices = Invoice.objects.all()
    assert invoices.count() > 10
    for invoice in invoices:
        assert read_pdf(invoice).startswith(b"%PDF")
