from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TableVersionsConfig(AppConfig):
    name = "table_versions"
    verbose_name = "versions des tables"

    def ready(self):
        from .triggers import install_triggers

        # After every migrate (and every flush that restores the database):
        # the tables exist by then, and a table that SQLite rebuilt to alter
        # it has lost its triggers.
        post_migrate.connect(
            install_triggers, sender=self, dispatch_uid="install_table_triggers"
        )
