import datetime as dt
from zoneinfo import ZoneInfo

import factory

from calendar_app.models import Event, EventType

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> dt.datetime:
    """An aware Paris datetime: paris(2023, 2, 14, 10, 30)."""
    return dt.datetime(*args, tzinfo=PARIS)


class EventTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventType

    name = factory.Sequence(lambda n: f"Type de rendez-vous {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Groupe de travail {n}")
    slug = factory.Sequence(lambda n: f"groupe-de-travail-{n}")
    event_type = factory.SubFactory(EventTypeFactory)
    starts_at = paris(2023, 2, 14, 10)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    status = Event.Status.PUBLISHED
