import datetime as dt
from zoneinfo import ZoneInfo

import factory

from calendar_app.models import Event, EventType
from members.communes import normalise_name
from members.models import LocalAuthority, Mandate, Member, Person, WorkingGroup

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


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ["code"]

    kind = LocalAuthority.Kind.COMMUNE
    code = factory.Sequence(lambda n: f"{69000 + n}")
    name = factory.Sequence(lambda n: f"Ville-Éducatrice-{n}")
    search_name = factory.LazyAttribute(lambda o: normalise_name(o.name))
    department_code = "69"
    department_name = "Rhône"
    region_code = "84"
    region_name = "Auvergne-Rhône-Alpes"
    postcodes = factory.LazyAttribute(lambda o: o.code)
    siren = factory.Sequence(lambda n: f"{216900000 + n}")
    population = 25_000
    population_year = 2022


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    authority = factory.SubFactory(LocalAuthorityFactory)
    member_since = dt.date(2015, 1, 1)
    siret = factory.LazyAttribute(lambda o: f"{o.authority.siren}00017")
    finance_contact_name = "Service des finances"
    finance_contact_email = factory.Sequence(lambda n: f"finances{n}@ville.example")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Camille{n}")
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    member = factory.SubFactory(MemberFactory)
    email = factory.Sequence(lambda n: f"elu{n}@ville.example")
    phone = "04 00 00 00 00"


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    name = factory.Sequence(lambda n: f"Groupe de travail thématique {n}")
    slug = factory.Sequence(lambda n: f"groupe-thematique-{n}")


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    person = factory.SubFactory(PersonFactory)
    body = Mandate.Body.BUREAU
    role = Mandate.Role.MEMBER
    start = dt.date(2024, 1, 1)
