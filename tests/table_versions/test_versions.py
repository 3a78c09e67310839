"""Table versions (rfve_site/data_version.py, table_versions/): every write
moves its table's version, whoever writes, and reading versions costs the
same whatever the tables' size."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendar_app.models import Event, EventType
from dues.models import Payment
from rfve_site.data_version import VERSIONED_MODELS, StampedQuerySet, data_version
from table_versions.triggers import install_triggers
from tests.factories import EventFactory, EventTypeFactory

pytestmark = pytest.mark.django_db


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_write_moves_the_version():
    event = EventFactory()
    versions = [data_version(Event)]

    event.title = "Autre titre"
    event.save()
    versions.append(data_version(Event))
    Event.objects.filter(pk=event.pk).update(place="Lyon")
    versions.append(data_version(Event))
    EventFactory()
    versions.append(data_version(Event))
    event.delete()
    versions.append(data_version(Event))

    assert len(set(versions)) == len(versions)


def test_raw_sql_moves_the_version_without_touching_updated_at():
    """What the former count and latest `updated_at` could not see."""
    event = EventFactory(title="Plénière")
    before = data_version(Event)
    table = connection.ops.quote_name(Event._meta.db_table)

    raw(f"UPDATE {table} SET title = %s WHERE id = %s", ["Bureau", event.pk])

    assert data_version(Event) != before


def test_a_table_version_is_its_own():
    EventFactory()
    events, types = data_version(Event), data_version(EventType)

    EventTypeFactory()

    assert data_version(Event) == events
    assert data_version(EventType) != types


def test_reading_versions_is_one_query_on_the_versions_table_only():
    """Its cost does not grow with the tables: no COUNT, no MAX, no scan."""
    EventFactory.create_batch(3)
    with CaptureQueriesContext(connection) as captured:
        data_version(Event, EventType)
    [query] = captured.captured_queries
    sql = query["sql"].upper()
    assert sql.count("FROM") == 1
    assert "FROM TABLE_VERSIONS " in sql
    assert "COUNT" not in sql


def test_a_model_without_a_version_is_refused():
    with pytest.raises(ImproperlyConfigured, match="VERSIONED_MODELS"):
        data_version(Payment)


def test_every_stamped_model_is_versioned():
    """A model stamped for the caches is declared in the one place."""
    stamped = {
        model._meta.label
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), StampedQuerySet)
    }
    assert stamped <= set(VERSIONED_MODELS)
    for label in VERSIONED_MODELS:
        apps.get_model(label)  # each names a model


def test_triggers_come_back_after_a_migration_drops_them():
    """A migration that rebuilds a table (SQLite) loses its triggers: they
    are installed again after every migrate."""
    table = Event._meta.db_table
    if connection.vendor == "sqlite":
        for event in ("insert", "update", "delete"):
            raw(f'DROP TRIGGER "table_versions_{table}_{event}"')
    else:
        raw(f'DROP TRIGGER table_versions_bump ON "{table}"')
    install_triggers(using="default")
    before = data_version(Event)

    EventFactory()

    assert data_version(Event) != before
