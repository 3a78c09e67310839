from django.db import migrations


def drop_unused_table(apps, schema_editor):
    """django-auditlog's migrations create its own `auditlog_logentry` even
    though AUDITLOG_LOGENTRY_MODEL points to `audit.AuditEntry`: an unused
    table whose foreign key to the users made PostgreSQL refuse `flush`
    (TRUNCATE of auth_user). Dropped; nothing reads or writes it."""
    cascade = " CASCADE" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP TABLE IF EXISTS auditlog_logentry{cascade}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(drop_unused_table, migrations.RunPython.noop)]
