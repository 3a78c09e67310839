from django.apps import AppConfig


class EspaceConfig(AppConfig):
    name = "espace"
    verbose_name = "Espace adhérents"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from pages import dashboard

        from . import access, secretariat

        user_logged_in.connect(access.log_sign_in, dispatch_uid="espace_sign_in_log")
        dashboard.register_figures(dashboard.SECRETARIAT, secretariat.pending_figures)

    def load_demo(self, today):
        """Run by `manage.py load_demo` (pages reads the hook)."""
        from .demo import load

        return load(today)
