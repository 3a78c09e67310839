"""`manage.py check --deploy` warns while an invoice could not be issued, or
while the legal pages lack an item the law asks for."""

from django.core.checks import Warning, register
from django.db import DatabaseError


@register("association", deploy=True)
def issuer_identity(app_configs, **kwargs):
    if app_configs is not None and not any(
        config.label == "association" for config in app_configs
    ):
        return []
    from .models import SiteSettings

    try:
        missing = SiteSettings.load().missing_issuer_fields()
    except DatabaseError:  # not migrated yet, or unreachable
        return [
            Warning(
                "Les informations de l’association n’ont pas pu être lues.",
                hint="Lancez `manage.py migrate`, puis relancez `manage.py check "
                "--deploy`.",
                id="association.W002",
            )
        ]
    if not missing:
        return []
    return [
        Warning(
            "Informations de l’association incomplètes : "
            + ", ".join(missing)
            + ". Aucune facture de cotisation ne peut être émise sans elles.",
            hint="Renseignez-les dans l’administration, « Informations de "
            "l’association ».",
            id="association.W001",
        )
    ]


@register("association", deploy=True)
def legal_pages(app_configs, **kwargs):
    """The legal pages leave out what is missing (never a public "non
    renseigné"): the deployment is where it is said."""
    if app_configs is not None and not any(
        config.label == "association" for config in app_configs
    ):
        return []
    from .models import SiteSettings

    try:
        missing = SiteSettings.load().missing_legal_fields()
    except DatabaseError:  # said once, by issuer_identity
        return []
    if not missing:
        return []
    return [
        Warning(
            "Mentions légales, données personnelles ou déclaration "
            "d’accessibilité incomplètes : " + ", ".join(missing) + ".",
            hint="Renseignez-les dans l’administration, « Informations de "
            "l’association ».",
            id="association.W003",
        )
    ]
