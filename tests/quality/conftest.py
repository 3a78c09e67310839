import pytest

from calendar_app.models import Event


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


@pytest.fixture(params=[1, 10], ids=["demo-data", "ten-times-more"])
def demo_scaled(request, demo):
    """The demo data, then ten times as many events."""
    if request.param > 1:
        multiply_events(request.param)
    return request.param


def pytest_terminal_summary(terminalreporter):
    from tests.quality.test_hostile_input import REQUESTS

    if REQUESTS["count"]:
        terminalreporter.write_line(f"hostile requests tried: {REQUESTS['count']}")
