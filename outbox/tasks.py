"""The outbox's background task: one try at sending one message."""

from django.tasks import task

from . import sending


# Ahead of long jobs (a campaign's invoices) waiting in the same queue.
@task(priority=50)
def send_message(message_id: int) -> str:
    return sending.attempt(message_id)
