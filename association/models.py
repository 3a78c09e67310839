"""The association's settings: its identity, as the legal pages, the footer
and the invoices present it. The bottom layer: every app may read it, it
imports none of them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models

from rfve_site.data_version import StampedQuerySet
from rfve_site.markup import render_markdown
from rfve_site.text import MultiLineField, OneLineField

LEGAL_FORM = "association régie par la loi du 1er juillet 1901"
# Dues are not a commercial debt: no late-payment penalty nor the 40 € recovery
# indemnity of the Code de commerce; what the statutes provide instead.
UNPAID_DUES_TEXT = (
    "Cotisation due en application des statuts de l’association. En cas de "
    "non-paiement après relance, le conseil d’administration peut prononcer la "
    "radiation du membre, dans les conditions prévues par les statuts. Aucune "
    "pénalité de retard ni indemnité forfaitaire pour frais de recouvrement "
    "n’est due : ces dispositions du Code de commerce ne s’appliquent pas aux "
    "cotisations."
)


class AssemblyVoteBasis(models.TextChoices):
    ONE_PER_MEMBER = "une-voix", "Une voix par ville adhérente à jour de sa cotisation"
    WEIGHTED = "pondere", "Voix pondérées par la population"


class AssemblyMajority(models.TextChoices):
    """How a resolution passes; exact integer comparisons (assembly/results.py)."""

    SIMPLE = "simple", "Majorité simple des suffrages exprimés"
    ABSOLUTE = "absolue", "Majorité absolue des voix présentes et représentées"
    TWO_THIRDS = "deux-tiers", "Deux tiers des suffrages exprimés"


def validate_iban(value: str):
    """An IBAN whose check digits are right (ISO 13616, modulo 97): a typo
    in the bank details would send members' payments nowhere."""
    compact = value.replace(" ", "").upper()
    valid = (
        15 <= len(compact) <= 34
        and compact[:2].isalpha()
        and compact[2:4].isdigit()
        and compact.isalnum()
        and compact.isascii()
    )
    if valid:
        rearranged = compact[4:] + compact[:4]
        valid = int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
    if not valid:
        raise ValidationError(
            "IBAN invalide : vérifiez-le sur le relevé d’identité bancaire."
        )


class SiteSettings(models.Model):
    """The association as the legal pages, the footer and the invoices present
    it: its one home (no environment variable repeats it). One row."""

    class VatRegime(models.TextChoices):
        """The two regimes that fit statutory dues; printed on every invoice."""

        OUT_OF_SCOPE = (
            "hors-champ",
            "Cotisation statutaire hors du champ d’application de la TVA",
        )
        EXEMPT = "exoneration", "Exonération de TVA, article 261-7-1° a du CGI"

    class RegistrationVat(models.TextChoices):
        """What invoices of event registration fees print: a fee is the price
        of a service, not a statutory due, so it is within the scope of VAT;
        a non-profit association is exempt while its commercial receipts stay
        under the threshold of article 261-7-1° b, or under the franchise of
        article 293 B."""

        NON_PROFIT = (
            "261-7-1b",
            "Exonération de TVA, article 261-7-1° b du CGI (organisme sans but "
            "lucratif)",
        )
        FRANCHISE = "293B", "TVA non applicable, article 293 B du CGI"

    class Conformity(models.TextChoices):
        FULL = "totale", "totalement conforme"
        PARTIAL = "partielle", "partiellement conforme"
        NONE = "non", "non conforme"

    name = OneLineField(
        "nom", max_length=200, default="Réseau français des villes éducatrices"
    )
    legal_form = OneLineField("forme juridique", max_length=200, default=LEGAL_FORM)
    presentation = MultiLineField(
        "présentation (page d’accueil)",
        blank=True,
        # The placeholder is pages.models.MEMBER_COUNT_PLACEHOLDER.
        help_text="Trois phrases sur le réseau, en Markdown. "
        "« {villes} » est remplacé par le nombre de villes "
        "adhérentes.",
    )
    seat_address = MultiLineField("adresse du siège", blank=True)
    seat_city = OneLineField(
        "ville du siège", max_length=100, blank=True, help_text="Pour le pied de page."
    )
    rna = models.CharField(
        "numéro RNA",
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(r"^W\d{9}$", "Le numéro RNA s’écrit W suivi de 9 chiffres.")
        ],
    )
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[
            RegexValidator(r"^\d{14}$", "Le SIRET compte 14 chiffres, sans espace.")
        ],
    )
    phone = OneLineField("téléphone", max_length=30, blank=True)
    # Invoicing of the dues.
    treasurer_name = OneLineField(
        "trésorerie : prénom et nom", max_length=200, blank=True
    )
    treasurer_title = models.CharField(
        "trésorerie : titre",
        max_length=20,
        blank=True,
        choices=[("trésorière", "trésorière"), ("trésorier", "trésorier")],
        help_text="Le titre que l’attestation d’adhésion donne à la personne "
        "qui la signe.",
    )
    treasurer_email = models.EmailField("courriel de la trésorerie", blank=True)
    iban = models.CharField(
        "IBAN", max_length=42, blank=True, validators=[validate_iban]
    )
    bic = models.CharField(
        "BIC",
        max_length=11,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$",
                "Le BIC compte 8 ou 11 caractères (lettres majuscules et chiffres).",
            )
        ],
    )
    vat_regime = models.CharField(
        "régime de TVA des cotisations",
        max_length=20,
        choices=VatRegime,
        default=VatRegime.OUT_OF_SCOPE,
        help_text="Mention imprimée sur chaque facture.",
    )
    vat_number = models.CharField(
        "numéro de TVA intracommunautaire",
        max_length=13,
        blank=True,
        validators=[
            RegexValidator(
                r"^FR[0-9A-Z]{2}\d{9}$",
                "Le numéro de TVA s’écrit FR, deux caractères de clé et le SIREN, "
                "sans espace.",
            )
        ],
        help_text="Imprimé avec l’exonération s’il existe (sinon la facture "
        "porte le SIREN comme identifiant fiscal) ; jamais imprimé hors du champ "
        "de la TVA.",
    )
    registration_vat = models.CharField(
        "mention de TVA des inscriptions",
        max_length=20,
        choices=RegistrationVat,
        default=RegistrationVat.NON_PROFIT,
        help_text="Imprimée sur les factures des inscriptions payantes aux "
        "événements (droits d’inscription : prestation de service).",
    )
    payment_days = models.PositiveSmallIntegerField(
        "délai de paiement (jours)",
        default=30,
        validators=[MaxValueValidator(120)],
        help_text="L’échéance d’une facture est sa date d’émission plus ce délai "
        "(30 jours pour les collectivités publiques).",
    )
    unpaid_dues_text = MultiLineField(
        "mention en cas de non-paiement",
        default=UNPAID_DUES_TEXT,
        help_text="Imprimée sur chaque facture à la place des pénalités "
        "commerciales, qui ne s’appliquent pas aux cotisations.",
    )
    publication_director = OneLineField(
        "directrice ou directeur de la publication", max_length=200, blank=True
    )
    # A named person gets their own title, never "directrice ou directeur".
    publication_director_title = models.CharField(
        "titre de la direction de la publication",
        max_length=20,
        blank=True,
        choices=[
            ("directrice", "Directrice de la publication"),
            ("directeur", "Directeur de la publication"),
        ],
        help_text="Le titre que les mentions légales donnent à la personne nommée.",
    )
    host_name = OneLineField("hébergeur", max_length=200, blank=True)
    host_address = MultiLineField("adresse de l’hébergeur", blank=True)
    host_phone = OneLineField("téléphone de l’hébergeur", max_length=30, blank=True)
    # Personal data (RGPD arts 13–14): who else receives it.
    mail_provider = OneLineField(
        "prestataire d’envoi des courriels",
        max_length=200,
        blank=True,
        help_text="Nom et pays du service qui envoie les courriels du site.",
    )
    transfers_outside_eu = MultiLineField(
        "transferts hors de l’Union européenne",
        blank=True,
        help_text="Les transferts de l’hébergeur ou du prestataire de courriels "
        "hors de l’Union européenne et leurs garanties. Vide : la page indique "
        "qu’aucune donnée n’est transférée hors de l’Union européenne.",
    )
    contact_email = models.EmailField("courriel de contact", blank=True)
    # The press page (/presse/).
    press_contact = OneLineField(
        "contact presse",
        max_length=200,
        blank=True,
        help_text="Nom et fonction de la personne que les journalistes joignent.",
    )
    press_email = models.EmailField(
        "courriel presse", blank=True, help_text="Le courriel de contact à défaut."
    )
    press_phone = OneLineField(
        "téléphone presse",
        max_length=30,
        blank=True,
        help_text="Le téléphone de l’association à défaut.",
    )
    # Accessibility statement (RGAA).
    accessibility_state = models.CharField(
        "état de conformité RGAA",
        max_length=20,
        choices=Conformity,
        default=Conformity.NONE,
    )
    accessibility_audit_date = models.DateField(
        "date de l’audit", null=True, blank=True
    )
    accessibility_audit_by = OneLineField(
        "audit réalisé par", max_length=200, blank=True
    )
    accessibility_rate = OneLineField(
        "taux de conformité",
        max_length=20,
        blank=True,
        help_text="Par exemple : 87 %. Laisser vide sans audit.",
    )
    accessibility_non_conformities = MultiLineField(
        "non-conformités",
        blank=True,
        help_text="Markdown : les contenus non accessibles et pourquoi.",
    )
    accessibility_statement_date = models.DateField(
        "date de la déclaration", null=True, blank=True
    )
    accessibility_test_environment = MultiLineField(
        "environnement de test",
        blank=True,
        help_text="Une ligne par combinaison : navigateur et technologie "
        "d’assistance (par exemple : Firefox et NVDA).",
    )
    accessibility_tools = MultiLineField(
        "outils d’évaluation", blank=True, help_text="Une ligne par outil."
    )
    accessibility_audited_pages = MultiLineField(
        "pages vérifiées",
        blank=True,
        help_text="Une ligne par page : titre et adresse.",
    )
    accessibility_derogations = MultiLineField(
        "dérogations pour charge disproportionnée",
        blank=True,
        help_text="Markdown. Vide : aucune dérogation.",
    )
    accessibility_exempt_contents = MultiLineField(
        "contenus non soumis à l’obligation d’accessibilité",
        blank=True,
        help_text="Markdown. Vide : aucun.",
    )
    accessibility_multiyear_plan_url = models.URLField(
        "schéma pluriannuel de mise en accessibilité (adresse)", blank=True
    )
    accessibility_action_plan_url = models.URLField(
        "plan d’action de l’année (adresse)", blank=True
    )
    accessibility_contact = OneLineField(
        "signaler un défaut d’accessibilité",
        max_length=300,
        blank=True,
        help_text="Courriel ou adresse pour signaler un obstacle "
        "(le courriel de contact à défaut).",
    )
    # The general assembly: what the statutes say, each rule beside the
    # article it comes from (shown with it in the admin and printed in the
    # minutes). Read by the assembly app (assembly/rules.py).
    ag_convened_by = OneLineField(
        "AG : qui convoque",
        max_length=200,
        default="la présidente ou le président, sur décision du conseil "
        "d’administration",
    )
    ag_convened_by_article = OneLineField(
        "article (convocation)", max_length=60, blank=True, default="article 11"
    )
    ag_notice_days = models.PositiveSmallIntegerField(
        "AG : délai de convocation (jours)",
        default=15,
        validators=[MaxValueValidator(120)],
        help_text="La convocation part au moins ce nombre de jours avant "
        "l’assemblée ; le site refuse de l’envoyer plus tard.",
    )
    ag_notice_article = OneLineField(
        "article (délai)", max_length=60, blank=True, default="article 11"
    )
    ag_vote_basis = models.CharField(
        "AG : droit de vote",
        max_length=20,
        choices=AssemblyVoteBasis,
        default=AssemblyVoteBasis.ONE_PER_MEMBER,
    )
    ag_weight_population = models.PositiveIntegerField(
        "AG : habitants par voix supplémentaire",
        default=50_000,
        help_text="Vote pondéré seulement : une voix, plus une voix par "
        "tranche entière de ce nombre d’habitants.",
    )
    ag_weight_max = models.PositiveSmallIntegerField(
        "AG : voix au plus par ville",
        default=5,
        help_text="Vote pondéré seulement.",
    )
    ag_cutoff_days = models.PositiveSmallIntegerField(
        "AG : date d’arrêt de la liste (jours avant l’assemblée)",
        default=30,
        validators=[MaxValueValidator(365)],
        help_text="Votent les villes adhérentes ayant réglé la cotisation de "
        "l’année à cette date.",
    )
    ag_vote_article = OneLineField(
        "article (droit de vote)", max_length=60, blank=True, default="article 7"
    )
    ag_max_proxies = models.PositiveSmallIntegerField(
        "AG : pouvoirs au plus par ville mandataire", default=2
    )
    ag_proxies_article = OneLineField(
        "article (pouvoirs)", max_length=60, blank=True, default="article 12"
    )
    ag_quorum_first = models.PositiveSmallIntegerField(
        "AG : quorum en première convocation (%)",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Part des voix des villes votantes, présentes ou "
        "représentées ; 0 : pas de quorum.",
    )
    ag_quorum_second = models.PositiveSmallIntegerField(
        "AG : quorum en seconde convocation (%)",
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="0 : l’assemblée délibère quel que soit le nombre de présents.",
    )
    ag_quorum_article = OneLineField(
        "article (quorum)", max_length=60, blank=True, default="article 13"
    )
    ag_ordinary_majority = models.CharField(
        "AG : majorité des décisions ordinaires",
        max_length=20,
        choices=AssemblyMajority,
        default=AssemblyMajority.SIMPLE,
    )
    ag_statutes_majority = models.CharField(
        "AG : majorité des modifications des statuts et de la dissolution",
        max_length=20,
        choices=AssemblyMajority,
        default=AssemblyMajority.TWO_THIRDS,
    )
    ag_majority_article = OneLineField(
        "article (majorités)", max_length=60, blank=True, default="article 14"
    )
    ag_electronic_voting = models.BooleanField(
        "AG : vote électronique permis",
        default=False,
        help_text="Seulement si les statuts ou le règlement intérieur le "
        "prévoient : sinon le site refuse d’ouvrir un vote électronique.",
    )
    ag_electronic_voting_article = OneLineField(
        "article (vote électronique)", max_length=60, blank=True
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    # Stamped: the footer's cache is keyed by this table's version.
    objects = StampedQuerySet.as_manager()

    class Meta:
        verbose_name = "informations de l’association"
        verbose_name_plural = "informations de l’association"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1  # one row, whoever saves
        super().save(*args, **kwargs)

    # What an invoice cannot be issued without (the VAT regime always has a
    # value): who issues it, where, its SIRET (Chorus Pro) and where to pay.
    ISSUER_FIELDS = ["name", "legal_form", "seat_address", "siret", "iban", "bic"]

    def missing_issuer_fields(self) -> list[str]:
        """The French names of the issuer's required fields left empty. An
        exempt invoice needs no VAT number: without one, EN 16931 (rule
        BR-E-02) is satisfied by the seller's tax registration identifier
        (BT-32), its SIREN (dues/documents.py)."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.ISSUER_FIELDS
            if not str(getattr(self, name)).strip()
        ]

    def treasury_reply_to(self) -> list[str]:
        """Where answers to money emails (invoices, credit notes, reminders)
        go: the treasury, else the secretariat."""
        address = self.treasurer_email or self.contact_email
        return [address] if address else []

    def secretariat_reply_to(self) -> list[str]:
        """Where answers to every other email go: the secretariat."""
        return [self.contact_email] if self.contact_email else []

    # What the legal pages must state: the publisher and the host (LCEN art. 6),
    # the recipients of personal data (RGPD art. 13) and the date of the
    # accessibility statement (RGAA). A missing one is a `check --deploy`
    # warning (association/checks.py); the pages leave it out.
    LEGAL_FIELDS = [
        "name",
        "legal_form",
        "seat_address",
        "phone",
        "contact_email",
        "publication_director",
        "host_name",
        "host_address",
        "host_phone",
        "mail_provider",
        "accessibility_statement_date",
    ]

    def missing_legal_fields(self) -> list[str]:
        """The French names of the legal pages' required fields left empty."""
        missing = [
            str(self._meta.get_field(name).verbose_name)
            for name in self.LEGAL_FIELDS
            if not str(getattr(self, name) or "").strip()
        ]
        if not (self.rna or self.siret):
            missing.append("numéro RNA ou SIRET")
        audited_with_faults = (
            self.accessibility_audit_date
            and self.accessibility_state != self.Conformity.FULL
        )
        if audited_with_faults and not self.accessibility_non_conformities.strip():
            missing.append(
                str(self._meta.get_field("accessibility_non_conformities").verbose_name)
            )
        return missing

    @property
    def never_audited(self) -> bool:
        """Declared non-compliant without any audit: the statement says so."""
        return (
            self.accessibility_state == self.Conformity.NONE
            and not self.accessibility_audit_date
        )

    @classmethod
    def load(cls) -> "SiteSettings":
        """The saved row, or the defaults (not saved: a GET never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def press_contact_email(self) -> str:
        return self.press_email or self.contact_email

    @property
    def press_contact_phone(self) -> str:
        return self.press_phone or self.phone

    @property
    def non_conformities_html(self) -> str:
        return render_markdown(self.accessibility_non_conformities)

    @property
    def derogations_html(self) -> str:
        return render_markdown(self.accessibility_derogations)

    @property
    def exempt_contents_html(self) -> str:
        return render_markdown(self.accessibility_exempt_contents)
