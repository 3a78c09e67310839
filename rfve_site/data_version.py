"""Cached values keyed by the version of the data they were built from.

The version of a set of tables is the row count and the latest `updated_at`
of each, read in one query. Every process on every host computes the same key
from the database, so the request after a change builds the value again
wherever it lands, and no signal has to reach other processes' memory:

- save() stamps `updated_at` (auto_now), a deletion changes the count;
- `QuerySet.update()` skips auto_now: models whose rows feed a cached value
  use `StampedQuerySet`, whose update() (bulk_update() and the admin's bulk
  actions included) stamps `updated_at` too;
- loaddata keeps the fixture's `updated_at`: the tables then have the count
  and latest stamp they had when dumped, that is the content they had.

Not seen: raw SQL that leaves `updated_at` alone, and two writes committed in
the reverse order of their stamps within the same instant (clocks of two hosts
a few milliseconds apart, overlapping transactions); the cache timeout bounds
those. A value stored under an old version is never read again and expires.
"""

import functools
import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, models
from django.utils import timezone

DEFAULT_TIMEOUT = 3600  # seconds; only frees the space of old versions


class StampedQuerySet(models.QuerySet):
    """update() moves `updated_at` as save() does."""

    def update(self, **kwargs):
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


def data_version(*models: type[models.Model]) -> str:
    """Changes whenever a row of these models' tables is added, changed or
    deleted (they need an auto_now `updated_at` and a StampedQuerySet)."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(connection.vendor, models))
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:24]


@functools.cache
def _version_sql(vendor: str, models: tuple) -> str:
    """Built once per set of models: every cached page asks for it."""
    quote = connection.ops.quote_name
    columns = []
    for model in models:
        table = quote(model._meta.db_table)
        columns += [
            f"(SELECT COUNT(*) FROM {table})",
            f"(SELECT MAX({quote('updated_at')}) FROM {table})",
        ]
    return f"SELECT {', '.join(columns)}"


def cached(name: str, models: list, build: Callable, timeout=DEFAULT_TIMEOUT):
    """build(), cached under `name` and the version of `models`' tables."""
    return cache.get_or_set(f"{name}:{data_version(*models)}", build, timeout)
