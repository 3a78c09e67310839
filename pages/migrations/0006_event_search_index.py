"""History: added the search index of calendar_app's events from here.

The index belongs to the app that owns the table: calendar_app 0008 builds
the events' stored search document (rfve_site/fulltext.py)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pages", "0005_contact_permissions")]

    operations = []
