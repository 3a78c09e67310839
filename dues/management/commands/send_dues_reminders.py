from django.core.management.base import BaseCommand
from django.utils import timezone

from dues import tasks
from dues.models import DuesCall


class Command(BaseCommand):
    help = (
        "Send the dues reminders that are due today (schedule: « calendrier des "
        "relances » in the admin) through the background worker, as « Relancer "
        "maintenant » does (admin « Envois de relances »). Run daily from cron; "
        "safe to run again: a step is never sent twice to the same call."
    )

    def handle(self, *args, **options):
        run = tasks.start_reminders(DuesCall.objects.all(), None, timezone.localdate())
        if run is None:
            self.stdout.write(self.style.SUCCESS("0 reminder(s) due."))
            return
        run.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.calls.count()} reminder(s) due: run {run.pk}, "
                + ("done." if run.finished_at else "sent by the background worker.")
            )
        )
