"""History: granted the pages' permissions to the Secrétariat and the Bureau.

Grants have one home now, rfve_site/groups.py, applied after every migrate."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = []
