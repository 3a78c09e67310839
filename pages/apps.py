from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "pages et informations légales"

    def ready(self):
        from rfve_site.groups import apply_groups
        from rfve_site.page_cache import every_page_shows

        from .chrome import CHROME_MODELS
        from .search import register_sqlite_function

        # Every cached page shows the header and footer.
        every_page_shows(*CHROME_MODELS)

        connection_created.connect(register_sqlite_function)
        # pages comes last in INSTALLED_APPS: the groups span every app.
        post_migrate.connect(apply_groups, sender=self, dispatch_uid="apply_groups")
        # The database cache's table (CACHE_URL=dbcache://), with every migrate.
        post_migrate.connect(
            create_cache_table, sender=self, dispatch_uid="create_cache_table"
        )


def create_cache_table(using, verbosity=0, **kwargs):
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=verbosity)
