"""The dues models, moved from `members` (members 0004 renamed their tables):
created in the migration state only, the tables and rows are already there."""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ['duesscale', 'duesbracket', 'duescall', 'invoicesequence', 'payment', 'reminderstep', 'reminder']


def move_content_types(apps, schema_editor, source='members', target='dues'):
    """The moved models keep their content types, so permissions, group
    grants and admin history follow them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=source, model__in=MODELS
    ).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source='dues', target='members')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('members', '0006_move_dues_to_dues_app'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DuesScale',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='année')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                    ],
                    options={
                        'verbose_name': 'barème de cotisation',
                        'verbose_name_plural': 'barèmes de cotisation',
                        'ordering': ['-year'],
                    },
                ),
                migrations.CreateModel(
                    name='InvoiceSequence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='année')),
                        ('last_number', models.PositiveIntegerField(default=0, verbose_name='dernier numéro')),
                    ],
                    options={
                        'verbose_name': 'numérotation des factures',
                        'verbose_name_plural': 'numérotation des factures',
                    },
                ),
                migrations.CreateModel(
                    name='ReminderStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('days_after_due', models.PositiveSmallIntegerField(unique=True, verbose_name='jours après l’échéance')),
                        ('subject', models.CharField(max_length=200, verbose_name='objet du courriel')),
                        ('body', models.TextField(help_text='Variables : {ville}, {numero}, {montant}, {reste}, {echeance}.', verbose_name='texte du courriel')),
                    ],
                    options={
                        'verbose_name': 'étape de relance',
                        'verbose_name_plural': 'calendrier des relances',
                        'ordering': ['days_after_due'],
                    },
                ),
                migrations.CreateModel(
                    name='DuesCall',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='année')),
                        ('number', models.PositiveIntegerField(blank=True, null=True, verbose_name='numéro')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=9, verbose_name='montant (€)')),
                        ('population', models.PositiveIntegerField(blank=True, null=True, verbose_name='population retenue')),
                        ('population_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='millésime de la population')),
                        ('scale_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name='montant du barème (€)')),
                        ('override_reason', models.TextField(blank=True, help_text='Obligatoire si le montant diffère du barème.', verbose_name='motif du montant modifié')),
                        ('commitment_number', models.CharField(blank=True, max_length=100, verbose_name='numéro d’engagement')),
                        ('issued_on', models.DateField(blank=True, null=True, verbose_name='émise le')),
                        ('due_on', models.DateField(blank=True, null=True, verbose_name='échéance')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='envoyée le')),
                        ('no_reminders', models.BooleanField(default=False, verbose_name='ne pas relancer')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dues_calls', to='members.member', verbose_name='ville')),
                    ],
                    options={
                        'verbose_name': 'appel de cotisation',
                        'verbose_name_plural': 'appels de cotisation',
                        'ordering': ['-year', 'number', 'member__authority__name'],
                    },
                ),
                migrations.CreateModel(
                    name='DuesBracket',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('min_population', models.PositiveIntegerField(verbose_name='population à partir de')),
                        ('max_population', models.PositiveIntegerField(blank=True, null=True, verbose_name='population jusqu’à (incluse)')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=9, verbose_name='montant (€)')),
                        ('scale', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='brackets', to='dues.duesscale')),
                    ],
                    options={
                        'verbose_name': 'tranche',
                        'ordering': ['scale', 'min_population'],
                    },
                ),
                migrations.CreateModel(
                    name='Payment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('paid_on', models.DateField(verbose_name='date')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=9, verbose_name='montant (€)')),
                        ('method', models.CharField(choices=[('virement', 'Virement'), ('mandat', 'Mandat administratif'), ('cheque', 'Chèque')], max_length=20, verbose_name='mode')),
                        ('reference', models.CharField(blank=True, max_length=200, verbose_name='référence')),
                        ('call', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='payments', to='dues.duescall', verbose_name='appel')),
                    ],
                    options={
                        'verbose_name': 'paiement',
                        'ordering': ['paid_on'],
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sent_at', models.DateTimeField(auto_now_add=True, verbose_name='envoyée le')),
                        ('recipient', models.EmailField(max_length=254, verbose_name='destinataire')),
                        ('call', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='dues.duescall', verbose_name='appel')),
                        ('step', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dues.reminderstep', verbose_name='étape')),
                    ],
                    options={
                        'verbose_name': 'relance envoyée',
                        'verbose_name_plural': 'relances envoyées',
                        'ordering': ['-sent_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='duescall',
                    constraint=models.UniqueConstraint(fields=('member', 'year'), name='one_dues_call_per_member_and_year'),
                ),
                migrations.AddConstraint(
                    model_name='duescall',
                    constraint=models.UniqueConstraint(fields=('year', 'number'), name='dues_call_number_unique_per_year'),
                ),
                migrations.AddConstraint(
                    model_name='duesbracket',
                    constraint=models.UniqueConstraint(fields=('scale', 'min_population'), name='bracket_unique_start'),
                ),
                migrations.AddConstraint(
                    model_name='duesbracket',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='bracket_amount_not_negative', violation_error_message='Le montant ne peut pas être négatif.'),
                ),
                migrations.AddConstraint(
                    model_name='payment',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='payment_amount_positive', violation_error_message='Le montant doit être positif.'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.UniqueConstraint(fields=('call', 'step'), name='one_reminder_per_call_and_step'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
