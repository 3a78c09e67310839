"""`manage.py load_demo_assembly`: the demo assemblies (assembly/demo.py).
`manage.py load_demo` runs it (`--unload` before the agenda moves, then
without it at the end): `pages` cannot import this app, which sits above it."""

from django.core.management.base import BaseCommand
from django.db import transaction

from assembly import demo


class Command(BaseCommand):
    help = "Load the demo general assemblies (rebuilt on each run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--unload", action="store_true", help="Only remove the demo assemblies."
        )

    @transaction.atomic
    def handle(self, *args, unload=False, **options):
        if unload:
            demo.unload()
            return
        past, upcoming = demo.load()
        names = ", ".join(str(assembly) for assembly in (past, upcoming) if assembly)
        self.stdout.write(self.style.SUCCESS(f"Demo assemblies: {names}."))
