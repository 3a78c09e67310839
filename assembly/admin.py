"""The secretariat's assembly: settings of the assembly and its agenda,
the roll (computed, then frozen by the convocation), attendance and the
live quorum, proxies recorded from paper, show-of-hands counts, electronic
votes opened and closed, the minutes drafted, edited and issued.

Every state change goes through the services (roll, convocation, proxies,
session, voting, minutes), which hold the rules whoever calls them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from . import convocation, minutes, proxies, roll, session, voting
from .models import (
    AgendaItem,
    Assembly,
    ConvocationSending,
    FrozenError,
    Minutes,
    Proxy,
    Resolution,
    RollEntry,
)
from .results import result_of

SERVICE_ERRORS = (
    FrozenError,
    convocation.ConvocationError,
    proxies.ProxyError,
    session.SessionError,
    voting.VoteError,
    minutes.MinutesError,
)


def _quorum_text(assembly: Assembly) -> str:
    current = session.quorum(assembly)
    state = "arrêté à l’ouverture" if assembly.is_open else "en direct"
    verdict = "atteint" if current.reached else "non atteint"
    return (
        f"{current.present} voix présentes + {current.represented} représentées "
        f"= {current.counted} sur {current.voters} ; quorum requis : "
        f"{current.required} ; {verdict} ({state})"
    )


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 1
    fields = ["order", "title", "description"]


class ResolutionForm(forms.ModelForm):
    class Meta:
        model = Resolution
        fields = [
            "assembly",
            "order",
            "title",
            "text",
            "majority",
            "secret",
            "method",
            "votes_for",
            "votes_against",
            "votes_abstention",
        ]

    def clean(self):
        data = super().clean()
        counts = [
            data.get(name)
            for name in ("votes_for", "votes_against", "votes_abstention")
        ]
        if any(count is not None for count in counts) and self.instance.assembly_id:
            assembly = self.instance.assembly
            if not assembly.is_open:
                raise ValidationError(
                    "La séance n’est pas ouverte : les voix se comptent après "
                    "l’ouverture."
                )
            counted = session.quorum(assembly).counted
            total = sum(count or 0 for count in counts)
            if total > counted:
                raise ValidationError(
                    f"{total} voix comptées pour {counted} voix présentes et "
                    "représentées."
                )
        return data


class ResolutionInline(admin.StackedInline):
    model = Resolution
    form = ResolutionForm
    extra = 0
    fields = [
        ("order", "title"),
        "text",
        ("majority", "secret", "method"),
        ("votes_for", "votes_against", "votes_abstention"),
        "result",
    ]
    readonly_fields = ["result"]

    @admin.display(description="résultat")
    def result(self, resolution):
        if not resolution.pk:
            return "—"
        return _result(resolution)


def _result(resolution: Resolution) -> str:
    assembly = resolution.assembly
    if resolution.method == Resolution.Method.ELECTRONIC:
        if resolution.ballot_opened_at is None:
            return "vote électronique non ouvert"
        if resolution.ballot_is_open:
            return (
                f"vote électronique ouvert : {resolution.participations.count()} "
                "ville(s) ont voté"
            )
    if not assembly.is_open:
        return "—"
    result = result_of(resolution, session.quorum(assembly).counted)
    return result.wording if result else "non compté"


class RollEntryInline(admin.TabularInline):
    model = RollEntry
    extra = 0
    can_delete = False
    fields = [
        "city_name",
        "votes",
        "excluded_reason",
        "representative_name",
        "holder",
        "present",
        "attendee_name",
    ]
    readonly_fields = [
        "city_name",
        "votes",
        "excluded_reason",
        "representative_name",
        "holder",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="pouvoir donné à")
    def holder(self, entry):
        proxy = entry.proxies_given.standing().select_related("holder").first()
        return proxy.holder.city_name if proxy else "—"


class ConvocationSendingInline(admin.TabularInline):
    model = ConvocationSending
    extra = 0
    can_delete = False
    fields = ["entry", "email", "sent_at", "sent_by", "status"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="état du courriel")
    def status(self, sending):
        message = sending.message
        if message is None:
            return "courriel purgé de la boîte d’envoi"
        state = message.get_status_display()
        return f"{state}, {message.delivery}" if message.delivery else state


@admin.register(Assembly)
class AssemblyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "cutoff_date", "convened_at", "opened_at"]
    list_select_related = ["event"]
    autocomplete_fields = ["event"]
    filter_horizontal = ["documents"]
    inlines = [
        AgendaItemInline,
        ResolutionInline,
        RollEntryInline,
        ConvocationSendingInline,
    ]
    readonly_fields = [
        "convened_at",
        "convened_by",
        "opened_at",
        "quorum",
        "rules",
        "is_demo",
    ]
    fieldsets = [
        (None, {"fields": ["event", ("kind", "round"), ("dues_year", "cutoff_date")]}),
        ("Convocation", {"fields": ["convocation_text", "documents"]}),
        (
            "Séance",
            {
                "fields": [
                    ("convened_at", "convened_by"),
                    "opened_at",
                    "quorum",
                    "rules",
                ]
            },
        ),
        ("Démonstration", {"fields": ["is_demo"], "classes": ["collapse"]}),
    ]
    actions = ["compute_roll", "send_convocation", "open_session", "draft_minutes"]

    @admin.display(description="quorum")
    def quorum(self, assembly):
        if not assembly.pk:
            return "—"
        return _quorum_text(assembly)

    @admin.display(description="règles des statuts")
    def rules(self, assembly):
        from association.models import SiteSettings

        rules = SiteSettings.load()
        rows = [
            (
                "Délai de convocation",
                f"{rules.ag_notice_days} jours",
                rules.ag_notice_article,
            ),
            ("Pouvoirs par ville", str(rules.ag_max_proxies), rules.ag_proxies_article),
            (
                "Quorum",
                f"{rules.ag_quorum_first} % (1re), {rules.ag_quorum_second} % (2de)",
                rules.ag_quorum_article,
            ),
            (
                "Vote électronique",
                "permis" if rules.ag_electronic_voting else "non prévu",
                rules.ag_electronic_voting_article,
            ),
        ]
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{} : {} ({})</li>", rows),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_convened:
            fields += ["event", "kind", "round", "dues_year", "cutoff_date"]
        return fields

    def _run(self, request, queryset, service, done: str):
        for assembly in queryset:
            try:
                outcome = service(assembly)
            except SERVICE_ERRORS as error:
                self.message_user(request, f"{assembly} : {error}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{assembly} : {done.format(outcome=outcome)}"
                )

    @admin.action(description="Calculer la liste d’émargement")
    def compute_roll(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda a: sum(1 for e in roll.compute_roll(a) if e.may_vote),
            "liste calculée, {outcome} ville(s) votante(s).",
        )

    @admin.action(description="Envoyer la convocation (fige la liste)")
    def send_convocation(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda a: len(convocation.send_convocation(a, request.user)),
            "convocation envoyée à {outcome} représentants.",
        )

    @admin.action(description="Ouvrir la séance (arrête le quorum)")
    def open_session(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda a: (
                _quorum_text(Assembly.objects.get(pk=a.pk))
                if session.open_session(a)
                else ""
            ),
            "séance ouverte : {outcome}.",
        )

    @admin.action(description="Rédiger le procès-verbal à partir des données")
    def draft_minutes(self, request, queryset):
        self._run(request, queryset, minutes.draft, "procès-verbal rédigé.")


@admin.register(RollEntry)
class RollEntryAdmin(admin.ModelAdmin):
    """Attendance marked in one list (filter by assembly)."""

    list_display = [
        "city_name",
        "votes",
        "representative_name",
        "holder",
        "present",
        "attendee_name",
        "excluded_reason",
    ]
    list_editable = ["present", "attendee_name"]
    list_filter = ["assembly"]
    search_fields = ["city_name", "representative_name"]
    list_select_related = ["assembly"]
    fields = list_display
    readonly_fields = [
        "city_name",
        "votes",
        "representative_name",
        "holder",
        "excluded_reason",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="pouvoir donné à")
    def holder(self, entry):
        proxy = entry.proxies_given.standing().select_related("holder").first()
        return proxy.holder.city_name if proxy else "—"

    def changelist_view(self, request, extra_context=None):
        assembly_id = request.GET.get("assembly__id__exact")
        if assembly_id and assembly_id.isdigit():
            assembly = Assembly.objects.filter(pk=assembly_id).first()
            if assembly:
                self.message_user(request, f"Quorum : {_quorum_text(assembly)}")
        return super().changelist_view(request, extra_context)


class ProxyForm(forms.ModelForm):
    class Meta:
        model = Proxy
        fields = ["assembly", "principal", "holder", "signed_by"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        voting = RollEntry.objects.filter(
            votes__gt=0,
            excluded_reason="",
            assembly__convened_at__isnull=False,
            assembly__opened_at__isnull=True,
        ).select_related("assembly__event")
        for name in ("principal", "holder"):
            self.fields[name].queryset = voting
            self.fields[name].label_from_instance = lambda e: (
                f"{e.city_name} ({e.assembly})"
            )
        self.fields["assembly"].queryset = Assembly.objects.filter(
            convened_at__isnull=False, opened_at__isnull=True
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.proxy = proxies.give_proxy(
                data["assembly"],
                data["principal"],
                data["holder"],
                source=Proxy.Source.PAPER,
                signed_by=data.get("signed_by", ""),
                recorded_by=self.user,
            )
        except proxies.ProxyError as error:
            raise ValidationError(str(error)) from None
        return data

    def validate_unique(self):
        """give_proxy checked the rules under a lock and saved the proxy: the
        form's own check would find it as a duplicate of itself."""


@admin.register(Proxy)
class ProxyAdmin(admin.ModelAdmin):
    list_display = [
        "principal",
        "holder",
        "assembly",
        "source",
        "given_at",
        "revoked_at",
    ]
    list_filter = ["assembly", "source"]
    list_select_related = ["principal", "holder", "assembly__event"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            form = ProxyForm

            class Bound(form):
                def __init__(self, *args, **inner):
                    super().__init__(*args, user=request.user, **inner)

            return Bound
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in Proxy._meta.fields if f.name != "id"]

    def save_form(self, request, form, change):
        return form.proxy if not change else super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        """Saved by give_proxy (add); nothing is editable once recorded."""

    def save_related(self, request, form, formsets, change):
        """A proxy has no related rows to save."""

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Révoquer les pouvoirs sélectionnés")
    def revoke(self, request, queryset):
        for proxy in queryset.standing():
            try:
                proxies.revoke_proxy(proxy)
            except proxies.ProxyError as error:
                self.message_user(request, f"{proxy} : {error}", messages.ERROR)


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    """Electronic votes opened and closed here; counts on the assembly."""

    form = ResolutionForm
    list_display = ["__str__", "assembly", "method", "secret", "result"]
    list_filter = ["assembly", "method"]
    list_select_related = ["assembly__event"]
    readonly_fields = ["ballot_opened_at", "ballot_closed_at", "result"]
    actions = ["open_ballot", "close_ballot"]

    @admin.display(description="résultat")
    def result(self, resolution):
        return _result(resolution) if resolution.pk else "—"

    def _run(self, request, queryset, service, done):
        for resolution in queryset:
            try:
                service(resolution)
            except SERVICE_ERRORS as error:
                self.message_user(request, f"{resolution} : {error}", messages.ERROR)
            else:
                self.message_user(request, f"{resolution} : {done}")

    @admin.action(description="Ouvrir le vote électronique")
    def open_ballot(self, request, queryset):
        self._run(request, queryset, voting.open_ballot, "vote ouvert.")

    @admin.action(description="Clore le vote électronique")
    def close_ballot(self, request, queryset):
        self._run(request, queryset, voting.close_ballot, "vote clos.")


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "issued_at", "sha256"]
    list_select_related = ["assembly__event"]
    fields = ["assembly", "text", "issued_at", "issued_by", "sha256", "download"]
    actions = ["issue"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["issued_at", "issued_by", "sha256", "download"]
        if obj is not None:
            fixed.append("assembly")
            if obj.is_issued:
                fixed.append("text")
        return fixed

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and not obj.is_issued
            and super().has_delete_permission(request, obj)
        )

    @admin.display(description="fichier")
    def download(self, obj):
        if not obj or not obj.is_issued:
            return "—"
        url = reverse("admin:assembly_minutes_pdf", args=[obj.pk])
        return format_html('<a href="{}">Télécharger le PDF</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/proces-verbal.pdf",
                view(self.pdf_view),
                name="assembly_minutes_pdf",
            ),
        ] + super().get_urls()

    def pdf_view(self, request, pk):
        obj = get_object_or_404(Minutes, pk=pk, issued_at__isnull=False)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        try:
            content = minutes.read_pdf(obj)
        except minutes.MinutesIntegrityError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponse(
                str(error), status=409, content_type="text/plain; charset=utf-8"
            )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="proces-verbal-{obj.assembly.date:%Y-%m-%d}.pdf"'
        )
        return response

    @admin.action(description="Émettre le procès-verbal (PDF figé)")
    def issue(self, request, queryset):
        for obj in queryset:
            try:
                minutes.issue(obj, request.user)
            except SERVICE_ERRORS as error:
                self.message_user(request, f"{obj} : {error}", messages.ERROR)
            else:
                self.message_user(request, f"{obj} : émis.")
