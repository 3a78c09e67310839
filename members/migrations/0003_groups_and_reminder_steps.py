"""The default reminder schedule (30 and 60 days after the due date).

History: this migration also created the back-office groups and granted them
permissions of members and calendar_app. Groups and grants have one home
now, rfve_site/groups.py, applied after every migrate: that part is gone, and
members no longer reaches into calendar_app's permissions."""

from django.db import migrations

STEPS = [
    (
        30,
        "Relance : facture {numero} (cotisation RFVE)",
        "Madame, Monsieur,\n\n"
        "Sauf erreur de notre part, la facture {numero} de la cotisation de "
        "{ville} au Réseau français des villes éducatrices, échue le {echeance}, "
        "reste à régler : {reste} sur {montant}.\n\n"
        "Vous la trouverez ci-jointe. Si le paiement est en cours, merci de ne "
        "pas tenir compte de ce message.\n\n"
        "Avec nos remerciements,\nLa trésorerie du RFVE\n",
    ),
    (
        60,
        "Seconde relance : facture {numero} (cotisation RFVE)",
        "Madame, Monsieur,\n\n"
        "Malgré notre précédent courriel, la facture {numero} de la cotisation "
        "de {ville}, échue le {echeance}, reste à régler : {reste} sur "
        "{montant}.\n\n"
        "Pourriez-vous nous indiquer où en est son mandatement ? La facture est "
        "de nouveau jointe à ce message.\n\n"
        "Avec nos remerciements,\nLa trésorerie du RFVE\n",
    ),
]


def create_steps(apps, schema_editor):
    ReminderStep = apps.get_model("members", "ReminderStep")
    for days, subject, body in STEPS:
        ReminderStep.objects.get_or_create(
            days_after_due=days, defaults={"subject": subject, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_invoice_sequence"),
    ]

    operations = [migrations.RunPython(create_steps, migrations.RunPython.noop)]
