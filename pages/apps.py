from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "pages et informations légales"

    def ready(self):
        # Sessions' clocks start at the sign-in (rfve_site/sessions.py).
        from django.contrib.auth.signals import user_logged_in

        from rfve_site.sessions import on_login

        user_logged_in.connect(on_login, dispatch_uid="rfve_session_clocks")

        # A second factor used or enrolled counts for this session.
        from allauth.mfa import signals as mfa_signals

        from rfve_site import two_factor
        from rfve_site.groups import apply_groups
        from rfve_site.page_cache import every_page_shows

        from .chrome import CHROME_MODELS

        mfa_signals.authenticator_used.connect(
            two_factor.on_factor_used, dispatch_uid="rfve_mfa_used"
        )
        mfa_signals.authenticator_added.connect(
            two_factor.on_factor_added, dispatch_uid="rfve_mfa_added"
        )

        # "1er janvier 2027" in every list and read-only field of the admin.
        from . import admin_dates

        admin_dates.install()

        # Every cached page shows the header and footer.
        every_page_shows(*CHROME_MODELS)

        # pages comes last in INSTALLED_APPS: the groups span every app.
        post_migrate.connect(apply_groups, sender=self, dispatch_uid="apply_groups")
        # The database cache's table (CACHE_URL=dbcache://), with every migrate.
        post_migrate.connect(
            create_cache_table, sender=self, dispatch_uid="create_cache_table"
        )


def create_cache_table(using, verbosity=0, **kwargs):
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=verbosity)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with the project's site (pages.admin_site) as its
    default: the dashboard spans every app, hence it lives in pages."""

    default = False  # PagesConfig is this module's default
    default_site = "pages.admin_site.SiteAdmin"
