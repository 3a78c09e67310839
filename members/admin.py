"""Back office for members and dues.

Shared file: each section below is edited on its own (reference data, members
and people, dues)."""

from django.contrib import admin

from .models import LocalAuthority, Mandate, Member, Person, WorkingGroup

# --- Reference data ---------------------------------------------------------


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "department_code", "population"]
    list_filter = ["kind", "region_name"]
    search_fields = ["search_name", "code", "postcodes"]


# --- Members, people, mandates, working groups ------------------------------


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ["working_group"]


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["first_name", "last_name", "position", "email", "phone"]
    show_change_link = True


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "population", "member_since", "status"]
    list_filter = ["status", "authority__region_name", "authority__kind"]
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

    @admin.display(description="région", ordering="authority__region_name")
    def region(self, member):
        return member.authority.region_name

    @admin.display(description="population", ordering="authority__population")
    def population(self, member):
        return member.authority.population

    @admin.display(description="population légale")
    def population_note(self, member):
        authority = member.authority
        if authority.population is None:
            return "—"
        return (
            f"{authority.population} habitants (millésime {authority.population_year})"
        )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "member", "position"]
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


# --- Dues -------------------------------------------------------------------
