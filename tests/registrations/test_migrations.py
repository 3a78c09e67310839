"""Migrating forward keeps what registrants typed on the orders: it becomes
their proposal, and the order waits for the secretariat's confirmation."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("registrations", "0004_eventday_registration_updated_at")


# Schema changes: outside a transaction (the database is flushed afterwards).
@pytest.mark.django_db(transaction=True)
def test_typed_order_data_become_the_first_registrations_proposal():
    executor = MigrationExecutor(connection)
    nodes = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] != "registrations"
    ] + [BEFORE]
    executor.migrate(nodes)
    apps = executor.loader.project_state(nodes).apps
    authority = apps.get_model("members", "LocalAuthority").objects.create(
        kind="commune", code="75056", name="Paris", search_name="paris"
    )
    event_type = apps.get_model("calendar_app", "EventType").objects.create(
        name="Rencontres nationales", slug="rencontres-nationales"
    )
    event = apps.get_model("calendar_app", "Event").objects.create(
        event_type=event_type,
        title="Rencontres",
        slug="rencontres",
        starts_at=dt.datetime(2030, 3, 12, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 3, 12, 17, tzinfo=dt.UTC),
    )
    order = apps.get_model("registrations", "Order").objects.create(
        event=event, authority=authority, service_code="WRONG-SERVICE"
    )
    Registration = apps.get_model("registrations", "Registration")
    first = Registration.objects.create(
        event=event,
        first_name="Anne",
        last_name="Vidal",
        email="anne@example.org",
        order=order,
        created_at=dt.datetime(2030, 1, 5, 10, tzinfo=dt.UTC),
    )
    Registration.objects.create(
        event=event,
        first_name="Paul",
        last_name="Martin",
        email="paul@example.org",
        order=order,
        created_at=dt.datetime(2030, 1, 6, 10, tzinfo=dt.UTC),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from registrations.models import Order

    order = Order.objects.get(pk=order.pk)
    (proposal,) = order.billing_proposals.all()
    assert (proposal.registration_id, proposal.service_code) == (
        first.pk,
        "WRONG-SERVICE",
    )
    assert proposal.created_at == first.created_at
    assert order.billing_confirmed_at is None
