from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "courriels envoyés"

    def ready(self):
        from . import webhooks  # noqa: F401 (records the provider's events)
