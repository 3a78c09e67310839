from django.core.management.base import BaseCommand
from django.utils import timezone

from registrations import notices


class Command(BaseCommand):
    help = (
        "Email the confirmed registrants of the events whose reminder is due "
        "(RegistrationSettings.reminder_days before their first day). Run daily "
        "from cron; safe to run again or after a crash: each registration is "
        "reminded once per date of its event."
    )

    def handle(self, *args, **options):
        sent = notices.send_reminders(timezone.now())
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent."))
