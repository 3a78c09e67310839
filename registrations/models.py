"""Registrations to events: what the secretariat sets on an event (opening,
capacity per day, waiting list, audience, rates, questions) and who
registered.

The settings hang on calendar_app.Event through a one-to-one field declared
here: calendar_app never imports this app (tests/test_import_graph.py)."""

import datetime as dt
import secrets

from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from members.validators import validate_chorus_service_code, validate_siret
from rfve_site import formats
from rfve_site.data_version import StampedQuerySet
from rfve_site.formats import euros
from rfve_site.text import MultiLineField, OneLineField


class Question(models.TextChoices):
    """How a question of the form is asked."""

    OFF = "non", "Non posée"
    OPTIONAL = "facultatif", "Facultative"
    REQUIRED = "obligatoire", "Obligatoire"


def _question_field(verbose_name: str, default=Question.OPTIONAL):
    return models.CharField(
        verbose_name, max_length=12, choices=Question, default=default
    )


class RegistrationSettings(models.Model):
    """Registration to one event, as the secretariat sets it."""

    class Audience(models.TextChoices):
        EVERYONE = "tous", "Tout le monde"
        MEMBERS = "adherents", "Villes adhérentes seulement"

    event = models.OneToOneField(
        "calendar_app.Event",
        verbose_name="événement",
        on_delete=models.CASCADE,
        related_name="registration_settings",
    )
    is_open = models.BooleanField(
        "inscriptions ouvertes",
        default=False,
        help_text="Décocher pour fermer les inscriptions, quelles que soient "
        "les dates.",
    )
    opens_at = models.DateTimeField(
        "ouverture des inscriptions",
        null=True,
        blank=True,
        help_text="Vide : dès maintenant.",
    )
    closes_at = models.DateTimeField(
        "clôture des inscriptions",
        null=True,
        blank=True,
        help_text="Vide : jusqu’au début de l’événement.",
    )
    has_waiting_list = models.BooleanField(
        "liste d’attente",
        default=True,
        help_text="Une fois complet, les inscriptions continuent sur liste "
        "d’attente ; une place libérée revient à la première personne en attente.",
    )
    audience = models.CharField(
        "qui peut s’inscrire",
        max_length=12,
        choices=Audience,
        default=Audience.EVERYONE,
    )
    ask_function = _question_field("question : fonction")
    ask_authority = _question_field("question : collectivité")
    ask_days = _question_field(
        "question : jours de présence",
        default=Question.REQUIRED,
    )
    ask_accessibility = _question_field("question : besoins d’accessibilité")
    ask_dietary = _question_field("question : régime alimentaire", default=Question.OFF)
    # What follows the registration (registrations/notices.py): the reminder
    # before the event, and what only confirmed registrants read (their
    # emails and personal page; never the public page, the calendar files,
    # the search or the sitemap, which read calendar_app's event only).
    reminder_days = models.PositiveSmallIntegerField(
        "rappel (jours avant)",
        default=2,
        validators=[MaxValueValidator(30)],
        help_text="Les inscrits confirmés reçoivent un rappel (date, lieu, accès, "
        "lien de visioconférence) autant de jours avant l’événement. 0 : pas de "
        "rappel.",
    )
    access = MultiLineField(
        "accès",
        blank=True,
        help_text="Transports, stationnement, entrée, accessibilité du lieu : "
        "dans le rappel et la page personnelle des inscrits confirmés.",
    )
    visio_url = models.URLField(
        "lien de visioconférence",
        max_length=500,
        blank=True,
        help_text="Réservé aux inscrits confirmés (courriels et page personnelle) ; "
        "jamais sur la page publique, dans les agendas ni la recherche.",
    )
    invitation_code = OneLineField(
        "code d’invitation",
        max_length=40,
        blank=True,
        help_text="À donner aux invités : il ouvre le tarif « Invitée, invité » "
        "et tout tarif gratuit d’un événement payant. Vide : ces tarifs ne sont "
        "attribués que par le secrétariat, sur l’inscription.",
    )
    # Cached pages are keyed by this table's version (rfve_site/data_version.py).
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        verbose_name = "inscriptions à un événement"
        verbose_name_plural = "inscriptions par événement"

    def __str__(self):
        return str(self.event)

    def sync_days(self) -> None:
        """One EventDay per day the event covers. An event moved before
        anyone registered takes its days, their places and its opening dates
        along (day by day, as many days as it now has). One moved with
        registrations to as many days (postponed) takes them along too, each
        day with its registrations. Otherwise days the event no longer
        covers go (unless someone registered for them), new days come with
        the capacity of the first day."""
        dates = list(self.event.days())
        existing = list(self.days.all())
        if existing and dates and dates[0] != existing[0].date:
            if not Registration.objects.filter(event=self.event_id).exists():
                self._move(dates, existing)
                return
            if len(dates) == len(existing) and self._shift(dates, existing):
                return
        by_date = {day.date: day for day in existing}
        capacity = existing[0].capacity if existing else None
        EventDay.objects.bulk_create(
            [
                EventDay(settings=self, date=date, capacity=capacity)
                for date in dates
                if date not in by_date
            ]
        )
        self.days.exclude(date__in=dates).filter(registrations=None).delete()

    def _move(self, dates: list, existing: list) -> None:
        shift = dates[0] - existing[0].date
        capacities = [day.capacity for day in existing]
        self.days.all().delete()
        EventDay.objects.bulk_create(
            [
                EventDay(
                    settings=self,
                    date=date,
                    capacity=capacities[min(index, len(capacities) - 1)],
                )
                for index, date in enumerate(dates)
            ]
        )
        self._shift_opening(shift)

    def _shift(self, dates: list, existing: list) -> bool:
        """Each day row takes its new date, keeping its places and the
        registrations (and attendance) linked to it; False, nothing changed,
        if a date is taken by a day left from an earlier move."""
        pairs = list(zip(existing, dates, strict=True))
        if dates[0] > existing[0].date:
            pairs.reverse()  # later days first: none lands on one not moved yet
        try:
            with transaction.atomic():
                for day, date in pairs:
                    day.date = date
                    day.save(update_fields=["date", "updated_at"])
        except IntegrityError:
            return False
        self._shift_opening(dates[0] - existing[0].date)
        return True

    def _shift_opening(self, shift: dt.timedelta) -> None:
        for name in ("opens_at", "closes_at"):
            moment = getattr(self, name)
            if moment is not None:  # same local time, so many days later
                local = timezone.localtime(moment).replace(tzinfo=None)
                setattr(self, name, timezone.make_aware(local + shift))
        self.save(update_fields=["opens_at", "closes_at", "updated_at"])

    def copy_to(self, event) -> "RegistrationSettings":
        """The same registrations for another event (its copy): settings,
        rates, days and places. The copy's days follow its dates when it is
        re-dated (sync_days)."""
        fields = {
            field.name: getattr(self, field.name)
            for field in self._meta.concrete_fields
            if field.editable and not field.primary_key and field.name != "event"
        }
        copy = RegistrationSettings.objects.create(event=event, **fields)
        EventDay.objects.bulk_create(
            [
                EventDay(settings=copy, date=day.date, capacity=day.capacity)
                for day in self.days.all()
            ]
        )
        Rate.objects.bulk_create(
            [
                Rate(settings=copy, category=rate.category, amount=rate.amount)
                for rate in self.rates.all()
            ]
        )
        copy.sync_days()
        return copy

    def is_open_at(self, now: dt.datetime) -> bool:
        """Open to new registrations: switched on, within its dates, and the
        event neither started nor cancelled or postponed."""
        event = self.event
        return (
            self.is_open
            and event.is_public
            and not event.status_flag
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
            and now < event.starts_at
        )

    @property
    def link_expires_at(self) -> dt.datetime:
        """Personal links work until the day after the event."""
        return self.event.ends_at + dt.timedelta(days=1)


class EventDay(models.Model):
    """A day of the event, with its capacity (None: no limit)."""

    settings = models.ForeignKey(
        RegistrationSettings, on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("jour")
    capacity = models.PositiveIntegerField(
        "places", null=True, blank=True, help_text="Vide : sans limite."
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = "jour"
        constraints = [
            models.UniqueConstraint(
                fields=["settings", "date"], name="one_event_day_per_date"
            )
        ]

    def __str__(self):
        return formats.date(self.date, "l j F Y")


class Rate(models.Model):
    """A price and who may take it (its category): registrations.rates says
    which rates a registrant is offered once the collectivité is known."""

    class Category(models.TextChoices):
        MEMBER = "adherent", "Élue, élu ou agent d’une ville adhérente"
        NON_MEMBER = (
            "non_adherent",
            "Élue, élu ou agent d’une collectivité non adhérente",
        )
        PARTNER = "partenaire", "Partenaire"
        # The stored value predates the rule: a free rate is for invited people.
        INVITED = "gratuit", "Invitée, invité"

    settings = models.ForeignKey(
        RegistrationSettings, on_delete=models.CASCADE, related_name="rates"
    )
    category = models.CharField(
        "ouvert à",
        max_length=20,
        choices=Category,
        help_text="Le formulaire ne propose un tarif qu’aux personnes à qui il "
        "est ouvert (partenaire : sans collectivité) ; un tarif gratuit d’un "
        "événement payant est réservé aux invités (code d’invitation, ou "
        "choisi par le secrétariat sur l’inscription).",
    )
    amount = models.DecimalField(
        "montant TTC", max_digits=8, decimal_places=2, default=0
    )

    class Meta:
        ordering = ["settings", "category"]
        verbose_name = "tarif"
        constraints = [
            models.UniqueConstraint(
                fields=["settings", "category"], name="one_rate_per_category"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="rate_amount_not_negative",
                violation_error_message="Le montant ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} : {self.price}"

    @property
    def name(self) -> str:
        """What an invoice line or an email says of the rate beside a named
        person: its audience ("ville adhérente"), never "Élue, élu ou
        agent"."""
        return RATE_NAMES[self.category]

    @property
    def price(self) -> str:
        return "gratuit" if self.is_free else euros(self.amount)

    @property
    def is_free(self) -> bool:
        return not self.amount


class RegistrationQuerySet(StampedQuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING).order_by(
            "created_at", "pk"
        )

    def active(self):
        """Confirmed or waiting: what holds a place or a rank."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def recent_from(self, *, email: str, sender_key: str, since):
        """Registrations made since `since` from this address or this client."""
        return self.filter(
            Q(email__iexact=email) | Q(sender_key=sender_key), created_at__gte=since
        )


def new_link_key() -> str:
    """128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


RATE_NAMES = {
    Rate.Category.MEMBER: "ville adhérente",
    Rate.Category.NON_MEMBER: "collectivité non adhérente",
    Rate.Category.PARTNER: "partenaire",
    Rate.Category.INVITED: "invitation",
}


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmee", "Confirmée"
        WAITING = "attente", "Sur liste d’attente"
        CANCELLED = "annulee", "Annulée"

    event = models.ForeignKey(
        "calendar_app.Event",
        verbose_name="événement",
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    first_name = OneLineField("prénom", max_length=100)
    last_name = OneLineField("nom", max_length=100)
    email = models.EmailField("courriel")
    function = OneLineField("fonction", max_length=200, blank=True)
    # The official reference (members.LocalAuthority) and, when it is one, the
    # member city at the time of registration: the rate and the invoice follow.
    authority = models.ForeignKey(
        "members.LocalAuthority",
        verbose_name="collectivité",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="ville adhérente",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    organisation = OneLineField(
        "organisme",
        max_length=200,
        blank=True,
        help_text="Pour qui ne vient pas d’une collectivité (partenaire…).",
    )
    rate = models.ForeignKey(
        Rate,
        verbose_name="tarif",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    days = models.ManyToManyField(
        EventDay, verbose_name="jours", related_name="registrations"
    )
    attended_days = models.ManyToManyField(
        EventDay, verbose_name="présence", related_name="attendees", blank=True
    )
    accessibility_needs = MultiLineField("besoins d’accessibilité", blank=True)
    dietary_needs = MultiLineField("régime alimentaire", blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=Status, default=Status.CONFIRMED
    )
    # Keyed hash of the client's address, for the rate limit only (as the
    # contact form's); forgotten by the daily purge.
    sender_key = models.CharField(max_length=64, editable=False, blank=True)
    created_at = models.DateTimeField("inscrit le", default=timezone.now, db_index=True)
    promoted_at = models.DateTimeField(
        "sorti de la liste d’attente le", null=True, blank=True
    )
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    # When the personal link was last sent again (a second registration with
    # the same address): at most once an hour, so that nobody can flood a
    # registered person's inbox through the form.
    link_resent_at = models.DateTimeField(
        "lien renvoyé le", null=True, blank=True, editable=False
    )
    # The secret the personal link carries (registrations/links.py), never
    # the row's number; replaced each time the link is sent again, so that
    # an old link (forwarded, left in a shared inbox) stops working.
    link_key = models.CharField(
        max_length=32, unique=True, editable=False, default=new_link_key
    )
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    # Paying registrations (registrations/orders.py): the order of their
    # collectivité, the invoice that bills them, the credit note that cancels
    # that line once they are cancelled.
    order = models.ForeignKey(
        "Order",
        verbose_name="commande",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    invoice = models.ForeignKey(
        "dues.Invoice",
        verbose_name="facture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    credit_note = models.ForeignKey(
        "dues.Invoice",
        verbose_name="avoir",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    certificate_sent_at = models.DateTimeField(
        "attestation de présence envoyée le", null=True, blank=True, editable=False
    )
    # Cached pages are keyed by this table's version (rfve_site/data_version.py).
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "last_name", "first_name"]
        verbose_name = "inscription"
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(status="annulee") & ~Q(email=""),
                name="one_active_registration_per_email",
                violation_error_message="Cette adresse est déjà inscrite à "
                "cet événement.",
            ),
        ]

    def __str__(self):
        if self.anonymised_at:
            return f"Inscription anonymisée n° {self.pk}"
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def waiting_position(self) -> int | None:
        """Rank on the event's waiting list in order of arrival (1: the
        next one), None if not waiting."""
        if not self.is_waiting:
            return None
        ahead = (
            Registration.objects.waiting()
            .filter(event=self.event_id)
            .filter(
                Q(created_at__lt=self.created_at)
                | Q(created_at=self.created_at, pk__lt=self.pk)
            )
        )
        return ahead.count() + 1

    @property
    def structure(self) -> str:
        """Where the person comes from, as lists and badges print it."""
        if self.authority_id:
            return self.authority.name
        return self.organisation


class Notice(models.Model):
    """An email about the event sent to one registration, recorded in the
    transaction that writes it to the outbox: the unique row is the proof it
    was sent, so that a second save of the event, a job run twice or resumed
    after a crash never sends it again (registrations/notices.py). The
    event's start is part of the key: an event postponed to a new date, or a
    reminder of an event moved, is a new message."""

    class Kind(models.TextChoices):
        EVENT_CANCELLED = "evenement-annule", "Événement annulé"
        EVENT_POSTPONED = "evenement-reporte", "Événement reporté"
        REGISTRATION_CANCELLED = "inscription-annulee", "Inscription annulée"
        REMINDER = "rappel", "Rappel avant l’événement"

    registration = models.ForeignKey(
        Registration,
        verbose_name="inscription",
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField("courriel", max_length=20, choices=Kind)
    event_starts_at = models.DateTimeField("début de l’événement annoncé")
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = "courriel aux inscrits"
        verbose_name_plural = "courriels aux inscrits"
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "event_starts_at"],
                name="one_notice_per_registration_kind_and_date",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.registration}"


class Order(models.Model):
    """The paying registrations of one collectivité (or one organisation) to
    one event: invoiced to it together, with the Chorus Pro data its
    registrations gave (registrations/orders.py)."""

    event = models.ForeignKey(
        "calendar_app.Event",
        verbose_name="événement",
        on_delete=models.PROTECT,
        related_name="registration_orders",
    )
    authority = models.ForeignKey(
        "members.LocalAuthority",
        verbose_name="collectivité",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registration_orders",
    )
    organisation = OneLineField(
        "organisme",
        max_length=200,
        blank=True,
        help_text="Sans collectivité : l’organisme (ou la personne) facturé.",
    )
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validate_siret]
    )
    service_code = OneLineField(
        "code service Chorus Pro",
        max_length=100,
        blank=True,
        validators=[validate_chorus_service_code],
    )
    commitment_number = OneLineField(
        "numéro d’engagement",
        max_length=100,
        blank=True,
        help_text="Ville adhérente : seul ce champ compte (le reste vient de sa "
        "fiche) ; obligatoire si sa fiche exige un numéro d’engagement.",
    )
    legal_name = OneLineField(
        "raison sociale facturée",
        max_length=200,
        blank=True,
        help_text="Hors ville adhérente : le nom légal de l’acheteur.",
    )
    invoicing_address = MultiLineField(
        "adresse de facturation",
        blank=True,
        help_text="Hors ville adhérente : adresse postale complète, code postal "
        "et ville sur la dernière ligne.",
    )
    # Data typed by an anonymous registrant are proposals (BillingProposal);
    # the order's own billing data are the secretariat's, confirmed here.
    billing_confirmed_at = models.DateTimeField(
        "données de facturation confirmées le",
        null=True,
        blank=True,
        editable=False,
    )
    billing_confirmed_by = OneLineField(
        "confirmées par", max_length=150, blank=True, editable=False
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        ordering = ["event", "authority__name", "organisation"]
        verbose_name = "commande (inscriptions payantes)"
        verbose_name_plural = "commandes (inscriptions payantes)"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "authority"],
                condition=Q(authority__isnull=False),
                name="one_order_per_event_and_authority",
            ),
            models.UniqueConstraint(
                "event",
                Lower("organisation"),
                condition=Q(authority__isnull=True),
                name="one_order_per_event_and_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.payer} – {self.event}"

    @property
    def payer(self) -> str:
        return self.authority.name if self.authority_id else self.organisation

    @property
    def member(self):
        """The member city billed from its record, or None (the order's own
        billing data, confirmed by the secretariat, are used)."""
        if self.authority_id is None:
            return None
        try:
            return self.authority.member
        except ObjectDoesNotExist:
            return None


class BillingProposal(models.Model):
    """Billing data as one registrant typed them on the public form: kept as
    typed, never applied to the order by itself (the secretariat confirms or
    corrects the order's data, seeing every proposal)."""

    order = models.ForeignKey(
        Order,
        verbose_name="commande",
        on_delete=models.CASCADE,
        related_name="billing_proposals",
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name="inscription",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="billing_proposals",
    )
    legal_name = OneLineField("raison sociale", max_length=200, blank=True)
    invoicing_address = MultiLineField("adresse de facturation", blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    service_code = OneLineField("code service Chorus Pro", max_length=100, blank=True)
    commitment_number = OneLineField("numéro d’engagement", max_length=100, blank=True)
    created_at = models.DateTimeField("saisie le", default=timezone.now)

    class Meta:
        ordering = ["order", "created_at", "pk"]
        verbose_name = "données de facturation proposées"
        verbose_name_plural = "données de facturation proposées"

    def __str__(self):
        return f"{self.legal_name or self.order.payer} ({self.provenance})"

    @property
    def provenance(self) -> str:
        when = formats.date(timezone.localtime(self.created_at), "j F Y à G \\h i")
        who = (
            str(self.registration) if self.registration_id else "inscription supprimée"
        )
        return f"saisies le {when} par {who}"
