"""The Secrétariat handles the contact inbox; the Bureau does not see it
(personal data, read by those who answer)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("pages")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    inbox = Permission.objects.filter(
        content_type__app_label="pages", content_type__model="contactmessage"
    )
    for group in Group.objects.filter(name="Secrétariat"):
        group.permissions.add(*inbox)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(
        content_type__app_label="pages", content_type__model="contactmessage"
    ):
        permission.group_set.clear()


class Migration(migrations.Migration):
    dependencies = [("pages", "0004_contactmessage")]

    operations = [migrations.RunPython(grant, revoke)]
