"""Text pasted from a word processor (issue 9, §3 and §6): control characters
never reach what we store from a form or a save, and what was stored before
never breaks a feed, a calendar, a page or an email."""

import datetime as dt
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.forms import modelform_factory
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from association.models import SiteSettings
from audit.updates import logged_update
from calendar_app.models import Event, EventType
from dues import documents, invoices, reminders, sending
from dues.models import DuesCall, ReminderStep
from members.models import LocalAuthority, Member
from pages import contact
from pages.models import ContactMessage
from rfve_site.text import MultiLineField, OneLineField, multi_line, one_line
from rfve_site.typography import french
from tests.factories import DuesCallFactory, EventFactory

# What people paste: a soft line break (vertical tab), a line break forging a
# mail header, an escape sequence, Unicode separators, bidi overrides, a BOM,
# non-characters. No NUL: PostgreSQL refuses it in text, so it cannot be stored.
STORED = "Réunion\x0bplénière\r\nBcc: x@exemple.fr \x1b[31m\u2028\u202e\ufeff\ufffe\x85"
CLEAN_TITLE = "Réunion plénière Bcc: x@exemple.fr [31m"
# Characters allowed in XML 1.0 text, and iCalendar's CONTROL characters.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ICAL_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


def _unwanted(text: str) -> list[str]:
    """Characters a one-line value must not keep (restated, not imported)."""
    return [
        char
        for char in text
        if unicodedata.category(char) in {"Cc", "Zl", "Zp", "Cs"}
        or (
            unicodedata.category(char) == "Cf"
            and char not in "\u00ad\u200c\u200d\u2060"
        )
        or (0xFDD0 <= ord(char) <= 0xFDEF or ord(char) & 0xFFFE == 0xFFFE)
    ]


# --- The cleaning functions -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Réunion\x0bplénière", "Réunion plénière"),  # soft line break
        (" Jean \r\n Bcc: x@exemple.fr ", "Jean Bcc: x@exemple.fr"),
        ("Salle\t\t\x0c 3", "Salle 3"),
        ("\u202eRencontres\u200b nationales\ufeff", "Rencontres nationales"),
        ("Lyon\u2028Villeurbanne", "Lyon Villeurbanne"),
        ("Rendez-vous\ufffe\U0010ffff", "Rendez-vous"),
        # French typography and emoji stay as typed.
        ("Bilan\u202f: 1\u00a0000\u00a0€  «\u00a0PEDT\u00a0»", None),
        ("Fête 👩\u200d👧 co\u00adopé\u2060ration", None),
    ],
)
def test_one_line_values(typed, stored):
    assert one_line(typed) == (typed if stored is None else stored)


def test_multi_line_values_keep_their_lines():
    pasted = "Ordre du jour :\r\n\t1. Bilan\x0b2. Projets\u2029Fin\x07\ufeff\rMerci"
    assert multi_line(pasted) == "Ordre du jour :\n\t1. Bilan\n2. Projets\nFin\nMerci"


# --- The model boundary -----------------------------------------------------


@pytest.mark.django_db
def test_saving_cleans_one_line_and_multi_line_fields():
    event = EventFactory(title="Réunion\x0bplénière", description="Lignes\r\nsuite\x0b")
    event.refresh_from_db()
    assert event.title == "Réunion plénière"
    assert event.description == "Lignes\nsuite\n"


@pytest.mark.django_db
def test_a_title_of_control_characters_only_is_refused_in_french():
    form = modelform_factory(EventType, fields=["name"])({"name": "\u200b\x07\ufeff"})
    assert form.errors["name"] == ["Ce champ est obligatoire."]


@pytest.mark.django_db
def test_contact_name_cannot_forge_lines_in_the_email(client):
    """§6: "Bcc: …" in a name stays in the "De :" line."""
    SiteSettings(contact_email="secretariat@villeseducatrices.fr").save()
    form = {
        "name": "Camille\r\nBcc: victime@exemple.fr",
        "email": "camille@exemple.fr",
        "organisation": "Mairie\nObjet : faux",
        "subject": "Adhésion",
        "message": "Bonjour\x0bà vous",
    }
    assert client.post("/contact/", form).status_code == 302
    message = ContactMessage.objects.get()
    assert message.name == "Camille Bcc: victime@exemple.fr"
    assert message.message == "Bonjour\nà vous"
    [email] = mail.outbox
    lines = email.body.splitlines()
    assert french("De : Camille Bcc: victime@exemple.fr <camille@exemple.fr>") in lines
    forged = ("Bcc", "Objet : faux", french("Objet : faux"))
    assert not [line for line in lines if line.startswith(forged)]


# --- Every one-line field, found by introspection ---------------------------

# Text fields left as they are, and why. A new CharField or TextField that a
# person types must be a OneLineField or a MultiLineField, or be listed here.
NOT_TYPED_TEXT = {
    # Official codes, loaded from the reference file or checked by format.
    "members.LocalAuthority.code",
    "members.LocalAuthority.department_code",
    "members.LocalAuthority.region_code",
    "members.LocalAuthority.siren",
    "members.LocalAuthority.search_name",
    "members.Member.siret",
    "association.SiteSettings.rna",
    "association.SiteSettings.siret",
    "association.SiteSettings.iban",
    "association.SiteSettings.bic",
    "association.SiteSettings.vat_number",
    "registrations.Order.siret",
    "registrations.BillingProposal.siret",  # the form checks it is a SIRET
    # Written by the invoicing engine, never typed.
    "dues.Invoice.number",
    "dues.Invoice.file",
    "dues.Invoice.sha256",
    "assembly.Minutes.file",
    "assembly.Minutes.sha256",
    "dues.InvoiceSequence.kind",
    "pages.Page.path",
    "pages.PageRedirect.old_path",
    "pages.ContactMessage.sender_key",
    "registrations.Registration.sender_key",
    # A member's proposal: the field's name and the record's value before,
    # written by the site (the value typed is a MultiLineField).
    "espace.ChangeProposal.field",
    "espace.ChangeProposal.old_value",
    # A table's name, written by the migrations.
    "table_versions.TableVersion.name",
    # A random key, made by the site.
    "registrations.Registration.link_key",
    # The audit trail: what django-auditlog writes of a change, never typed.
    "audit.AuditEntry.object_pk",
    "audit.AuditEntry.object_repr",
    "audit.AuditEntry.changes_text",
    "audit.AuditEntry.cid",
    "audit.AuditEntry.actor_email",
}
# The project's apps sit beside manage.py: a new app is covered too.
PROJECT_APPS = [
    config
    for config in apps.get_app_configs()
    if Path(config.path).parent == Path(django_settings.BASE_DIR)
]


def _text_fields():
    for app in PROJECT_APPS:
        for model in app.get_models():
            for field in model._meta.get_fields():
                is_text = isinstance(field, models.CharField | models.TextField)
                special = isinstance(
                    field, models.SlugField | models.EmailField | models.URLField
                )
                if is_text and not special and not field.choices:
                    yield f"{app.label}.{model.__name__}.{field.name}", field


def test_every_typed_text_field_is_cleaned():
    unclean = [
        label
        for label, field in _text_fields()
        if not isinstance(field, OneLineField | MultiLineField)
        and label not in NOT_TYPED_TEXT
    ]
    assert unclean == []


ONE_LINE_FIELDS = dict(
    (label, field) for label, field in _text_fields() if isinstance(field, OneLineField)
)
NONCHARACTERS = [chr(code) for code in range(0xFDD0, 0xFDF0)] + [
    chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF)
]
hostile_chars = st.one_of(
    st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Cs", "Co", "Cn"]),
    st.sampled_from(NONCHARACTERS),
    st.characters(),
)
hostile_text = st.one_of(
    st.text(hostile_chars, max_size=60),
    # Very long words, with hostile characters between them.
    st.lists(
        st.one_of(
            st.text("abcdéèàç", min_size=50, max_size=400), st.text(hostile_chars)
        ),
        max_size=6,
    ).map("".join),
)


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(ONE_LINE_FIELDS))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=hostile_text)
def test_one_line_fields_never_keep_control_characters(label, value):
    field = ONE_LINE_FIELDS[label]
    model = field.model
    # Through a form, as the admin and the contact form do (validation included).
    if field.editable:
        form = modelform_factory(model, fields=[field.name])({field.name: value})
        if form.is_valid():
            _assert_one_line(getattr(form.instance, field.attname))
    # Through a save in code: pre_save cleans what it writes.
    instance = model(**{field.attname: value})
    _assert_one_line(field.pre_save(instance, add=True))
    try:
        _assert_one_line(field.clean(value, instance))
    except ValidationError:
        pass  # refused (too long, empty): as good as clean


def _assert_one_line(value: str):
    assert _unwanted(value) == []
    assert value == value.strip()
    # What the RSS feed does with a title, the case that answered 500.
    assert (ET.fromstring(f"<t>{escape(value)}</t>").text or "") == value


# --- Renderers, with values stored before the fields cleaned them -----------


def _store_raw(queryset, **values):
    """UPDATE without the fields' cleaning (which update() applies too), as
    rows written before the fields cleaned them."""
    raw = {
        name: Value(value, output_field=models.TextField())
        for name, value in values.items()
    }
    assert logged_update(queryset, **raw) == 1


@pytest.fixture
def stored_event(db):
    event = EventFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    _store_raw(
        Event.objects.filter(pk=event.pk),
        title=STORED,
        place=STORED,
        address=STORED,
        summary=STORED,
        description=STORED,
    )
    _store_raw(EventType.objects.filter(pk=event.event_type_id), name=STORED)
    assert Event.objects.values_list("title", flat=True).get() == STORED
    event.refresh_from_db()
    return event


@pytest.mark.parametrize(
    "url", ["/agenda/a-venir/flux.xml", "/agenda/a-venir/atom.xml"]
)
def test_feeds_survive_control_characters(client, stored_event, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # well-formed XML 1.0
    titles = [element.text for element in root.iter() if element.tag.endswith("title")]
    assert CLEAN_TITLE in titles


@pytest.mark.parametrize("kind", ["event", "feed"])
def test_icalendar_survives_line_breaks_and_control_characters(
    client, stored_event, kind
):
    url = stored_event.get_absolute_url().rstrip("/") + ".ics"
    response = client.get(url if kind == "event" else "/agenda/agenda.ics")
    assert response.status_code == 200
    content = response.getvalue()  # the feed is streamed
    # Every line ends with CRLF and no text carries a CONTROL character.
    assert ICAL_CONTROL.search(content.replace(b"\r\n", b"")) is None
    [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["summary"]) == CLEAN_TITLE
    assert "\n" not in str(vevent["location"])
    assert str(vevent["description"]).startswith("Réunion\nplénière\nBcc:")


def test_event_page_and_its_json_ld_survive(client, stored_event):
    response = client.get(stored_event.get_absolute_url())
    assert response.status_code == 200
    script = re.search(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.DOTALL,
    )
    data = json.loads(script.group(1))
    assert data["name"] == CLEAN_TITLE
    assert XML_FORBIDDEN.search(json.dumps(data, ensure_ascii=False)) is None


@pytest.mark.django_db
def test_contact_email_of_a_stored_message_keeps_one_line_fields_on_one_line():
    SiteSettings(contact_email="secretariat@villeseducatrices.fr").save()
    message = ContactMessage.objects.create(
        name="x", email="camille@exemple.fr", subject="x", message="x"
    )
    _store_raw(
        ContactMessage.objects.filter(pk=message.pk),
        name="Camille\nBcc: victime@exemple.fr",
        subject="Bonjour\r\nBcc: v@exemple.fr",
    )
    message.refresh_from_db()

    assert contact.forward(message)

    [email] = mail.outbox
    assert email.subject == "[Site RFVE] Bonjour Bcc: v@exemple.fr"
    assert not [line for line in email.body.splitlines() if line.startswith("Bcc")]


@pytest.fixture
def stored_call(issuer):
    """A call issued from data stored before text hygiene (the invoice is
    frozen at issue: what it prints is what was stored then)."""
    call = DuesCallFactory()
    _store_raw(
        LocalAuthority.objects.filter(pk=call.member.authority_id),
        name="Villeurbanne\x0bCedex\nBcc: x@exemple.fr",
    )
    _store_raw(Member.objects.filter(pk=call.member_id), invoicing_address=STORED)
    _store_raw(DuesCall.objects.filter(pk=call.pk), commitment_number=STORED)
    return invoices.issue_invoice(call, today=dt.date(2027, 3, 1))


def test_invoice_pdf_and_email_survive(stored_call):
    invoice = invoices.invoice_of(stored_call)
    assert documents.read_pdf(invoice).startswith(b"%PDF")
    assert XML_FORBIDDEN.search(documents.cii_xml(invoice.data).decode()) is None
    sending.send_invoice(stored_call)
    [email] = mail.outbox
    assert "de Villeurbanne Cedex Bcc: x@exemple.fr au" in " ".join(
        email.body.splitlines()
    )
    assert not [line for line in email.body.splitlines() if line.startswith("Bcc")]


def test_reminders_survive_a_subject_with_a_line_break(stored_call):
    step = ReminderStep.objects.create(days_after_due=1, subject="x", body="x")
    _store_raw(
        ReminderStep.objects.filter(pk=step.pk),
        subject="Relance\r\n{numero} pour {ville}",
        body="Bonjour\x0b{ville}\x07",
    )
    ReminderStep.objects.exclude(pk=step.pk).delete()

    sent = reminders.send_reminders(DuesCall.objects.all(), today=dt.date(2027, 4, 1))

    assert len(sent) == 1
    [email] = mail.outbox
    number = stored_call.invoice_number
    assert (
        email.subject == f"Relance {number} pour Villeurbanne Cedex Bcc: x@exemple.fr"
    )
    # As sent through the outbox: MIME text ends with a line break.
    assert email.body == "Bonjour\nVilleurbanne Cedex Bcc: x@exemple.fr\n"
