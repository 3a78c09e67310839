from django.core.management.base import BaseCommand
from django.utils import timezone

from pages.contact import MESSAGE_RETENTION, purge


class Command(BaseCommand):
    help = (
        f"Delete contact messages older than {MESSAGE_RETENTION.days} days and "
        "forget the senders' address keys after a day (run daily from cron)."
    )

    def handle(self, *args, **options):
        deleted, forgotten = purge(timezone.now())
        self.stdout.write(
            f"{deleted} message(s) deleted, {forgotten} sender key(s) forgotten."
        )
