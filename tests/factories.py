import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from assembly.models import Assembly
from calendar_app.models import Event, EventPhoto, EventType
from dues.models import DuesBracket, DuesCall, DuesScale, Payment
from mailings.models import Mailing, Subscriber, Topic
from members.communes import normalise_name
from members.models import (
    LocalAuthority,
    Mandate,
    Member,
    Person,
    WorkingGroup,
)
from members.validators import with_luhn_key
from news.models import Article, Category, Document
from pages.models import Page
from registrations.models import Rate, Registration, RegistrationSettings

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


def _small_jpeg(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


class EventPhotoFactory(factory.django.DjangoModelFactory):
    """A gallery's photo (stored in MEDIA_ROOT, with its sizes)."""

    class Meta:
        model = EventPhoto

    event = factory.SubFactory(EventFactory)
    image = factory.LazyFunction(lambda: SimpleUploadedFile("photo.jpg", _small_jpeg()))
    alt = factory.Sequence(lambda n: f"Photo {n} de la table ronde")
    credit = "Camille Martin"
    consent = True


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
    siren = factory.Sequence(lambda n: with_luhn_key(f"{21690000 + n}"))
    population = 25_000
    population_year = 2022


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    authority = factory.SubFactory(LocalAuthorityFactory)
    member_since = dt.date(2015, 1, 1)
    siret = factory.LazyAttribute(lambda o: with_luhn_key(f"{o.authority.siren}0001"))
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


# --- Dues -------------------------------------------------------------------


class DuesScaleFactory(factory.django.DjangoModelFactory):
    """A scale with three brackets: 0–9 999: 300 €, 10 000–49 999: 900 €,
    50 000 and more: 2 500 €."""

    class Meta:
        model = DuesScale
        django_get_or_create = ["year"]
        skip_postgeneration_save = True

    year = 2027
    population_year = 2022  # LocalAuthorityFactory's
    first_year_rule = DuesScale.FirstYear.FULL

    @factory.post_generation
    def brackets(scale, create, extracted, **kwargs):
        if not create or scale.brackets.exists():
            return
        for low, high, amount in extracted or [
            (0, 9_999, "300"),
            (10_000, 49_999, "900"),
            (50_000, None, "2500"),
        ]:
            DuesBracket.objects.create(
                scale=scale,
                min_population=low,
                max_population=high,
                amount=Decimal(amount),
            )


class DuesCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DuesCall

    member = factory.SubFactory(MemberFactory)
    year = 2027
    amount = Decimal("900.00")
    scale_amount = factory.LazyAttribute(lambda o: o.amount)
    population = 25_000
    population_year = 2022
    due_on = dt.date(2027, 3, 31)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    call = factory.SubFactory(DuesCallFactory)
    paid_on = dt.date(2027, 3, 1)
    amount = Decimal("900.00")
    method = Payment.Method.TRANSFER


# --- Pages ------------------------------------------------------------------


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "Un paragraphe."
    is_published = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Rubrique {n}")
    slug = factory.Sequence(lambda n: f"rubrique-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Actualité du réseau {n}")
    slug = factory.Sequence(lambda n: f"actualite-{n}")
    category = factory.SubFactory(CategoryFactory)
    status = Article.Status.PUBLISHED
    publish_at = paris(2026, 3, 2, 9)
    lead = "Les villes éducatrices se réunissent."


# The smallest file that is a PDF by its content.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Publication {n}")
    slug = factory.Sequence(lambda n: f"publication-{n}")
    kind = Document.Kind.ADVOCACY
    date = dt.date(2025, 9, 24)
    file = factory.django.FileField(filename="texte.pdf", data=PDF_BYTES)
    is_published = True


class RegistrationSettingsFactory(factory.django.DjangoModelFactory):
    """Open registrations to an event in 2030, one day of 20 places."""

    class Meta:
        model = RegistrationSettings
        skip_postgeneration_save = True

    event = factory.SubFactory(
        EventFactory,
        starts_at=paris(2030, 3, 12, 9),
        ends_at=paris(2030, 3, 12, 17),
    )
    is_open = True

    @factory.post_generation
    def capacity(self, create, extracted, **kwargs):
        """capacity=N for every day of the event (None: no limit)."""
        if create:
            self.sync_days()
            self.days.update(capacity=20 if extracted is None else extracted)


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rate
        django_get_or_create = ["settings", "category"]

    settings = factory.SubFactory(RegistrationSettingsFactory)
    category = Rate.Category.NON_MEMBER
    amount = Decimal("90.00")


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration for every day of its event."""

    class Meta:
        model = Registration
        skip_postgeneration_save = True

    event = factory.LazyAttribute(lambda o: RegistrationSettingsFactory().event)
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin-{n}")
    email = factory.Sequence(lambda n: f"personne{n}@mairie.example")

    @factory.post_generation
    def days(self, create, extracted, **kwargs):
        if create:
            self.days.set(
                extracted
                if extracted is not None
                else self.event.registration_settings.days.all()
            )


# --- Newsletter and mailings --------------------------------------------------


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"abonne{n}@exemple.fr")

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class MailingFactory(factory.django.DjangoModelFactory):
    """A draft mailing to the member cities' people."""

    class Meta:
        model = Mailing

    subject = factory.Sequence(lambda n: f"Information aux villes {n}")
    body = "Bonjour,\n\nL'assemblée générale aura lieu le 12 mars : à bientôt !"
    to_representatives = True


class LetterFactory(MailingFactory):
    """A letter, sent (in the archive) unless started_at=None."""

    kind = Mailing.Kind.LETTER
    subject = factory.Sequence(lambda n: f"La lettre du réseau n° {n}")
    slug = factory.Sequence(lambda n: f"lettre-{n}")
    to_representatives = False
    started_at = dt.datetime(2026, 10, 5, 9, tzinfo=ZoneInfo("Europe/Paris"))
    finished_at = factory.LazyAttribute(lambda o: o.started_at)


# --- General assembly ---------------------------------------------------------


def assembly_event_type() -> EventType:
    return EventType.objects.get_or_create(
        slug="assemblee-generale", defaults={"name": "Assemblée générale"}
    )[0]


class AssemblyFactory(factory.django.DjangoModelFactory):
    """An assembly on 12 June 2027, roll cut off on 12 May (not convened)."""

    class Meta:
        model = Assembly

    event = factory.SubFactory(
        EventFactory,
        title="Assemblée générale 2027",
        event_type=factory.LazyFunction(assembly_event_type),
        starts_at=paris(2027, 6, 12, 10),
    )
    dues_year = 2027
    cutoff_date = dt.date(2027, 5, 12)


# --- Members' area ------------------------------------------------------------


class AreaAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "espace.AreaAccess"

    person = factory.SubFactory(PersonFactory)
    status = "active"
