from django.urls import path

from . import feeds, views

app_name = "news"
urlpatterns = [
    path("actualites/", views.article_list, name="list"),
    path("actualites/flux.xml", feeds.ArticlesFeed(), name="rss"),
    path("actualites/atom.xml", feeds.ArticlesAtomFeed(), name="atom"),
    path("actualites/<year:year>/", views.year_archive, name="year"),
    path("actualites/categorie/<slug:slug>/", views.category, name="category"),
    path(
        "actualites/categorie/<slug:slug>/flux.xml",
        feeds.ArticlesFeed(),
        name="category-rss",
    ),
    path(
        "actualites/categorie/<slug:slug>/atom.xml",
        feeds.ArticlesAtomFeed(),
        name="category-atom",
    ),
    path("actualites/<slug:slug>/", views.article_detail, name="article"),
    path("presse/", views.press, name="press"),
    path("publications/", views.document_list, name="documents"),
    path("publications/<slug:slug>/", views.document_detail, name="document"),
    path("publications/<slug:slug>/telecharger/", views.download, name="download"),
]
