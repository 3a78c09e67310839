"""The mailings' background work: one batch a task, each enqueueing the next
after the pause that keeps to MAILINGS_PER_MINUTE (emails waiting in the
same queue go out between batches). A mailing whose worker died is enqueued
again by `manage.py resume_mailings` (cron, and the worker unit at start);
two tasks on one mailing never send anybody twice (mailings.sending)."""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from . import sending
from .models import Mailing

# A mailing untouched for this long is presumed interrupted.
STALLED_AFTER = dt.timedelta(minutes=10)


@task
def send_batch(mailing_id: int) -> str:
    if not sending.batch(mailing_id):
        return "done"
    following = send_batch
    if send_batch.get_backend().supports_defer:
        following = send_batch.using(run_after=timezone.now() + sending.pause())
    following.enqueue(mailing_id)
    return "continued"


def resume_stalled(now: dt.datetime) -> int:
    stalled = list(Mailing.objects.stalled(now, STALLED_AFTER + sending.pause()))
    for mailing in stalled:
        Mailing.objects.filter(pk=mailing.pk).update(heartbeat_at=now)
        send_batch.enqueue(mailing.pk)
    return len(stalled)
