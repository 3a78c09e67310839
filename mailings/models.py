"""The network's letters and mailings: newsletter topics and subscribers, the
messages the secretariat composes, and one row per recipient of each.

A subscriber exists only once the address's owner confirmed (double opt-in:
until then the request lives in the signed link, mailings.links). A letter
(kind "lettre") goes to the subscribers of its topics and, once sent, is a
public page of the archive (/lettre/); a mailing (kind "envoi") goes to
groups chosen from the data and stays private."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutboxMessage
from rfve_site.text import MultiLineField, OneLineField


class Topic(models.Model):
    name = OneLineField("nom", max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = OneLineField("description", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "thème de la lettre"
        verbose_name_plural = "thèmes de la lettre"

    def __str__(self):
        return self.name


class Subscriber(models.Model):
    """A confirmed subscription (the address's owner clicked the link)."""

    email = models.EmailField("adresse", unique=True)
    topics = models.ManyToManyField(
        Topic, related_name="subscribers", verbose_name="thèmes", blank=True
    )
    confirmed_at = models.DateTimeField("confirmée le", default=timezone.now)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        ordering = ["email"]
        verbose_name = "personne abonnée à la lettre"
        verbose_name_plural = "personnes abonnées à la lettre"

    def __str__(self):
        return self.email


class MailingQuerySet(models.QuerySet):
    def archived_letters(self):
        """Letters sent (or being sent): the public archive."""
        return self.filter(kind=Mailing.Kind.LETTER, started_at__isnull=False)

    def stalled(self, now: dt.datetime, after: dt.timedelta):
        """Mailings being sent that nobody worked on lately: their worker died."""
        return self.filter(started_at__isnull=False, finished_at=None).filter(
            Q(heartbeat_at__lt=now - after)
            | Q(heartbeat_at=None, started_at__lt=now - after)
        )


class Mailing(models.Model):
    class Kind(models.TextChoices):
        LETTER = "lettre", "Lettre d’information"
        MAILING = "envoi", "Envoi aux contacts"

    class EventStatus(models.TextChoices):
        CONFIRMED = "confirmee", "inscriptions confirmées"
        WAITING = "attente", "liste d’attente"
        PRESENT = "present", "personnes présentes"

    kind = models.CharField("type", max_length=10, choices=Kind, default=Kind.MAILING)
    subject = OneLineField("objet", max_length=200)
    slug = models.SlugField(
        "adresse de la lettre",
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Lettres seulement : /lettre/<adresse>/ dans les archives.",
    )
    body = MultiLineField(
        "texte",
        help_text="Texte au format Markdown (## Intertitre, - liste, "
        "[lien](https://…)).",
    )
    # Recipients, chosen from the data (mailings.audiences).
    to_representatives = models.BooleanField(
        "toutes les personnes des villes adhérentes", default=False
    )
    to_elected = models.BooleanField(
        "élues et élus des villes adhérentes", default=False
    )
    to_agents = models.BooleanField("agents des villes adhérentes", default=False)
    to_finance = models.BooleanField(
        "contacts finances des villes adhérentes", default=False
    )
    working_groups = models.ManyToManyField(
        "members.WorkingGroup",
        blank=True,
        related_name="+",
        verbose_name="membres des groupes de travail",
    )
    event = models.ForeignKey(
        "calendar_app.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="inscrits à l’événement",
    )
    event_statuses = models.JSONField("inscrits retenus", default=list, blank=True)
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="mailings",
        verbose_name="abonnés des thèmes",
    )

    created_at = models.DateTimeField("créé le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    started_at = models.DateTimeField("envoi lancé le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernier lot le", null=True, blank=True)
    finished_at = models.DateTimeField("envoi terminé le", null=True, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = MailingQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-created_at", "-pk"]
        verbose_name = "lettre ou envoi"
        verbose_name_plural = "lettres et envois"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="envoi") | Q(slug__isnull=False),
                name="letter_has_slug",
                violation_error_message="Une lettre a besoin d’une adresse.",
            )
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("mailings:letter", kwargs={"slug": self.slug})

    def clean(self):
        if not self.slug:
            self.slug = None  # unique, and only letters need one
        if self.kind == self.Kind.LETTER and not self.slug:
            raise ValidationError(
                {"slug": "Une lettre a besoin d’une adresse dans les archives."}
            )

    @property
    def is_letter(self) -> bool:
        return self.kind == self.Kind.LETTER

    @property
    def is_draft(self) -> bool:
        return self.started_at is None

    @property
    def status_label(self) -> str:
        if self.started_at is None:
            return "brouillon"
        return "envoyé" if self.finished_at else "en cours d’envoi"


class Recipient(models.Model):
    """One address of a mailing, once. Its state changes in the transaction
    that writes its message to the outbox: a batch interrupted anywhere
    leaves each recipient either pending without a message or sent with one."""

    class State(models.TextChoices):
        PENDING = "attente", "à envoyer"
        SENT = "envoye", "confié à la boîte d’envoi"
        SKIPPED = "exclu", "exclu (adresse en échec ou désinscrite)"

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="recipients"
    )
    email = models.EmailField("adresse")
    name = OneLineField("nom", max_length=200, blank=True)
    state = models.CharField(
        "état", max_length=10, choices=State, default=State.PENDING
    )
    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="courriel",
    )
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désinscrit le", null=True, blank=True)

    class Meta:
        ordering = ["mailing", "pk"]
        verbose_name = "destinataire"
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "email"], name="one_recipient_per_address"
            )
        ]
        indexes = [models.Index(fields=["mailing", "state"])]

    def __str__(self):
        return self.email
