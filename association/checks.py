"""`manage.py check --deploy` warns while an invoice could not be issued."""

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
