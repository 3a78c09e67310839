"""History: added the search index of calendar_app's events from here.

The index belongs to the app that owns the table: calendar_app 0006 creates
it (if absent), from the expression in calendar_app/search.py."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pages", "0005_contact_permissions")]

    operations = []
