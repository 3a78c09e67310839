"""The association's settings: its identity, as the legal pages, the footer
and the invoices present it. The bottom layer: every app may read it, it
imports none of them."""

from django.db import models

from rfve_site.markup import render_markdown


class SiteSettings(models.Model):
    """The association as the legal pages and the footer present it. One row."""

    class Conformity(models.TextChoices):
        FULL = "totale", "totalement conforme"
        PARTIAL = "partielle", "partiellement conforme"
        NONE = "non", "non conforme"

    name = models.CharField(
        "nom", max_length=200, default="Réseau français des villes éducatrices"
    )
    legal_form = models.CharField(
        "forme juridique", max_length=200, default="Association loi 1901"
    )
    presentation = models.TextField(
        "présentation (page d’accueil)",
        blank=True,
        # The placeholder is pages.models.MEMBER_COUNT_PLACEHOLDER.
        help_text="Trois phrases sur le réseau, en Markdown. "
        "« {villes} » est remplacé par le nombre de villes "
        "adhérentes.",
    )
    seat_address = models.TextField("adresse du siège", blank=True)
    seat_city = models.CharField(
        "ville du siège", max_length=100, blank=True, help_text="Pour le pied de page."
    )
    rna = models.CharField("numéro RNA", max_length=10, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    publication_director = models.CharField(
        "directrice ou directeur de la publication", max_length=200, blank=True
    )
    host_name = models.CharField("hébergeur", max_length=200, blank=True)
    host_address = models.TextField("adresse de l’hébergeur", blank=True)
    host_phone = models.CharField("téléphone de l’hébergeur", max_length=30, blank=True)
    contact_email = models.EmailField("courriel de contact", blank=True)
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
    accessibility_audit_by = models.CharField(
        "audit réalisé par", max_length=200, blank=True
    )
    accessibility_rate = models.CharField(
        "taux de conformité",
        max_length=20,
        blank=True,
        help_text="Par exemple : 87 %. Laisser vide sans audit.",
    )
    accessibility_non_conformities = models.TextField(
        "non-conformités",
        blank=True,
        help_text="Markdown : les contenus non accessibles et pourquoi.",
    )
    accessibility_contact = models.CharField(
        "signaler un défaut d’accessibilité",
        max_length=300,
        blank=True,
        help_text="Courriel ou adresse pour signaler un obstacle "
        "(le courriel de contact à défaut).",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "informations de l’association"
        verbose_name_plural = "informations de l’association"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1  # one row, whoever saves
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "SiteSettings":
        """The saved row, or the defaults (not saved: a GET never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def non_conformities_html(self) -> str:
        return render_markdown(self.accessibility_non_conformities)
