from django.core.management.base import BaseCommand
from django.utils import timezone

from registrations.purge import REGISTRATION_RETENTION, purge


class Command(BaseCommand):
    help = (
        "Erase registrations' accessibility and dietary needs once the event is "
        f"over, anonymise registrations {REGISTRATION_RETENTION.days} days after "
        "it, forget clients' address keys after a day (run daily from cron)."
    )

    def handle(self, *args, **options):
        counts = purge(timezone.now())
        self.stdout.write(
            f"{counts['needs']} registration(s) with needs erased, "
            f"{counts['anonymised']} anonymised, "
            f"{counts['forgotten']} client key(s) forgotten."
        )
