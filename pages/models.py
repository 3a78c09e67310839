"""Content pages (a tree whose paths are the URLs), the redirects left when a
page moves, the old site's addresses, and the contact messages. The
association's settings, which the legal pages and the footer show, live in the
`association` app."""

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

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
PATH_PATTERN = re.compile(r"[-a-zA-Z0-9_]+(?:/[-a-zA-Z0-9_]+)*")
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


def validate_local_path(value: str) -> None:
    """A redirect target must stay on this site: a path starting with one "/",
    never a scheme or another host (an open redirect would lend our address
    to phishing)."""
    parts = urlsplit(value)
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or parts.scheme
        or parts.netloc
        or any(char.isspace() or ord(char) < 32 for char in value)
    ):
        raise ValidationError(
            "Indiquez une adresse de ce site commençant par « / », par exemple "
            "« /le-reseau/adn/ » : les adresses d’autres sites ne sont pas "
            "acceptées."
        )


def normalize_query(query: str) -> str:
    """ "b=2&a=1" and "?a=1&b=2" alike: parameters sorted, encoded one way."""
    return urlencode(sorted(parse_qsl(query.lstrip("?"), keep_blank_values=True)))


class LegacyRedirectQuerySet(models.QuerySet):
    def target_for(self, path: str, query: str) -> str | None:
        """Where an old address now lives, in one indexed query: the entry for
        this exact query string first, else the one for the path alone."""
        path = path.strip("/")
        if len(path) > PATH_MAX_LENGTH or len(query) > PATH_MAX_LENGTH:
            return None
        if "\x00" in path:  # PostgreSQL refuses NUL in text
            return None
        return (
            self.filter(old_path=path, query__in={normalize_query(query), ""})
            .order_by("-query")
            .values_list("target", flat=True)
            .first()
        )


class LegacyRedirect(models.Model):
    """An address of the network's earlier sites, typed by the secretariat:
    answered with a 301 when nothing on this site answers it (see
    middleware.py). Page moves have their own automatic `PageRedirect`."""

    old_path = OneLineField(
        "ancienne adresse",
        max_length=PATH_MAX_LENGTH,
        blank=True,
        help_text="Ce qui suit le nom de domaine, par exemple « adn » ou "
        "« communique-de-presse.html » ; vide pour la page d’accueil.",
    )
    query = OneLineField(
        "paramètres",
        max_length=PATH_MAX_LENGTH,
        blank=True,
        help_text="Facultatif : ce qui suit « ? », par exemple « p=2090 ». "
        "L’ordre des paramètres est indifférent. Vide : l’adresse redirige "
        "quels que soient ses paramètres.",
    )
    target = OneLineField(
        "nouvelle adresse",
        max_length=PATH_MAX_LENGTH,
        validators=[validate_local_path],
        help_text="Une adresse de ce site, par exemple « /le-reseau/adn/ ».",
    )
    note = OneLineField("note", max_length=300, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = LegacyRedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_path", "query"]
        verbose_name = "adresse de l’ancien site"
        verbose_name_plural = "adresses de l’ancien site"
        constraints = [
            models.UniqueConstraint(
                fields=["old_path", "query"],
                name="legacy_redirect_unique_address",
                violation_error_message="Cette ancienne adresse est déjà redirigée.",
            ),
            # The validator's core, held whoever writes the row.
            models.CheckConstraint(
                condition=models.Q(target__startswith="/")
                & ~models.Q(target__startswith="//")
                & ~models.Q(target__contains="\\"),
                name="legacy_redirect_local_target",
                violation_error_message="La nouvelle adresse doit être une "
                "adresse de ce site.",
            ),
        ]

    def __str__(self):
        return f"{self.old_address} → {self.target}"

    def save(self, *args, **kwargs):
        # Stored as the lookup computes it, whoever writes the row.
        self.old_path = self.old_path.strip("/")
        self.query = normalize_query(self.query)
        super().save(*args, **kwargs)

    @property
    def old_address(self) -> str:
        return f"/{self.old_path}" + (f"?{self.query}" if self.query else "")

    def clean(self):
        # Accept a pasted full address: keep its path and its query string.
        parts = urlsplit(self.old_path.strip())
        if parts.query and not self.query:
            self.query = parts.query
        # Spaces may sit before the "?" that urlsplit removed ("adn ?p=1").
        self.old_path = unquote(parts.path).strip("/").strip()
        self.query = normalize_query(self.query.strip())
        if not self.old_path and not self.query:
            # Not tied to a field: a form may show only some of them.
            raise ValidationError(
                "La page d’accueil ne se redirige qu’avec des paramètres."
            )
        if urlsplit(self.target).path.strip("/") == self.old_path and not self.query:
            raise ValidationError(
                "La nouvelle adresse est l’ancienne : cela bouclerait."
            )


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
