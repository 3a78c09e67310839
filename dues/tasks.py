"""The dues' background work: issuing a selection of invoices, sending the
reminders due.

Each invoice is its own transaction, under a lock on its call that skips a
call already issued (invoices.issue_invoice): a run interrupted anywhere
keeps what it issued, and running it again, even twice at once, issues
nothing twice. A run works in chunks, each task enqueueing the next, so that
emails waiting in the same queue go out between chunks; a run whose worker
died is enqueued again by `manage.py resume_issue_runs` (cron, and the
worker unit at start).

Reminders work the same way: each reminder is logged in the transaction that
writes its email to the outbox, and the log allows one reminder per call and
step, so a reminder run resumed, or two at once, reminds nobody twice."""

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import reminders
from .errors import DuesError
from .invoices import issue_invoice
from .models import DuesCall, IssueRun, ReminderRun

CHUNK = 10
# A run untouched for this long is presumed interrupted (one invoice takes
# about half a second).
STALLED_AFTER = dt.timedelta(minutes=2)


@task
def issue_run(run_id: int) -> str:
    run = IssueRun.objects.filter(pk=run_id).first()
    if run is None or run.finished_at:
        return "done"
    for call in run.pending()[:CHUNK]:
        try:
            issue_invoice(call, today=timezone.localdate())
        except DuesError as error:
            with transaction.atomic():
                run = IssueRun.objects.select_for_update().get(pk=run_id)
                run.errors = [*run.errors, {"call": call.pk, "error": str(error)}]
                run.save(update_fields=["errors"])
        IssueRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())
    run.refresh_from_db()
    if run.pending().exists():
        issue_run.enqueue(run_id)
        return "continued"
    IssueRun.objects.filter(pk=run_id).update(finished_at=timezone.now())
    return "done"


def start(calls, user) -> IssueRun:
    """A run for the calls not issued yet, enqueued when the transaction
    commits (with the database backend, in the same transaction)."""
    with transaction.atomic():
        run = IssueRun.objects.create(created_by=user)
        run.calls.set(calls.filter(number__isnull=True))
        issue_run.enqueue(run.pk)
    return run


@task
def remind_run(run_id: int) -> str:
    run = ReminderRun.objects.filter(pk=run_id).first()
    if run is None or run.finished_at:
        return "done"
    steps = reminders.steps_in_order()
    chunk = list(run.pending()[:CHUNK])
    # Due again now, on the run's day: a call paid, mandated or reminded
    # since the run was launched is left out.
    due = {
        call.pk: (call, step)
        for call, step in reminders.reminders_due(
            DuesCall.objects.filter(pk__in=[call.pk for call in chunk]),
            today=run.day,
        )
    }
    for call in chunk:
        try:
            if call.pk not in due:
                raise reminders.AlreadyReminded
            reminders.remind(*due[call.pk], steps, run=run)
        except reminders.AlreadyReminded:
            if not call.reminders.filter(run=run).exists():
                _note(run_id, "skipped", call, "reason", NOT_DUE)
        except DuesError as error:
            _note(run_id, "errors", call, "error", str(error))
        ReminderRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())
    run.refresh_from_db()
    if run.pending().exists():
        remind_run.enqueue(run_id)
        return "continued"
    ReminderRun.objects.filter(pk=run_id).update(finished_at=timezone.now())
    return "done"


NOT_DUE = (
    "n’était plus à relancer (payé, mandaté, marqué « ne pas relancer » ou "
    "déjà relancé entre-temps)"
)


def _note(run_id: int, field: str, call: DuesCall, key: str, text: str) -> None:
    with transaction.atomic():
        run = ReminderRun.objects.select_for_update().get(pk=run_id)
        setattr(run, field, [*getattr(run, field), {"call": call.pk, key: text}])
        run.save(update_fields=[field])


def start_reminders(calls, user, today: dt.date) -> ReminderRun | None:
    """A run for the calls of `calls` due a reminder `today`, enqueued in
    the same transaction; None if there is none."""
    due = [call for call, _step in reminders.reminders_due(calls, today=today)]
    if not due:
        return None
    with transaction.atomic():
        run = ReminderRun.objects.create(created_by=user, day=today)
        run.calls.set(due)
        remind_run.enqueue(run.pk)
    return run


def resume_stalled(now: dt.datetime) -> int:
    count = 0
    for model, task_ in ((IssueRun, issue_run), (ReminderRun, remind_run)):
        for run in list(model.objects.stalled(now, STALLED_AFTER)):
            model.objects.filter(pk=run.pk).update(heartbeat_at=now)
            task_.enqueue(run.pk)
            count += 1
    return count
