"""Demo identity of the association: realistic, but the numbers are
fictional (the SIRET, RNA, phone and bank account belong to nobody; the IBAN
only has valid check digits). Called first by `manage.py load_demo`, so that
the demo invoices can be issued; safe to run again."""

from .models import LEGAL_FORM, SiteSettings

IDENTITY = {
    "name": "Réseau français des villes éducatrices",
    "legal_form": LEGAL_FORM,
    "seat_address": "Hôtel de ville\nPlace Lazare-Goujon\n69100 Villeurbanne",
    "seat_city": "Villeurbanne",
    "rna": "W691000000",
    "siret": "41234567000019",
    # A number reserved by the ARCEP for fiction.
    "phone": "04 65 71 20 23",
    "treasurer_name": "Sophie Marchand (donnée de démonstration)",
    "treasurer_email": "tresorerie@villeseducatrices.fr",
    "iban": "FR76 3000 1007 9412 3456 7890 185",
    "bic": "BDFEFRPPCCT",
    "vat_regime": SiteSettings.VatRegime.OUT_OF_SCOPE,
}


def load() -> SiteSettings:
    settings = SiteSettings.load()
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    settings.save()
    return settings
