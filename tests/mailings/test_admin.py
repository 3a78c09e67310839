"""The secretariat's desk: preview with the count and a sample, a test to
oneself, sending, the report; "Écrire aux inscrits" on an event."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from mailings.models import Mailing, Recipient
from outbox.models import SuppressedAddress
from tests.factories import MailingFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _preview(mailing) -> str:
    return reverse("admin:mailings_mailing_preview", args=[mailing.pk])


def test_preview_shows_count_sample_html_and_text(staff_client):
    PersonFactory(first_name="Claire", last_name="Morel", email="claire@ville.example")
    PersonFactory(last_name="Zola", email="Claire@Ville.example")  # the same address
    PersonFactory(email="perdu@ville.example")
    SuppressedAddress.objects.create(email="perdu@ville.example", reason="bounced")
    mailing = MailingFactory(body="## Ordre du jour\n\n- Le rapport moral")
    page = staff_client.get(_preview(mailing)).content.decode()
    assert "1 destinataire</strong>" in page
    assert "1 adresse exclue" in page
    assert "claire@ville.example" in page and "Claire Morel" in page
    assert "<h2>Ordre du jour</h2>" in page
    assert "List-Unsubscribe=One-Click" in page
    assert "Ne plus recevoir ces envois" in page  # the text version's opt-out
    assert Recipient.objects.count() == 0  # a preview sends nothing


def test_test_send_goes_to_oneself_only(staff_client, django_user_model):
    user = django_user_model.objects.get(username="equipe")
    user.email = "equipe@rfve.example"
    user.save()
    PersonFactory.create_batch(3)
    mailing = MailingFactory(subject="Convocation")
    staff_client.post(_preview(mailing), {"action": "essai"})
    [email] = mail.outbox
    assert email.to == ["equipe@rfve.example"]
    assert email.subject == "[Essai] Convocation"
    mailing.refresh_from_db()
    assert mailing.started_at is None


def test_sending_from_the_preview_then_the_report(staff_client):
    PersonFactory.create_batch(2)
    mailing = MailingFactory()
    response = staff_client.post(_preview(mailing), {"action": "envoyer"})
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    change = staff_client.get(response.url).content.decode()
    assert (
        "2 destinataires\u202f: 2 confiés à la boîte d’envoi (dont 2 envoyés" in change
    )
    # Sent: nothing to send again, and kept for its report.
    staff_client.post(_preview(mailing), {"action": "envoyer"})
    assert len(mail.outbox) == 2
    delete = reverse("admin:mailings_mailing_delete", args=[mailing.pk])
    assert staff_client.get(delete).status_code == 403


def test_write_to_registrants_prepares_a_mailing(staff_client):
    registration = RegistrationFactory(email="inscrite@mairie.example")
    event = registration.event
    response = staff_client.post(
        reverse("admin:calendar_app_event_changelist"),
        {"action": "write_to_registrants", ACTION_CHECKBOX_NAME: [event.pk]},
    )
    mailing = Mailing.objects.get()
    assert response["Location"] == reverse(
        "admin:mailings_mailing_change", args=[mailing.pk]
    )
    assert mailing.event == event
    assert mailing.started_at is None
    assert event.title in mailing.subject
    page = staff_client.get(_preview(mailing)).content.decode()
    assert "inscrite@mairie.example" in page


def test_the_bureau_cannot_open_mailings(client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("bureau1", is_staff=True)
    user.groups.add(Group.objects.get(name="Bureau"))
    client.force_login(user)
    mailing = MailingFactory()
    assert client.get(_preview(mailing)).status_code in (302, 403)


def test_composing_a_mailing_and_a_letter(staff_client):
    add = reverse("admin:mailings_mailing_add")
    data = {"kind": "envoi", "subject": "Point d’étape", "slug": "", "body": "Bonjour"}
    assert staff_client.post(add, data).status_code == 302
    assert staff_client.post(add, {**data, "subject": "Autre"}).status_code == 302
    assert list(Mailing.objects.values_list("slug", flat=True)) == [None, None]
    response = staff_client.post(add, {**data, "kind": "lettre"})
    assert response.status_code == 200
    assert "Une lettre a besoin d’une adresse" in response.content.decode()
