from django.core.management.base import BaseCommand
from django.utils import timezone

from mailings.tasks import resume_stalled


class Command(BaseCommand):
    help = "Enqueue again the mailings whose sending was interrupted."

    def handle(self, *args, **options):
        count = resume_stalled(timezone.now())
        self.stdout.write(f"{count} envoi(s) repris.")
