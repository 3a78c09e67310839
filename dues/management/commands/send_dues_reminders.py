from django.core.management.base import BaseCommand
from django.utils import timezone

from dues import reminders
from dues.models import DuesCall
from outbox.sending import kind


class Command(BaseCommand):
    help = (
        "Send the dues reminders that are due today (schedule: « calendrier des "
        "relances » in the admin). Run daily from cron; safe to run again: a "
        "step is never sent twice to the same call."
    )

    def handle(self, *args, **options):
        with kind("relance"):
            sent = reminders.send_reminders(
                DuesCall.objects.all(), today=timezone.localdate()
            )
        for reminder in sent:
            self.stdout.write(
                f"{reminder.call.invoice_number} {reminder.call.member}: "
                f"{reminder.step} → {reminder.recipient}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminder(s) sent."))
