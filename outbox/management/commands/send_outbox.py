from django.core.management.base import BaseCommand
from django.utils import timezone

from outbox.sending import send_due


class Command(BaseCommand):
    help = (
        "Enqueue a try for outbox messages whose try is overdue (a task lost "
        "with its database row, say). Harmless to run often: cron, every 10 min."
    )

    def handle(self, *args, **options):
        count = send_due(timezone.now())
        if count:
            self.stdout.write(f"{count} courriel(s) remis en file d’envoi.")
