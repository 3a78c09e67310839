"""A selection of invoices issued in the background: progress in the admin,
a run interrupted resumes where it stopped, nothing is issued twice."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from dues import tasks
from dues.models import DuesCall, IssueRun
from tests.factories import DuesCallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(tasks, "CHUNK", 2)


def test_a_run_issues_every_call_in_chunks_and_lists_errors(small_chunks):
    calls = DuesCallFactory.create_batch(5)
    refused = calls[2]
    refused.member.commitment_number_required = True
    refused.member.save()
    run = tasks.start(DuesCall.objects.all(), None)
    run.refresh_from_db()
    assert run.finished_at is not None
    assert sorted(
        DuesCall.objects.exclude(number=None).values_list("number", flat=True)
    ) == [1, 2, 3, 4]
    [error] = run.errors
    assert error["call"] == refused.pk
    assert "numéro d’engagement" in error["error"]


def test_an_interrupted_run_resumes_and_issues_nothing_twice(small_chunks, monkeypatch):
    DuesCallFactory.create_batch(5)
    # The worker dies after its first chunk: no continuation is enqueued.
    task = tasks.issue_run
    monkeypatch.setattr(tasks, "issue_run", SimpleNamespace(enqueue=lambda *a: None))
    run = IssueRun.objects.create()
    run.calls.set(DuesCall.objects.all())
    task.call(run.pk)
    assert DuesCall.objects.exclude(number=None).count() == 2
    monkeypatch.setattr(tasks, "issue_run", task)

    now = timezone.now()
    assert tasks.resume_stalled(now) == 0  # still fresh
    assert tasks.resume_stalled(now + tasks.STALLED_AFTER + dt.timedelta(1)) == 1
    # A second task for the same run (a resumption racing a slow worker).
    tasks.issue_run.call(run.pk)
    run.refresh_from_db()
    assert run.finished_at is not None
    numbers = sorted(DuesCall.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    assert tasks.resume_stalled(now + dt.timedelta(days=1)) == 0


def test_the_treasurer_follows_a_run_in_the_admin(client, django_user_model):
    calls = DuesCallFactory.create_batch(2)
    treasurer = django_user_model.objects.create_user(
        username="tresorerie", password="unused", is_staff=True
    )
    treasurer.groups.add(Group.objects.get(name="Trésorerie"))
    client.force_login(treasurer)
    response = client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "issue_invoices", "_selected_action": [c.pk for c in calls]},
    )
    run = IssueRun.objects.get()
    assert response["Location"] == reverse("admin:dues_issuerun_change", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "2 / 2 facture(s) émise(s), 0 erreur(s)" in page
    assert "Terminée le" in page
    assert str(calls[0].member) in page


def test_invoice_emails_go_through_the_outbox_as_invoices(admin_client):
    from outbox.models import OutboxMessage

    call = DuesCallFactory(member__finance_contact_email="finances@mairie-exemple.fr")
    tasks.start(DuesCall.objects.all(), None)
    admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "send_invoices", "_selected_action": [call.pk]},
    )
    message = OutboxMessage.objects.get()
    assert (message.kind, message.to) == ("facture", "finances@mairie-exemple.fr")
    assert message.status == OutboxMessage.Status.SENT
    call.refresh_from_db()
    assert message.attachment_names == [call.documents.get().filename]
    assert call.sent_at is not None
