import django.utils.timezone
from django.db import migrations, models

from rfve_site.fulltext import SearchIndex


class Migration(migrations.Migration):
    """The site search's cached pages are keyed by this table's version
    (count and latest updated_at, rfve_site/data_version.py); existing rows
    take the time of the migration. On SQLite, adding the column rebuilds
    the table, which drops the search index's triggers: its SearchIndex runs
    again (idempotent on PostgreSQL)."""

    dependencies = [("members", "0010_member_workinggroup_updated_at")]

    operations = [
        migrations.AddField(
            model_name="localauthority",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True,
                db_index=True,
                default=django.utils.timezone.now,
                verbose_name="modifié le",
            ),
            preserve_default=False,
        ),
        SearchIndex(
            table="members_localauthority",
            title="name",
            text=["department_name", "region_name"],
        ).operation(),
    ]
