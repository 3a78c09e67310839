"""The outbox: every email written in the caller's transaction, sent by a
task, retried with back-off, failed with the server's answer, never sent
twice; visible and resendable in the admin."""

import datetime as dt
import smtplib

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox import purge, sending
from outbox.models import DeliveryEvent, OutboxMessage, SuppressedAddress

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def _email(**kwargs) -> EmailMessage:
    message = EmailMessage(
        subject="Votre facture 2027-0001",
        body="Bonjour,\nveuillez trouver la facture.",
        to=["finances@mairie-exemple.fr"],
        reply_to=["tresorerie@villeseducatrices.fr"],
        **kwargs,
    )
    message.attach("2027-0001.pdf", b"%PDF-1.7 fake", "application/pdf")
    return message


def _refuse(code=451, text=b"4.3.0 Try again later"):
    def send_messages(self, messages):
        raise smtplib.SMTPDataError(code, text)

    return send_messages


@pytest.fixture
def database_tasks(settings):
    """The production backend: tasks are rows of the same database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_message_and_its_task_are_written_in_the_callers_transaction(
    database_tasks,
):
    with pytest.raises(RuntimeError), transaction.atomic():
        _email().send()
        raise RuntimeError("what caused it fails")
    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()

    with transaction.atomic():
        _email().send()
    message = OutboxMessage.objects.get()
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "outbox.tasks.send_message"
    assert task.args_kwargs["args"] == [message.pk]
    assert message.status == OutboxMessage.Status.QUEUED
    assert mail.outbox == []  # the worker sends it


def test_the_message_is_stored_as_sent_with_its_kind_and_attachments():
    with sending.kind("facture"):
        _email().send()
    message = OutboxMessage.objects.get()
    assert message.kind == "facture"
    assert message.to == "finances@mairie-exemple.fr"
    assert message.reply_to == "tresorerie@villeseducatrices.fr"
    assert message.subject == "Votre facture 2027-0001"
    assert message.attachment_names == ["2027-0001.pdf"]
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    raw = bytes(message.mime)
    assert b"Message-ID: " + message.message_id.encode() in raw
    # The transport got the same message, attachment included.
    [sent] = mail.outbox
    assert sent.message().as_bytes() == raw
    assert sent.attachments[0].filename == "2027-0001.pdf"
    assert sent.attachments[0].content == b"%PDF-1.7 fake"
    assert sent.reply_to == ["tresorerie@villeseducatrices.fr"]
    assert sent.body.rstrip("\n") == "Bonjour,\nveuillez trouver la facture."


def test_a_kind_header_is_recorded_and_not_sent():
    _email(headers={sending.KIND_HEADER: "contact"}).send()
    message = OutboxMessage.objects.get()
    assert message.kind == "contact"
    assert sending.KIND_HEADER.encode() not in bytes(message.mime)


def test_a_refusing_server_is_tried_again_with_back_off_then_failed(
    settings, monkeypatch
):
    settings.OUTBOX_RETRY_DELAYS = [60, 300]
    monkeypatch.setattr(LOCMEM, _refuse())
    start = timezone.now()
    _email().send()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.last_error == "451 4.3.0 Try again later"
    assert (
        dt.timedelta(seconds=59)
        < message.next_attempt_at - start
        < dt.timedelta(seconds=61)
    )
    # A try before its time does nothing.
    assert sending.attempt(message.pk) == OutboxMessage.Status.QUEUED
    message.refresh_from_db()
    assert message.attempts == 1

    later = timezone.now() + dt.timedelta(seconds=61)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    sending.attempt(message.pk)
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - later == dt.timedelta(seconds=300)

    last = later + dt.timedelta(seconds=301)
    monkeypatch.setattr("django.utils.timezone.now", lambda: last)
    assert sending.attempt(message.pk) == OutboxMessage.Status.FAILED
    message.refresh_from_db()
    assert message.attempts == 3
    assert message.last_error == "451 4.3.0 Try again later"
    assert mail.outbox == []


def test_a_permanent_refusal_fails_at_once(monkeypatch):
    monkeypatch.setattr(
        LOCMEM,
        lambda self, messages: (_ for _ in ()).throw(
            smtplib.SMTPRecipientsRefused(
                {"nobody@mairie-exemple.fr": (550, b"5.1.1 User unknown")}
            )
        ),
    )
    _email().send()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.last_error == "nobody@mairie-exemple.fr : 550 5.1.1 User unknown"


def test_a_message_whose_worker_died_while_sending_is_never_sent_again(
    monkeypatch, admin_client
):
    """The worker claimed it (committed), then died before recording the
    server's answer: whether the server took it is unknown."""
    monkeypatch.setattr(sending, "enqueue", lambda *args, **kwargs: None)
    _email().send()
    message = OutboxMessage.objects.get()
    assert sending.claim(message.pk) is not None  # then the worker dies
    monkeypatch.undo()

    assert sending.attempt(message.pk) == OutboxMessage.Status.SENDING
    assert sending.send_due(timezone.now() + dt.timedelta(hours=1)) == 0
    assert mail.outbox == []

    later = timezone.now() + dt.timedelta(minutes=11)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert OutboxMessage.objects.needing_attention(later).count() == 1
    changelist = admin_client.get(
        reverse("admin:outbox_outboxmessage_changelist"), {"a-traiter": "oui"}
    ).content.decode()
    assert "envoi interrompu (à vérifier)" in changelist
    home = admin_client.get(reverse("admin:index")).content.decode()
    assert "Courriels en échec ou interrompus" in home

    # A person decides to send it again.
    admin_client.post(
        reverse("admin:outbox_outboxmessage_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_two_tasks_for_one_message_send_it_once():
    _email().send()
    message = OutboxMessage.objects.get()
    assert sending.attempt(message.pk) == OutboxMessage.Status.SENT
    sending.enqueue(message)
    assert len(mail.outbox) == 1


def test_overdue_messages_are_enqueued_again(monkeypatch):
    monkeypatch.setattr(sending, "enqueue", lambda *args, **kwargs: None)
    _email().send()  # its task is lost
    monkeypatch.undo()
    assert sending.send_due(timezone.now()) == 0  # within the grace period
    assert sending.send_due(timezone.now() + dt.timedelta(minutes=6)) == 1
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_the_admin_shows_the_message_as_sent_and_resends_a_failed_one(
    admin_client, monkeypatch
):
    monkeypatch.setattr(LOCMEM, _refuse(554, b"5.7.1 Message refused"))
    with sending.kind("facture"):
        _email().send()
    message = OutboxMessage.objects.get()
    changelist = admin_client.get(
        reverse("admin:outbox_outboxmessage_changelist")
    ).content.decode()
    for shown in ("finances@mairie-exemple.fr", "Votre facture 2027-0001"):
        assert shown in changelist
    assert "facture" in changelist and "échec" in changelist
    page = admin_client.get(
        reverse("admin:outbox_outboxmessage_change", args=[message.pk])
    ).content.decode()
    assert "554 5.7.1 Message refused" in page
    assert "<li>2027-0001.pdf</li>" in page
    assert "veuillez trouver la facture." in page
    assert "Reply-To: tresorerie@villeseducatrices.fr" in page

    monkeypatch.undo()
    admin_client.post(
        reverse("admin:outbox_outboxmessage_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    assert len(mail.outbox) == 1


def test_the_secretariat_may_resend_but_not_edit(staff_client, monkeypatch):
    monkeypatch.setattr(LOCMEM, _refuse(554, b"refused"))
    _email().send()
    message = OutboxMessage.objects.get()
    monkeypatch.undo()
    staff_client.post(
        reverse("admin:outbox_outboxmessage_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_provider_events_are_recorded_and_bounces_suppressed():
    _email().send()
    message = OutboxMessage.objects.get()
    message.provider_id = "esp-123"
    message.save()
    for event_type in ("delivered", "bounced"):
        tracking.send(
            sender=object,
            event=AnymailTrackingEvent(
                event_type=event_type,
                message_id="esp-123",
                recipient="Finances@Mairie-Exemple.fr",
                description="mailbox does not exist" if event_type == "bounced" else "",
                timestamp=timezone.now(),
            ),
            esp_name="Postmark",
        )
    message.refresh_from_db()
    assert message.delivery == "bounced"
    assert [e.event_type for e in DeliveryEvent.objects.order_by("pk")] == [
        "delivered",
        "bounced",
    ]
    suppressed = SuppressedAddress.objects.get()
    assert suppressed.email == "finances@mairie-exemple.fr"
    assert suppressed.reason == SuppressedAddress.Reason.BOUNCED
    assert SuppressedAddress.is_suppressed("FINANCES@mairie-exemple.fr")


def test_the_daily_purge_deletes_old_messages():
    _email().send()
    old = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - purge.MESSAGE_RETENTION - dt.timedelta(days=1)
    )
    _email().send()
    assert purge.purge(timezone.now()) == (1, 0)
    assert OutboxMessage.objects.count() == 1


def test_the_privacy_page_states_the_outbox_retention(client):
    page = client.get("/donnees-personnelles/").content.decode()
    assert "Courriels envoyés par le site" in page
    assert "effacé un\u00a0an après son envoi" in page or "effacé un an après" in page


def test_an_http_provider_gets_the_message_rebuilt_and_its_id_is_kept(settings):
    """django-anymail's backends read the message's fields, not its MIME."""
    settings.MAILERS = settings.MAILERS | {
        "transport": {"BACKEND": "anymail.backends.test.EmailBackend"}
    }
    with sending.kind("facture"):
        _email().send()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.SENT
    [sent] = mail.outbox
    params = sent.anymail_test_params
    assert params["to"][0].addr_spec == "finances@mairie-exemple.fr"
    assert params["reply_to"][0].addr_spec == "tresorerie@villeseducatrices.fr"
    assert params["subject"] == "Votre facture 2027-0001"
    assert params["attachments"][0].name == "2027-0001.pdf"
    assert params["attachments"][0].content == b"%PDF-1.7 fake"
    assert message.provider_id == str(sent.anymail_status.message_id)


def test_of_two_claims_only_one_wins(monkeypatch):
    monkeypatch.setattr(sending, "enqueue", lambda *args, **kwargs: None)
    _email().send()
    message = OutboxMessage.objects.get()
    assert sending.claim(message.pk) is not None
    assert sending.claim(message.pk) is None
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENDING, 1)


def test_a_password_reset_goes_through_the_outbox_as_an_account_message(
    client, django_user_model
):
    from rfve_site import accounts

    assert accounts.KIND_HEADER == sending.KIND_HEADER
    django_user_model.objects.create_user(
        "tresorerie", email="tresorerie@villeseducatrices.fr", password="x"
    )
    response = client.post(
        "/compte/password/reset/", {"email": "tresorerie@villeseducatrices.fr"}
    )
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert (message.kind, message.to) == ("compte", "tresorerie@villeseducatrices.fr")
    assert message.status == OutboxMessage.Status.SENT
    [sent] = mail.outbox
    assert sending.KIND_HEADER not in sent.message()
    assert "/compte/password/reset/key/" in sent.body
