from django.apps import AppConfig


class AssociationConfig(AppConfig):
    name = "association"
    verbose_name = "association"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy check)
