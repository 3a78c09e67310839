from django.apps import AppConfig


class EspaceConfig(AppConfig):
    name = "espace"
    verbose_name = "Espace adhérents"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from pages import dashboard
        from pages import demo as pages_demo

        from . import access, demo, secretariat

        user_logged_in.connect(access.log_sign_in, dispatch_uid="espace_sign_in_log")
        pages_demo.register_later_loader(demo.load)
        dashboard.register_figures(dashboard.SECRETARIAT, secretariat.pending_figures)
