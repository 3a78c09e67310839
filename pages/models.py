"""Content pages (a tree whose paths are the URLs), the redirects left when a
page moves, and the contact messages. The association's settings, which the
legal pages and the footer show, live in the `association` app."""

import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import Resolver404, resolve

from members.models import Member
from rfve_site.data_version import StampedQuerySet
from rfve_site.markup import render_markdown
from rfve_site.text import MultiLineField, OneLineField

# In a page body, replaced by the number of active member cities.
MEMBER_COUNT_PLACEHOLDER = "{villes}"
# What a page path may look like: slugs joined by "/".
PATH_PATTERN = re.compile(r"[-a-zA-Z0-9_]+(/[-a-zA-Z0-9_]+)*")
PATH_MAX_LENGTH = 500
# The pages built from data (pages/views.py): a Page may take one of their
# addresses, and its text then introduces them. The one list of them.
DATA_VIEW_NAMES = {
    "pages:governance",
    "pages:groups",
    "pages:group",
    "pages:rencontres",
}


def view_name_at(path: str) -> str | None:
    """The URL name that answers /<path>/, None if none does."""
    try:
        return resolve(f"/{path}/").view_name
    except Resolver404:
        return None


def with_member_count(text: str) -> str:
    """The text with the live number of active member cities in place of the
    placeholder: no figure goes stale in an editor's prose."""
    if MEMBER_COUNT_PLACEHOLDER not in text:
        return text
    return text.replace(MEMBER_COUNT_PLACEHOLDER, str(Member.objects.active().count()))


# Stamped: the header's cache is keyed by the pages' version (data_version).
class PageQuerySet(StampedQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_menu(self):
        return self.published().filter(in_menu=True).order_by("menu_order", "title")


class Page(models.Model):
    title = OneLineField("titre", max_length=200)
    slug = models.SlugField(
        max_length=100,
        help_text="Dernier segment de l’adresse. Le changer laisse une "
        "redirection depuis l’ancienne adresse.",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="page parente",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # "le-reseau/adn": the URL without its slashes, kept in step with the tree.
    path = models.CharField(
        "adresse", max_length=PATH_MAX_LENGTH, unique=True, editable=False
    )
    summary = OneLineField(
        "résumé",
        max_length=300,
        blank=True,
        help_text="Une ou deux phrases : description pour les moteurs de "
        "recherche et les listes de pages.",
    )
    body = MultiLineField(
        "texte",
        blank=True,
        help_text="Markdown (titres ##, listes, liens). "
        f"« {MEMBER_COUNT_PLACEHOLDER} » est remplacé par le nombre de villes "
        "adhérentes.",
    )
    is_published = models.BooleanField("publiée", default=False)
    in_menu = models.BooleanField("dans le menu principal", default=False)
    menu_order = models.PositiveSmallIntegerField("ordre", default=0)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["menu_order", "title"]
        verbose_name = "page"
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "slug"],
                name="page_slug_unique_among_siblings",
                violation_error_message="Une page de même parent a déjà cette adresse.",
            ),
        ]

    def __str__(self):
        return self.title

    @transaction.atomic
    def save(self, *args, **kwargs):
        old_path = None
        if self.pk is not None:
            old_path = (
                Page.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            )
        self.path = self.build_path()
        super().save(*args, **kwargs)
        # The page owns its new address: an older redirect from it goes.
        PageRedirect.objects.filter(old_path=self.path).delete()
        if old_path and old_path != self.path:
            PageRedirect.objects.update_or_create(
                old_path=old_path, defaults={"page": self}
            )
            for child in self.children.all():
                child.save()  # recomputes its path, leaves its own redirect

    def get_absolute_url(self):
        return f"/{self.path}/"

    def build_path(self) -> str:
        return f"{self.parent.path}/{self.slug}" if self.parent else self.slug

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError(
                    {"parent": "Une page ne peut pas être rangée sous elle-même."}
                )
            ancestor = ancestor.parent
        if not self.slug:
            return
        path = self.build_path()
        if len(path) > PATH_MAX_LENGTH:
            raise ValidationError({"slug": "L’adresse complète est trop longue."})
        if view_name_at(path) not in {"page", *DATA_VIEW_NAMES}:
            raise ValidationError(
                {
                    "slug": f"L’adresse /{path}/ est déjà celle d’une autre partie "
                    "du site."
                }
            )
        clash = Page.objects.filter(path=path).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"slug": f"L’adresse /{path}/ est déjà prise."})

    @property
    def introduces_data_page(self) -> bool:
        """At the address of a page built from data, which lists it (sitemap)."""
        return view_name_at(self.path) in DATA_VIEW_NAMES

    @property
    def body_html(self) -> str:
        return render_markdown(with_member_count(self.body))

    @property
    def depth(self) -> int:
        return self.path.count("/")


class PageRedirect(models.Model):
    """An address a page had before it moved: answered with a 301."""

    old_path = models.CharField(
        "ancienne adresse", max_length=PATH_MAX_LENGTH, unique=True
    )
    page = models.ForeignKey(
        Page, verbose_name="page", on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        verbose_name = "redirection"

    def __str__(self):
        return f"/{self.old_path}/ → {self.page}"


class ContactMessageQuerySet(models.QuerySet):
    def recent_from(self, *, email: str, sender_key: str, since):
        """Messages received since `since` from this address or this client."""
        return self.filter(
            models.Q(email__iexact=email) | models.Q(sender_key=sender_key),
            received_at__gte=since,
        )


class ContactMessage(models.Model):
    """A message sent through /contact/: saved first, then emailed to the
    secretariat; the secretariat follows it up in the admin."""

    class Status(models.TextChoices):
        NEW = "nouveau", "Nouveau"
        READ = "lu", "Lu"
        ANSWERED = "repondu", "Répondu"

    name = OneLineField("nom", max_length=200)
    email = models.EmailField("courriel")
    organisation = OneLineField("organisme ou collectivité", max_length=200, blank=True)
    subject = OneLineField("objet", max_length=200)
    message = MultiLineField("message")
    received_at = models.DateTimeField("reçu le", auto_now_add=True, db_index=True)
    # Keyed hash of the sender's IP address, for the rate limit only: the
    # address itself is not kept.
    sender_key = models.CharField(max_length=64, editable=False, db_index=True)
    status = models.CharField(
        "suivi", max_length=10, choices=Status, default=Status.NEW
    )
    # When the copy by email reached the mail server; empty: not sent (yet).
    mailed_at = models.DateTimeField("transmis par courriel le", null=True, blank=True)

    objects = ContactMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "message reçu"
        verbose_name_plural = "messages reçus"

    def __str__(self):
        return f"{self.subject} ({self.name})"
