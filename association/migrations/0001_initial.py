"""The association's settings, moved from `pages` (pages 0007 renamed the
table): created in the migration state only, the row is already there."""

from django.db import migrations, models

MODELS = ['sitesettings']


def move_content_types(apps, schema_editor, source='pages', target='association'):
    """The moved models keep their content types, so permissions, group
    grants and admin history follow them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=source, model__in=MODELS
    ).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source='association', target='pages')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('pages', '0008_move_sitesettings_to_association'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SiteSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(default='Réseau français des villes éducatrices', max_length=200, verbose_name='nom')),
                        ('legal_form', models.CharField(default='Association loi 1901', max_length=200, verbose_name='forme juridique')),
                        ('presentation', models.TextField(blank=True, help_text='Trois phrases sur le réseau, en Markdown. « {villes} » est remplacé par le nombre de villes adhérentes.', verbose_name='présentation (page d’accueil)')),
                        ('seat_address', models.TextField(blank=True, verbose_name='adresse du siège')),
                        ('seat_city', models.CharField(blank=True, help_text='Pour le pied de page.', max_length=100, verbose_name='ville du siège')),
                        ('rna', models.CharField(blank=True, max_length=10, verbose_name='numéro RNA')),
                        ('siret', models.CharField(blank=True, max_length=14, verbose_name='SIRET')),
                        ('publication_director', models.CharField(blank=True, max_length=200, verbose_name='directrice ou directeur de la publication')),
                        ('host_name', models.CharField(blank=True, max_length=200, verbose_name='hébergeur')),
                        ('host_address', models.TextField(blank=True, verbose_name='adresse de l’hébergeur')),
                        ('host_phone', models.CharField(blank=True, max_length=30, verbose_name='téléphone de l’hébergeur')),
                        ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='courriel de contact')),
                        ('accessibility_state', models.CharField(choices=[('totale', 'totalement conforme'), ('partielle', 'partiellement conforme'), ('non', 'non conforme')], default='non', max_length=20, verbose_name='état de conformité RGAA')),
                        ('accessibility_audit_date', models.DateField(blank=True, null=True, verbose_name='date de l’audit')),
                        ('accessibility_audit_by', models.CharField(blank=True, max_length=200, verbose_name='audit réalisé par')),
                        ('accessibility_rate', models.CharField(blank=True, help_text='Par exemple : 87 %. Laisser vide sans audit.', max_length=20, verbose_name='taux de conformité')),
                        ('accessibility_non_conformities', models.TextField(blank=True, help_text='Markdown : les contenus non accessibles et pourquoi.', verbose_name='non-conformités')),
                        ('accessibility_contact', models.CharField(blank=True, help_text='Courriel ou adresse pour signaler un obstacle (le courriel de contact à défaut).', max_length=300, verbose_name='signaler un défaut d’accessibilité')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                    ],
                    options={
                        'verbose_name': 'informations de l’association',
                        'verbose_name_plural': 'informations de l’association',
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
