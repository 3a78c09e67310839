"""Back-office groups (Secrétariat, Trésorerie, Bureau) and the default reminder
schedule (30 and 60 days after the due date)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DUES_MODELS = [
    "member",
    "duesscale",
    "duesbracket",
    "duescall",
    "invoicesequence",
    "payment",
    "reminderstep",
    "reminder",
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations: create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(
        content_type__app_label__in=["members", "calendar_app"]
    )
    views = ours.filter(codename__startswith="view_")

    secretariat, _ = Group.objects.get_or_create(name="Secrétariat")
    secretariat.permissions.set(ours)

    treasury, _ = Group.objects.get_or_create(name="Trésorerie")
    treasury.permissions.set(
        views | ours.filter(content_type__app_label="members", content_type__model__in=DUES_MODELS)
    )

    bureau, _ = Group.objects.get_or_create(name="Bureau")
    bureau.permissions.set(views)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Secrétariat", "Trésorerie", "Bureau"]
    ).delete()


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
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("calendar_app", "0003_event_host_event_working_group"),
        ("members", "0002_invoice_sequence"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
        migrations.RunPython(create_steps, migrations.RunPython.noop),
    ]
