from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Mailing


class LetterSitemap(Sitemap):
    def items(self):
        return Mailing.objects.archived_letters().only("slug", "updated_at")

    def lastmod(self, letter):
        return letter.updated_at


class LetterArchiveSitemap(Sitemap):
    def items(self):
        return ["mailings:letters", "mailings:subscribe"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"letter-archive": LetterArchiveSitemap, "letters": LetterSitemap}
