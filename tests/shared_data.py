"""Data set up once for many tests: the demo, and the way to share it."""

from contextlib import contextmanager

import pytest

_demo_documents: dict[str, bytes] = {}
_demo_snapshot = None  # SQLite: the database as the demo left it


@contextmanager
def documents_rendered_once():
    """The demo's invoices are the same snapshots in every test: each is
    rendered once per test session (a rendering takes a third of a second),
    then its bytes are reused."""
    import json

    from dues import documents

    render = documents.render

    def render_once(data: dict) -> bytes:
        key = json.dumps(data, sort_keys=True, default=str)
        if key not in _demo_documents:
            _demo_documents[key] = render(data)
        return _demo_documents[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "render", render_once)
        yield


def load_once_for_the_module(django_db_blocker, load):
    """Run `load()` in a transaction that stays open for the whole module,
    then rolled back: the module's tests (each in a savepoint inside it, as
    the `db` fixture gives) share its rows. pytest-django's recipe for data
    set up once (django_db_blocker), with the rollback of TestCase's
    setUpTestData. Yields for a module-scoped fixture."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            with override_settings(PASSWORD_HASHERS=fast):
                load()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def load_demo():
    """`manage.py load_demo`. In a test that commits (a live server: the
    browser tests) on SQLite's in-memory database, the first load is kept as a
    snapshot, with the invoices it issued, and the later ones copy both back
    (SQLite's backup API: milliseconds instead of seconds); the public media
    it wrote stay in the process's folder."""
    import shutil
    import sqlite3
    import tempfile
    from pathlib import Path

    from django.core.files.storage import storages
    from django.core.management import call_command
    from django.db import connection

    global _demo_snapshot
    snapshot = (
        connection.vendor == "sqlite"
        and connection.is_in_memory_db()
        and not connection.in_atomic_block
    )
    invoices = Path(storages["invoices"].location)
    if snapshot and _demo_snapshot is not None:
        database, files = _demo_snapshot
        connection.ensure_connection()
        database.backup(connection.connection)
        shutil.copytree(files, invoices, dirs_exist_ok=True)
        return
    with documents_rendered_once():
        call_command("load_demo", verbosity=0)
    if snapshot:
        database = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(database)
        files = Path(tempfile.mkdtemp(prefix="rfve-test-demo-invoices-"))
        if invoices.exists():
            shutil.copytree(invoices, files, dirs_exist_ok=True)
        _demo_snapshot = (database, files)
