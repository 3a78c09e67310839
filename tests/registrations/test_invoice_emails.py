"""Registration invoices are emailed per order like dues invoices: the
Factur-X file attached, answers to the treasury, the association deposits
the invoice on Chorus Pro for a public buyer; their credit notes too."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from dues import credit_notes
from outbox.models import OutboxMessage
from registrations import booking, orders
from registrations.models import Rate
from tests.factories import (
    LocalAuthorityFactory,
    MemberFactory,
    RateFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
)
from tests.registrations.test_orders import NOW, close, paying_registration

pytestmark = pytest.mark.django_db

TREASURY = ["tresorerie@villeseducatrices.fr"]


@pytest.fixture(autouse=True)
def _issuer(issuer):
    return issuer


def _body(message) -> str:
    return " ".join(message.body.replace("\u00a0", " ").split())


def test_a_member_citys_invoice_goes_to_its_finance_contact():
    settings = RegistrationSettingsFactory(event__title="Rencontres nationales")
    member = MemberFactory(
        finance_contact_email="finances@villeurbanne.example",
        invoicing_address="Place Lazare-Goujon\n69100 Villeurbanne",
    )
    rate = RateFactory(
        settings=settings, category=Rate.Category.MEMBER, amount=Decimal("40")
    )
    for name in ("Vidal", "Morel"):
        orders.attach(
            RegistrationFactory(
                event=settings.event,
                authority=member.authority,
                member=member,
                rate=rate,
                last_name=name,
            ),
            {},
        )
    close(settings)
    (invoice,), _, errors = orders.issue_documents(settings, now=NOW)
    assert errors == []
    (message,) = mail.outbox
    assert message.to == ["finances@villeurbanne.example"]
    assert message.reply_to == TREASURY
    assert invoice.number in message.subject
    assert message.attachments[0][0] == invoice.filename
    assert message.attachments[0][1][:5] == b"%PDF-"
    body = _body(message)
    assert "pour 2 inscriptions à « Rencontres nationales »" in body
    assert "80,00 €" in body
    # A commune is a public buyer: the supplier deposits on Chorus Pro.
    assert "nous déposons cette facture sur Chorus Pro" in body
    assert OutboxMessage.objects.filter(kind="facture").count() == 1


def test_a_non_members_invoice_goes_to_its_registrants_and_its_credit_note_too():
    settings = RegistrationSettingsFactory()
    bron = LocalAuthorityFactory(name="Bron")
    martin = paying_registration(
        settings, bron, "Martin", email="c.martin@bron.example"
    )
    paying_registration(settings, bron, "Bernard", email="bernard@bron.example")
    close(settings)
    (invoice,), _, errors = orders.issue_documents(settings, now=NOW)
    assert errors == []
    (message,) = mail.outbox
    assert message.to == ["c.martin@bron.example", "bernard@bron.example"]

    martin.refresh_from_db()
    booking.cancel(martin, NOW)

    martin.refresh_from_db()
    note = martin.credit_note
    assert len(mail.outbox) == 2
    credit = mail.outbox[1]
    assert note.number in credit.subject and invoice.number in credit.subject
    assert credit.attachments[0][0] == note.filename
    assert "Motif : Inscription annulée" in _body(credit)
    assert credit.reply_to == TREASURY


def test_a_private_buyer_is_not_told_of_chorus_pro():
    settings = RegistrationSettingsFactory()
    rate = RateFactory(settings=settings, category=Rate.Category.PARTNER)
    partner = RegistrationFactory(
        event=settings.event, rate=rate, organisation="Ligue de l’enseignement"
    )
    order = orders.attach(partner, {})
    order.legal_name = "Ligue de l’enseignement"
    order.invoicing_address = "3 rue Récamier\n75007 Paris"
    order.save()
    orders.confirm_billing(order, by="secretariat", now=NOW)
    close(settings)
    orders.issue_documents(settings, now=NOW)
    (message,) = mail.outbox
    assert "Chorus Pro" not in message.body


def test_the_invoices_list_sends_a_registration_invoice_and_its_credit_note(
    admin_client,
):
    settings = RegistrationSettingsFactory()
    paying_registration(settings, LocalAuthorityFactory(), "Martin")
    close(settings)
    (invoice,), _, _ = orders.issue_documents(settings, now=NOW, send=False)
    note = credit_notes.issue_credit_note(
        invoice, Decimal("10"), "Erreur de tarif", today=invoice.issued_on
    )
    assert mail.outbox == []
    admin_client.post(
        reverse("admin:dues_invoice_changelist"),
        {"action": "send_documents", "_selected_action": [invoice.pk, note.pk]},
    )
    assert sorted(m.attachments[0][0] for m in mail.outbox) == sorted(
        [invoice.filename, note.filename]
    )
    assert all(m.reply_to == TREASURY for m in mail.outbox)


def test_the_registration_invoice_says_how_a_public_accountant_pays_it():
    """ "Virement ou mandat administratif", with the association's bank
    details, as on dues invoices."""
    from tests.registrations.test_orders import pdf_text

    settings = RegistrationSettingsFactory()
    paying_registration(settings, LocalAuthorityFactory(), "Martin")
    close(settings)
    (invoice,), _, _ = orders.issue_documents(settings, now=NOW, send=False)
    text = " ".join(pdf_text(invoice).split())
    assert "Virement ou mandat administratif, au plus tard le 19/04/2030" in text
    assert "IBAN FR76 3000 1007 9412 3456 7890 185" in text
    assert "BIC BDFEFRPPCCT" in text


def test_the_line_beside_a_named_person_names_the_rates_audience():
    """ "Tarif : ville adhérente", never "Élue, élu ou agent" beside a name."""
    settings = RegistrationSettingsFactory()
    member = MemberFactory(invoicing_address="Place Lazare-Goujon\n69100 Villeurbanne")
    rate = RateFactory(settings=settings, category=Rate.Category.MEMBER)
    registration = RegistrationFactory(
        event=settings.event, authority=member.authority, member=member, rate=rate
    )
    line = orders.invoice_line(registration)
    assert line["details"] == ["Tarif : ville adhérente"]
    from registrations import emails

    body = emails.build(registration, "confirmation").body
    assert "Tarif : ville adhérente, 90,00\u00a0€" in body
    assert "Élue, élu" not in body
