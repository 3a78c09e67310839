import django.utils.timezone
from django.db import migrations, models


def updated_at(model_name):
    return migrations.AddField(
        model_name=model_name,
        name="updated_at",
        field=models.DateTimeField(
            auto_now=True,
            default=django.utils.timezone.now,
            verbose_name="modifié le",
        ),
        preserve_default=False,
    )


class Migration(migrations.Migration):
    """Cached pages are keyed by these tables' version (count and latest
    updated_at, rfve_site/data_version.py); existing rows take the time of
    the migration."""

    dependencies = [("members", "0010_member_workinggroup_updated_at")]

    operations = [updated_at("localauthority"), updated_at("person"), updated_at("mandate")]
