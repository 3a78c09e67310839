from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from members.communes import DATA_FILE, load_reference


class Command(BaseCommand):
    help = (
        "Load the official list of communes and EPCI shipped with the project "
        f"({DATA_FILE.name}). Safe to run again: writes only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE)

    @transaction.atomic
    def handle(self, *args, **options):
        summary = load_reference(options["file"])
        self.stdout.write(self.style.SUCCESS(str(summary)))
