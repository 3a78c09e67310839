"""History: created the French text search configuration on PostgreSQL.

calendar_app 0006 now creates it (if absent) with the events' search index,
which needs it: the lowest app that uses it owns it (rfve_site/fulltext.py)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pages", "0002_group_permissions")]

    operations = []
