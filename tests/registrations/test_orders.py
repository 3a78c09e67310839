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
from dues import credit_notes, documents, errors
from dues import invoices as dues_invoices
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
from tests.shared_data import load_demo

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


def town_hall(authority) -> str:
    return f"1 place de la Mairie\n{authority.code} {authority.name}"


def paying_registration(settings, authority, last_name, **extra):
    """A non-member's paying registration, its order's billing data confirmed
    by the secretariat."""
    rate = RateFactory(settings=settings, category=Rate.Category.NON_MEMBER)
    registration = RegistrationFactory(
        event=settings.event,
        authority=authority,
        rate=rate,
        last_name=last_name,
        **extra,
    )
    order = orders.attach(registration, {})
    if order.billing_confirmed_at is None:
        order.legal_name = authority.legal_name
        order.invoicing_address = town_hall(authority)
        order.siret = valid_siret(authority)
        order.save()
        orders.confirm_billing(order, by="secretariat", now=NOW)
    return registration


def close(settings):
    settings.is_open = False
    settings.save()


def pdf_text(invoice) -> str:
    reader = PdfReader(io.BytesIO(documents.read_pdf(invoice)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


# --- The form -----


def billing(authority, **extra):
    data = {
        "facturation": "1",
        "legal_name": authority.legal_name,
        "invoicing_address": town_hall(authority),
        "siret": valid_siret(authority),
        "service_code": "",
        "commitment_number": "",
    }
    return {**data, **extra}


def test_a_non_member_is_asked_the_billing_data_once_known(client):
    settings = RegistrationSettingsFactory()
    authority = LocalAuthorityFactory()
    paying = RateFactory(settings=settings, category=Rate.Category.NON_MEMBER)

    # First step: the collectivité is known, not a member: billing asked.
    response = client.post(form_url(settings), answers(authority, paying))
    assert response.status_code == 400
    page = response.content.decode()
    assert typeset(f"{authority} n’est pas une ville adhérente") in page
    inputs = {tag.get("name"): tag for tag in start_tags(page, "input")}
    assert {"siret", "legal_name", "facturation"} <= set(inputs)
    names = list(inputs)
    # Filled with the collectivité's legal name, to check.
    assert inputs["legal_name"]["value"] == authority.legal_name
    assert names[-1] == "website"  # the honeypot stays last
    assert not Registration.objects.exists()

    # Second step: every mandatory billing item, checked.
    missing = billing(authority, legal_name="", invoicing_address="", siret="123")
    response = client.post(form_url(settings), answers(authority, paying, **missing))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Un SIRET compte 14 chiffres" in page
    assert typeset("une facture sans adresse ne peut pas être émise") in page
    assert typeset("Indiquez le nom légal de l’acheteur") in page
    no_postcode = billing(authority, invoicing_address="Hôtel de ville")
    response = client.post(
        form_url(settings), answers(authority, paying, **no_postcode)
    )
    assert typeset("code postal et la ville sur la dernière ligne") in (
        response.content.decode()
    )
    assert not Registration.objects.exists()

    response = client.post(
        form_url(settings), answers(authority, paying, **billing(authority))
    )
    assert response.status_code == 302
    assert Registration.objects.get().order.authority == authority


def test_billing_questions_never_without_a_paying_rate(client):
    free_only = RegistrationSettingsFactory()
    RateFactory(settings=free_only, category=Rate.Category.NON_MEMBER, amount=0)
    page = client.get(form_url(free_only)).content.decode()
    assert "SIRET" not in page
    response = client.post(
        form_url(free_only),
        answers(LocalAuthorityFactory(), free_only.rates.get(), facturation="1"),
    )
    assert response.status_code == 302
    assert Registration.objects.get().order is None


def test_a_member_city_is_not_asked_its_billing_data(client):
    settings = RegistrationSettingsFactory()
    member = MemberFactory(chorus_service_code="FINANCES")
    rate = RateFactory(settings=settings, category=Rate.Category.MEMBER)
    html = client.get(form_url(settings)).content.decode()
    assert "SIRET" not in html
    # Typed anyway (a crafted request): ignored, the record is the truth.
    response = client.post(
        form_url(settings),
        answers(
            member.authority,
            rate,
            **billing(member.authority, service_code="WRONG-SERVICE"),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    order = Registration.objects.get().order
    assert not order.billing_proposals.exists()
    assert orders.billing_data(order)["service_code"] == "FINANCES"


def test_the_siret_of_a_non_member_must_be_its_collectivites(client):
    settings = RegistrationSettingsFactory()
    rate = RateFactory(settings=settings, category=Rate.Category.NON_MEMBER)
    paris_, lyon = LocalAuthorityFactory(name="Paris"), LocalAuthorityFactory()
    response = client.post(
        form_url(settings),
        answers(paris_, rate, **billing(paris_, siret=valid_siret(lyon))),
    )
    assert response.status_code == 400
    assert (
        typeset(
            f"Ce SIRET n’est pas celui de Paris : il commence par son SIREN, "
            f"{paris_.siren}."
        )
        in response.content.decode()
    )
    # Without a collectivité, a collectivité's SIRET is refused too ("ACME").
    partner = RateFactory(settings=settings, category=Rate.Category.PARTNER)
    data = answers(paris_, partner, **billing(lyon, legal_name="ACME"))
    data.update(authority_name="", organisation="ACME")
    settings.ask_authority = "facultatif"
    settings.save()
    response = client.post(form_url(settings), data)
    assert response.status_code == 400
    assert typeset(f"Ce SIRET est celui de {lyon.name}") in response.content.decode()


def test_typed_billing_data_are_proposals_never_the_orders(client):
    settings = RegistrationSettingsFactory()
    rate = RateFactory(settings=settings)
    lyon = LocalAuthorityFactory()
    for number, service in enumerate(["EDUC", "WRONG-SERVICE"]):
        response = client.post(
            form_url(settings),
            answers(
                lyon,
                rate,
                email=f"personne{number}@mairie.example",
                **billing(
                    lyon,
                    # Typed as printed, kept as 14 digits.
                    siret=" ".join(valid_siret(lyon)[i : i + 3] for i in (0, 3, 6))
                    + valid_siret(lyon)[9:],
                    service_code=service,
                ),
            ),
        )
        assert response.status_code == 302, response.content.decode()
    order = Order.objects.get(authority=lyon)
    assert order.registrations.count() == 2
    # Both kept, with who typed them; the order itself untouched.
    assert [p.service_code for p in order.billing_proposals.all()] == [
        "EDUC",
        "WRONG-SERVICE",
    ]
    assert order.billing_proposals.first().siret == valid_siret(lyon)
    assert (order.siret, order.service_code) == ("", "")
    # Not invoiced until the secretariat confirms.
    close(settings)
    invoices, _, errors = orders.issue_documents(settings, now=NOW)
    assert invoices == []
    assert "pas encore confirmées" in errors[0]


# --- Invoices -----


def test_one_invoice_per_order_in_the_registrations_own_series():
    settings = RegistrationSettingsFactory()
    lyon, annecy = LocalAuthorityFactory(name="Lyon"), LocalAuthorityFactory()
    paying_registration(settings, lyon, "Martin")
    paying_registration(settings, lyon, "Bernard")
    paying_registration(settings, annecy, "Petit")
    free = RateFactory(settings=settings, category=Rate.Category.INVITED, amount=0)
    RegistrationFactory(event=settings.event, authority=lyon, rate=free)
    # A dues invoice of the same year is in another series.
    call = dues_invoices.issue_invoice(DuesCallFactory(year=2030), today=TODAY)
    close(settings)

    invoices, notes, errors = orders.issue_documents(settings, now=NOW)

    assert errors == [] and notes == []
    assert [invoice.number for invoice in invoices] == [
        "INS-2030-0001",
        "INS-2030-0002",
    ]
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
    assert "Facture n° INS-2030-0001" in text
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
    call = dues_invoices.issue_invoice(DuesCallFactory(year=2030), today=TODAY)
    dues_invoice = dues_invoices.invoice_of(call)
    assert dues_invoice.data["issuer"]["vat"]["text"] == issuer.get_vat_regime_display()


def test_invoices_wait_for_registrations_to_close():
    settings = RegistrationSettingsFactory()
    paying_registration(settings, LocalAuthorityFactory(), "Martin")
    with pytest.raises(errors.DuesError, match="encore ouvertes"):
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
        "Bron : indiquez le SIRET de la collectivité (Chorus Pro) dans la "
        "commande (Commandes des inscriptions payantes)."
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
    assert credit_notes.creditable(invoice) == Decimal("90.00")
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
    dues_invoices.issue_invoice(
        DuesCallFactory(year=2030, member=MemberFactory()), today=TODAY
    )
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
    assert set(by_number) == {"2030-0001", "INS-2030-0001", "INS-2030-0002"}
    bron = by_number["INS-2030-0001"]
    assert (bron[1], bron[7], bron[8], bron[10]) == (
        "Commune de Bron",
        "90,00",
        "0,00",
        "90,00",
    )
    lyon = by_number["INS-2030-0002"]
    assert (lyon[8], lyon[10], lyon[13]) == ("90,00", "0,00", "annulée par avoir")


@pytest.mark.dates
def test_invoice_action_and_admin_cancellation(admin_client, today):
    settings = RegistrationSettingsFactory()
    martin = paying_registration(settings, LocalAuthorityFactory(name="Lyon"), "M")
    close(settings)
    changelist = reverse("admin:registrations_registrationsettings_changelist")
    response = admin_client.post(
        changelist,
        {"action": "issue_invoices", "_selected_action": [settings.pk]},
        follow=True,
    )
    year = today.year  # issued today
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"{settings.event} : 1 facture(s) et 0 avoir(s) émis (INS-{year}-0001)."
    ]
    order_page = admin_client.get(
        reverse("admin:registrations_order_change", args=[martin.order_id])
    )
    assert f"INS-{year}-0001" in order_page.content.decode()

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

    from registrations.models import RegistrationSettings

    paying = Registration.objects.filter(is_demo=True, rate__amount__gt=0)
    assert paying.exists() and not paying.filter(order=None).exists()
    cities = set(paying.values_list("event", "authority", "organisation"))
    assert Order.objects.filter(event__is_demo=True).count() == len(cities)
    past = RegistrationSettings.objects.filter(is_open=False, event__is_demo=True)
    assert Registration.objects.filter(
        event__in=past.values("event"), attended_days__isnull=False
    )
    load_demo()  # again: no duplicate, no error
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


def test_a_registration_invoice_without_vat_number_is_issued_and_valid(issuer):
    """Exempt (category E) without an intra-EU VAT number: BR-E-02 is
    satisfied by the seller's tax registration identifier (BT-32)."""
    from tests.dues.facturx_checks import embedded_xml, schematron_failures, xpath

    issuer.vat_number = ""
    issuer.save()
    settings = RegistrationSettingsFactory()
    paying_registration(settings, LocalAuthorityFactory(), "Martin")
    close(settings)
    (invoice,), _, errors = orders.issue_documents(settings, now=NOW)
    assert errors == []
    xml = embedded_xml(documents.read_pdf(invoice))
    assert schematron_failures(xml) == []
    tax_id = "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID"
    assert xpath(xml, f"{tax_id}[@schemeID='FC']/text()") == ["412345670"]
    assert xpath(xml, f"{tax_id}[@schemeID='VA']") == []


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


# --- The secretariat confirms -----


def inline_management(order) -> dict:
    proposals = list(order.billing_proposals.values_list("pk", flat=True))
    registrations = list(order.registrations.values_list("pk", flat=True))
    data = {}
    for prefix, pks in (
        ("billing_proposals", proposals),
        ("registrations", registrations),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = len(pks)
        for index, pk in enumerate(pks):
            data[f"{prefix}-{index}-id"] = pk
    return data


def test_the_secretariat_sees_provenance_and_confirms_in_the_order(admin_client):
    settings = RegistrationSettingsFactory()
    rate = RateFactory(settings=settings)
    lyon = LocalAuthorityFactory(name="Lyon")
    registration = RegistrationFactory(
        event=settings.event, authority=lyon, rate=rate, first_name="Anne"
    )
    order = orders.attach(
        registration,
        {
            "legal_name": "Commune de Lyon",
            "invoicing_address": town_hall(lyon),
            "siret": valid_siret(lyon),
            "service_code": "WRONG-SERVICE",
        },
    )
    member = MemberFactory(
        chorus_service_code="FINANCES", invoicing_address="1 place de la Mairie"
    )
    member_order = orders.attach(
        RegistrationFactory(
            event=settings.event,
            authority=member.authority,
            rate=RateFactory(settings=settings, category=Rate.Category.MEMBER),
        ),
        {},
    )
    documents_url = reverse(
        "admin:registrations_registrationsettings_documents", args=[settings.pk]
    )
    page = admin_client.get(documents_url).content.decode()
    assert "À confirmer par le secrétariat" in page
    assert "Fiche de la ville adhérente" in page
    # Where the invoicing action is, and a button for it.
    assert 'name="action" value="issue_invoices"' in page
    assert reverse("admin:registrations_registrationsettings_changelist") in page

    change = reverse("admin:registrations_order_change", args=[order.pk])
    page = admin_client.get(change).content.decode()
    assert "Saisies le" in page and f"par Anne {registration.last_name}" in page
    assert "WRONG-SERVICE" in page  # the form starts from the proposal
    response = admin_client.post(
        change,
        {
            "organisation": "",
            "legal_name": "Commune de Lyon",
            "invoicing_address": town_hall(lyon),
            "siret": valid_siret(LocalAuthorityFactory()),  # another's SIREN
            "service_code": "EDUC",
            "commitment_number": "",
            **inline_management(order),
        },
    )
    assert response.status_code == 200
    assert typeset("Ce SIRET n’est pas celui de Lyon") in response.content.decode()
    response = admin_client.post(
        change,
        {
            "organisation": "",
            "legal_name": "Commune de Lyon",
            "invoicing_address": town_hall(lyon),
            "siret": valid_siret(lyon),
            "service_code": "EDUC",
            "commitment_number": "",
            **inline_management(order),
        },
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
        response.context["errors"],
    )
    order.refresh_from_db()
    assert order.billing_confirmed_at and order.billing_confirmed_by == "admin"
    assert order.service_code == "EDUC"
    # The member's order is billed from its record, with no confirmation.
    assert orders.billing_problems(member_order) == []
    page = admin_client.get(
        reverse("admin:registrations_order_change", args=[member_order.pk])
    ).content.decode()
    assert "Fiche de la ville adhérente" in page and "FINANCES" in page
    assert 'name="siret"' not in page  # only the commitment number is the order's
    listing = admin_client.get(
        reverse("admin:registrations_order_changelist")
    ).content.decode()
    assert "Confirmées le" in listing


def test_member_invoice_carries_the_record_and_the_commitment_rule(admin_client):
    settings = RegistrationSettingsFactory()
    member = MemberFactory(
        authority__name="Villeurbanne",
        authority__code="69266",
        authority__postcodes="69100",
        chorus_service_code="FINANCES",
        commitment_number_required=True,
        invoicing_address="Hôtel de ville\nPlace Lazare-Goujon\nVilleurbanne",
    )
    rate = RateFactory(settings=settings, category=Rate.Category.MEMBER)
    registration = RegistrationFactory(
        event=settings.event,
        authority=member.authority,
        member=member,
        rate=rate,
        first_name="Anne",
        last_name="Vidal",
    )
    order = orders.attach(registration, {})
    close(settings)
    invoices, _, errors = orders.issue_documents(settings, now=NOW)
    assert invoices == []
    assert errors == [
        "Villeurbanne exige un numéro d’engagement : indiquez-le dans la commande "
        "(Commandes des inscriptions payantes) avant d’émettre la facture."
    ]
    order.commitment_number = "EJ-2030-00042"
    order.save()
    (invoice,), _, errors = orders.issue_documents(settings, now=NOW)
    recipient = invoice.data["recipient"]
    assert recipient["legal_name"] == "Commune de Villeurbanne"
    assert recipient["siret"] == member.siret
    assert recipient["service_code"] == "FINANCES"
    assert recipient["commitment_number"] == "EJ-2030-00042"
    # No city name twice: the record's last line "Villeurbanne" is the city.
    assert recipient["address"] == {
        "lines": ["Hôtel de ville", "Place Lazare-Goujon"],
        "postcode": "69100",
        "city": "Villeurbanne",
        "country": "FR",
    }
    assert invoice.data["lines"][0]["label"].startswith("Inscription d’Anne Vidal")


def test_a_buyer_without_a_postal_address_cannot_be_invoiced():
    settings = RegistrationSettingsFactory()
    member = MemberFactory(invoicing_address="")
    registration = RegistrationFactory(
        event=settings.event,
        authority=member.authority,
        rate=RateFactory(settings=settings, category=Rate.Category.MEMBER),
    )
    orders.attach(registration, {})
    close(settings)
    invoices, _, (error,) = orders.issue_documents(settings, now=NOW)
    assert invoices == []
    assert "pas d’adresse postale complète dans sa fiche de ville adhérente" in error


@pytest.mark.parametrize(
    ("code", "kind", "name", "legal"),
    [
        ("75056", "commune", "Paris", "Ville de Paris"),
        ("69123", "commune", "Lyon", "Commune de Lyon"),
        ("13055", "commune", "Marseille", "Commune de Marseille"),
        ("74010", "commune", "Annecy", "Commune d’Annecy"),
        ("76351", "commune", "Le Havre", "Commune du Havre"),
        ("200046977", "epci", "Métropole de Lyon", "Métropole de Lyon"),
        (
            "200066793",
            "epci",
            "CA du Grand Annecy",
            "Communauté d’agglomération du Grand Annecy",
        ),
        (
            "200040715",
            "epci",
            "CC du Pays de Gex",
            "Communauté de communes du Pays de Gex",
        ),
    ],
)
def test_legal_names_are_the_authorities_real_ones(code, kind, name, legal):
    authority = LocalAuthorityFactory(code=code, kind=kind, name=name)
    assert authority.legal_name == legal


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anne Vidal", "d’Anne Vidal"),
        ("Paul Martin", "de Paul Martin"),
        ("Hélène Roux", "d’Hélène Roux"),
        ("Yacine Blanc", "de Yacine Blanc"),
        ("Yves Colin", "d’Yves Colin"),
        ("Émilie Faure", "d’Émilie Faure"),
    ],
)
def test_de_elides_before_a_vowel(name, expected):
    from rfve_site.typography import de

    assert de(name) == expected


def test_demo_issues_invoices_of_a_past_paying_event(demo, issuer):
    """Member cities billed from their record, a non-member city and a
    partner from the data the secretariat confirmed, readable without
    clicking; loading again issues nothing more."""

    invoiced = Registration.objects.filter(is_demo=True, invoice__isnull=False)
    event = invoiced.first().event
    assert event.ends_at < timezone.now()
    invoices = Invoice.objects.filter(
        pk__in=invoiced.values("invoice"), kind=Invoice.Kind.INVOICE
    )
    by_name = {invoice.recipient_name: invoice for invoice in invoices}
    assert "Commune de Bron" in by_name
    assert "Fédération des œuvres laïques du Rhône" in by_name
    members = [order for order in Order.objects.filter(event=event) if order.member]
    assert len(members) >= 3
    for order in members:
        invoice = order.registrations.first().invoice
        recipient = invoice.data["recipient"]
        assert recipient["siret"] == order.member.siret
        assert recipient["service_code"] == order.member.chorus_service_code
        if order.member.commitment_number_required:
            assert recipient["commitment_number"]
    assert (
        by_name["Commune de Bron"]
        .data["lines"][0]["label"]
        .startswith("Inscription d’Anne Vidal")
    )
    count = Invoice.objects.count()
    load_demo()
    assert Invoice.objects.count() == count
