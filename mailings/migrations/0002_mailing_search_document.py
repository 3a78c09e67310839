"""The letters' stored, indexed search document (rfve_site/fulltext.py): the
archive's letters are in the site search."""

from django.db import migrations

from rfve_site.fulltext import SearchIndex


class Migration(migrations.Migration):
    dependencies = [("mailings", "0001_initial")]

    operations = [
        SearchIndex(table="mailings_mailing", title="subject", text=["body"]).operation(),
    ]
