"""The articles' and documents' stored, indexed search documents
(rfve_site/fulltext.py)."""

from django.db import migrations

from rfve_site.fulltext import SearchIndex


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [
        SearchIndex(table="news_article", title="title", text=["lead", "body"]).operation(),
        SearchIndex(
            table="news_document", title="title", text=["summary", "body"]
        ).operation(),
    ]
