"""The association's settings move to the `association` app (association
0001): the table is renamed, not copied; this app forgets the model."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('pages', '0007_clean_text_fields'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='sitesettings', table='association_sitesettings'),
            ],
            state_operations=[
                migrations.DeleteModel(
                    name='SiteSettings',
                ),
            ],
        ),
    ]
