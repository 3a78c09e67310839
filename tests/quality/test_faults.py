"""Faults: the database down, and backups that restore every row."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client

from tests.public_pages import iter_routes, public_urls

ROUTES = sorted(route.name for route in iter_routes())
# Pages that must answer without the database.
NO_DATABASE = {"health", "robots"}


def _database_down(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed")


@pytest.mark.parametrize("name", ROUTES)
def test_database_down_gives_a_french_503(name, shared_demo):
    url = public_urls()[name]
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(_database_down):
        response = client.get(url)
    if name in NO_DATABASE:
        assert response.status_code in (200, 302)
        return
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    if name != "ready":
        html = response.content.decode()
        assert "momentanément indisponible" in html
        assert '<html lang="fr">' in html
        assert "Traceback" not in html


def test_liveness_and_readiness(client, db):
    assert client.get("/sante/").content == b"ok"
    assert client.get("/sante/pret/").status_code == 200


# Models the backup covers: everything the site owns (not caches of Django's).
# The audit trail is left out: loading rows writes entries of its own (a
# backup of the trail is the database's own dump, pg_dump).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "audit.auditentry",
]


def _rows():
    rows = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in {"contenttypes", "sessions"} or label in {
            "auth.permission",
            "admin.logentry",
            # Moved by the database itself on every write, loaddata's included.
            "table_versions.tableversion",
            # Append-only: loading a backup adds the entries saying so.
            "audit.auditentry",
        }:
            continue
        objects = serializers.serialize(
            "python",
            model.objects.order_by("pk"),
            use_natural_foreign_keys=True,  # permissions get new ids on flush
            use_natural_primary_keys=True,
        )
        rows[label] = [_to_milliseconds(obj) for obj in objects]
    return rows


def _to_milliseconds(obj: dict) -> dict:
    """JSON backups keep datetimes to the millisecond (Django's encoder)."""
    fields = {
        name: value.replace(microsecond=value.microsecond // 1000 * 1000)
        if isinstance(value, dt.datetime)
        else value
        for name, value in obj["fields"].items()
    }
    return obj | {"fields": fields}


@pytest.mark.django_db(transaction=True)  # flush truncates: not inside a transaction
def test_dumpdata_loaddata_round_trip(demo, tmp_path):
    before = _rows()
    assert all(before[label] for label in ("calendar_app.event", "dues.duescall"))
    backup = tmp_path / "sauvegarde.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        *[f"--exclude={label}" for label in EXCLUDED],
        output=str(backup),
        verbosity=0,
    )
    call_command("flush", "--no-input", verbosity=0)
    assert _rows() != before
    call_command("loaddata", str(backup), verbosity=0, stdout=io.StringIO())
    assert _rows() == before
