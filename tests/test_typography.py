"""The typographic step (rfve_site/typography.py): what it changes, and what
it must never touch."""

import re

import pytest

from rfve_site.typography import french, french_html

# The same on any database: run once, on SQLite (.ci/run).
pytestmark = pytest.mark.engine_independent

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("typed", "typeset"),
    [
        ("Agenda : mars", f"Agenda{NNBSP}: mars"),
        (
            "Vraiment ? Oui ! Bon ; fini",
            f"Vraiment{NNBSP}? Oui{NNBSP}! Bon{NNBSP}; fini",
        ),
        ("« zzqxw »", f"«{NNBSP}zzqxw{NNBSP}»"),
        ("mardi, 14 h 30 – 16 h", f"mardi, 14{NBSP}h{NBSP}30 – 16{NBSP}h"),
        ("3000,00 € et 12 %", f"3000,00{NBSP}€ et 12{NBSP}%"),
        ("163684 habitants", f"163{NNBSP}684{NBSP}habitants"),
        ("12000 €", f"12{NNBSP}000{NBSP}€"),
        ("l'élue ou l'élu référent", "l’élue ou l’élu référent"),
        ("Côte-d'Or", "Côte-d’Or"),
    ],
)
def test_french_typesets_text(typed, typeset):
    assert french(typed) == typeset


def test_plain_text_keeps_its_line_breaks_html_joins_them():
    assert french("Bonjour\n: suite") == "Bonjour\n: suite"
    # In HTML a line break from a template is a space.
    assert french_html("<p>Lieu\n    : Lyon</p>") == f"<p>Lieu{NNBSP}: Lyon</p>"


@pytest.mark.parametrize(
    "machine",
    [
        "https://exemple.fr/agenda/?type=a&groupe=b ; mailto",
        "14:30, 2026-11-29T14:30:00+01:00",
        "75342 Paris CEDEX 07, SIRET 12345678900012, facture 2027-0001",
        "Ville-d'Avray",  # an apostrophe between letters is the only change
    ],
)
def test_french_leaves_machine_text_alone(machine):
    expected = machine.replace(" ;", f"{NNBSP};").replace("d'A", "d’A")
    assert french(machine) == expected


def test_urls_and_email_addresses_in_text_are_not_touched():
    text = "Écrire à o'neil@exemple.fr ou voir https://exemple.fr/a?b=c:d !"
    assert french(text) == (
        f"Écrire à o'neil@exemple.fr ou voir https://exemple.fr/a?b=c:d{NNBSP}!"
    )


def test_html_text_nodes_only():
    html = (
        '<p title="Agenda : 14 h 30">Agenda : <time datetime="2026-11-29T14:30">'
        "14 h 30</time> l&#x27;élu</p>"
        '<a href="/recherche/?q=a ; b">« lien »</a>'
        '<script type="application/ld+json">{"name": "Agenda : l\'élu"}</script>'
        "<style>a:hover { color: red }</style>"
        "<pre>x : y</pre><code>a ? b</code><textarea>l'élu ?</textarea>"
        "<!-- note : x -->"
    )
    assert french_html(html) == (
        f'<p title="Agenda : 14 h 30">Agenda{NNBSP}: <time datetime="2026-11-29T14:30">'
        f"14{NBSP}h{NBSP}30</time> l’élu</p>"
        f'<a href="/recherche/?q=a ; b">«{NNBSP}lien{NNBSP}»</a>'
        '<script type="application/ld+json">{"name": "Agenda : l\'élu"}</script>'
        "<style>a:hover { color: red }</style>"
        "<pre>x : y</pre><code>a ? b</code><textarea>l'élu ?</textarea>"
        "<!-- note : x -->"
    )


def test_a_sign_after_a_tag_gets_its_space_too():
    assert french_html("<strong>Lieu</strong> : Lyon") == (
        f"<strong>Lieu</strong>{NNBSP}: Lyon"
    )


@pytest.mark.django_db
def test_contact_email_is_typeset(client):
    from django.core import mail

    from association.models import SiteSettings

    SiteSettings(contact_email="secretariat@villeseducatrices.fr").save()
    form = {
        "name": "Camille Martin",
        "email": "camille@exemple.fr",
        "organisation": "Mairie de Lyon",
        "subject": "Adhésion : quel barème ?",
        "message": "Bonjour, voir https://exemple.fr/a?b=c : merci !",
    }
    assert client.post("/contact/", form).status_code == 302
    [email] = mail.outbox
    assert email.subject == f"[Site RFVE] Adhésion{NNBSP}: quel barème{NNBSP}?"
    lines = email.body.splitlines()
    assert f"De{NNBSP}: Camille Martin <camille@exemple.fr>" in lines
    assert f"voir https://exemple.fr/a?b=c{NNBSP}: merci{NNBSP}!" in email.body
    # "à 14 h 30", not "à 14:30".
    assert re.search(rf" à \d{{1,2}}{NBSP}h{NBSP}\d\d par", lines[0])


def test_invoice_pdf_page_and_email_are_typeset(issuer):
    import datetime as dt

    from django.core import mail

    from dues import documents, invoices, sending
    from tests.factories import DuesCallFactory

    call = DuesCallFactory()
    invoices.issue_invoice(call, today=dt.date(2027, 3, 1))
    html = documents.invoice_html(invoices.invoice_of(call).data)
    assert f"{NBSP}€" in html
    assert " €" not in html
    sending.send_invoice(call)
    [email] = mail.outbox
    assert f"{NBSP}€" in email.body
    assert " €" not in email.body


# Shapes a visitor can type into a free-text field (200,000 characters): each
# made one of the step's patterns rescan the rest of the run from every start
# position (minutes of a worker's time for one registration).
HOSTILE = {
    "blanks": " " * 200_000,
    "blanks before a sign": " " * 200_000 + "x ;",
    "line breaks": "\n" * 199_999 + "x",
    "tabs": "\t" * 200_000,
    "blanks before a closing guillemet": " " * 199_998 + "x»",
    "a figure then blanks": "1" + " " * 199_999,
    "hours": "1" + " " * 199_998 + "h",
    "one word": "a" * 200_000,
    "figures": "1" * 200_000,
    "dotted": "a." * 100_000,
    "an address without @": "www." + "." * 199_996,
    "at signs": "a@" * 100_000,
    "a domain without dot": "a@" + "a" * 199_998,
    "apostrophes": "a'" * 100_000,
    "signs": "; " * 100_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_typography_is_linear_on_hostile_text(text):
    from tests.deadline import within

    with within(1.0, "plain text"):
        french(text)
    with within(1.0, "HTML"):
        french_html(f"<p>{text}</p>")
