"""The issuer's identity for the invoices (phone, treasurer, bank details,
VAT regime), formerly in ASSOCIATION_* environment variables; the legal form
in full."""

import association.models
import django.core.validators
from django.db import migrations, models

OLD_LEGAL_FORM = "Association loi 1901"
LEGAL_FORM = "association régie par la loi du 1er juillet 1901"


def spell_out_legal_form(apps, schema_editor):
    """The former default, never edited, becomes the full wording."""
    SiteSettings = apps.get_model("association", "SiteSettings")
    SiteSettings.objects.filter(legal_form=OLD_LEGAL_FORM).update(legal_form=LEGAL_FORM)


def shorten_legal_form(apps, schema_editor):
    SiteSettings = apps.get_model("association", "SiteSettings")
    SiteSettings.objects.filter(legal_form=LEGAL_FORM).update(legal_form=OLD_LEGAL_FORM)


class Migration(migrations.Migration):

    dependencies = [
        ('association', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='sitesettings',
            name='bic',
            field=models.CharField(blank=True, max_length=11, validators=[django.core.validators.RegexValidator('^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$', 'Le BIC compte 8 ou 11 caractères (lettres majuscules et chiffres).')], verbose_name='BIC'),
        ),
        migrations.AddField(
            model_name='sitesettings',
            name='iban',
            field=models.CharField(blank=True, max_length=42, validators=[association.models.validate_iban], verbose_name='IBAN'),
        ),
        migrations.AddField(
            model_name='sitesettings',
            name='phone',
            field=models.CharField(blank=True, max_length=30, verbose_name='téléphone'),
        ),
        migrations.AddField(
            model_name='sitesettings',
            name='treasurer_email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='courriel de la trésorerie'),
        ),
        migrations.AddField(
            model_name='sitesettings',
            name='treasurer_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='trésorière ou trésorier (nom)'),
        ),
        migrations.AddField(
            model_name='sitesettings',
            name='vat_regime',
            field=models.CharField(choices=[('hors-champ', 'Cotisation statutaire hors du champ d’application de la TVA'), ('exoneration', 'Exonération de TVA, article 261-7-1° a du CGI')], default='hors-champ', help_text='Mention imprimée sur chaque facture.', max_length=20, verbose_name='régime de TVA des cotisations'),
        ),
        migrations.AlterField(
            model_name='sitesettings',
            name='legal_form',
            field=models.CharField(default='association régie par la loi du 1er juillet 1901', max_length=200, verbose_name='forme juridique'),
        ),
        migrations.AlterField(
            model_name='sitesettings',
            name='rna',
            field=models.CharField(blank=True, max_length=10, validators=[django.core.validators.RegexValidator('^W\\d{9}$', 'Le numéro RNA s’écrit W suivi de 9 chiffres.')], verbose_name='numéro RNA'),
        ),
        migrations.AlterField(
            model_name='sitesettings',
            name='siret',
            field=models.CharField(blank=True, max_length=14, validators=[django.core.validators.RegexValidator('^\\d{14}$', 'Le SIRET compte 14 chiffres, sans espace.')], verbose_name='SIRET'),
        ),
        migrations.RunPython(spell_out_legal_form, shorten_legal_form),
    ]
