"""The contact form: saved first, then emailed to the secretariat; a mail
failure loses nothing; honeypot and rate limit; the admin inbox."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from association.models import SiteSettings
from pages import contact
from pages.models import ContactMessage

pytestmark = pytest.mark.django_db

CONTACT_URL = "/contact/"
FORM = {
    "name": "Camille Martin",
    "email": "camille.martin@mairie-exemple.fr",
    "organisation": "Mairie d’Exemple",
    "subject": "Adhésion de notre commune",
    "message": "Bonjour,\nnous souhaitons adhérer au réseau.",
    "website": "",
}


@pytest.fixture(autouse=True)
def association():
    SiteSettings(contact_email="secretariat@villeseducatrices.fr").save()


def _post(client, remote_addr="203.0.113.7", **changes):
    return client.post(CONTACT_URL, FORM | changes, REMOTE_ADDR=remote_addr)


def test_message_is_saved_then_emailed_to_the_secretariat(client):
    response = _post(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("pages:contact-sent")
    message = ContactMessage.objects.get()
    assert message.subject == "Adhésion de notre commune"
    assert message.status == ContactMessage.Status.NEW
    assert message.mailed_at is not None
    [email] = mail.outbox
    assert email.to == ["secretariat@villeseducatrices.fr"]
    assert email.reply_to == ["camille.martin@mairie-exemple.fr"]
    assert email.subject == "[Site RFVE] Adhésion de notre commune"
    assert "nous souhaitons adhérer au réseau." in email.body
    assert f"/pages/contactmessage/{message.pk}/change/" in email.body


def test_mail_failure_loses_nothing_and_shows_unsent(client, admin_client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    response = _post(client)
    assert response.status_code == 302  # the visitor's message is safe
    message = ContactMessage.objects.get()
    assert message.mailed_at is None
    changelist = admin_client.get(
        reverse("admin:pages_contactmessage_changelist"), {"transmis": "non"}
    )
    assert "Adhésion de notre commune" in changelist.content.decode()


def test_unsent_message_can_be_forwarded_again_from_the_admin(
    client, admin_client, monkeypatch
):
    with monkeypatch.context() as patched:
        patched.setattr(
            "django.core.mail.EmailMessage.send",
            lambda self, *a, **k: (_ for _ in ()).throw(OSError("no route")),
        )
        _post(client)
    message = ContactMessage.objects.get()
    admin_client.post(
        reverse("admin:pages_contactmessage_changelist"),
        {"action": "forward_again", "_selected_action": [message.pk]},
    )
    message.refresh_from_db()
    assert message.mailed_at is not None
    assert len(mail.outbox) == 1


def test_without_a_contact_email_the_message_waits_in_the_admin(client):
    SiteSettings(contact_email="").save()
    _post(client)
    assert ContactMessage.objects.get().mailed_at is None
    assert mail.outbox == []


def test_honeypot_filled_pretends_success_and_keeps_nothing(client):
    response = _post(client, website="https://spam.example/")
    assert response.status_code == 302
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


def test_fourth_message_in_an_hour_from_one_address_is_refused(client):
    for n in range(contact.RATE_LIMIT):
        assert _post(client, subject=f"Question {n}").status_code == 302
    response = _post(client, subject="Encore une question")
    assert response.status_code == 429
    html = response.content.decode()
    assert "déjà écrit plusieurs fois" in html
    assert "nous souhaitons adhérer au réseau." in html  # the text is not lost
    assert ContactMessage.objects.count() == contact.RATE_LIMIT


def test_rate_limit_follows_the_email_address_across_clients(client):
    for n in range(contact.RATE_LIMIT):
        _post(client, remote_addr=f"198.51.100.{n}")
    assert _post(client, remote_addr="198.51.100.99").status_code == 429


def test_rate_limit_follows_the_client_across_email_addresses(client):
    for n in range(contact.RATE_LIMIT):
        _post(client, email=f"personne{n}@exemple.fr")
    assert _post(client, email="autre@exemple.fr").status_code == 429


def test_rate_limit_ends_after_the_window(client, monkeypatch):
    for _ in range(contact.RATE_LIMIT):
        _post(client)
    later = timezone.now() + contact.RATE_WINDOW + dt.timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert _post(client).status_code == 302


def test_the_ip_address_itself_is_not_stored(client):
    _post(client, remote_addr="203.0.113.7")
    message = ContactMessage.objects.get()
    assert "203.0.113.7" not in str(message.__dict__)
    assert len(message.sender_key) == 64


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"email": "pas-un-courriel"}, "Saisissez une adresse de courriel valide."),
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"message": "x" * 5001}, "dépasse 5000 caractères"),
    ],
)
def test_invalid_form_says_what_to_fix_and_keeps_the_text(client, changes, error):
    response = _post(client, **changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    field = next(iter(changes))
    assert f'id="id_{field}_error"' in html  # what aria-describedby names
    assert "Le message n’a pas été envoyé" in html
    assert 'aria-invalid="true"' in html
    assert not ContactMessage.objects.exists()


def test_subject_cannot_inject_email_headers(client):
    _post(client, subject="Bonjour\r\nBcc: victime@exemple.fr")
    [email] = mail.outbox
    assert email.subject == "[Site RFVE] Bonjour Bcc: victime@exemple.fr"
    assert email.bcc == []


def test_form_needs_a_csrf_token(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(CONTACT_URL, FORM)
    assert response.status_code == 403
    assert not ContactMessage.objects.exists()


def test_contact_page_labels_every_field_and_hides_the_honeypot(client):
    html = client.get(CONTACT_URL).content.decode()
    for field in ("name", "email", "organisation", "subject", "message"):
        assert f'<label for="id_{field}">' in html
    assert '<div class="hp" aria-hidden="true">' in html
    assert 'tabindex="-1"' in html


def test_opening_a_message_in_the_admin_marks_it_read(client, admin_client):
    _post(client)
    message = ContactMessage.objects.get()
    admin_client.get(reverse("admin:pages_contactmessage_change", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == ContactMessage.Status.READ


def test_admin_marks_messages_answered(client, admin_client):
    _post(client)
    admin_client.post(
        reverse("admin:pages_contactmessage_changelist"),
        {
            "action": "mark_answered",
            "_selected_action": [ContactMessage.objects.get().pk],
        },
    )
    assert ContactMessage.objects.get().status == ContactMessage.Status.ANSWERED


def test_secretariat_group_handles_the_inbox_and_bureau_does_not():
    from django.contrib.auth.models import Group

    secretariat = Group.objects.get(name="Secrétariat").permissions
    bureau = Group.objects.get(name="Bureau").permissions
    assert secretariat.filter(codename="change_contactmessage").exists()
    assert not bureau.filter(codename__endswith="_contactmessage").exists()


def test_purge_keeps_recent_messages_and_forgets_sender_keys(client):
    _post(client)
    old = ContactMessage.objects.create(
        name="Ancien", email="a@exemple.fr", subject="Vieux", message="…",
        sender_key="k" * 64,
    )  # fmt: skip
    ContactMessage.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - contact.MESSAGE_RETENTION - dt.timedelta(days=1)
    )
    deleted, forgotten = contact.purge(timezone.now() + dt.timedelta(days=2))
    assert deleted == 1
    assert forgotten == 1
    assert ContactMessage.objects.get().sender_key == ""
