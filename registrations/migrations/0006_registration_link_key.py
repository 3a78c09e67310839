import secrets

from django.db import migrations, models

import registrations.models


def give_each_registration_its_key(apps, schema_editor):
    """Existing links (which carried the row's number) stop working: each
    registration gets its own secret; the person asks for the link again."""
    Registration = apps.get_model("registrations", "Registration")
    for registration in Registration.objects.only("pk").iterator():
        Registration.objects.filter(pk=registration.pk).update(
            link_key=secrets.token_urlsafe(16)
        )


class Migration(migrations.Migration):
    dependencies = [("registrations", "0005_rate_eligibility_and_billing_proposals")]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="link_key",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(give_each_registration_its_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="link_key",
            field=models.CharField(
                default=registrations.models.new_link_key,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
