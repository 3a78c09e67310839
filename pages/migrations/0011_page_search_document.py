"""The pages' stored, indexed search document (rfve_site/fulltext.py)."""

from django.db import migrations

from rfve_site.fulltext import SearchIndex


class Migration(migrations.Migration):
    dependencies = [("pages", "0010_seed_legacy_redirects")]

    operations = [
        SearchIndex(table="pages_page", title="title", text=["summary", "body"]).operation(),
    ]
