import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Cached pages are keyed by these tables' version (count and latest
    updated_at, rfve_site/data_version.py); existing rows take the time of
    the migration."""

    dependencies = [("news", "0002_search_documents")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True,
                default=django.utils.timezone.now,
                verbose_name="modifié le",
            ),
            preserve_default=False,
        ),
    ]
