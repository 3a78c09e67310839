"""The secretariat's side of the members' area: who has access (and the
invitations to confirm), the cities' proposals shown as before/after and
decided in one click, and on a member city's page its calls, invoices,
registrations, people with access and their sign-ins."""

from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils import timezone

from members.admin import MemberAdmin, PersonAdmin
from members.models import Member, Person

from . import access, proposals
from .models import AreaAccess, ChangeProposal


@admin.register(AreaAccess)
class AreaAccessAdmin(admin.ModelAdmin):
    list_display = ["person", "city", "status", "is_referent", "invited_by"]
    list_filter = ["status", "is_referent"]
    list_select_related = ["person__member__authority", "invited_by"]
    search_fields = ["person__first_name", "person__last_name", "person__email"]
    autocomplete_fields = ["person"]
    readonly_fields = ["invited_by", "created_at"]
    actions = ["confirm"]

    @admin.display(description="ville", ordering="person__member__authority__name")
    def city(self, access_row):
        return access_row.person.member or "—"

    @admin.action(description="Confirmer les invitations choisies")
    def confirm(self, request, queryset):
        count = 0
        for row in queryset.filter(status=AreaAccess.Status.INVITED):
            row.status = AreaAccess.Status.ACTIVE
            row.save()  # saved one by one: the audit trail logs each
            count += 1
        self.message_user(request, f"{count} invitation(s) confirmée(s).")


class AreaAccessInline(admin.StackedInline):
    model = AreaAccess
    fk_name = "person"
    extra = 0
    max_num = 1
    fields = ["status", "is_referent", "invited_by"]
    readonly_fields = ["invited_by"]
    verbose_name_plural = "accès à l’espace adhérents"


admin.site.unregister(Person)


@admin.register(Person)
class AreaPersonAdmin(PersonAdmin):
    inlines = [*PersonAdmin.inlines, AreaAccessInline]


admin.site.unregister(Member)


@admin.register(Member)
class AreaMemberAdmin(MemberAdmin):
    """The city's page, with what the members' area shows and does."""

    readonly_fields = [*MemberAdmin.readonly_fields, "area_overview"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            *fieldsets,
            ("Espace adhérents et activité", {"fields": ["area_overview"]}),
        ]

    @admin.display(description="aperçu")
    def area_overview(self, member):
        today = timezone.localdate()
        context = {
            "calls": access.calls_of(member).with_status(today).order_by("-year"),
            "documents": access.documents_of(member).order_by("-issued_on", "number"),
            "registrations": access.registrations_of(member)
            .select_related("event")
            .order_by("-event__starts_at")[:50],
            "accesses": AreaAccess.objects.filter(person__member=member)
            .select_related("person", "invited_by")
            .order_by("person__last_name"),
            "sign_ins": access.sign_ins_of(member).select_related("actor")[:30],
            "proposals": ChangeProposal.objects.pending().filter(member=member),
        }
        return render_to_string("admin/espace/member_overview.html", context)


@admin.register(ChangeProposal)
class ChangeProposalAdmin(admin.ModelAdmin):
    """Proposals are read-only: the secretariat decides, with the two buttons
    of the page (or the actions of the list)."""

    change_form_template = "admin/espace/changeproposal/change_form.html"
    list_display = [
        "created_at",
        "member",
        "subject",
        "old_value",
        "new_value",
        "proposed_by",
        "status",
    ]
    list_filter = ["status"]
    list_select_related = ["member__authority", "person", "proposed_by"]
    search_fields = ["member__authority__name", "proposed_by__last_name"]
    actions = ["accept", "refuse"]
    fields = [
        "member",
        "subject",
        "old_value",
        "new_value",
        "value_now",
        "proposed",
        "status",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="champ")
    def subject(self, proposal):
        label = proposal.field_label
        return f"{label} de {proposal.person}" if proposal.person_id else label

    @admin.display(description="valeur actuelle de la fiche")
    def value_now(self, proposal):
        return proposals.current_value(proposal) or "(vide)"

    @admin.display(description="proposée")
    def proposed(self, proposal):
        return proposal.provenance

    def save_model(self, request, obj, form, change):
        """Nothing of a proposal is edited; the buttons decide (response_change)."""

    def save_related(self, request, form, formsets, change):
        pass

    def response_change(self, request, obj):
        for key, accept in (("_accept", True), ("_refuse", False)):
            if key in request.POST:
                self._decide(request, [obj.pk], accept=accept)
                break
        return super().response_post_save_change(request, obj)

    def _decide(self, request, ids, *, accept: bool) -> None:
        done = 0
        for pk in ids:
            try:
                proposals.decide(pk, accept=accept, user=request.user)
                done += 1
            except proposals.ProposalError as error:
                self.message_user(request, str(error), messages.ERROR)
        if done:
            verb = "acceptée(s) et appliquée(s)" if accept else "refusée(s)"
            self.message_user(
                request,
                f"{done} proposition(s) {verb} ; l’auteur est prévenu par courriel.",
                messages.SUCCESS,
            )

    @admin.action(description="Accepter et appliquer les propositions choisies")
    def accept(self, request, queryset):
        self._decide(request, list(queryset.values_list("pk", flat=True)), accept=True)

    @admin.action(description="Refuser les propositions choisies")
    def refuse(self, request, queryset):
        self._decide(request, list(queryset.values_list("pk", flat=True)), accept=False)
