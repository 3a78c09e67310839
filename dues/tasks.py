"""The dues' background work: issuing a selection of invoices.

Each invoice is its own transaction, under a lock on its call that skips a
call already issued (invoices.issue_invoice): a run interrupted anywhere
keeps what it issued, and running it again, even twice at once, issues
nothing twice. A run works in chunks, each task enqueueing the next, so that
emails waiting in the same queue go out between chunks; a run whose worker
died is enqueued again by `manage.py resume_issue_runs` (cron, and the
worker unit at start)."""

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .errors import DuesError
from .invoices import issue_invoice
from .models import IssueRun

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


def resume_stalled(now: dt.datetime) -> int:
    stalled = list(IssueRun.objects.stalled(now, STALLED_AFTER))
    for run in stalled:
        IssueRun.objects.filter(pk=run.pk).update(heartbeat_at=now)
        issue_run.enqueue(run.pk)
    return len(stalled)
