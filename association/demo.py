"""Demo identity of the association: realistic, but the numbers are
fictional (the SIRET, RNA, phone and bank account belong to nobody; the IBAN
only has valid check digits). Called first by `manage.py load_demo`, so that
the demo invoices can be issued; safe to run again."""

import datetime as dt

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
    "treasurer_title": "trésorière",
    "treasurer_email": "tresorerie@villeseducatrices.fr",
    "iban": "FR76 3000 1007 9412 3456 7890 185",
    "bic": "BDFEFRPPCCT",
    "vat_regime": SiteSettings.VatRegime.OUT_OF_SCOPE,
    # What the legal pages need (association.W003); the host and the mail
    # provider are fictional too (the real ones are the deployment's).
    "publication_director": "Claire Morel, présidente (donnée de démonstration)",
    "publication_director_title": "directrice",
    "contact_email": "contact@villeseducatrices.fr",
    "host_name": "Hébergement Exemple SAS (donnée de démonstration)",
    "host_address": "1 rue de l’Exemple\n69003 Lyon",
    "host_phone": "04 65 71 20 24",
    "mail_provider": "Courriel Exemple SAS, France (donnée de démonstration)",
    "accessibility_statement_date": dt.date(2026, 11, 2),
}


def load() -> SiteSettings:
    settings = SiteSettings.load()
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    settings.save()
    return settings
