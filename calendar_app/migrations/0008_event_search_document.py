"""The events' stored, indexed search document (rfve_site/fulltext.py), in
place of the GIN index on an expression that every search recomputed for each
matched event."""

from django.db import migrations

from rfve_site.fulltext import SearchIndex

EVENT_INDEX = SearchIndex(
    table="calendar_app_event",
    title="title",
    text=["summary", "description", "place"],
)


def drop_expression_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS event_search_vector")


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0007_event_type_is_rencontres")]

    operations = [
        migrations.RunPython(drop_expression_index, migrations.RunPython.noop),
        EVENT_INDEX.operation(),
    ]
