from django.contrib import admin
from django.utils import timezone

from .models import Article, Category, Document


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "category", "publish_at", "status", "is_demo"]
    list_filter = ["status", "kind", "category", "publish_at", "is_demo"]
    list_select_related = ["category"]
    search_fields = ["title", "lead", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["events", "members", "working_groups", "document"]
    readonly_fields = ["is_demo", "created_at", "updated_at"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "category", "lead", "body"]}),
        ("Image", {"fields": ["image", "image_alt", "image_credit"]}),
        (
            "Publication",
            {
                "description": "Publié avec une date future, l’article paraît de "
                "lui-même à cette date. « Voir sur le site » montre un brouillon "
                "à l’équipe seulement.",
                "fields": ["status", "publish_at"],
            },
        ),
        (
            "Liens",
            {"fields": ["events", "members", "working_groups", "document"]},
        ),
        (
            "Historique",
            {
                "classes": ["collapse"],
                "fields": ["is_demo", "created_at", "updated_at"],
            },
        ),
    ]
    actions = ["publish_now", "unpublish"]

    @admin.action(description="Publier maintenant", permissions=["change"])
    def publish_now(self, request, queryset):
        now = timezone.now()
        count = queryset.update(
            status=Article.Status.PUBLISHED, publish_at=now, updated_at=now
        )
        self.message_user(request, f"{count} article(s) publié(s).")

    @admin.action(
        description="Dépublier (repasser en brouillon)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT, updated_at=timezone.now())
        self.message_user(request, f"{count} article(s) repassé(s) en brouillon.")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "date",
        "file_format",
        "is_published",
        "in_press_kit",
        "is_demo",
    ]
    list_filter = [
        "is_published",
        "members_only",
        "kind",
        "in_press_kit",
        "date",
        "is_demo",
    ]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["events", "working_groups"]
    readonly_fields = ["format_and_size", "is_demo", "updated_at"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "date", "summary"]}),
        ("Fichier", {"fields": ["file", "format_and_size"]}),
        ("Version accessible", {"fields": ["body"]}),
        (
            "Publication",
            {"fields": ["is_published", "members_only", "in_press_kit"]},
        ),
        ("Liens", {"fields": ["events", "working_groups"]}),
        ("Historique", {"classes": ["collapse"], "fields": ["is_demo", "updated_at"]}),
    ]

    @admin.display(description="format et taille")
    def format_and_size(self, document):
        return document.format_and_size if document.file_format else "—"
