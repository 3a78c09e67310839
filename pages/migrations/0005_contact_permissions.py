"""History: granted the contact inbox to the Secrétariat.

Grants have one home now, rfve_site/groups.py, applied after every migrate."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pages", "0004_contactmessage")]

    operations = []
