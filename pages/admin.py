from django.contrib import admin, messages

from .contact import forward
from .models import ContactMessage, LegacyRedirect, Page, PageRedirect


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


@admin.register(LegacyRedirect)
class LegacyRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_address", "target", "note", "created_at"]
    search_fields = ["old_path", "query", "target", "note"]
    fields = ["old_path", "query", "target", "note"]

    @admin.display(description="ancienne adresse", ordering="old_path")
    def old_address(self, redirect):
        return redirect.old_address


class MailedFilter(admin.SimpleListFilter):
    title = "transmission par courriel"
    parameter_name = "transmis"

    def lookups(self, request, model_admin):
        return [("oui", "Transmis"), ("non", "Non transmis")]

    def queryset(self, request, queryset):
        if self.value() in ("oui", "non"):
            return queryset.filter(mailed_at__isnull=self.value() == "non")
        return queryset


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """The inbox of the contact form. Messages are read here as received;
    only their follow-up status changes."""

    list_display = [
        "received_at",
        "subject",
        "name",
        "organisation",
        "status",
        "mailed",
    ]
    list_display_links = ["received_at", "subject"]
    list_filter = ["status", MailedFilter]
    search_fields = ["name", "email", "organisation", "subject", "message"]
    date_hierarchy = "received_at"
    fields = [
        "received_at",
        "name",
        "email",
        "organisation",
        "subject",
        "message",
        "mailed_at",
        "status",
    ]
    # What the sender wrote stays as received; only the follow-up changes.
    readonly_fields = [name for name in fields if name != "status"]
    actions = ["mark_read", "mark_answered", "forward_again"]

    @admin.display(description="transmis", boolean=True, ordering="mailed_at")
    def mailed(self, message):
        return message.mailed_at is not None

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Opening a new message marks it as read, as in any inbox.
        if request.method == "GET" and self.has_change_permission(request):
            ContactMessage.objects.filter(
                pk=object_id, status=ContactMessage.Status.NEW
            ).update(status=ContactMessage.Status.READ)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Marquer comme lus", permissions=["change"])
    def mark_read(self, request, queryset):
        queryset.filter(status=ContactMessage.Status.NEW).update(
            status=ContactMessage.Status.READ
        )

    @admin.action(description="Marquer comme répondus", permissions=["change"])
    def mark_answered(self, request, queryset):
        queryset.update(status=ContactMessage.Status.ANSWERED)

    @admin.action(
        description="Transmettre de nouveau par courriel au secrétariat",
        permissions=["change"],
    )
    def forward_again(self, request, queryset):
        unsent = list(queryset.filter(mailed_at__isnull=True))
        forwarded = sum(forward(message) for message in unsent)
        if forwarded:
            self.message_user(request, f"{forwarded} message(s) transmis.")
        if forwarded < len(unsent):
            self.message_user(
                request,
                f"{len(unsent) - forwarded} message(s) non transmis : vérifiez le "
                "courriel de contact (informations de l’association) et le "
                "serveur de courriel.",
                messages.WARNING,
            )
