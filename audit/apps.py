from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "journal des modifications"

    def ready(self):
        from .updates import forbid_unlogged_updates

        forbid_unlogged_updates()
