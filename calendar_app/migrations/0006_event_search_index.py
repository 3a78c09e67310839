"""PostgreSQL: the French text search configuration (rfve_site/fulltext.py).
Nothing on SQLite.

This migration also built a GIN index on an expression of the events' text,
which 0008 replaced by a stored search document; databases migrated since
never build it. The configuration stays when migrating back: the search
documents of other apps may depend on it."""

from django.db import migrations

from rfve_site.fulltext import CREATE_CONFIGURATION


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_CONFIGURATION)


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0005_clean_text_fields")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
