"""PostgreSQL: the French text search configuration and a GIN index on the
events' search vector (calendar_app/search.py), so that the site search reads
the index instead of parsing every event. Nothing on SQLite.

Both were created by pages 0003 and 0006 before the index came home to the
app that owns the table: on those databases this finds them and does
nothing. tests/pages/test_search.py checks that PostgreSQL uses the index."""

from django.db import migrations

from calendar_app.search import SEARCH_INDEX_NAME, search_index
from rfve_site.fulltext import CREATE_CONFIGURATION, DROP_CONFIGURATION


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_CONFIGURATION)
    event = apps.get_model("calendar_app", "Event")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(
            cursor, event._meta.db_table
        )
    if SEARCH_INDEX_NAME not in existing:
        schema_editor.add_index(event, search_index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX_NAME}")
    schema_editor.execute(DROP_CONFIGURATION)


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0005_clean_text_fields")]

    operations = [migrations.RunPython(create, drop)]
