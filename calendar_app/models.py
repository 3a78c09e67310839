import datetime as dt
import re
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from rfve_site.data_version import StampedQuerySet
from rfve_site.markup import render_markdown
from rfve_site.text import MultiLineField, OneLineField, one_line
from rfve_site.uploads import PublicImageField

from . import dates, photos
from .signals import event_duplicated, event_rescheduled

# A copy's slug ends in "-copie" or "-copie-2"; slugs may end with a date.
COPY_SUFFIX = re.compile(r"-copie(?:-\d+)?$")
DATE_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}$")


class EventType(models.Model):
    # A fixed palette, tested for contrast in static/css/site.css: a free colour
    # picker would let unreadable combinations onto the agenda.
    class Colour(models.TextChoices):
        BLUE = "bleu", "Bleu"
        GREEN = "vert", "Vert"
        ORANGE = "orange", "Orange"
        PURPLE = "violet", "Violet"
        RED = "rouge", "Rouge"
        TEAL = "turquoise", "Turquoise"
        BROWN = "brun", "Brun"
        GREY = "gris", "Gris"

    name = OneLineField("nom", max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    colour = models.CharField(
        "couleur", max_length=20, choices=Colour, default=Colour.BLUE
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)
    is_rencontres = models.BooleanField(
        "Rencontres nationales",
        default=False,
        help_text="Les événements de ce type sont les éditions des Rencontres "
        "nationales : page « Rencontres nationales » et annonce en page d’accueil.",
    )
    # Cached pages are keyed by this table's version (rfve_site/data_version.py).
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "type d’événement"
        verbose_name_plural = "types d’événement"

    def __str__(self):
        return self.name


# Stamped: the iCalendar feed's ETag and cache follow count and max(updated_at).
class EventQuerySet(StampedQuerySet):
    def public(self):
        """What visitors may see (Event.public_condition)."""
        return self.filter(Event.public_condition())

    def overlapping(self, start: dt.datetime, end: dt.datetime):
        """Events that cover some instant of [start, end)."""
        return self.filter(starts_at__lt=end, ends_at__gte=start)

    def in_month(self, year: int, month: int):
        """Events on any day of the month (Paris time), multi-day ones included."""
        first = dt.date(year, month, 1)
        next_first = (first + dt.timedelta(days=31)).replace(day=1)
        return self.overlapping(
            dates.local_midnight(first), dates.local_midnight(next_first)
        )

    def for_grid(self):
        """With their type, without the long texts a month grid and its list
        never show (a dense month holds hundreds of events)."""
        return self.select_related("event_type").defer(
            "summary", "description", "address", "image_alt"
        )

    def upcoming(self, now: dt.datetime | None = None):
        """Events not yet over, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def next_end(self) -> dt.datetime | None:
        """When the first of these events ends (a page listing upcoming or
        past events changes then)."""
        return self.aggregate(next_end=Min("ends_at"))["next_end"]

    def in_year(self, year: int):
        return self.overlapping(
            dates.local_midnight(dt.date(year, 1, 1)),
            dates.local_midnight(dt.date(year + 1, 1, 1)),
        )

    def of_type(self, event_type: EventType | None):
        return self.filter(event_type=event_type) if event_type else self

    def of_group(self, group):
        return self.filter(working_group=group) if group else self

    def rencontres(self):
        """Editions of the Rencontres nationales (EventType.is_rencontres)."""
        return self.filter(event_type__is_rencontres=True)


class Schedule(NamedTuple):
    """What an event announces: its status and dates (event_rescheduled)."""

    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool

    @property
    def dates(self) -> tuple:
        return (self.starts_at, self.ends_at, self.all_day)


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        PUBLISHED = "publie", "Publié"
        CANCELLED = "annule", "Annulé"
        POSTPONED = "reporte", "Reporté"

    # Cancelled and postponed events stay on the public agenda, marked, so
    # that nobody travels to a meeting that will not take place.
    VISIBLE_STATUSES = (Status.PUBLISHED, Status.CANCELLED, Status.POSTPONED)
    # Announced as such wherever the event appears (badge, feeds, iCalendar).
    FLAGGED_STATUSES = (Status.CANCELLED, Status.POSTPONED)

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        INTERNAL = "interne", "Interne (réservé au réseau)"

    title = OneLineField("titre", max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="Adresse de la page : /agenda/evenements/<slug>/. "
        "La changer casse les liens déjà partagés.",
    )
    event_type = models.ForeignKey(
        EventType,
        verbose_name="type",
        on_delete=models.PROTECT,
        related_name="events",
    )
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField(
        "fin",
        blank=True,
        help_text="Laisser vide pour un rendez-vous sans heure de fin. "
        "Pour un événement sur la journée, seule la date compte.",
    )
    all_day = models.BooleanField(
        "toute la journée",
        default=False,
        help_text="Les heures sont ignorées : l’événement couvre les jours "
        "du début à la fin, inclus.",
    )
    working_group = models.ForeignKey(
        "members.WorkingGroup",
        verbose_name="groupe de travail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    host = models.ForeignKey(
        "members.Member",
        verbose_name="ville d’accueil",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_events",
    )
    place = OneLineField("lieu", max_length=200, blank=True)
    address = OneLineField("adresse", max_length=300, blank=True)
    summary = OneLineField(
        "résumé",
        max_length=300,
        blank=True,
        help_text="Une ou deux phrases, reprises dans les listes et les agendas.",
    )
    description = MultiLineField(
        blank=True, help_text="Texte au format Markdown (titres, listes, liens)."
    )
    image = PublicImageField(
        blank=True,
        upload_to="evenements/%Y/",
        help_text="JPEG, PNG ou WebP, 5 Mo au maximum.",
    )
    image_alt = OneLineField(
        "texte alternatif de l’image",
        max_length=200,
        blank=True,
        help_text="Ce que l’image montre, pour qui ne la voit pas. "
        "Laisser vide si elle est décorative.",
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        help_text="Annulé ou Reporté : les inscrits et la liste d’attente sont "
        "prévenus par courriel, une fois. Reporté à une date connue : changez "
        "aussi les dates, le courriel les donne ; une fois la nouvelle date "
        "fixée, changez les dates : ils en sont prévenus.",
    )
    visibility = models.CharField(
        "visibilité", max_length=20, choices=Visibility, default=Visibility.PUBLIC
    )
    # Incremented on every change so that calendar clients update their copy
    # (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    is_demo = models.BooleanField(
        "donnée de démonstration",
        default=False,
        help_text="Créé par load_demo : horaires et lieux inventés.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "title"]
        verbose_name = "événement"
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message="La fin doit suivre le début.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.normalise_dates()
        if self.pk is not None:
            self.sequence += 1
        super().save(*args, **kwargs)
        before = getattr(self, "_read_schedule", None)
        self._read_schedule = after = self._schedule()
        if before is not None and after is not None and before != after:
            event_rescheduled.send(sender=Event, event=self, before=before)

    def get_absolute_url(self):
        return reverse("calendar:event", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._read_schedule = instance._schedule()
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._read_schedule = self._schedule()

    def _schedule(self) -> Schedule | None:
        """Status and dates as this instance holds them (None if deferred)."""
        values = [self.__dict__.get(name) for name in Schedule._fields]
        return None if None in values else Schedule(*values)

    @cached_property
    def url(self) -> str:
        """get_absolute_url() computed once: the month view links an event on
        every day it covers, in the grid and in the list."""
        return self.get_absolute_url()

    def clean(self):
        self.normalise_dates()

    def normalise_dates(self):
        """A missing end means a point in time; all-day events run from local
        midnight of their first day to local midnight of their last day."""
        if self.starts_at is None:
            return
        if self.ends_at is None:
            self.ends_at = self.starts_at
        if self.all_day:
            self.starts_at = dates.local_midnight(dates.to_local(self.starts_at).date())
            self.ends_at = dates.local_midnight(dates.to_local(self.ends_at).date())

    def duplicate(self) -> "Event":
        """A draft copy with a free slug, to be re-dated and published."""
        base = f"{self.slug}-copie"[: self._meta.get_field("slug").max_length - 4]
        taken = set(
            Event.objects.filter(slug__startswith=base).values_list("slug", flat=True)
        )
        slug = base
        number = 2
        while slug in taken:
            slug = f"{base}-{number}"
            number += 1
        copy = Event(
            **{
                field.name: getattr(self, field.name)
                for field in self._meta.concrete_fields
                if field.editable and not field.primary_key
            }
        )
        copy.slug = slug
        copy.status = self.Status.DRAFT
        copy.is_demo = False
        copy.save()
        event_duplicated.send(sender=Event, original=self, copy=copy)
        return copy

    @property
    def is_undated_copy(self) -> bool:
        """A draft copy still under its "-copie" slug (Event.duplicate)."""
        return self.status == self.Status.DRAFT and bool(COPY_SUFFIX.search(self.slug))

    def slug_for_its_date(self) -> str:
        """A copy's slug once re-dated: the original's, its date replaced by
        the copy's ("reunion-pleniere-2027-02-04-copie" moved to 6 May 2027:
        "reunion-pleniere-2027-05-06"); free (a number added if taken)."""
        base = DATE_SUFFIX.sub("", COPY_SUFFIX.sub("", self.slug))
        max_length = self._meta.get_field("slug").max_length
        base = f"{base[: max_length - 14]}-{self.first_day.isoformat()}"
        taken = set(
            Event.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, number = base, 2
        while slug in taken:
            slug = f"{base}-{number}"
            number += 1
        return slug

    @property
    def first_day(self) -> dt.date:
        return dates.to_local(self.starts_at).date()

    @property
    def last_day(self) -> dt.date:
        """The last local date the event covers; an end at midnight sharp
        belongs to the day before."""
        end = dates.to_local(self.ends_at)
        if (
            not self.all_day
            and end.time() == dt.time(0)
            and self.ends_at > self.starts_at
        ):
            return end.date() - dt.timedelta(days=1)
        return end.date()

    def days(self):
        """Every local date the event covers."""
        day = self.first_day
        while day <= self.last_day:
            yield day
            day += dt.timedelta(days=1)

    @property
    def is_multi_day(self) -> bool:
        return self.last_day > self.first_day

    @classmethod
    def public_condition(cls, prefix: str = "") -> Q:
        """What visitors may see: published, cancelled or postponed, not
        internal. `prefix` reaches events from another model ("events__")."""
        return Q(
            **{
                f"{prefix}status__in": cls.VISIBLE_STATUSES,
                f"{prefix}visibility": cls.Visibility.PUBLIC,
            }
        )

    @property
    def is_public(self) -> bool:
        """public_condition() read on this event, without a query."""
        return (
            self.status in self.VISIBLE_STATUSES
            and self.visibility == self.Visibility.PUBLIC
        )

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_postponed(self) -> bool:
        return self.status == self.Status.POSTPONED

    @property
    def status_flag(self) -> str:
        """The status's label ("Annulé", "Reporté") for an event that will not
        happen as announced; empty otherwise."""
        return self.get_status_display() if self.status in self.FLAGGED_STATUSES else ""

    @property
    def when(self) -> str:
        """The full French date, as the event page shows it."""
        return dates.describe_span(
            dates.to_local(self.starts_at),
            dates.to_local(self.ends_at),
            all_day=self.all_day,
            last_day=self.last_day,
        )

    @property
    def when_in_sentence(self) -> str:
        """The date after a verb: "le jeudi 14 janvier 2027, 12 h 30 – 13 h 30",
        "du lundi 2 au mardi 3 mars 2027"."""
        when = self.when
        return when if when.startswith("du ") else f"le {when}"

    @property
    def start_time(self) -> str:
        """The start hour shown in a calendar cell ("14 h 30"), empty if all day."""
        return "" if self.all_day else dates.french_time(dates.to_local(self.starts_at))

    @cached_property
    def description_html(self) -> str:
        return render_markdown(self.description)

    def structured_data(self, base_url: str) -> dict:
        """schema.org Event, for search engines (JSON-LD)."""
        status = {
            self.Status.CANCELLED: "EventCancelled",
            self.Status.POSTPONED: "EventPostponed",
        }.get(self.status, "EventScheduled")
        if self.all_day:
            start, end = self.first_day.isoformat(), self.last_day.isoformat()
        else:
            start = dates.to_local(self.starts_at).isoformat()
            end = dates.to_local(self.ends_at).isoformat()
        # JSON escapes controls, but search engines read these as one line.
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": one_line(self.title),
            "startDate": start,
            "endDate": end,
            "eventStatus": f"https://schema.org/{status}",
            "url": base_url + self.get_absolute_url(),
            "organizer": {
                "@type": "Organization",
                "name": "Réseau français des villes éducatrices",
                "url": base_url + "/",
            },
        }
        if self.summary:
            data["description"] = one_line(self.summary)
        if self.place or self.address:
            data["location"] = {
                "@type": "Place",
                "name": one_line(self.place or self.address),
                "address": one_line(self.address or self.place),
            }
        return data

    @property
    def uid(self) -> str:
        """Stable iCalendar UID: the primary key never changes, the slug might."""
        return f"evenement-{self.pk}@{settings.SITE_DOMAIN}"


class EventPhotoQuerySet(StampedQuerySet):
    def shown(self):
        """On the public pages: not taken down."""
        return self.filter(withdrawn_at__isnull=True)

    @transaction.atomic
    def withdraw(self) -> int:
        """Take these photos down at once: off every page (the table's
        version moves, so no cached page shows them again) and their files
        deleted when the change is committed. The row stays, without its
        files, as the record of what was shown and taken down."""
        taken = list(self.shown().select_for_update())
        for photo in taken:
            photos.delete_files_on_commit(photo.image.storage, photos.file_names(photo))
        return self.filter(pk__in=[photo.pk for photo in taken]).update(
            withdrawn_at=timezone.now(), image="", renditions=[]
        )


class EventPhoto(models.Model):
    """A photo of an event's gallery (the Rencontres nationales' notably)."""

    class Licence(models.TextChoices):
        RESERVED = "reserve", "Tous droits réservés"
        CC_BY = "cc-by", "Licence Creative Commons BY 4.0"
        CC_BY_SA = "cc-by-sa", "Licence Creative Commons BY-SA 4.0"

    LICENCE_URLS = {
        Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.fr",
        Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
    }

    event = models.ForeignKey(
        Event,
        verbose_name="événement",
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = PublicImageField(
        "photo",
        upload_to="galeries/%Y/",
        blank=True,  # empty once taken down; required in the admin's form
        help_text="JPEG, PNG ou WebP, 5 Mo au maximum. Les métadonnées (EXIF, "
        "position GPS, appareil) sont supprimées à l’envoi.",
    )
    alt = OneLineField(
        "texte alternatif",
        max_length=300,
        help_text="Ce que la photo montre, pour qui ne la voit pas : qui, "
        "quoi, où (« Les élus de Lyon et de Nantes lors de la table ronde »).",
    )
    credit = OneLineField(
        "crédit", max_length=150, help_text="Auteur ou autrice de la photo."
    )
    licence = models.CharField(
        "licence", max_length=20, choices=Licence, default=Licence.RESERVED
    )
    consent = models.BooleanField(
        "droit à l’image : les personnes reconnaissables ont donné leur accord",
        default=False,
        help_text="Obligatoire pour publier la photo.",
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)
    # Set by the upload (calendar_app/photos.py): the cleaned photo's size
    # and its resized copies [{"name", "width", "height"}], smallest first.
    width = models.PositiveIntegerField("largeur", null=True, editable=False)
    height = models.PositiveIntegerField("hauteur", null=True, editable=False)
    renditions = models.JSONField("tailles", default=list, editable=False)
    withdrawn_at = models.DateTimeField(
        "retirée le", null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = EventPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["event", "order", "pk"]
        verbose_name = "photo d’événement"
        verbose_name_plural = "photos d’événements"
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True) | Q(withdrawn_at__isnull=False),
                name="event_photo_shown_with_consent",
                violation_error_message="Cochez le droit à l’image : une photo "
                "n’est publiée qu’avec l’accord des personnes reconnaissables.",
            ),
        ]

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:
            replaced = None
            if self.pk is not None:
                replaced = type(self).objects.filter(pk=self.pk).first()
            photos.store(self)
            if replaced is not None:
                photos.delete_files_on_commit(
                    replaced.image.storage, photos.file_names(replaced)
                )
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        """The consent and the picture, checked with the fields (a form that
        does not show them, e.g. one editing the credit, leaves them out)."""
        exclude = set(exclude or ())
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        shown = self.withdrawn_at is None
        if "consent" not in exclude and shown and not self.consent:
            errors.setdefault("consent", []).append(
                "Une photo n’est publiée qu’avec l’accord des personnes "
                "reconnaissables : cochez cette case une fois leur accord obtenu."
            )
        if "image" not in exclude and shown and not self.image:
            errors.setdefault("image", []).append("Choisissez la photo à publier.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def licence_url(self) -> str:
        return self.LICENCE_URLS.get(self.licence, "")

    def _url(self, rendition: dict) -> str:
        return self.image.storage.url(rendition["name"])

    @property
    def thumbnail(self) -> dict:
        """The smallest size: the `src`, and the `width` and `height` that
        reserve the photo's place before it loads."""
        return self.renditions[0] | {"url": self._url(self.renditions[0])}

    @property
    def srcset(self) -> str:
        return ", ".join(f"{self._url(r)} {r['width']}w" for r in self.renditions)

    @property
    def large_url(self) -> str:
        return self._url(self.renditions[-1])
