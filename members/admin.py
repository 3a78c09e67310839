"""Back office for the commune reference, members, people and working groups."""

from django.contrib import admin

from rfve_site import formats

from .models import (
    LocalAuthority,
    Mandate,
    Member,
    Person,
    WorkingGroup,
)

# --- Reference data ---------------------------------------------------------


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    """Official data, refreshed by `manage.py load_communes`: read-only except
    for superusers."""

    list_display = ["name", "kind", "code", "department_code", "population_display"]
    list_filter = ["kind", "region_name"]
    # Declared for the autocomplete (MemberAdmin.authority); the search itself
    # is LocalAuthority.objects.search (see get_search_results).
    search_fields = ["search_name", "code", "postcodes"]
    search_help_text = (
        "Nom (accents et tirets facultatifs), code postal ou code officiel."
    )

    @admin.display(description="population municipale", ordering="population")
    def population_display(self, authority):
        population = authority.population
        return "—" if population is None else formats.number(population)

    def get_search_results(self, request, queryset, search_term):
        """ "saint etienne" finds Saint-Étienne; "69100" finds Villeurbanne."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


# --- Members, people, mandates, working groups ------------------------------


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ["working_group"]


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["civility", "first_name", "last_name", "position", "email", "phone"]
    show_change_link = True


class BillingDataFilter(admin.SimpleListFilter):
    title = "données de facturation"
    parameter_name = "facturation"
    MISSING = "incompletes"

    def lookups(self, request, model_admin):
        return [(self.MISSING, "SIRET ou contact finances manquant")]

    def queryset(self, request, queryset):
        if self.value() == self.MISSING:
            return queryset.missing_billing_data()
        return queryset


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "population", "member_since", "status"]
    list_filter = [
        "status",
        BillingDataFilter,
        "authority__region_name",
        "authority__kind",
    ]
    list_select_related = ["authority"]
    search_fields = [
        "authority__search_name",
        "authority__postcodes",
        "authority__code",
    ]
    autocomplete_fields = ["authority"]
    readonly_fields = ["population_note"]
    inlines = [PersonInline]
    fieldsets = [
        (None, {"fields": ["authority", "slug", "status", "member_since", "website"]}),
        ("Population", {"fields": ["population_note"]}),
        (
            "Facturation (Chorus Pro)",
            {
                "fields": [
                    "siret",
                    "chorus_service_code",
                    "commitment_number_required",
                    "invoicing_address",
                ]
            },
        ),
        (
            "Contact finances (privé)",
            {
                "fields": [
                    "finance_contact_name",
                    "finance_contact_email",
                    "finance_contact_phone",
                ]
            },
        ),
        ("Notes", {"fields": ["notes"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        """Private finance contacts only for those who maintain the record
        (Secrétariat, Trésorerie), not for the read-only Bureau."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [fs for fs in fieldsets if fs[0] != "Contact finances (privé)"]

    @admin.display(description="région", ordering="authority__region_name")
    def region(self, member):
        return member.authority.region_name

    @admin.display(description="population", ordering="authority__population")
    def population(self, member):
        population = member.authority.population
        return "—" if population is None else formats.number(population)

    @admin.display(description="population municipale (Insee)")
    def population_note(self, member):
        authority = member.authority
        if authority.population is None:
            return "—"
        year = authority.population_year
        return formats.habitants(authority.population) + (
            f" (millésime {year})" if year else ""
        )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "member", "position", "kind"]
    list_filter = ["kind"]
    list_select_related = ["member__authority"]
    search_fields = ["first_name", "last_name", "email", "member__authority__name"]
    autocomplete_fields = ["member"]
    inlines = [MandateInline]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "lead", "is_active", "order"]
    list_editable = ["is_active", "order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["lead"]
