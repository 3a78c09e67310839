from django.apps import AppConfig


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = "lettre d’information et envois"

    # What the apps beside it read without importing it (pages composes the
    # site's search, demo and privacy page from every app that offers them).
    searched_models = ("mailings.Mailing",)

    def site_search(self, query: str, words: list[str], limit: int):
        from .search import letter_hits

        return letter_hits(query, words, limit)

    def load_demo(self, today):
        from .demo import load

        return load(today)

    def privacy_processings(self, association):
        from .privacy import processings

        return processings(association)
