"""Mailings: recipients from the data (each once, suppressed ones out), the
batches through the outbox (resumable, nobody twice), headers and report."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from mailings import audiences, sending, tasks
from mailings.models import Mailing, Recipient
from members.models import Mandate, Person
from outbox.models import OutboxMessage, SuppressedAddress
from registrations.models import Registration
from tests.factories import (
    LetterFactory,
    MailingFactory,
    MandateFactory,
    MemberFactory,
    PersonFactory,
    RegistrationFactory,
    SubscriberFactory,
    TopicFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def _emails(mailing) -> list[str]:
    return [address.email for address in audiences.addresses(mailing)]


def test_each_address_once_across_groups_whatever_its_case():
    member = MemberFactory(finance_contact_email="Finances@Ville.example")
    PersonFactory(member=member, email="claire@ville.example")
    agent = PersonFactory(
        member=member, email="CLAIRE@ville.example", kind=Person.Kind.AGENT
    )
    group = WorkingGroupFactory()
    MandateFactory(person=agent, body=Mandate.Body.WORKING_GROUP, working_group=group)
    registration = RegistrationFactory(email="finances@ville.example")
    topic = TopicFactory()
    SubscriberFactory(email="claire@ville.example", topics=[topic])
    mailing = MailingFactory(
        to_representatives=True,
        to_elected=True,
        to_agents=True,
        to_finance=True,
        event=registration.event,
        event_statuses=[Mailing.EventStatus.CONFIRMED],
    )
    mailing.working_groups.set([group])
    mailing.topics.set([topic])
    assert sorted(_emails(mailing)) == [
        "claire@ville.example",
        "finances@ville.example",
    ]


def test_groups_choose_their_people():
    member = MemberFactory(finance_contact_email="")
    elected = PersonFactory(member=member, kind=Person.Kind.ELECTED)
    agent = PersonFactory(member=member, kind=Person.Kind.AGENT)
    PersonFactory(member=MemberFactory(status="partie"))  # left the network
    assert _emails(MailingFactory(to_representatives=False, to_elected=True)) == [
        elected.email
    ]
    assert _emails(MailingFactory(to_representatives=False, to_agents=True)) == [
        agent.email
    ]


def test_event_registrants_by_status():
    confirmed = RegistrationFactory()
    event = confirmed.event
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    present = RegistrationFactory(event=event)
    present.attended_days.set(event.registration_settings.days.all())

    def chosen(*statuses):
        mailing = MailingFactory(
            to_representatives=False, event=event, event_statuses=list(statuses)
        )
        return set(_emails(mailing))

    assert chosen("confirmee") == {confirmed.email, present.email}
    assert chosen("attente") == {waiting.email}
    assert chosen("present") == {present.email}


def test_suppressed_addresses_are_never_sent_to():
    kept = PersonFactory()
    bounced = PersonFactory(email="Perdu@Ville.example")
    SuppressedAddress.objects.create(
        email="perdu@ville.example", reason=SuppressedAddress.Reason.BOUNCED
    )
    mailing = MailingFactory()
    assert _emails(mailing) == [kept.email]
    assert audiences.suppressed_count(mailing) == 1

    # Suppressed after the count, before its turn: skipped at sending.
    late = PersonFactory()
    mailing = MailingFactory()
    Recipient.objects.create(mailing=mailing, email=late.email)
    Mailing.objects.filter(pk=mailing.pk).update(started_at=timezone.now())
    SuppressedAddress.objects.create(
        email=late.email, reason=SuppressedAddress.Reason.COMPLAINED
    )
    tasks.send_batch.call(mailing.pk)
    assert Recipient.objects.get(mailing=mailing).state == Recipient.State.SKIPPED
    assert [m for m in mail.outbox if late.email in m.to] == []
    assert bounced.email not in {address for m in mail.outbox for address in m.to}


def test_sending_hands_each_recipient_once_to_the_outbox(settings):
    settings.MAILINGS_BATCH_SIZE = 2  # several batches, each enqueueing the next
    people = PersonFactory.create_batch(5)
    mailing = MailingFactory()
    assert sending.start(mailing, timezone.now()) == 5
    mailing.refresh_from_db()
    assert mailing.finished_at is not None
    assert sorted(to for m in mail.outbox for to in m.to) == sorted(
        p.email for p in people
    )
    assert set(Recipient.objects.values_list("state", flat=True)) == {"envoye"}
    assert OutboxMessage.objects.filter(kind="envoi").count() == 5
    with pytest.raises(sending.AlreadySent):
        sending.start(mailing, timezone.now())


def test_an_interrupted_batch_resumed_sends_nobody_twice(monkeypatch, settings):
    # Tasks are stored, not run: the test plays the worker.
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    PersonFactory.create_batch(5)
    mailing = MailingFactory()
    sending.start(mailing, timezone.now())
    real_store = sending.store
    calls = []

    def crash_on_third(message):
        calls.append(message)
        if len(calls) == 3:
            raise SystemExit("worker killed")
        return real_store(message)

    monkeypatch.setattr(sending, "store", crash_on_third)
    with pytest.raises(SystemExit):
        tasks.send_batch.call(mailing.pk)
    states = list(
        Recipient.objects.filter(mailing=mailing)
        .order_by("pk")
        .values_list("state", "message")
    )
    assert [state for state, _ in states] == ["envoye", "envoye"] + ["attente"] * 3
    assert all(message for _, message in states[:2])
    assert not any(message for _, message in states[2:])
    assert OutboxMessage.objects.count() == 2

    # Found stalled by resume_mailings, then taken up: each one message.
    monkeypatch.setattr(sending, "store", real_store)
    later = timezone.now() + tasks.STALLED_AFTER + dt.timedelta(hours=1)
    assert tasks.resume_stalled(later) == 1
    tasks.send_batch.call(mailing.pk)  # the task resume_stalled enqueued
    assert OutboxMessage.objects.count() == 5
    assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == sorted(
        Recipient.objects.values_list("email", flat=True)
    )
    tasks.send_batch.call(mailing.pk)  # a duplicate task: nothing more
    assert OutboxMessage.objects.count() == 5


def test_two_deliveries_of_one_recipient_write_one_message():
    mailing = MailingFactory(started_at=timezone.now())
    recipient = Recipient.objects.create(mailing=mailing, email="a@ville.example")
    from association.models import SiteSettings

    settings_row = SiteSettings.load()
    assert sending.deliver(recipient, settings_row) == "envoye"
    assert sending.deliver(recipient, settings_row) == "already"
    assert OutboxMessage.objects.count() == 1


def test_messages_carry_the_one_click_unsubscribe_and_no_tracking():
    from association.models import SiteSettings

    association = SiteSettings.load()
    association.contact_email = "contact@rfve.example"
    association.save()
    topic = TopicFactory()
    SubscriberFactory(email="lea@exemple.fr", topics=[topic])
    letter = LetterFactory(
        started_at=None,
        finished_at=None,
        body="Voir [le site](https://exemple.fr/page).",
    )
    letter.topics.set([topic])
    sending.start(letter, timezone.now())
    [email] = mail.outbox
    unsubscribe = email.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://")
    assert "/lettre/desinscription/" in unsubscribe
    assert "<mailto:contact@rfve.example?subject=" in unsubscribe
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = email.alternatives[0].content
    assert "<img" not in html
    assert 'href="https://exemple.fr/page"' in html  # the link as written
    assert "/lettre/preferences/" in email.body
    assert "/lettre/desinscription/" in email.body
    stored = bytes(OutboxMessage.objects.get().mime)
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in stored


def test_the_report_counts_what_happened(client):
    PersonFactory.create_batch(3)
    mailing = MailingFactory()
    sending.start(mailing, timezone.now())
    first, second, third = Recipient.objects.order_by("pk")
    OutboxMessage.objects.filter(pk=second.message_id).update(delivery="bounced")
    OutboxMessage.objects.filter(pk=third.message_id).update(status="failed")
    Recipient.objects.filter(pk=first.pk).update(unsubscribed_at=timezone.now())
    report = sending.report(mailing)
    assert report == {
        "total": 3,
        "pending": 0,
        "handed": 3,
        "skipped": 0,
        "sent": 2,
        "failed": 1,
        "bounced": 1,
        "unsubscribed": 1,
    }


def test_batches_keep_to_the_configured_rate(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    settings.MAILINGS_BATCH_SIZE = 2
    settings.MAILINGS_PER_MINUTE = 4  # two messages, then half a minute
    PersonFactory.create_batch(3)
    mailing = MailingFactory()
    sending.start(mailing, timezone.now())
    backend = tasks.send_batch.get_backend()
    backend.results.clear()
    before = timezone.now()
    assert tasks.send_batch.call(mailing.pk) == "continued"
    assert OutboxMessage.objects.count() == 2
    [following] = [r for r in backend.results if r.task.name == "send_batch"]
    assert following.task.run_after >= before + dt.timedelta(seconds=30)
    assert tasks.send_batch.call(mailing.pk) == "done"
    assert OutboxMessage.objects.count() == 3
