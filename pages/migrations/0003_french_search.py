"""PostgreSQL: the text search configuration of the site search, French
stemming after removing accents ("éducatives" finds "Education"). Nothing to
do on SQLite, whose search uses a Python function (pages/search.py).

The unaccent extension is trusted since PostgreSQL 13: the database's owner
may create it without being a superuser."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION french_unaccent "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
]
DROP = ["DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("pages", "0002_group_permissions")]

    operations = [migrations.RunPython(create, drop)]
