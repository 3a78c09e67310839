import pytest

from calendar_app.models import Event
from tests.shared_data import load_demo, load_once_for_the_module


def multiply_events(factor: int):
    """Add copies of every event on the same dates: `factor` times the data."""
    copies = []
    for event in Event.objects.all():
        for n in range(1, factor):
            copy = Event(
                **{
                    field.attname: getattr(event, field.attname)
                    for field in Event._meta.concrete_fields
                    if not field.primary_key
                }
            )
            copy.slug = f"{event.slug[:190]}-x{n}"
            copies.append(copy)
    Event.objects.bulk_create(copies)


@pytest.fixture(scope="module", params=[1, 10], ids=["demo-data", "ten-times-more"])
def _module_demo_scaled(request, django_db_setup, django_db_blocker):
    def load():
        load_demo()
        if request.param > 1:
            multiply_events(request.param)

    yield from load_once_for_the_module(django_db_blocker, load)


@pytest.fixture
def demo_scaled(request, _module_demo_scaled, db):
    """The demo data, then ten times as many events: loaded once per module
    and size (each test in a savepoint, as with `shared_demo`)."""
    return request.node.callspec.params["_module_demo_scaled"]


def pytest_terminal_summary(terminalreporter):
    from tests.quality.test_hostile_input import REQUESTS

    if REQUESTS["count"]:
        terminalreporter.write_line(f"hostile requests tried: {REQUESTS['count']}")
