"""SQLite under several workers (settings.SQLITE_OPTIONS): transactions that
read then write, as a registration does (count the places, then save), wait
for each other instead of failing with "database is locked"."""

import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction

WORKERS = 6


def _alias(tmp_path, options: dict) -> str:
    alias = f"concurrency_{len(connections.settings)}"
    configured = connections.configure_settings(
        {
            "default": settings.DATABASES["default"],
            alias: {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "concurrency.sqlite3"),
                "OPTIONS": options,
            },
        }
    )
    connections.settings[alias] = configured[alias]
    return alias


def _register(alias: str, errors: list, start: threading.Barrier) -> None:
    connection = connections[alias]
    try:
        start.wait()
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM registration")  # the places
                (taken,) = cursor.fetchone()
                time.sleep(0.05)  # rendering the answer, sending nothing yet
                cursor.execute("INSERT INTO registration (n) VALUES (%s)", [taken])
    except OperationalError as error:
        errors.append(str(error))
    finally:
        connection.close()


def _run(alias: str) -> tuple[list, list]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE registration (n INTEGER)")
    connection.close()
    errors, start = [], threading.Barrier(WORKERS)
    threads = [
        threading.Thread(target=_register, args=(alias, errors, start))
        for _ in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM registration ORDER BY n")
        counts = [n for (n,) in cursor.fetchall()]
    connection.close()
    return errors, counts


@pytest.fixture
def unblocked(django_db_blocker):
    known = set(connections.settings)
    with django_db_blocker.unblock():
        yield
    for alias in set(connections.settings) - known:  # other tests never see them
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def test_concurrent_registrations_wait_for_each_other(tmp_path, unblocked):
    errors, counts = _run(_alias(tmp_path, settings.SQLITE_OPTIONS))

    assert errors == []
    # Each saw the ones before it: no two counted the same places.
    assert counts == list(range(WORKERS))


def test_without_it_they_fail_with_database_is_locked(tmp_path, unblocked):
    """The control: the default (deferred) transactions fail as the probe saw."""
    errors, _counts = _run(_alias(tmp_path, {"timeout": 20}))

    assert errors and all("database is locked" in error for error in errors)
