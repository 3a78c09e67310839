"""Paying registrations: one order per collectivité and event, invoiced once
with the dues' engine (same gap-free invoice series), Chorus Pro data asked
only for paying rates, a credit note when an invoiced registration is
cancelled, the treasurer's view and CSV include them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from association.models import SiteSettings
from audit.updates import logged_update
from dues import documents, dues
from dues.models import Invoice
from registrations import booking, orders
from registrations.models import Order, Rate, Registration
from rfve_site.typography import french_html as typeset
from tests.factories import (
    DuesCallFactory,
    LocalAuthorityFactory,
    MemberFactory,
    RateFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    paris,
)
from tests.markup import start_tags

pytestmark = pytest.mark.django_db

# After the event of RegistrationSettingsFactory (12 March 2030).
NOW = paris(2030, 3, 20, 10)
TODAY = dt.date(2030, 3, 20)
SIRET = "21690123400019"


@pytest.fixture(autouse=True)
def _issuer(issuer):
    # Registration fees are exempt (category E): the VAT number is printed.
    issuer.vat_number = "FR96412345670"
    issuer.save()
    return issuer


def valid_siret(authority) -> str:
    from members.validators import with_luhn_key

    return with_luhn_key(f"{authority.siren}0001")


def answers(authority, rate, **extra):
    data = {
        "first_name": "Léa",
        "last_name": "Durand",
        "email": "lea.durand@mairie.example",
        "function": "Adjointe à l’éducation",
        "authority_name": authority.code,
        "rate": rate.pk,
    }
    return {**data, **extra}


def form_url(settings):
    return reverse("registrations:register", args=[settings.event.slug])


def paying_registration(settings, authority, last_name, **extra):
    rate = RateFactory(settings=settings, category=Rate.Category.NON_MEMBER)
    registration = RegistrationFactory(
        event=settings.event,
        authority=authority,
        rate=rate,
        last_name=last_name,
        **extra,
    )
    orders.attach(registration, {"siret": valid_siret(authority)})
    return registration


def close(settings):
    settings.is_open = False
    settings.save()


def pdf_text(invoice) -> str:
    reader = PdfReader(io.BytesIO(documents.read_pdf(invoice)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


# --- The form -----


def test_paying_rate_requires_a_siret_free_rate_does_not(client):
    settings = RegistrationSettingsFactory()
    authority = LocalAuthorityFactory()
    paying = RateFactory(settings=settings, category=Rate.Category.NON_MEMBER)
    free = RateFactory(settings=settings, category=Rate.Category.FREE, amount=0)

    response = client.post(form_url(settings), answers(authority, paying))
    assert response.status_code == 400
    assert (
        typeset("Ce tarif est payant : indiquez le SIRET") in response.content.decode()
    )
    assert not Registration.objects.exists()

    response = client.post(form_url(settings), answers(authority, paying, siret="123"))
    assert response.status_code == 400
    assert "Un SIRET compte 14 chiffres" in response.content.decode()

    response = client.post(
        form_url(settings),
        answers(authority, free, email="gratuit@mairie.example"),
    )
    assert response.status_code == 302
    assert Registration.objects.get().order is None


def test_billing_questions_only_when_a_rate_is_paying(client):
    free_only = RegistrationSettingsFactory()
    RateFactory(settings=free_only, category=Rate.Category.FREE, amount=0)
    page = client.get(form_url(free_only)).content.decode()
    assert "SIRET" not in page

    paying = RegistrationSettingsFactory()
    RateFactory(settings=paying)
    html = client.get(form_url(paying)).content.decode()
    names = [tag.get("name") for tag in start_tags(html, "input")]
    # After the rate, before the honeypot.
    assert names.index("siret") > names.index("rate")
    assert names[-1] == "website"
    assert {"service_code", "commitment_number"} <= set(names)


def test_registrations_of_one_authority_form_one_order(client):
    settings = RegistrationSettingsFactory()
    rate = RateFactory(settings=settings)
    lyon, annecy = LocalAuthorityFactory(), LocalAuthorityFactory()
    for number, authority in enumerate([lyon, lyon, annecy]):
        response = client.post(
            form_url(settings),
            answers(
                authority,
                rate,
                email=f"personne{number}@mairie.example",
                siret=" ".join(valid_siret(authority)[i : i + 3] for i in (0, 3, 6))
                + valid_siret(authority)[9:],
                service_code="EDUC" if number == 1 else "",
                commitment_number="",
            ),
        )
        assert response.status_code == 302, response.content.decode()
    order_lyon, order_annecy = (
        Order.objects.get(authority=lyon),
        Order.objects.get(authority=annecy),
    )
    assert order_lyon.registrations.count() == 2
    assert order_annecy.registrations.count() == 1
    # Typed with spaces, kept as 14 digits; a later registration completes it.
    assert order_lyon.siret == valid_siret(lyon)
    assert order_lyon.service_code == "EDUC"


# --- Invoices -----


def test_one_invoice_per_order_in_the_series_shared_with_dues():
    settings = RegistrationSettingsFactory()
    lyon, annecy = LocalAuthorityFactory(name="Lyon"), LocalAuthorityFactory()
    paying_registration(settings, lyon, "Martin")
    paying_registration(settings, lyon, "Bernard")
    paying_registration(settings, annecy, "Petit")
    free = RateFactory(settings=settings, category=Rate.Category.FREE, amount=0)
    RegistrationFactory(event=settings.event, authority=lyon, rate=free)
    # A dues invoice of the same year takes the first number.
    call = dues.issue_invoice(DuesCallFactory(year=2030), today=TODAY)
    close(settings)

    invoices, notes, errors = orders.issue_documents(settings, now=NOW)

    assert errors == [] and notes == []
    assert [invoice.number for invoice in invoices] == ["2030-0002", "2030-0003"]
    assert call.invoice_number == "2030-0001"
    lyon_invoice = Invoice.objects.get(recipient_name="Commune de Lyon")
    assert lyon_invoice.total == Decimal("180.00")
    labels = [line["label"] for line in lyon_invoice.data["lines"]]
    assert labels == [
        f"Inscription de Camille Bernard – {settings.event.title} (12 mars 2030)",
        f"Inscription de Camille Martin – {settings.event.title} (12 mars 2030)",
    ]
    assert lyon_invoice.data["recipient"]["siret"] == valid_siret(lyon)
    text = pdf_text(lyon_invoice)
    assert "Facture n° 2030-0002" in text
    assert "Exonération de TVA, article 261-7-1° b du CGI" in text
    # Issuing again issues nothing.
    assert orders.issue_documents(settings, now=NOW)[0] == []


def test_registration_fee_vat_mention_follows_the_settings(issuer):
    issuer.registration_vat = SiteSettings.RegistrationVat.FRANCHISE
    issuer.save()
    settings = RegistrationSettingsFactory()
    paying_registration(settings, LocalAuthorityFactory(), "Martin")
    close(settings)
    (invoice,), _, _ = orders.issue_documents(settings, now=NOW)
    assert invoice.data["issuer"]["vat"]["exemption_code"] == "VATEX-FR-FRANCHISE"
    assert "TVA non applicable, article 293 B du CGI" in pdf_text(invoice)
    # The dues keep their own mention.
    call = dues.issue_invoice(DuesCallFactory(year=2030), today=TODAY)
    dues_invoice = dues.invoice_of(call)
    assert dues_invoice.data["issuer"]["vat"]["text"] == issuer.get_vat_regime_display()


def test_invoices_wait_for_registrations_to_close():
    settings = RegistrationSettingsFactory()
    paying_registration(settings, LocalAuthorityFactory(), "Martin")
    with pytest.raises(dues.DuesError, match="encore ouvertes"):
        orders.issue_documents(settings, now=paris(2030, 1, 5, 10))
    assert not Invoice.objects.exists()


def test_a_registration_added_later_gets_a_new_invoice_never_a_changed_one():
    settings = RegistrationSettingsFactory()
    lyon = LocalAuthorityFactory()
    paying_registration(settings, lyon, "Martin")
    close(settings)
    (first,), _, _ = orders.issue_documents(settings, now=NOW)
    late = paying_registration(settings, lyon, "Leroy")
    (second,), _, _ = orders.issue_documents(settings, now=NOW)
    first.refresh_from_db()
    assert len(first.data["lines"]) == 1 and first.total == Decimal("90.00")
    assert [line["label"][:27] for line in second.data["lines"]] == [
        "Inscription de Camille Lero"
    ]
    assert (second.sequence, late.order_id) == (first.sequence + 1, first_order(first))


def first_order(invoice):
    return Registration.objects.filter(invoice=invoice).get().order_id


def test_waiting_registrations_are_not_invoiced():
    settings = RegistrationSettingsFactory()
    paying_registration(
        settings, LocalAuthorityFactory(), "Martin", status=Registration.Status.WAITING
    )
    close(settings)
    assert orders.issue_documents(settings, now=NOW) == ([], [], [])


def test_missing_siret_is_told_and_blocks_only_that_order():
    settings = RegistrationSettingsFactory()
    without = paying_registration(settings, LocalAuthorityFactory(name="Bron"), "A")
    logged_update(Order.objects.filter(pk=without.order_id), siret="")
    paying_registration(settings, LocalAuthorityFactory(), "B")
    close(settings)
    invoices, _, errors = orders.issue_documents(settings, now=NOW)
    assert len(invoices) == 1
    assert errors == [
        "Bron : indiquez le SIRET de la collectivité (Chorus Pro) dans sa "
        "commande avant d’émettre la facture."
    ]


# --- Cancellation -----


def test_cancelling_an_invoiced_registration_issues_a_credit_note_for_its_line():
    settings = RegistrationSettingsFactory()
    lyon = LocalAuthorityFactory()
    martin = paying_registration(settings, lyon, "Martin")
    paying_registration(settings, lyon, "Bernard")
    close(settings)
    (invoice,), _, _ = orders.issue_documents(settings, now=NOW)
    martin.refresh_from_db()

    booking.cancel(martin, NOW)

    martin.refresh_from_db()
    note = martin.credit_note
    assert note.kind == Invoice.Kind.CREDIT_NOTE
    assert note.number == "AV-2030-0001"
    assert note.credited_invoice == invoice
    assert note.total == Decimal("90.00")  # the line, not the invoice's 180
    assert "Inscription de Camille Martin" in note.data["lines"][0]["label"]
    assert note.reason.startswith("Inscription annulée")
    assert dues.creditable(invoice) == Decimal("90.00")
    # Cancelling again issues nothing more.
    booking.cancel(martin, NOW)
    assert Invoice.objects.credit_notes().count() == 1


def test_cancelling_before_invoicing_issues_no_credit_note():
    settings = RegistrationSettingsFactory()
    martin = paying_registration(settings, LocalAuthorityFactory(), "Martin")
    booking.cancel(martin, NOW)
    close(settings)
    assert orders.issue_documents(settings, now=NOW) == ([], [], [])


def test_a_credit_note_that_failed_is_issued_by_the_next_run(issuer):
    settings = RegistrationSettingsFactory()
    martin = paying_registration(settings, LocalAuthorityFactory(), "Martin")
    close(settings)
    orders.issue_documents(settings, now=NOW)
    martin.refresh_from_db()
    logged_update(SiteSettings.objects.filter(pk=1), iban="")
    booking.cancel(martin, NOW)  # logged, the cancellation holds
    martin.refresh_from_db()
    assert martin.is_cancelled and martin.credit_note is None
    logged_update(SiteSettings.objects.filter(pk=1), iban=issuer.iban)
    _, (note,), _ = orders.issue_documents(settings, now=NOW)
    martin.refresh_from_db()
    assert martin.credit_note == note


# --- The treasurer -----


def test_treasury_view_and_csv_include_registration_invoices(admin_client):
    settings = RegistrationSettingsFactory()
    martin = paying_registration(settings, LocalAuthorityFactory(name="Lyon"), "M")
    paying_registration(settings, LocalAuthorityFactory(name="Bron"), "B")
    dues.issue_invoice(DuesCallFactory(year=2030, member=MemberFactory()), today=TODAY)
    close(settings)
    orders.issue_documents(settings, now=NOW)
    martin.refresh_from_db()
    booking.cancel(martin, NOW)

    page = admin_client.get(reverse("admin:dues_duescall_treasury"), {"annee": 2030})
    text = page.content.decode()
    assert "Factures d’inscription aux événements 2030 (2)" in text
    assert "AV-2030-0001" in text  # in the credit notes

    response = admin_client.get(
        reverse("admin:dues_duescall_treasury_csv"), {"annee": 2030}
    )
    content = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {"2030-0001", "2030-0002", "2030-0003"}
    bron = by_number["2030-0002"]
    assert (bron[1], bron[7], bron[8], bron[10]) == (
        "Commune de Bron",
        "90,00",
        "0,00",
        "90,00",
    )
    lyon = by_number["2030-0003"]
    assert (lyon[8], lyon[10], lyon[13]) == ("90,00", "0,00", "annulée par avoir")


def test_invoice_action_and_admin_cancellation(admin_client):
    settings = RegistrationSettingsFactory()
    martin = paying_registration(settings, LocalAuthorityFactory(name="Lyon"), "M")
    close(settings)
    changelist = reverse("admin:registrations_registrationsettings_changelist")
    response = admin_client.post(
        changelist,
        {"action": "issue_invoices", "_selected_action": [settings.pk]},
        follow=True,
    )
    year = timezone.localdate().year  # issued today
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"{settings.event} : 1 facture(s) et 0 avoir(s) émis ({year}-0001)."
    ]
    order_page = admin_client.get(
        reverse("admin:registrations_order_change", args=[martin.order_id])
    )
    assert f"{year}-0001" in order_page.content.decode()

    # Cancelled by changing its status in the admin: a credit note too.
    page = reverse("admin:registrations_registration_change", args=[martin.pk])
    form = admin_client.get(page).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    data.update(
        status=Registration.Status.CANCELLED,
        days=[day.pk for day in martin.days.all()],
        attended_days=[],
        event=settings.event_id,
        authority=martin.authority_id,
        rate=martin.rate_id,
        order=martin.order_id,
    )
    data = {key: value for key, value in data.items() if value != []}
    response = admin_client.post(page, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    martin.refresh_from_db()
    assert martin.credit_note.number == f"AV-{year}-0001"


def test_demo_orders_one_per_city_and_a_past_event_with_attendance(demo):
    from django.core.management import call_command

    from registrations.models import RegistrationSettings

    paying = Registration.objects.filter(is_demo=True, rate__amount__gt=0)
    assert paying.exists() and not paying.filter(order=None).exists()
    cities = set(paying.values_list("authority", flat=True))
    assert Order.objects.filter(event__is_demo=True).count() == len(cities)
    past = RegistrationSettings.objects.get(is_open=False, event__is_demo=True)
    assert Registration.objects.filter(event=past.event, attended_days__isnull=False)
    call_command("load_demo", verbosity=0)  # again: no duplicate, no error
    assert Order.objects.filter(event__is_demo=True).count() == len(cities)


def test_invoice_and_credit_note_pass_the_xsd_and_the_en16931_schematron():
    from tests.dues.facturx_checks import embedded_xml, schematron_failures

    settings = RegistrationSettingsFactory()
    lyon = LocalAuthorityFactory()
    martin = paying_registration(settings, lyon, "Martin")
    paying_registration(settings, lyon, "Bernard")
    close(settings)
    (invoice,), _, _ = orders.issue_documents(settings, now=NOW)
    martin.refresh_from_db()
    booking.cancel(martin, NOW)
    martin.refresh_from_db()
    for document in (invoice, martin.credit_note):
        xml = embedded_xml(documents.read_pdf(document))
        assert schematron_failures(xml) == [], document


def test_no_registration_invoice_without_the_vat_number(issuer):
    issuer.vat_number = ""
    issuer.save()
    settings = RegistrationSettingsFactory()
    paying_registration(settings, LocalAuthorityFactory(), "Martin")
    close(settings)
    with pytest.raises(dues.DuesError, match="BR-E-02"):
        orders.issue_documents(settings, now=NOW)
    assert not Invoice.objects.exists()


def test_orders_list_queries_do_not_grow(admin_client, django_assert_max_num_queries):
    settings = RegistrationSettingsFactory()
    paying_registration(settings, LocalAuthorityFactory(), "A")
    changelist = reverse("admin:registrations_order_changelist")
    with django_assert_max_num_queries(10) as first:
        admin_client.get(changelist)
    for name in "BCDE":
        paying_registration(settings, LocalAuthorityFactory(), name)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = admin_client.get(changelist)
    assert page.content.decode().count(settings.event.title) >= 5


def test_an_invoiced_registration_cannot_be_deleted_only_cancelled(admin_client):
    settings = RegistrationSettingsFactory()
    invoiced = paying_registration(settings, LocalAuthorityFactory(name="Lyon"), "M")
    close(settings)
    orders.issue_documents(settings, now=NOW)
    invoiced.refresh_from_db()
    assert invoiced.invoice_id is not None
    delete_page = reverse("admin:registrations_registration_delete", args=[invoiced.pk])
    assert admin_client.get(delete_page).status_code == 403
    changelist = reverse("admin:registrations_registration_changelist")
    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [invoiced.pk], "post": "yes"},
    )
    assert Registration.objects.filter(pk=invoiced.pk).exists()
