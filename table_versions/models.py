from django.db import models

from rfve_site.data_version import VERSION_TABLE


class TableVersion(models.Model):
    """The version of one table: moved by the database's own triggers
    (triggers.py) on every insert, update, deletion or truncation of its rows,
    read by rfve_site/data_version.py. Never written by the application."""

    name = models.CharField("table", max_length=100, primary_key=True)
    version = models.BigIntegerField("version")

    class Meta:
        db_table = VERSION_TABLE
        verbose_name = "version d’une table"
        verbose_name_plural = "versions des tables"

    def __str__(self):
        return f"{self.name} : {self.version}"
