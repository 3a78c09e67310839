"""Reminders sent in the background ("Relancer maintenant" and the daily
command): the request answers at once with the run's page, the treasurer
follows its progress, and a run interrupted resumes without reminding
anybody twice."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dues import invoices, reminders, tasks
from dues.models import DuesCall, Reminder, ReminderRun
from outbox.models import OutboxMessage
from tests.factories import DuesCallFactory, MemberFactory, PaymentFactory

pytestmark = pytest.mark.django_db

LATE = dt.date(2027, 5, 5)  # 35 days after the invoices' due date, 31/03/2027


def _late_calls(count: int) -> list[DuesCall]:
    return [
        invoices.issue_invoice(
            DuesCallFactory(
                member=MemberFactory(finance_contact_email=f"finances{n}@ville.example")
            ),
            today=dt.date(2027, 3, 1),
        )
        for n in range(count)
    ]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(tasks, "CHUNK", 2)


@pytest.fixture
def treasurer(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="tresorerie", password="unused", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Trésorerie"))
    client.force_login(user)
    return client


def test_an_interrupted_reminder_run_resumes_and_reminds_each_call_once(
    small_chunks, monkeypatch
):
    calls = _late_calls(5)
    # The worker enqueues no continuation: it dies after each chunk.
    task = tasks.remind_run
    monkeypatch.setattr(tasks, "remind_run", SimpleNamespace(enqueue=lambda *a: None))
    run = tasks.start_reminders(DuesCall.objects.all(), None, LATE)
    assert run.calls.count() == 5 and not Reminder.objects.exists()
    task.call(run.pk)
    assert Reminder.objects.filter(run=run).count() == 2

    # The worker dies in the middle of the third reminder, after its log
    # line and before its email is in the outbox: neither stays.
    original = reminders._reminder_message

    def dies(call, *args):  # the run's third call, in the run's own order
        raise SystemExit("worker killed")

    monkeypatch.setattr(reminders, "_reminder_message", dies)
    with pytest.raises(SystemExit):
        task.call(run.pk)
    monkeypatch.setattr(reminders, "_reminder_message", original)
    assert Reminder.objects.count() == 2
    assert OutboxMessage.objects.count() == 2

    # Resumed by the cron's `resume_issue_runs` once it looks stalled; a
    # late second task for the same run does nothing more.
    monkeypatch.setattr(tasks, "remind_run", task)
    now = timezone.now()
    assert tasks.resume_stalled(now) == 0  # still fresh
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: now + tasks.STALLED_AFTER * 2)
        call_command("resume_issue_runs")
    tasks.remind_run.call(run.pk)
    run.refresh_from_db()
    assert run.finished_at is not None
    assert (run.errors, run.skipped) == ([], [])
    assert sorted(Reminder.objects.values_list("call_id", flat=True)) == sorted(
        call.pk for call in calls
    )
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        call.member.finance_contact_email for call in calls
    )
    assert OutboxMessage.objects.filter(kind="relance").count() == 5
    # Started again the same day: nothing is due any more.
    assert tasks.start_reminders(DuesCall.objects.all(), None, LATE) is None


def test_a_run_reminds_only_the_calls_still_due_when_their_turn_comes(monkeypatch):
    paid, no_address, late = _late_calls(3)
    task = tasks.remind_run
    monkeypatch.setattr(tasks, "remind_run", SimpleNamespace(enqueue=lambda *a: None))
    run = tasks.start_reminders(DuesCall.objects.all(), None, LATE)
    # Meanwhile: one call is paid, one member's finance contact is removed.
    PaymentFactory(call=paid, amount=paid.amount)
    no_address.member.finance_contact_email = ""
    no_address.member.save()
    task.call(run.pk)
    run.refresh_from_db()
    assert run.finished_at is not None
    assert [r.call for r in run.reminders.all()] == [late]
    assert [item["call"] for item in run.skipped] == [paid.pk]
    [error] = run.errors
    assert error["call"] == no_address.pk
    assert "aucune adresse de contact financier" in error["error"]
    assert [message.to for message in mail.outbox] == [
        [late.member.finance_contact_email]
    ]


def test_remind_now_answers_at_once_and_the_treasurer_follows_the_run(
    treasurer, settings, django_assert_max_num_queries
):
    """With the production backend the request only records the run and its
    task: no reminder is written, no email made, before it answers."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    calls = _late_calls(3)
    changelist = reverse("admin:dues_duescall_changelist")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda: LATE)
        with django_assert_max_num_queries(30):
            response = treasurer.post(
                changelist,
                {"action": "send_reminders", "_selected_action": [c.pk for c in calls]},
            )
    run = ReminderRun.objects.get()
    assert response["Location"] == reverse(
        "admin:dues_reminderrun_change", args=[run.pk]
    )
    assert not Reminder.objects.exists() and not OutboxMessage.objects.exists()
    [queued] = DBTaskResult.objects.filter(task_path="dues.tasks.remind_run")
    assert queued.args_kwargs["args"] == [run.pk]
    page = treasurer.get(response["Location"]).content.decode()
    assert "Envoi de 3 relance(s) lancé" in page
    assert "0 / 3 relance(s) envoyée(s), 0 écartée(s), 0 erreur(s)" in page
    assert "En cours" in page

    # The worker's turn (the task as `db_worker` runs it).
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    tasks.remind_run.call(run.pk)
    page = treasurer.get(response["Location"]).content.decode()
    assert "3 / 3 relance(s) envoyée(s), 0 écartée(s), 0 erreur(s)" in page
    assert "Terminé le" in page
    assert str(calls[0].member) in page and "Relance à 30 jours" in page
    assert calls[0].member.finance_contact_email in page


def test_nothing_due_starts_no_run(treasurer, monkeypatch):
    [call] = _late_calls(1)
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2027, 4, 2))
    response = treasurer.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "send_reminders", "_selected_action": [call.pk]},
        follow=True,
    )
    assert "Aucune relance à envoyer." in response.content.decode()
    assert not ReminderRun.objects.exists()


def test_the_daily_command_sends_through_a_run_the_admin_shows(
    admin_client, monkeypatch
):
    _late_calls(2)
    monkeypatch.setattr(timezone, "localdate", lambda: LATE)
    call_command("send_dues_reminders", stdout=io.StringIO())
    run = ReminderRun.objects.get()
    assert run.created_by is None and run.day == LATE
    assert run.reminders.count() == 2 and len(mail.outbox) == 2
    page = admin_client.get(
        reverse("admin:dues_reminderrun_change", args=[run.pk])
    ).content.decode()
    assert "l’envoi quotidien automatique" in page
    assert "2 / 2 relance(s) envoyée(s)" in page
