"""The network's voice: news articles (and press releases, an article kind)
in categories, with scheduled publication, and documents to download with
their accessible HTML version.

An article is public when it is published and its publication time has come
(`Article.objects.published(now)`): a post set for tomorrow 9:00 appears by
itself then, with no job to run and nothing cached past that time."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from calendar_app.models import Event
from members.models import Member, WorkingGroup
from rfve_site.data_version import StampedQuerySet
from rfve_site.markup import render_markdown
from rfve_site.text import MultiLineField, OneLineField, one_line
from rfve_site.uploads import PublicImageField

from .files import FORMATS, detect_format, french_size, validate_document

# Slugs that would be read as another address under /actualites/.
RESERVED_SLUGS = {"categorie", "flux", "atom"}
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|]+')


def _not_reserved(slug: str):
    if slug in RESERVED_SLUGS or slug.isdigit():
        raise ValidationError(
            "Cette adresse est réservée (une année ou une rubrique) : "
            "choisissez-en une autre."
        )


class Category(models.Model):
    name = OneLineField("nom", max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Adresse de la rubrique : /actualites/categorie/<slug>/.",
    )
    description = OneLineField(
        "description",
        max_length=300,
        blank=True,
        help_text="Une phrase, en tête de la rubrique et dans son flux.",
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)
    # Cached pages are keyed by this table's version (rfve_site/data_version.py).
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "catégorie d’actualités"
        verbose_name_plural = "catégories d’actualités"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("news:category", kwargs={"slug": self.slug})


class ArticleQuerySet(StampedQuerySet):
    def published(self, now: dt.datetime | None = None):
        """What visitors see at `now`: published, publication time reached,
        newest first."""
        return self.filter(
            status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now()
        ).order_by("-publish_at", "-pk")

    def next_publication(self, now: dt.datetime) -> dt.datetime | None:
        """When the next scheduled article appears by itself (pages showing
        the latest articles change then)."""
        return (
            self.filter(status=Article.Status.PUBLISHED, publish_at__gt=now)
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )

    def news(self):
        return self.filter(kind=Article.Kind.NEWS)

    def press_releases(self):
        return self.filter(kind=Article.Kind.PRESS_RELEASE)


class Article(models.Model):
    class Kind(models.TextChoices):
        NEWS = "actualite", "Actualité"
        PRESS_RELEASE = "communique", "Communiqué de presse"

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        PUBLISHED = "publie", "Publié"

    title = OneLineField("titre", max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        validators=[_not_reserved],
        help_text="Adresse : /actualites/<slug>/. La changer casse les liens "
        "déjà partagés.",
    )
    kind = models.CharField("nature", max_length=20, choices=Kind, default=Kind.NEWS)
    category = models.ForeignKey(
        Category,
        verbose_name="catégorie",
        on_delete=models.PROTECT,
        related_name="articles",
    )
    status = models.CharField(
        "statut", max_length=20, choices=Status, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        "date de publication",
        default=timezone.now,
        db_index=True,
        help_text="Publié et daté dans le futur, l’article paraît de lui-même "
        "à cette heure-là.",
    )
    lead = MultiLineField(
        "chapô",
        blank=True,
        help_text="Deux ou trois phrases, reprises dans les listes, les flux "
        "et les partages.",
    )
    body = MultiLineField(
        "texte", blank=True, help_text="Markdown (titres ##, listes, liens)."
    )
    image = PublicImageField(
        blank=True,
        upload_to="actualites/%Y/",
        help_text="JPEG, PNG ou WebP, 5 Mo au maximum.",
    )
    image_alt = OneLineField(
        "texte alternatif de l’image",
        max_length=200,
        blank=True,
        help_text="Ce que l’image montre, pour qui ne la voit pas. "
        "Laisser vide si elle est décorative.",
    )
    image_credit = OneLineField("crédit de l’image", max_length=200, blank=True)
    document = models.ForeignKey(
        "Document",
        verbose_name="document joint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Par exemple la version PDF d’un communiqué de presse.",
    )
    events = models.ManyToManyField(
        Event, verbose_name="événements liés", blank=True, related_name="articles"
    )
    members = models.ManyToManyField(
        Member, verbose_name="villes liées", blank=True, related_name="articles"
    )
    working_groups = models.ManyToManyField(
        WorkingGroup,
        verbose_name="groupes de travail liés",
        blank=True,
        related_name="articles",
    )
    is_demo = models.BooleanField(
        "donnée de démonstration",
        default=False,
        help_text="Créé par load_demo : texte inventé à partir de faits publics.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = "article"
        indexes = [models.Index(fields=["status", "publish_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:article", kwargs={"slug": self.slug})

    def is_public(self, now: dt.datetime | None = None) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= (
            now or timezone.now()
        )

    @property
    def is_press_release(self) -> bool:
        return self.kind == self.Kind.PRESS_RELEASE

    @cached_property
    def body_html(self) -> str:
        return render_markdown(self.body)

    def structured_data(self, base_url: str) -> dict:
        """schema.org NewsArticle, for search engines (JSON-LD)."""
        organisation = {
            "@type": "Organization",
            "name": "Réseau français des villes éducatrices",
            "url": base_url + "/",
        }
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": one_line(self.title)[:110],
            "datePublished": timezone.localtime(self.publish_at).isoformat(),
            "dateModified": timezone.localtime(
                max(self.updated_at, self.publish_at)
            ).isoformat(),
            "url": base_url + self.get_absolute_url(),
            "mainEntityOfPage": base_url + self.get_absolute_url(),
            "articleSection": one_line(self.category.name),
            "author": organisation,
            "publisher": organisation,
            "inLanguage": "fr-FR",
        }
        if self.lead:
            data["description"] = one_line(self.lead)
        if self.image:
            data["image"] = [base_url + self.image.url]
        return data


class DocumentQuerySet(StampedQuerySet):
    def published(self):
        """What the public site shows (lists, search, sitemap, feeds, links
        from events and groups): members-only publications never."""
        return self.filter(is_published=True, members_only=False).order_by(
            "-date", "title"
        )

    def for_members(self):
        """Members-only publications, listed and served in the members' area."""
        return self.filter(is_published=True, members_only=True).order_by(
            "-date", "title"
        )


def document_path(document: "Document", filename: str) -> str:
    """Named from the slug and the real type, whatever the uploaded name."""
    return f"publications/{document.slug}.{document.file_format}"


class Document(models.Model):
    class Kind(models.TextChoices):
        STATUTES = "statuts", "Statuts"
        ADVOCACY = "plaidoyer", "Plaidoyer"
        GUIDANCE = "orientation", "Texte d’orientation"
        MANIFESTO = "manifeste", "Manifeste"
        MINUTES = "compte-rendu", "Compte rendu"
        PROGRAMME = "programme", "Programme"
        DELIBERATION = "deliberation", "Modèle de délibération"
        DUES_SCALE = "bareme", "Barème voté"
        PRESS = "presse", "Document de presse"
        OTHER = "autre", "Autre document"

    title = OneLineField("titre", max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="Adresse : /publications/<slug>/ ; nomme aussi le fichier "
        "enregistré.",
    )
    kind = models.CharField("nature", max_length=20, choices=Kind)
    date = models.DateField("date", help_text="Date d’adoption ou de parution.")
    summary = OneLineField(
        "résumé",
        max_length=500,
        blank=True,
        help_text="Une ou deux phrases, reprises dans les listes.",
    )
    file = models.FileField(
        "fichier",
        upload_to=document_path,
        max_length=300,
        validators=[validate_document],
        help_text="PDF, ODT, DOCX, ODS ou XLSX, 20 Mo au maximum. Le format est "
        "lu dans le contenu du fichier, pas dans son nom.",
    )
    file_format = models.CharField(
        "format",
        max_length=10,
        choices=[(ext, fmt.label) for ext, fmt in FORMATS.items()],
        editable=False,
    )
    file_size = models.PositiveBigIntegerField("taille (octets)", editable=False)
    body = MultiLineField(
        "version accessible",
        blank=True,
        help_text="Le contenu du document en Markdown, affiché sur sa page : "
        "un PDF seul ne suffit pas à tous les lecteurs (RGAA). À remplir pour "
        "les publications principales.",
    )
    is_published = models.BooleanField("publié", default=False)
    members_only = models.BooleanField(
        "réservé aux adhérents",
        default=False,
        help_text="Listé et téléchargeable seulement dans l’espace adhérents ; "
        "jamais dans les listes publiques, la recherche, le plan du site ou "
        "les flux.",
    )
    in_press_kit = models.BooleanField(
        "dans le kit de presse",
        default=False,
        help_text="Proposé sur la page Presse.",
    )
    events = models.ManyToManyField(
        Event,
        verbose_name="événements",
        blank=True,
        related_name="documents",
        help_text="Par exemple le compte rendu d’une réunion, le programme des "
        "Rencontres.",
    )
    working_groups = models.ManyToManyField(
        WorkingGroup,
        verbose_name="groupes de travail",
        blank=True,
        related_name="documents",
    )
    is_demo = models.BooleanField(
        "donnée de démonstration",
        default=False,
        help_text="Créé par load_demo.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = "document"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            # Read from the content before upload_to names the file.
            self.file_format = detect_format(self.file)
            self.file_size = self.file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:document", kwargs={"slug": self.slug})

    def get_download_url(self):
        return reverse("news:download", kwargs={"slug": self.slug})

    @property
    def format(self):
        return FORMATS[self.file_format]

    @property
    def format_and_size(self) -> str:
        """ "PDF, 1,2 Mo"."""
        return f"{self.format.label}, {french_size(self.file_size)}"

    @property
    def download_name(self) -> str:
        """The title as a file name: accents kept (sent per RFC 6266), the
        characters no file system accepts removed."""
        stem = " ".join(_UNSAFE_IN_FILENAME.sub(" ", one_line(self.title)).split())
        stem = stem.strip(" .")
        return f"{stem[:120].strip() or self.slug}.{self.file_format}"

    @cached_property
    def body_html(self) -> str:
        return render_markdown(self.body)
