from django.core.management.base import BaseCommand
from django.utils import timezone

from dues.tasks import resume_stalled


class Command(BaseCommand):
    help = (
        "Enqueue again the invoice and reminder runs whose worker died (nothing "
        "is issued or reminded twice). Run by cron every few minutes and by the "
        "worker unit at start."
    )

    def handle(self, *args, **options):
        count = resume_stalled(timezone.now())
        if count:
            self.stdout.write(f"{count} run(s) resumed.")
