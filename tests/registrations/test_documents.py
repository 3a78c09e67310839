"""The secretariat's documents per event: registrations by day and category,
waiting list, attendance marking, the Excel CSV, the attendance sheet of a
day, badges, and the certificates of attendance emailed after the event."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from registrations import documents
from registrations.models import Rate, Registration
from tests.factories import (
    LocalAuthorityFactory,
    RateFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    paris,
)

pytestmark = pytest.mark.django_db

AFTER = paris(2030, 3, 20, 10)


def pdf_pages(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [
        page.extract_text().replace("\u202f", " ").replace("\xa0", " ")
        for page in reader.pages
    ]


@pytest.fixture
def two_days():
    """An event on 12 and 13 March 2030, a rate for non-members."""
    settings = RegistrationSettingsFactory(
        event__title="Rencontres nationales",
        event__ends_at=paris(2030, 3, 13, 17),
    )
    return settings


def url(name, *args):
    return reverse(f"admin:registrations_registrationsettings_{name}", args=args)


def register(settings, first, last, *, days=None, **extra):
    return RegistrationFactory(
        event=settings.event, first_name=first, last_name=last, days=days, **extra
    )


# --- By day and category, waiting list -----


def test_documents_page_counts_by_day_and_category_and_lists_the_waiting(
    admin_client, two_days, django_assert_max_num_queries
):
    first, second = two_days.days.all()
    paying = RateFactory(settings=two_days)
    free = RateFactory(settings=two_days, category=Rate.Category.INVITED, amount=0)
    register(two_days, "Léa", "Durand", rate=paying)
    register(two_days, "Tom", "Martin", rate=free, days=[second])
    register(two_days, "Ana", "Vidal", rate=paying, status=Registration.Status.WAITING)
    register(two_days, "Luc", "Roux", status=Registration.Status.CANCELLED)

    summary = documents.summary(two_days)
    # Categories nobody confirmed chose are left out.
    assert summary.categories == [
        "Élue, élu ou agent d’une collectivité non adhérente",
        "Invitée, invité",
    ]
    assert [(d.day, d.by_category, d.confirmed) for d in summary.days] == [
        (first, [1, 0], 1),
        (second, [1, 1], 2),
    ]
    assert [r.last_name for r in summary.waiting] == ["Vidal"]
    assert summary.cancelled == 1

    with django_assert_max_num_queries(12):
        page = admin_client.get(url("documents", two_days.pk))
    text = page.content.decode()
    assert "Liste d’attente (1)" in text
    assert url("sheet", two_days.pk, first.pk) in text
    # More registrations, same number of queries.
    for number in range(10):
        register(two_days, "Jo", f"Nom{number}", rate=paying)
    with django_assert_max_num_queries(12):
        admin_client.get(url("documents", two_days.pk))


def test_changelist_queries_do_not_grow_with_events(
    admin_client, django_assert_max_num_queries
):
    for _ in range(3):
        register(RegistrationSettingsFactory(), "Léa", "Durand")
    changelist = reverse("admin:registrations_registrationsettings_changelist")
    with django_assert_max_num_queries(8) as before:
        admin_client.get(changelist)
    for _ in range(5):
        register(RegistrationSettingsFactory(), "Léa", "Durand")
    with django_assert_max_num_queries(len(before.captured_queries)):
        admin_client.get(changelist)


# --- Attendance -----


def test_marking_attendance_of_a_day_keeps_the_other_days(admin_client, two_days):
    first, second = two_days.days.all()
    durand = register(two_days, "Léa", "Durand")
    martin = register(two_days, "Tom", "Martin")
    durand.attended_days.set([second])
    martin.attended_days.set([first])

    form = admin_client.get(url("attendance", two_days.pk, first.pk))
    assert "DURAND Léa" in form.content.decode()
    response = admin_client.post(
        url("attendance", two_days.pk, first.pk), {"present": [durand.pk]}
    )

    assert response.status_code == 302
    assert set(durand.attended_days.all()) == {first, second}
    assert set(martin.attended_days.all()) == set()


def test_attendance_of_a_day_of_another_event_is_not_found(admin_client, two_days):
    other_day = RegistrationSettingsFactory().days.get()
    assert (
        admin_client.get(url("attendance", two_days.pk, other_day.pk)).status_code
        == 404
    )


def test_the_bureau_reads_no_people(client, django_user_model, two_days):
    user = django_user_model.objects.create_user(username="bureau", is_staff=True)
    user.groups.add(Group.objects.get(name="Bureau"))
    client.force_login(user)
    assert client.get(url("csv", two_days.pk)).status_code == 403
    assert client.get(url("documents", two_days.pk)).status_code == 403
    # Nor is it offered the link that would answer 403.
    changelist = client.get(
        reverse("admin:registrations_registrationsettings_changelist")
    )
    assert changelist.status_code == 200
    assert "Documents et présence" not in changelist.content.decode()


# --- CSV -----


def test_csv_opens_in_french_excel(admin_client, two_days):
    rate = RateFactory(settings=two_days)
    register(two_days, "Zoé", "Zola", rate=rate, function="=HYPERLINK(1)")
    register(
        two_days,
        "Émile",
        "Éluard",
        authority=LocalAuthorityFactory(name="Villeurbanne"),
    )
    register(two_days, "Ana", "Abadie", status=Registration.Status.WAITING)

    response = admin_client.get(url("csv", two_days.pk))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:]), delimiter=";"))
    assert rows[0] == documents.CSV_HEADER
    assert [row[0] for row in rows[1:]] == ["Abadie", "Éluard", "Zola"]
    zola = rows[3]
    assert zola[3] == "'=HYPERLINK(1)"  # never run as a formula
    assert zola[8] == "90,00"
    assert zola[10] == "12/03/2030, 13/03/2030"
    assert rows[1][9] == "Sur liste d’attente"
    assert rows[2][4] == "Villeurbanne"
    assert content.count("\r\n") == 4


# --- Attendance sheet and badges -----


def test_attendance_sheet_lists_everyone_confirmed_that_day_alphabetically(
    admin_client, two_days
):
    first, second = two_days.days.all()
    register(two_days, "Zoé", "Zola")
    register(two_days, "Émile", "Éluard", days=[second])
    register(two_days, "Ana", "abadie")
    register(two_days, "Paul", "Dupuis", days=[first])  # not on the 13th
    register(two_days, "Luc", "Roux", status=Registration.Status.CANCELLED)
    register(two_days, "Ana", "Vidal", status=Registration.Status.WAITING)

    response = admin_client.get(url("sheet", two_days.pk, second.pk))

    assert response["Content-Type"] == "application/pdf"
    assert "emargement-" in response["Content-Disposition"]
    (text,) = pdf_pages(response.content)
    assert "Feuille d’émargement" in text and "Signature" in text
    assert "Mercredi 13 mars 2030" in text
    names = ["ABADIE", "ÉLUARD", "ZOLA"]
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)
    for absent in ("DUPUIS", "ROUX", "VIDAL"):
        assert absent not in text
    assert "page 1/1" in text


def test_badges_eight_to_an_a4_page(admin_client, two_days):
    for number in range(9):
        register(two_days, "Léa", f"Nom{number}")
    register(two_days, "Ana", "Vidal", status=Registration.Status.WAITING)

    response = admin_client.get(url("badges", two_days.pk))

    pages = pdf_pages(response.content)
    assert len(pages) == 2
    assert [page.count("Rencontres nationales") for page in pages] == [8, 1]
    assert "VIDAL" not in "".join(pages)
    reader = PdfReader(io.BytesIO(response.content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)


# --- Certificates of attendance -----


@pytest.fixture
def signatory(issuer):
    issuer.publication_director = "Marie Dupont"
    issuer.seat_city = "Lyon"
    issuer.save()
    return issuer


def test_certificates_go_to_attendees_only_once_with_the_pdf(signatory, two_days):
    first, second = two_days.days.all()
    came = register(two_days, "Léa", "Durand", function="Adjointe au maire")
    came.attended_days.set([first, second])
    register(two_days, "Tom", "Absent")
    half = register(two_days, "Ana", "Vidal")
    half.attended_days.set([second])

    sent, errors = documents.send_certificates(two_days, now=AFTER)

    assert (sent, errors) == (2, [])
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [came.email, half.email]
    )
    message = next(m for m in mail.outbox if m.to == [came.email])
    assert message.subject == "Attestation de présence : Rencontres nationales"
    filename, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and filename.endswith(".pdf")
    (text,) = pdf_pages(content)
    text = " ".join(text.split())
    assert "Attestation de présence" in text
    assert "Léa Durand, Adjointe au maire" in text
    assert "les 12 et 13 mars 2030, soit 2 journées" in text
    assert "Marie Dupont" in text and "Fait à Lyon, le 20 mars 2030" in text
    # A named person, no hedged gender marks: invariable wording.
    assert "(e)" not in text and "soussign" not in text
    assert "Marie Dupont, au nom du" in text
    assert "a participé à « Rencontres nationales »" in text
    assert message.reply_to == [signatory.contact_email]  # the secretariat
    vidal = next(m for m in mail.outbox if m.to == [half.email])
    assert "le 13 mars 2030" in " ".join(pdf_pages(vidal.attachments[0][1])[0].split())

    # Run again: nobody gets it twice.
    assert documents.send_certificates(two_days, now=AFTER) == (0, [])
    assert len(mail.outbox) == 2


def test_the_certificate_is_in_french_typography(signatory, two_days, monkeypatch):
    """No-break spaces before ":" and inside « », as on the dues' documents."""
    printed = []
    monkeypatch.setattr(documents, "write_pdf", lambda html: printed.append(html))
    came = register(two_days, "Léa", "Durand")
    came.attended_days.set(two_days.days.all())
    documents.certificate_pdf(came, signatory, today=AFTER.date())
    (html,) = printed
    assert "atteste que\u202f:" in html and "«\u202fRencontres" in html


def test_no_certificate_before_the_end_or_without_signatory(issuer, two_days):
    register(two_days, "Léa", "Durand").attended_days.set(two_days.days.all())
    with pytest.raises(documents.DocumentError, match="n’est pas terminé"):
        documents.send_certificates(two_days, now=paris(2030, 3, 13, 12))
    issuer.publication_director = ""
    issuer.save()
    with pytest.raises(documents.DocumentError, match="directrice ou directeur"):
        documents.send_certificates(two_days, now=AFTER)
    assert mail.outbox == []


def test_certificate_action_in_the_admin(admin_client, signatory):
    past = RegistrationSettingsFactory(
        event__starts_at=paris(2025, 3, 12, 9), event__ends_at=paris(2025, 3, 12, 17)
    )
    register(past, "Léa", "Durand").attended_days.set(past.days.all())
    changelist = reverse("admin:registrations_registrationsettings_changelist")
    response = admin_client.post(
        changelist,
        {"action": "send_certificates", "_selected_action": [past.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    # Rendered and emailed by a background task (run at once in tests).
    assert any(
        "1 attestation(s) de présence en cours d’envoi" in m for m in messages
    ), messages
    assert len(mail.outbox) == 1
