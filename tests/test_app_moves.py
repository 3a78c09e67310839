"""Moving the dues out of `members` and the association's settings out of
`pages` keeps every row, and the permissions, group grants and admin history
of the moved models (their content types move with them)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from association.models import SiteSettings
from dues.models import DuesCall, DuesScale, InvoiceSequence, Payment, Reminder

# The last migrations before the moves.
BEFORE = [
    ("members", "0005_coded_field_validators"),
    ("pages", "0007_clean_text_fields"),
]


def _migrate_back():
    """The database before the moves; returns the models of that time."""
    executor = MigrationExecutor(connection)
    # news, registrations and the later apps (members' area, mailings,
    # general assembly) came after the moves and depend on them: unapplied too.
    later = {"news", "registrations", "espace", "mailings", "assembly"}
    moved = {"members", "pages", "dues", "association"} | later
    nodes = [
        node for node in executor.loader.graph.leaf_nodes() if node[0] not in moved
    ] + BEFORE
    executor.migrate(
        nodes
        + [
            ("assembly", None),
            ("mailings", None),
            ("espace", None),
            ("registrations", None),
            ("news", None),
            ("dues", None),
            ("association", None),
        ]
    )
    return executor.loader.project_state(nodes).apps


def _migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_rows(apps):
    """What a database had before the moves: a dues call with its payment and
    reminder, a scale, a counter, the association's settings, a group granted a
    dues permission and an admin log entry on the call."""
    authority = apps.get_model("members", "LocalAuthority").objects.create(
        kind="commune", code="69266", name="Villeurbanne", search_name="villeurbanne"
    )
    member = apps.get_model("members", "Member").objects.create(
        authority=authority, slug="villeurbanne"
    )
    scale = apps.get_model("members", "DuesScale").objects.create(year=2027)
    apps.get_model("members", "DuesBracket").objects.create(
        scale=scale, min_population=0, amount=Decimal("900")
    )
    call = apps.get_model("members", "DuesCall").objects.create(
        member=member, year=2027, number=1, amount=Decimal("900")
    )
    apps.get_model("members", "InvoiceSequence").objects.create(
        year=2027, last_number=1
    )
    apps.get_model("members", "Payment").objects.create(
        call=call, paid_on=dt.date(2027, 3, 1), amount=Decimal("400"), method="cheque"
    )
    step, _ = apps.get_model("members", "ReminderStep").objects.get_or_create(
        days_after_due=30, defaults={"subject": "Relance", "body": "Relance"}
    )
    apps.get_model("members", "Reminder").objects.create(
        call=call, step=step, recipient="finances@villeurbanne.example"
    )
    apps.get_model("pages", "SiteSettings").objects.create(
        pk=1, name="Réseau de test", siret="12345678900011"
    )
    Permission = apps.get_model("auth", "Permission")
    ContentTypeThen = apps.get_model("contenttypes", "ContentType")
    call_type = ContentTypeThen.objects.get(app_label="members", model="duescall")
    auditors = apps.get_model("auth", "Group").objects.create(name="Commissaires")
    auditors.permissions.add(
        Permission.objects.get(content_type=call_type, codename="view_duescall"),
        Permission.objects.get(
            content_type__app_label="pages", codename="change_sitesettings"
        ),
    )
    user = apps.get_model("auth", "User").objects.create(username="tresoriere")
    apps.get_model("admin", "LogEntry").objects.create(
        user=user,
        content_type=call_type,
        object_id=str(call.pk),
        object_repr="Cotisation 2027 – Villeurbanne",
        action_flag=CHANGE,
    )
    return call.pk


# Schema changes: outside a transaction. Like any transactional test, it
# leaves the tables flushed.
@pytest.mark.django_db(transaction=True)
def test_moves_keep_rows_grants_and_history(django_user_model):
    call_pk = _old_rows(_migrate_back())

    _migrate_forward()
    ContentType.objects.clear_cache()

    call = DuesCall.objects.get()
    assert call.pk == call_pk and call.member.name == "Villeurbanne"
    assert call.invoice_number == "2027-0001"
    assert [p.amount for p in call.payments.all()] == [Decimal("400")]
    assert Reminder.objects.get().call == call
    assert DuesScale.objects.get().brackets.count() == 1
    assert InvoiceSequence.objects.get().last_number == 1
    assert SiteSettings.load().siret == "12345678900011"
    # New rows still get fresh ids from the renamed tables.
    Payment.objects.create(
        call=call, paid_on=dt.date(2027, 3, 2), amount=Decimal("500"), method="cheque"
    )
    assert call.payments.count() == 2

    # The content types moved: no stale ones, the grants and history follow.
    assert not ContentType.objects.filter(
        app_label="members", model__in=["duescall", "payment", "reminder"]
    ).exists()
    assert not ContentType.objects.filter(app_label="pages", model="sitesettings")
    auditors = Group.objects.get(name="Commissaires")
    user = django_user_model.objects.create_user("commissaire", is_staff=True)
    user.groups.add(auditors)
    assert user.has_perm("dues.view_duescall")
    assert user.has_perm("association.change_sitesettings")
    assert LogEntry.objects.get().get_edited_object() == call
