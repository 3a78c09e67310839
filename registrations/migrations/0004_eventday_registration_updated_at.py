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

    dependencies = [("registrations", "0003_paying_orders_and_certificates")]

    operations = [updated_at("eventday"), updated_at("registration")]
