"""The official communes' stored, indexed search document
(rfve_site/fulltext.py): the site search finds member cities by name,
department and region."""

from django.db import migrations

from rfve_site.fulltext import SearchIndex


class Migration(migrations.Migration):
    dependencies = [("members", "0007_population_municipale_wording")]

    operations = [
        SearchIndex(
            table="members_localauthority",
            title="name",
            text=["department_name", "region_name"],
        ).operation(),
    ]
