from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse

from .models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One record: the list goes straight to its form."""

    fieldsets = [
        ("Association", {"fields": ["name", "legal_form", "presentation"]}),
        (
            "Siège et identifiants",
            {
                "fields": [
                    "seat_address",
                    "seat_city",
                    "rna",
                    "siret",
                    "phone",
                    "contact_email",
                ]
            },
        ),
        ("Presse", {"fields": ["press_contact", "press_email", "press_phone"]}),
        (
            "Facturation des cotisations",
            {
                "description": "Nom, forme juridique, adresse du siège, SIRET, "
                "IBAN et BIC sont exigés pour émettre une facture.",
                "fields": [
                    "treasurer_name",
                    "treasurer_title",
                    "treasurer_email",
                    "iban",
                    "bic",
                    "vat_regime",
                    "vat_number",
                    "registration_vat",
                    "payment_days",
                    "unpaid_dues_text",
                ],
            },
        ),
        (
            "Assemblée générale (statuts)",
            {
                "description": "Ce que disent les statuts, chaque règle avec "
                "l’article dont elle vient (repris dans le procès-verbal).",
                "fields": [
                    ("ag_convened_by", "ag_convened_by_article"),
                    ("ag_notice_days", "ag_notice_article"),
                    ("ag_vote_basis", "ag_vote_article"),
                    "ag_cutoff_days",
                    ("ag_weight_population", "ag_weight_max"),
                    ("ag_max_proxies", "ag_proxies_article"),
                    ("ag_quorum_first", "ag_quorum_second", "ag_quorum_article"),
                    (
                        "ag_ordinary_majority",
                        "ag_statutes_majority",
                        "ag_majority_article",
                    ),
                    ("ag_electronic_voting", "ag_electronic_voting_article"),
                ],
            },
        ),
        (
            "Mentions légales",
            {
                "description": "Tous ces champs sont exigés par la loi : "
                "`manage.py check --deploy` signale ceux qui manquent.",
                "fields": [
                    "publication_director",
                    "publication_director_title",
                    "host_name",
                    "host_address",
                    "host_phone",
                ],
            },
        ),
        (
            "Données personnelles",
            {"fields": ["mail_provider", "transfers_outside_eu"]},
        ),
        (
            "Déclaration d’accessibilité (RGAA)",
            {
                "fields": [
                    "accessibility_statement_date",
                    "accessibility_state",
                    "accessibility_audit_date",
                    "accessibility_audit_by",
                    "accessibility_rate",
                    "accessibility_test_environment",
                    "accessibility_tools",
                    "accessibility_audited_pages",
                    "accessibility_non_conformities",
                    "accessibility_derogations",
                    "accessibility_exempt_contents",
                    "accessibility_multiyear_plan_url",
                    "accessibility_action_plan_url",
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
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied  # and do not tell whether the record exists
        if SiteSettings.objects.exists():
            return HttpResponseRedirect(
                reverse("admin:association_sitesettings_change", args=[1])
            )
        return HttpResponseRedirect(reverse("admin:association_sitesettings_add"))
