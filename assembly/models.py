"""The general assembly: an event of the agenda with its agenda items,
documents and resolutions; the roll of voting cities frozen at the
convocation; proxies; attendance and quorum frozen at the opening; votes
(show of hands counted by the secretariat, or electronic ballots); the
minutes, frozen at issue like an invoice.

The rules live in small modules: roll.py (who votes), convocation.py,
proxies.py, session.py (attendance, quorum), voting.py (ballots), results.py
(majorities), minutes.py (the procès-verbal)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from association.models import AssemblyMajority
from calendar_app.dates import to_local
from calendar_app.models import Event
from members.models import Member, Person
from news.models import Document
from outbox.models import OutboxMessage
from rfve_site.markup import render_markdown
from rfve_site.text import MultiLineField, OneLineField


class FrozenError(Exception):
    """A change refused because the record is frozen (roll, minutes)."""


class Assembly(models.Model):
    class Kind(models.TextChoices):
        ORDINARY = "ordinaire", "Assemblée générale ordinaire"
        EXTRAORDINARY = "extraordinaire", "Assemblée générale extraordinaire"

    class Round(models.IntegerChoices):
        FIRST = 1, "Première convocation"
        SECOND = 2, "Seconde convocation"

    event = models.OneToOneField(
        Event,
        verbose_name="événement de l’agenda",
        on_delete=models.PROTECT,
        related_name="assembly",
        limit_choices_to={"event_type__slug": "assemblee-generale"},
        help_text="Un événement de type « Assemblée générale » : sa date, son "
        "heure et son lieu sont ceux de l’assemblée.",
    )
    kind = models.CharField(
        "nature", max_length=20, choices=Kind, default=Kind.ORDINARY
    )
    round = models.PositiveSmallIntegerField(
        "convocation", choices=Round, default=Round.FIRST
    )
    dues_year = models.PositiveSmallIntegerField(
        "année de cotisation",
        help_text="La cotisation que les villes doivent avoir réglée pour voter.",
    )
    cutoff_date = models.DateField(
        "date d’arrêt de la liste",
        help_text="Votent les villes dont la cotisation est soldée à cette date.",
    )
    convocation_text = MultiLineField(
        "texte de la convocation",
        blank=True,
        help_text="Ajouté au courriel, avant l’ordre du jour (Markdown simple).",
    )
    documents = models.ManyToManyField(
        Document,
        verbose_name="documents",
        blank=True,
        related_name="assemblies",
        help_text="Rapports, comptes, textes des résolutions.",
    )
    # Set once, by the service that does it: frozen from then on.
    convened_at = models.DateTimeField("convoquée le", null=True, blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="convoquée par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField("séance ouverte le", null=True, blank=True)
    # The quorum as it stood at the opening (session.open_session).
    quorum_voters = models.PositiveIntegerField("voix inscrites", null=True, blank=True)
    quorum_present = models.PositiveIntegerField(
        "voix présentes", null=True, blank=True
    )
    quorum_represented = models.PositiveIntegerField(
        "voix représentées", null=True, blank=True
    )
    quorum_required = models.PositiveIntegerField(
        "quorum requis (voix)", null=True, blank=True
    )
    is_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        ordering = ["-event__starts_at"]
        verbose_name = "assemblée générale"
        verbose_name_plural = "assemblées générales"

    def __str__(self):
        return self.event.title

    @property
    def date(self):
        return to_local(self.event.starts_at).date()

    @property
    def is_convened(self) -> bool:
        return self.convened_at is not None

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    @property
    def quorum_reached(self) -> bool | None:
        if self.quorum_required is None:
            return None
        return self.quorum_present + self.quorum_represented >= self.quorum_required


class AgendaItem(models.Model):
    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)
    title = OneLineField("point", max_length=300)
    description = MultiLineField("précisions", blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "point de l’ordre du jour"
        verbose_name_plural = "ordre du jour"

    def __str__(self):
        return self.title


class RollEntry(models.Model):
    """A member city on the roll at the cut-off date: voting (with its
    representative and votes) or left out (with the reason). Written by
    roll.compute_roll until the convocation, frozen after."""

    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="roll"
    )
    member = models.ForeignKey(
        Member,
        verbose_name="ville",
        on_delete=models.PROTECT,
        related_name="assembly_roll_entries",
    )
    city_name = OneLineField("ville (à la date d’arrêt)", max_length=200)
    votes = models.PositiveSmallIntegerField("voix", default=0)
    excluded_reason = OneLineField("motif de l’exclusion", max_length=300, blank=True)
    representative = models.ForeignKey(
        Person,
        verbose_name="représentant ou représentante",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Snapshot: the roll says who was designated, even if the person leaves.
    representative_name = OneLineField(
        "représentant ou représentante (nom)", max_length=200, blank=True
    )
    representative_email = models.EmailField(
        "représentant ou représentante (courriel)", blank=True
    )
    present = models.BooleanField("présente", default=False)
    attendee_name = OneLineField(
        "personne présente",
        max_length=200,
        blank=True,
        help_text="Si ce n’est pas la personne désignée.",
    )

    class Meta:
        ordering = ["city_name"]
        verbose_name = "ville sur la liste d’émargement"
        verbose_name_plural = "liste d’émargement"
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "member"], name="roll_one_entry_per_city"
            )
        ]

    def __str__(self):
        return self.city_name

    @property
    def may_vote(self) -> bool:
        return not self.excluded_reason and self.votes > 0


class ProxyQuerySet(models.QuerySet):
    def standing(self):
        return self.filter(revoked_at__isnull=True)


class Proxy(models.Model):
    """A city's votes given to another voting city (proxies.give_proxy)."""

    class Source(models.TextChoices):
        PAPER = "papier", "Pouvoir papier enregistré par le secrétariat"
        ONLINE = "en-ligne", "Donné dans l’espace adhérents"

    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="proxies"
    )
    principal = models.ForeignKey(
        RollEntry,
        verbose_name="ville qui donne pouvoir",
        on_delete=models.PROTECT,
        related_name="proxies_given",
    )
    holder = models.ForeignKey(
        RollEntry,
        verbose_name="ville mandataire",
        on_delete=models.PROTECT,
        related_name="proxies_held",
    )
    source = models.CharField(
        "origine", max_length=20, choices=Source, default=Source.PAPER
    )
    signed_by = OneLineField("signé par", max_length=200, blank=True)
    given_at = models.DateTimeField("enregistré le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistré par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = ProxyQuerySet.as_manager()

    class Meta:
        ordering = ["principal__city_name"]
        verbose_name = "pouvoir"
        constraints = [
            models.UniqueConstraint(
                fields=["principal"],
                condition=Q(revoked_at__isnull=True),
                name="proxy_one_standing_per_principal",
                violation_error_message="Cette ville a déjà donné un pouvoir.",
            ),
            models.CheckConstraint(
                condition=~Q(principal=models.F("holder")),
                name="proxy_not_to_oneself",
                violation_error_message="Une ville ne se donne pas pouvoir.",
            ),
        ]

    def __str__(self):
        return f"{self.principal} → {self.holder}"


class Resolution(models.Model):
    class Method(models.TextChoices):
        HANDS = (
            "main-levee",
            "Main levée (ou bulletins papier), compté par le secrétariat",
        )
        ELECTRONIC = "electronique", "Vote électronique"

    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="resolutions"
    )
    order = models.PositiveSmallIntegerField("numéro", default=1)
    title = OneLineField("intitulé", max_length=300)
    text = MultiLineField("texte", help_text="Markdown.")
    majority = models.CharField(
        "majorité requise",
        max_length=20,
        choices=AssemblyMajority,
        default=AssemblyMajority.SIMPLE,
    )
    secret = models.BooleanField(
        "vote à bulletin secret",
        default=False,
        help_text="Obligatoire quand il s’agit de personnes (élections).",
    )
    method = models.CharField(
        "mode de vote", max_length=20, choices=Method, default=Method.HANDS
    )
    # Show of hands: counted by the secretariat, represented votes included.
    votes_for = models.PositiveIntegerField("pour", null=True, blank=True)
    votes_against = models.PositiveIntegerField("contre", null=True, blank=True)
    votes_abstention = models.PositiveIntegerField("abstention", null=True, blank=True)
    # Electronic vote, opened and closed by the secretariat (voting.py).
    ballot_opened_at = models.DateTimeField("vote ouvert le", null=True, blank=True)
    ballot_closed_at = models.DateTimeField("vote clos le", null=True, blank=True)

    class Meta:
        ordering = ["assembly", "order", "pk"]
        verbose_name = "résolution"
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "order"], name="resolution_unique_number"
            )
        ]

    def __str__(self):
        return f"Résolution n° {self.order} : {self.title}"

    @property
    def text_html(self) -> str:
        return render_markdown(self.text)

    @property
    def ballot_is_open(self) -> bool:
        return self.ballot_opened_at is not None and self.ballot_closed_at is None

    def clean(self):
        counts = (self.votes_for, self.votes_against, self.votes_abstention)
        if self.method == self.Method.ELECTRONIC and any(
            count is not None for count in counts
        ):
            raise ValidationError(
                "Un vote électronique se compte par ses bulletins : laissez "
                "pour, contre et abstention vides."
            )


class Choice(models.TextChoices):
    FOR = "pour", "Pour"
    AGAINST = "contre", "Contre"
    ABSTENTION = "abstention", "Abstention"


class Ballot(models.Model):
    """One vote cast electronically, one row per vote (a city with three
    votes casts three rows), with nothing that ties it to its voter: no
    voter, no time, a random key (no order of insertion to match with the
    participations). Who voted is in Participation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="ballots"
    )
    choice = models.CharField("choix", max_length=20, choices=Choice)

    class Meta:
        # Never the order of arrival: by choice, then by the random key.
        ordering = ["resolution", "choice", "id"]
        verbose_name = "bulletin"

    def __str__(self):
        return self.get_choice_display()


class Participation(models.Model):
    """A voting city has voted on a resolution (itself, or through its
    proxy holder). For a secret vote it says nothing of the choice."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="participations"
    )
    voter = models.ForeignKey(
        RollEntry,
        verbose_name="ville votante",
        on_delete=models.PROTECT,
        related_name="participations",
    )
    cast_by = models.ForeignKey(
        RollEntry,
        verbose_name="vote exprimé par",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="La ville mandataire, si le vote est fait par procuration.",
    )
    # Only for a vote that is not secret: how the city voted.
    public_choice = models.CharField(
        "choix (vote public)", max_length=20, choices=Choice, blank=True
    )

    class Meta:
        ordering = ["resolution", "voter__city_name"]
        verbose_name = "participation à un vote"
        verbose_name_plural = "participations aux votes"
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "voter"], name="participation_one_per_city"
            )
        ]

    def __str__(self):
        return f"{self.voter} ({self.resolution})"


class ConvocationSending(models.Model):
    """The proof of the convocation: who sent it, when, to which address,
    and the outbox message (whose status says whether it left)."""

    assembly = models.ForeignKey(
        Assembly, on_delete=models.PROTECT, related_name="convocations"
    )
    entry = models.ForeignKey(
        RollEntry, verbose_name="ville", on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField("adresse")
    sent_at = models.DateTimeField("envoyée le")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="envoyée par",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    message = models.ForeignKey(
        OutboxMessage,
        verbose_name="courriel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message_header = OneLineField("Message-ID", max_length=998)

    class Meta:
        ordering = ["sent_at", "entry__city_name"]
        verbose_name = "envoi de convocation"
        verbose_name_plural = "envois de convocation"

    def __str__(self):
        return f"{self.entry} – {self.email}"


class Minutes(models.Model):
    """The procès-verbal: drafted from the frozen data (minutes.draft),
    edited by the secretariat, then issued as a PDF/A stored with its
    SHA-256 and never changed."""

    assembly = models.OneToOneField(
        Assembly, on_delete=models.PROTECT, related_name="minutes"
    )
    text = MultiLineField(
        "texte", help_text="Markdown ; modifiable jusqu’à l’émission."
    )
    issued_at = models.DateTimeField("émis le", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="émis par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.CharField("fichier", max_length=200, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = "procès-verbal"
        verbose_name_plural = "procès-verbaux"

    def __str__(self):
        return f"Procès-verbal – {self.assembly}"

    def save(self, *args, **kwargs):
        if self.pk and Minutes.objects.filter(pk=self.pk, issued_at__isnull=False):
            raise FrozenError("Un procès-verbal émis ne change plus.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_issued:
            raise FrozenError("Un procès-verbal émis ne se supprime pas.")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None
