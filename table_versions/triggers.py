"""The database's own triggers that move a table's version (TableVersion) on
every write to it, whoever writes (the ORM, bulk update(), raw SQL, loaddata,
another program), installed after every migrate for each model of
VERSIONED_MODELS (rfve_site/data_version.py).

A version is the time of the change in microseconds, or one more than the
previous version if that is later: it only grows, even after its row was
emptied (flush) or a transaction rolled back, so a cache key never names two
contents. Statement-level triggers on PostgreSQL (one update per statement,
TRUNCATE included); SQLite has row-level ones only. The version row is
locked until the writing transaction ends: two transactions writing the same
table wait for each other's commit, which the site's short transactions
allow."""

from django.apps import apps
from django.db import connections

from rfve_site.data_version import VERSION_TABLE, VERSIONED_MODELS

SQLITE_PREFIX = "table_versions_"
POSTGRES_TRIGGER = "table_versions_bump"
NOW = {
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)",
    "postgresql": "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint",
}


def versioned_tables(connection) -> list[str]:
    """The declared models' tables that exist in this database."""
    existing = set(connection.introspection.table_names())
    tables = {apps.get_model(label)._meta.db_table for label in VERSIONED_MODELS}
    return sorted(tables & existing)


def install_triggers(using="default", **kwargs) -> None:
    connection = connections[using]
    if connection.vendor not in NOW:
        raise NotImplementedError(f"no table version triggers for {connection.vendor}")
    if VERSION_TABLE not in connection.introspection.table_names():
        return  # migrated back before table_versions
    tables = versioned_tables(connection)
    install = _install_sqlite if connection.vendor == "sqlite" else _install_postgres
    with connection.cursor() as cursor:
        install(cursor, connection.ops.quote_name, tables)
        for table in tables:
            cursor.execute(
                f"INSERT INTO {VERSION_TABLE} (name, version) "
                f"VALUES (%s, {NOW[connection.vendor]}) ON CONFLICT (name) DO NOTHING",
                [table],
            )


def _install_sqlite(cursor, quote, tables) -> None:
    # Dropped first, all of them: a rebuilt or renamed table keeps none of
    # its triggers, or ones naming its former name.
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
        [SQLITE_PREFIX + "%"],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP TRIGGER {quote(name)}")
    for table in tables:
        literal = table.replace("'", "''")
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = quote(f"{SQLITE_PREFIX}{table}_{event.lower()}")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {quote(table)} BEGIN "
                f"INSERT INTO {VERSION_TABLE} (name, version) "
                f"VALUES ('{literal}', {NOW['sqlite']}) "
                "ON CONFLICT (name) DO UPDATE "
                "SET version = MAX(version + 1, excluded.version); END"
            )


def _install_postgres(cursor, quote, tables) -> None:
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {POSTGRES_TRIGGER}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO {VERSION_TABLE} (name, version) "
        f"VALUES (TG_TABLE_NAME, {NOW['postgresql']}) "
        "ON CONFLICT (name) DO UPDATE SET version = "
        f"GREATEST({VERSION_TABLE}.version + 1, EXCLUDED.version); "
        "RETURN NULL; END $$"
    )
    # Tables no longer declared lose theirs.
    cursor.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = %s",
        [POSTGRES_TRIGGER],
    )
    for (table,) in cursor.fetchall():
        if table not in tables:
            cursor.execute(f"DROP TRIGGER {POSTGRES_TRIGGER} ON {quote(table)}")
    for table in tables:
        cursor.execute(
            f"CREATE OR REPLACE TRIGGER {POSTGRES_TRIGGER} "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_TRIGGER}()"
        )
