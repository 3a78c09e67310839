"""Cached values keyed by the version of the data they were built from.

Each table of VERSIONED_MODELS has a version row that the database's own
triggers move on every insert, update, deletion or truncation of its rows
(table_versions/triggers.py, installed after every migrate), whoever writes:
the ORM, bulk update(), raw SQL, loaddata, another program. The version of a
set of tables is read in one query of a few rows, whatever the tables' size,
and every process on every host computes the same key from the database, so
the request after a change builds the value again wherever it lands, and no
signal has to reach other processes' memory. A change is seen once its
transaction commits. A value stored under an old version is never read again
and expires.

To cache something built from a new table, declare its model in
VERSIONED_MODELS below (the one place) and run migrate: data_version()
refuses a model that is not declared.
"""

import functools
import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.utils import timezone

DEFAULT_TIMEOUT = 3600  # seconds; only frees the space of old versions
# The table of versions (model table_versions.TableVersion).
VERSION_TABLE = "table_versions"
# Every model whose rows feed a cached page or value ("app_label.Model").
VERSIONED_MODELS = (
    "association.SiteSettings",
    "members.LocalAuthority",
    "members.Member",
    "members.Person",
    "members.WorkingGroup",
    "members.Mandate",
    "calendar_app.EventType",
    "calendar_app.Event",
    "calendar_app.EventPhoto",
    "news.Category",
    "news.Article",
    "news.Document",
    "registrations.RegistrationSettings",
    "registrations.EventDay",
    "registrations.Registration",
    "pages.Page",
    "mailings.Mailing",
)


class StampedQuerySet(models.QuerySet):
    """update() moves `updated_at` as save() does (what the ETags and
    Last-Modified of single objects read; the versions need no stamp)."""

    def update(self, **kwargs):
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


def data_version(*models: type[models.Model]) -> str:
    """Changes whenever a row of these models' tables is added, changed or
    deleted (once the change is committed)."""
    sql, tables = _version_query(models)
    with connection.cursor() as cursor:
        cursor.execute(sql, tables)
        rows = cursor.fetchall()
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()[:24]


@functools.cache
def _version_query(models: tuple) -> tuple[str, list[str]]:
    """Built once per set of models: every cached page asks for it."""
    undeclared = [
        model._meta.label
        for model in models
        if model._meta.label not in VERSIONED_MODELS
    ]
    if undeclared:
        raise ImproperlyConfigured(
            f"{', '.join(undeclared)}: no table version; add it to "
            "VERSIONED_MODELS in rfve_site/data_version.py and run migrate."
        )
    tables = sorted({model._meta.db_table for model in models})
    placeholders = ", ".join(["%s"] * len(tables))
    sql = f"SELECT name, version FROM {VERSION_TABLE} WHERE name IN ({placeholders})"
    return sql, tables


def cached(name: str, models: list, build: Callable, timeout=DEFAULT_TIMEOUT):
    """build(), cached under `name` and the version of `models`' tables."""
    return cache.get_or_set(f"{name}:{data_version(*models)}", build, timeout)
