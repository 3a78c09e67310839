"""/sitemap.xml: published pages, public events, member cities, published
articles and documents, and the sections built from data. Nothing a visitor
could not open."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from calendar_app.models import Event
from members.models import Member, WorkingGroup
from news.models import Article, Category, Document

from .models import Page
from .sections import SITEMAP_URL_NAMES


class PageSitemap(Sitemap):
    def items(self):
        # A page that introduces a view built from data is listed as that view.
        pages = Page.objects.published().order_by("path").only("path", "updated_at")
        return [page for page in pages if not page.introduces_data_page]

    def lastmod(self, page):
        return page.updated_at


class EventSitemap(Sitemap):
    def items(self):
        return Event.objects.public().order_by("-starts_at").only("slug", "updated_at")

    def lastmod(self, event):
        return event.updated_at


class CitySitemap(Sitemap):
    def items(self):
        return Member.objects.listed().only("slug")


class WorkingGroupSitemap(Sitemap):
    def items(self):
        return WorkingGroup.objects.active().only("slug")

    def location(self, group):
        return reverse("pages:group", kwargs={"slug": group.slug})


class ArticleSitemap(Sitemap):
    def items(self):
        # Published and due: a scheduled article appears at its time.
        return Article.objects.published().only("slug", "updated_at", "publish_at")

    def lastmod(self, article):
        return max(article.updated_at, article.publish_at)


class NewsCategorySitemap(Sitemap):
    def items(self):
        return Category.objects.only("slug")


class DocumentSitemap(Sitemap):
    def items(self):
        return Document.objects.published().only("slug", "updated_at")

    def lastmod(self, document):
        return document.updated_at


class SectionSitemap(Sitemap):
    def items(self):
        return SITEMAP_URL_NAMES

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "sections": SectionSitemap,
    "pages": PageSitemap,
    "groups": WorkingGroupSitemap,
    "events": EventSitemap,
    "cities": CitySitemap,
    "articles": ArticleSitemap,
    "news-categories": NewsCategorySitemap,
    "documents": DocumentSitemap,
}
