from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "pages et informations légales"
