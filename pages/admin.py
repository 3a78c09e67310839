from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from .models import Page, PageRedirect, SiteSettings


class PageRedirectInline(admin.TabularInline):
    model = PageRedirect
    extra = 0
    fields = ["old_path", "created_at"]
    readonly_fields = ["old_path", "created_at"]
    can_delete = True
    verbose_name_plural = "anciennes adresses (redirigées vers cette page)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["tree_path", "title", "is_published", "in_menu", "menu_order"]
    list_display_links = ["tree_path", "title"]
    list_editable = ["is_published", "in_menu", "menu_order"]
    list_filter = ["is_published", "in_menu"]
    search_fields = ["title", "path", "body"]
    ordering = ["path"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    inlines = [PageRedirectInline]
    fieldsets = [
        (None, {"fields": ["title", "parent", "slug", "summary", "body"]}),
        ("Publication", {"fields": ["is_published", "in_menu", "menu_order"]}),
    ]

    @admin.display(description="adresse", ordering="path")
    def tree_path(self, page):
        return page.get_absolute_url()


@admin.register(PageRedirect)
class PageRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "page", "created_at"]
    search_fields = ["old_path", "page__title"]
    list_select_related = ["page"]
    autocomplete_fields = ["page"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One record: the list goes straight to its form."""

    fieldsets = [
        ("Association", {"fields": ["name", "legal_form", "presentation"]}),
        (
            "Siège et identifiants",
            {"fields": ["seat_address", "seat_city", "rna", "siret", "contact_email"]},
        ),
        (
            "Mentions légales",
            {
                "fields": [
                    "publication_director",
                    "host_name",
                    "host_address",
                    "host_phone",
                ]
            },
        ),
        (
            "Déclaration d’accessibilité (RGAA)",
            {
                "fields": [
                    "accessibility_state",
                    "accessibility_audit_date",
                    "accessibility_audit_by",
                    "accessibility_rate",
                    "accessibility_non_conformities",
                    "accessibility_contact",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if SiteSettings.objects.exists():
            return HttpResponseRedirect(
                reverse("admin:pages_sitesettings_change", args=[1])
            )
        return HttpResponseRedirect(reverse("admin:pages_sitesettings_add"))
