"""Member cities, their people and mandates, working groups.

Members are local authorities (communes and intercommunalités), not people."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from rfve_site.data_version import StampedQuerySet
from rfve_site.text import MultiLineField, OneLineField
from rfve_site.typography import de

from .validators import (
    validate_chorus_service_code,
    validate_official_code,
    validate_phone,
    validate_postcodes,
    validate_siren,
    validate_siret,
)

# ---------------------------------------------------------------------------
# Official reference data (INSEE / @etalab/decoupage-administratif)
# ---------------------------------------------------------------------------


# Abbreviations people type: "St-Étienne", "Ste-Foy".
SAINTS = {"st": "saint", "ste": "sainte"}
# The reference's abbreviations of EPCI kinds, spelt out in a legal name.
EPCI_PREFIXES = {
    "CC": "Communauté de communes",
    "CA": "Communauté d’agglomération",
    "CU": "Communauté urbaine",
}
# INSEE code → SIRENE name, where it is not "Commune de …".
SPECIAL_LEGAL_NAMES = {"75056": "Ville de Paris"}


class LocalAuthorityQuerySet(StampedQuerySet):
    def search(self, text: str):
        """By name (accents, hyphens and case ignored; "st" for "saint"),
        postcode or official code. Exact matches first, then larger places."""
        from .communes import normalise_name  # plain module, no models

        text = text.strip().upper()
        by_size = [models.F("population").desc(nulls_last=True), "name", "code"]
        if text.isdigit() or (text[:2] in {"2A", "2B"} and text[2:].isdigit()):
            # INSEE code (Corsica: 2A…, 2B…), SIREN or postcode: "69100" is
            # Villeurbanne's postcode and Irigny's INSEE code.
            matches = self.filter(Q(code=text) | Q(postcodes__contains=text))
            return matches.annotate(exact_name=models.Value(False)).order_by(*by_size)
        words = normalise_name(text).split()
        name = " ".join(SAINTS.get(word, word) for word in words)
        if not name:
            return self.none()
        # exact_name: the name typed is the whole name, as the model normalises
        # it ("St-Étienne" is "saint etienne"), so callers never normalise again.
        exact = models.When(search_name=name, then=True)
        return (
            self.filter(search_name__contains=name)
            .annotate(
                exact_name=models.Case(
                    exact, default=False, output_field=models.BooleanField()
                )
            )
            .order_by("-exact_name", *by_size)
        )


class LocalAuthority(models.Model):
    """A current commune or EPCI of the official reference."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", "Commune"
        EPCI = "epci", "Intercommunalité (EPCI)"

    kind = models.CharField("nature", max_length=10, choices=Kind)
    # INSEE code for a commune (5 characters), SIREN for an EPCI (9 digits).
    code = models.CharField(
        "code officiel",
        max_length=9,
        unique=True,
        validators=[validate_official_code],
    )
    name = OneLineField("nom", max_length=200)
    # Lower case, without accents or punctuation: "saint etienne".
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    department_code = models.CharField("département", max_length=3, blank=True)
    department_name = OneLineField("nom du département", max_length=100, blank=True)
    region_code = models.CharField("région", max_length=3, blank=True)
    region_name = OneLineField("nom de la région", max_length=100, blank=True)
    # Space-separated: "69100 69616".
    postcodes = OneLineField(
        "codes postaux", max_length=300, blank=True, validators=[validate_postcodes]
    )
    siren = models.CharField(
        "SIREN", max_length=9, blank=True, validators=[validate_siren]
    )
    # INSEE's population municipale (not the population totale, which counts
    # people living elsewhere too), with the year of the census figures.
    population = models.PositiveIntegerField(
        "population municipale (Insee)", null=True, blank=True
    )
    population_year = models.PositiveSmallIntegerField(
        "millésime de la population", null=True, blank=True
    )
    # Cached pages (the site search's, the cities') are keyed by this table's
    # version (rfve_site/data_version.py).
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "code"]
        verbose_name = "collectivité (référentiel)"
        verbose_name_plural = "collectivités (référentiel)"

    def __str__(self):
        if self.kind == self.Kind.COMMUNE and self.department_code:
            return f"{self.name} ({self.department_code})"
        return self.name

    @property
    def legal_name(self) -> str:
        """The authority as a legal person, as the SIRENE register names it:
        "Commune de Lyon", "Commune d’Annecy", "Commune du Havre"; Paris is a
        collectivité à statut particulier since 2019, "Ville de Paris" (Lyon
        and Marseille stay communes, their arrondissements have no legal
        personality). The reference abbreviates EPCI ("CA du Grand Annecy"):
        spelt out."""
        name = self.name
        if self.kind != self.Kind.COMMUNE:
            prefix, _, rest = name.partition(" ")
            if prefix in EPCI_PREFIXES and rest:
                return f"{EPCI_PREFIXES[prefix]} {rest}"
            return name
        if self.code in SPECIAL_LEGAL_NAMES:
            return SPECIAL_LEGAL_NAMES[self.code]
        for article, contracted in (("Le ", "du "), ("Les ", "des ")):
            if name.startswith(article):
                return f"Commune {contracted}{name[len(article) :]}"
        return f"Commune {de(name)}"


# ---------------------------------------------------------------------------
# Members, people, mandates, working groups
# ---------------------------------------------------------------------------


class MemberQuerySet(StampedQuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)

    def listed(self):
        """Members with a public page: active or suspended, not those who left."""
        return self.exclude(status=Member.Status.LEFT)

    def missing_billing_data(self):
        """Listed members without a SIRET (invoices, Chorus Pro) or a finance
        contact's email (invoices and reminders are sent there)."""
        return self.listed().filter(Q(siret="") | Q(finance_contact_email=""))


class Member(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Adhérente"
        SUSPENDED = "suspendue", "Suspendue"
        LEFT = "partie", "À quitté le réseau"

    authority = models.OneToOneField(
        LocalAuthority,
        verbose_name="collectivité",
        on_delete=models.PROTECT,
        related_name="member",
    )
    slug = models.SlugField(max_length=200, unique=True)
    member_since = models.DateField(
        "adhérente depuis",
        null=True,
        blank=True,
        help_text="Date de la délibération du conseil décidant l’adhésion. La "
        "première cotisation part de ce mois si le barème applique le prorata.",
    )
    status = models.CharField(
        "statut", max_length=20, choices=Status, default=Status.ACTIVE
    )
    website = models.URLField("site internet", blank=True)
    # Invoicing (Chorus Pro): what a town hall needs to pay an invoice.
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validate_siret]
    )
    chorus_service_code = OneLineField(
        "code service Chorus Pro",
        max_length=100,
        blank=True,
        validators=[validate_chorus_service_code],
    )
    commitment_number_required = models.BooleanField(
        "numéro d’engagement exigé", default=False
    )
    invoicing_address = MultiLineField("adresse de facturation", blank=True)
    # Private: never shown on a public page.
    finance_contact_name = OneLineField(
        "contact finances (nom)", max_length=200, blank=True
    )
    finance_contact_email = models.EmailField("contact finances (courriel)", blank=True)
    finance_contact_phone = OneLineField(
        "contact finances (téléphone)",
        max_length=30,
        blank=True,
        validators=[validate_phone],
    )
    notes = MultiLineField("notes internes", blank=True)
    # Cached pages are keyed by this table's version (rfve_site/data_version.py).
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["authority__name"]
        verbose_name = "ville adhérente"
        verbose_name_plural = "villes adhérentes"

    def __str__(self):
        return self.authority.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(f"{self.authority.name} {self.authority.code}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:city", kwargs={"slug": self.slug})

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    @property
    def is_listed(self) -> bool:
        """Has a public page (see MemberQuerySet.listed)."""
        return self.status != self.Status.LEFT

    def clean(self):
        siren = self.authority.siren if self.authority_id else ""
        if self.siret and siren and not self.siret.startswith(siren):
            raise ValidationError(
                {
                    "siret": f"Ce SIRET n’est pas celui de {self.authority.name} : "
                    f"il doit commencer par son SIREN, {siren}."
                }
            )

    @property
    def name(self) -> str:
        return self.authority.name


# A person whose mandates in the network have all ended is kept this long (the
# governance's recent history), then deleted by purge_personal_data, as
# /donnees-personnelles/ states.
PERSON_RETENTION_YEARS = 3


class PersonQuerySet(StampedQuerySet):
    def past_retention(self, today: dt.date):
        """People whose every mandate ended more than PERSON_RETENTION_YEARS
        ago and who lead no working group. People without any mandate (a
        city's contacts) stay until the secretariat deletes them."""
        limit = today - dt.timedelta(days=366 * PERSON_RETENTION_YEARS)
        former = (
            self.filter(mandates__isnull=False, led_groups=None)
            .exclude(mandates__end__isnull=True)
            .exclude(mandates__end__gte=limit)
        )
        return self.filter(pk__in=former.values("pk"))


class Person(models.Model):
    """An elected official or an officer of a member city. Contact details are
    private: only name, role and city appear on public pages."""

    class Civility(models.TextChoices):
        MADAME = "mme", "Madame"
        MONSIEUR = "m", "Monsieur"

    # A named person gets their own title ("la présidente", "le trésorier"),
    # never "Présidente / Président" beside a name.
    civility = models.CharField(
        "civilité",
        max_length=3,
        choices=Civility,
        blank=True,
        help_text="Donne à la personne son titre : « présidente » ou « président ».",
    )

    class Kind(models.TextChoices):
        ELECTED = "elu", "Élue, élu"
        AGENT = "agent", "Agent, agente"

    first_name = OneLineField("prénom", max_length=100)
    last_name = OneLineField("nom", max_length=100)
    member = models.ForeignKey(
        Member,
        verbose_name="ville",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    position = OneLineField(
        "fonction dans sa ville",
        max_length=200,
        blank=True,
        help_text="Par exemple : adjointe au maire chargée de l’éducation.",
    )
    # Who the mailings write to (mailings.audiences: elected officials, agents).
    kind = models.CharField(
        "qualité", max_length=10, choices=Kind, default=Kind.ELECTED
    )
    email = models.EmailField("courriel", blank=True)
    phone = OneLineField(
        "téléphone", max_length=30, blank=True, validators=[validate_phone]
    )
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    # Cached pages are keyed by this table's version (rfve_site/data_version.py).
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "personne"

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class WorkingGroupQuerySet(StampedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class WorkingGroup(models.Model):
    name = OneLineField("nom", max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = MultiLineField(blank=True, help_text="Texte au format Markdown.")
    lead = models.ForeignKey(
        Person,
        verbose_name="pilote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_groups",
    )
    is_active = models.BooleanField("actif", default=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    # Cached pages are keyed by this table's version (rfve_site/data_version.py).
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "groupe de travail"
        verbose_name_plural = "groupes de travail"

    def __str__(self):
        return self.name


class MandateQuerySet(StampedQuerySet):
    def current(self, on=None):
        """Mandates running on the given date (today by default)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))


class Mandate(models.Model):
    class Role(models.TextChoices):
        # The function; a person's own title is Mandate.title.
        PRESIDENT = "presidence", "Présidence"
        VICE_PRESIDENT = "vice-presidence", "Vice-présidence"
        TREASURER = "tresorerie", "Trésorerie"
        SECRETARY = "secretariat", "Secrétariat"
        MEMBER = "membre", "Membre"

    class Body(models.TextChoices):
        BUREAU = "bureau", "Bureau"
        BOARD = "ca", "Conseil d’administration"
        WORKING_GROUP = "groupe", "Groupe de travail"
        # The person the city's council designated to represent it (and vote)
        # at the general assembly: one running mandate per city.
        ASSEMBLY = "ag", "Représentation à l’assemblée générale"

    person = models.ForeignKey(
        Person,
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="mandates",
    )
    role = models.CharField("rôle", max_length=20, choices=Role, default=Role.MEMBER)
    body = models.CharField("instance", max_length=10, choices=Body)
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name="groupe de travail",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mandates",
    )
    start = models.DateField("début")
    end = models.DateField("fin", null=True, blank=True)
    # Cached pages are keyed by this table's version (rfve_site/data_version.py).
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["body", "role", "person__last_name"]
        verbose_name = "mandat"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="mandate_ends_after_start",
                violation_error_message="La fin du mandat doit suivre son début.",
            ),
            models.CheckConstraint(
                condition=Q(body="groupe", working_group__isnull=False)
                | (~Q(body="groupe") & Q(working_group__isnull=True)),
                name="mandate_group_matches_body",
                violation_error_message="Un groupe de travail est requis pour "
                "l’instance « Groupe de travail », et seulement pour elle.",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.title} ({self.get_body_display()})"

    @property
    def title(self) -> str:
        """The person's own title: "présidente", "trésorier"; the function
        ("Présidence") while the person's civility is not known."""
        titles = TITLES.get(self.role)
        civility = self.person.civility
        if titles is None or not civility:
            return self.get_role_display()
        return titles[civility == Person.Civility.MONSIEUR]


# A mandate's title for a woman, for a man.
TITLES = {
    Mandate.Role.PRESIDENT: ("présidente", "président"),
    Mandate.Role.VICE_PRESIDENT: ("vice-présidente", "vice-président"),
    Mandate.Role.TREASURER: ("trésorière", "trésorier"),
    Mandate.Role.SECRETARY: ("secrétaire", "secrétaire"),
    Mandate.Role.MEMBER: ("membre", "membre"),
}
