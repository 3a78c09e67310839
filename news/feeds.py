"""RSS and Atom feeds of the news, all of it or one category."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from rfve_site.text import one_line

from .models import Article, Category

FEED_SIZE = 20


class ArticlesFeed(Feed):
    """Every text goes through one_line: XML 1.0 forbids control characters.
    Only published articles whose time has come, as everywhere."""

    def get_object(self, request, slug=None):
        return get_object_or_404(Category, slug=slug) if slug else None

    def title(self, category):
        name = "Actualités du Réseau français des villes éducatrices"
        return f"{name} – {one_line(category.name)}" if category else name

    def link(self, category):
        return category.get_absolute_url() if category else reverse("news:list")

    def description(self, category):
        if category and category.description:
            return one_line(category.description)
        return "Ce que dit et publie le réseau : plaidoyer, vie du réseau, rencontres."

    def items(self, category):
        articles = Article.objects.published().select_related("category")
        if category:
            articles = articles.filter(category=category)
        return articles[:FEED_SIZE]

    def item_title(self, article):
        return one_line(article.title)

    def item_description(self, article):
        # Readers take the description as HTML: plain text is escaped.
        return escape(one_line(article.lead))

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return max(article.updated_at, article.publish_at)

    def item_categories(self, article):
        return [one_line(article.category.name)]


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, category):
        return self.description(category)
