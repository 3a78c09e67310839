"""Issue 10, §4: the membership certificate (attestation d'adhésion) of a
member whose year is paid, from the admin; refused in French otherwise."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from pypdf import PdfReader

from association.models import SiteSettings
from audit.updates import logged_update
from dues import campaign
from dues.certificates import certificate_html, certificate_pdf
from dues.models import DuesScale
from tests.factories import (
    DuesCallFactory,
    DuesScaleFactory,
    MemberFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 5, 3)


def _paid_call(**kwargs):
    call = DuesCallFactory(
        number=12,
        invoice_number="2027-0012",
        issued_on=dt.date(2027, 2, 1),
        member__authority__name="Villeurbanne",
        member__authority__code="69266",
        **kwargs,
    )
    PaymentFactory(call=call, amount=Decimal("400"), paid_on=dt.date(2027, 3, 2))
    PaymentFactory(call=call, amount=Decimal("500"), paid_on=dt.date(2027, 4, 9))
    return call


def _words(html: str) -> str:
    """The text with its line breaks and indents as single spaces (no-break
    spaces kept: they are part of the French notation)."""
    return re.sub(r"[ \t\n]+", " ", html)


def _url(call):
    return reverse("admin:dues_duescall_certificate", args=[call.pk])


def test_certificate_says_who_certifies_what_when_and_where():
    text = _words(certificate_html(_paid_call(), today=TODAY))
    assert "Attestation d’adhésion 2027" in text
    assert (
        "Sophie Marchand (donnée de démonstration), "
        "trésorière du Réseau français des villes éducatrices, "
        "association régie par la loi du 1er juillet 1901, dont le siège est situé "
        "Hôtel de ville, Place Lazare-Goujon, 69100 Villeurbanne (SIRET "
        "41234567000019), atteste que\u202f:"
    ) in text
    assert (
        "Villeurbanne</strong> (commune, code Insee 69266) est membre du Réseau "
        "français des villes éducatrices pour l’année 2027\u202f;"
    ) in text
    assert (
        "sa cotisation 2027, d’un montant de 900,00\u00a0€ (facture n° 2027-0012), a "
        "été intégralement acquittée, le dernier paiement ayant été reçu le "
        "9 avril 2027."
    ) in text
    assert "pour servir et valoir ce que de droit" in text
    assert "Fait à Villeurbanne, le 3 mai 2027." in text
    assert "Trésorière du Réseau français des villes éducatrices" in text
    assert "trésorière ou trésorier" not in text and "(e)" not in text


def test_certificate_of_a_first_year_pro_rata_states_its_period():
    DuesScaleFactory(first_year_rule=DuesScale.FirstYear.PRO_RATA)
    member = MemberFactory(member_since=dt.date(2027, 4, 15))
    call = campaign.launch_campaign(2027).created[0]
    PaymentFactory(call=call, amount=call.amount)  # 675 €
    text = _words(certificate_html(call, today=TODAY))
    assert member.name in text
    assert "pour l’année 2027, du 1er avril au 31 décembre 2027" in text
    assert "675,00\u00a0€" in text


def test_certificate_is_a_pdf_with_the_wording():
    pdf = certificate_pdf(_paid_call(), today=TODAY)
    assert pdf.startswith(b"%PDF")
    text = " ".join(
        "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages
        ).split()
    )
    assert "Attestation d’adhésion 2027" in text
    assert "Fait à Villeurbanne, le 3 mai 2027." in text


def test_download_from_the_call_page(admin_client):
    call = _paid_call()
    page = admin_client.get(reverse("admin:dues_duescall_change", args=[call.pk]))
    assert _url(call) in page.content.decode()

    response = admin_client.get(_url(call))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="attestation-adhesion-2027-{call.member.slug}.pdf"'
        in response["Content-Disposition"]
    )


def test_refused_in_french_while_the_year_is_not_fully_paid(admin_client):
    call = DuesCallFactory(member__authority__name="Brest")
    PaymentFactory(call=call, amount=Decimal("800"))

    page = admin_client.get(reverse("admin:dues_duescall_change", args=[call.pk]))
    response = admin_client.get(_url(call))

    assert _url(call) not in page.content.decode()
    assert "entièrement payée" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:dues_duescall_change", args=[call.pk])
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert message == (
        "Pas d’attestation d’adhésion 2027 pour Brest : la cotisation n’est pas "
        "entièrement payée (reste 100,00\u00a0€ sur 900,00\u00a0€)."
    )


def test_refused_while_nobody_is_named_to_sign(admin_client):
    call = _paid_call()
    logged_update(
        SiteSettings.objects.filter(pk=1),
        treasurer_name="",
        treasurer_title="",
        seat_city="",
    )
    response = admin_client.get(_url(call))
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert response.status_code == 302
    assert (
        "« ville du siège », « trésorerie : prénom et nom », « trésorerie : titre »"
        in message
    )


def test_a_year_paid_net_of_its_credit_note_gets_its_certificate():
    """Seen: 2 500 € paid on a 3 000 € call credited 500 € was refused."""
    from dues import credit_notes, invoices

    member = MemberFactory()
    call = invoices.issue_invoice(
        DuesCallFactory(member=member, amount=Decimal("3000")),
        today=dt.date(2027, 1, 15),
    )
    credit_notes.issue_credit_note(
        invoices.invoice_of(call), Decimal("500"), "Tranche", today=dt.date(2027, 1, 20)
    )
    PaymentFactory(call=call, amount=Decimal("2500"), paid_on=dt.date(2027, 2, 1))
    text = _words(certificate_html(call, today=TODAY))
    assert "d’un montant de 2 500,00\u00a0€" in text.replace("\u202f", " ")
