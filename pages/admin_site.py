"""The back office's site: the dashboard as its home page (pages.dashboard),
French titles that read right on every model, and the login-security tables
of django-axes for superusers only.

It is the default admin site (pages.apps.AdminConfig), so every
`@admin.register` of every app, Django's and django-axes' included, goes
through `register` below."""

from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst

from rfve_site import two_factor

from . import dashboard

# What each model is called with its articles: (indefinite, definite). Django
# would say "Ajout de événement" and "Ajouter événement". A model registered
# in the admin needs its line here (tests/pages/test_admin_desk.py).
NOUNS: dict[str, tuple[str, str]] = {
    "auth.group": ("un groupe", "le groupe"),
    "auth.user": ("un utilisateur", "l’utilisateur"),
    "axes.accessattempt": ("une tentative de connexion", "la tentative de connexion"),
    "axes.accesslog": ("une connexion", "la connexion"),
    "axes.accessfailurelog": ("un échec de connexion", "l’échec de connexion"),
    "audit.auditentry": (
        "une entrée du journal des modifications",
        "l’entrée du journal des modifications",
    ),
    "mfa.authenticator": (
        "un second facteur d’authentification",
        "le second facteur d’authentification",
    ),
    "association.sitesettings": (
        "les informations de l’association",
        "les informations de l’association",
    ),
    "members.localauthority": ("une collectivité", "la collectivité"),
    "members.member": ("une ville adhérente", "la ville adhérente"),
    "members.person": ("une personne", "la personne"),
    "espace.areaaccess": (
        "un accès à l’espace adhérents",
        "l’accès à l’espace adhérents",
    ),
    "espace.changeproposal": ("un changement proposé", "le changement proposé"),
    "members.workinggroup": ("un groupe de travail", "le groupe de travail"),
    "calendar_app.eventtype": ("un type d’événement", "le type d’événement"),
    "calendar_app.event": ("un événement", "l’événement"),
    "calendar_app.eventphoto": ("une photo d’événement", "la photo d’événement"),
    "dues.duesscale": ("un barème de cotisation", "le barème de cotisation"),
    "dues.duescall": ("un appel de cotisation", "l’appel de cotisation"),
    "dues.invoice": ("une facture ou un avoir", "la facture ou l’avoir"),
    "dues.reminderstep": ("une étape de relance", "l’étape de relance"),
    "dues.reminder": ("une relance envoyée", "la relance envoyée"),
    "dues.issuerun": ("une émission de factures", "l’émission de factures"),
    "dues.reminderrun": ("un envoi de relances", "l’envoi de relances"),
    "outbox.outboxmessage": ("un courriel", "le courriel"),
    "mailings.topic": ("un thème de la lettre", "le thème de la lettre"),
    "mailings.subscriber": ("une personne abonnée", "la personne abonnée"),
    "mailings.mailing": ("une lettre ou un envoi", "la lettre ou l’envoi"),
    "assembly.assembly": ("une assemblée générale", "l’assemblée générale"),
    "assembly.rollentry": (
        "une ville sur la liste d’émargement",
        "la ville sur la liste d’émargement",
    ),
    "assembly.proxy": ("un pouvoir", "le pouvoir"),
    "assembly.resolution": ("une résolution", "la résolution"),
    "assembly.minutes": ("un procès-verbal", "le procès-verbal"),
    "outbox.suppressedaddress": (
        "une adresse exclue des envois",
        "l’adresse exclue des envois",
    ),
    "django_tasks_database.dbtaskresult": (
        "une tâche d’arrière-plan",
        "la tâche d’arrière-plan",
    ),
    "news.category": ("une catégorie d’actualités", "la catégorie d’actualités"),
    "news.article": ("une actualité", "l’actualité"),
    "news.document": ("un document", "le document"),
    "pages.page": ("une page", "la page"),
    "pages.pageredirect": ("une redirection", "la redirection"),
    "pages.legacyredirect": (
        "une adresse de l’ancien site",
        "l’adresse de l’ancien site",
    ),
    "pages.contactmessage": ("un message reçu", "le message reçu"),
    # Registrations.
    "registrations.registrationsettings": (
        "des inscriptions à un événement",
        "les inscriptions à l’événement",
    ),
    "registrations.registration": ("une inscription", "l’inscription"),
    "registrations.order": ("une commande", "la commande"),
}


class FrenchTitles:
    """Titles and the add button with the model's articles: "Ajouter un
    événement", "Modifier la ville adhérente", "Consulter l’appel de
    cotisation" (read-only), and the list's plural as its title."""

    def _nouns(self) -> tuple[str, str]:
        # A model missing from NOUNS gets its bare name (a test flags it).
        name = str(self.opts.verbose_name)
        return NOUNS.get(self.opts.label_lower, (name, name))

    def changelist_view(self, request, extra_context=None):
        indefinite, _definite = self._nouns()
        context = {
            "title": capfirst(self.opts.verbose_name_plural),
            "add_label": f"Ajouter {indefinite}",
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        indefinite, definite = self._nouns()
        if add:
            title = f"Ajouter {indefinite}"
        elif self.has_change_permission(request, obj):
            title = f"Modifier {definite}"
        else:
            title = f"Consulter {definite}"
        context["title"] = title
        return super().render_change_form(request, context, add, change, form_url, obj)


class SuperusersOnly:
    """For django-axes' tables (login security) and the background tasks'
    table: the administrator's, not the secretariat's."""

    def _allowed(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request) and super().has_delete_permission(request, obj)


# django-axes' login tables, and allauth's second factors (a superuser
# removes the authenticator of someone who lost their phone, who then enrols
# again at the next sign-in): superusers only.
SUPERUSERS_ONLY_APPS = {"axes", "mfa", "django_tasks_database"}
# allauth's email addresses: staff sign in with a username; not in the admin.
UNLISTED_APPS = {"account"}


class SiteAdmin(admin.AdminSite):
    site_header = "RFVE · gestion du site"
    site_title = "RFVE · gestion"
    index_title = "Tableau de bord"
    # Its 300 px would leave the lists too little room on a 1280 px screen:
    # the dashboard lists every section, the breadcrumbs lead back to it.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            [model_or_iterable]
            if isinstance(model_or_iterable, type)
            else list(model_or_iterable)
        )
        for model in models:
            if model._meta.app_label in UNLISTED_APPS:
                continue
            mixins = [FrenchTitles]
            if model._meta.app_label in SUPERUSERS_ONLY_APPS:
                mixins.insert(0, SuperusersOnly)
            base = admin_class or admin.ModelAdmin
            french = type(
                base.__name__, (*mixins, base), {"__module__": base.__module__}
            )
            super().register(model, french, **options)

    def has_permission(self, request):
        """Staff, and a second factor used in this session by those who must
        (rfve_site/two_factor.py)."""
        return super().has_permission(request) and (
            two_factor.used_in(request) or not two_factor.required_for(request.user)
        )

    def login(self, request, extra_context=None):
        """The one sign-in of the site (allauth: password, then the second
        factor), which comes back here; someone signed in who must use a
        second factor and has none is sent to enrol first."""
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            target = index
        target = target or index
        user = request.user
        if self.has_permission(request):
            return redirect(target)
        if user.is_authenticated and not super().has_permission(request):
            # Signed in, but not staff (a member city's person): no loop
            # through the sign-in, which would send them back here.
            raise PermissionDenied
        if user.is_authenticated:
            if not is_mfa_enabled(user):
                messages.warning(
                    request,
                    "Votre compte donne accès à des données personnelles et "
                    "financières : activez la double authentification (une "
                    "application d’authentification ou une clé d’accès) avant "
                    "d’entrer dans l’administration.",
                )
                return redirect("mfa_index")
            # Enrolled, but this session skipped the second step: sign in again.
            logout(request)
        return redirect(
            f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target})}"
        )

    def index(self, request, extra_context=None):
        sections = dashboard.sections_for(request.user, timezone.localdate())
        return super().index(request, {"sections": sections, **(extra_context or {})})
