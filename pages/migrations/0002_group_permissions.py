"""The Secrétariat edits pages and the association's settings; the Bureau
may read them (groups created by members 0003)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("pages")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="pages")
    for group in Group.objects.filter(name="Secrétariat"):
        group.permissions.add(*ours)
    for group in Group.objects.filter(name="Bureau"):
        group.permissions.add(*ours.filter(codename__startswith="view_"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(content_type__app_label="pages"):
        permission.group_set.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("members", "0003_groups_and_reminder_steps"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
