import django.utils.timezone
from django.db import migrations, models

from rfve_site.fulltext import SearchIndex


def updated_at(model_name, *, db_index=False):
    return migrations.AddField(
        model_name=model_name,
        name="updated_at",
        field=models.DateTimeField(
            auto_now=True,
            db_index=db_index,
            default=django.utils.timezone.now,
            verbose_name="modifié le",
        ),
        preserve_default=False,
    )


class Migration(migrations.Migration):
    """Cached pages are keyed by these tables' version (count and latest
    updated_at, rfve_site/data_version.py); existing rows take the time of
    the migration. Adding the column rebuilds the authorities' table on
    SQLite, which drops its search triggers: the index is recreated."""

    dependencies = [("members", "0010_member_workinggroup_updated_at")]

    operations = [
        # Indexed: some 35,000 communes, whose latest change the search's
        # cached pages read on every request.
        updated_at("localauthority", db_index=True),
        updated_at("person"),
        updated_at("mandate"),
        SearchIndex(
            table="members_localauthority",
            title="name",
            text=["department_name", "region_name"],
        ).operation(),
    ]
