"""Numbering by the year of issue, one series per kind of document (dues
invoices, registration invoices, credit notes). Forward only: no issued
document is renumbered. Each call keeps the number it printed (its invoice's,
or, for a call numbered before invoices were stored, the old rule's "dues
year-rank"); every existing document stays in the series whose counter gave
its number (registration invoices so far shared the dues' one); and each
counter is raised, if needed, to the highest rank already issued in its
series and year, so new numbers start after it."""

from django.db import migrations, models

import rfve_site.text


def keep_issued_numbers(apps, schema_editor):
    DuesCall = apps.get_model("dues", "DuesCall")
    Invoice = apps.get_model("dues", "Invoice")
    InvoiceSequence = apps.get_model("dues", "InvoiceSequence")
    printed = dict(
        Invoice.objects.filter(kind="facture", call__isnull=False).values_list(
            "call_id", "number"
        )
    )
    for call in DuesCall.objects.filter(number__isnull=False).only(
        "pk", "year", "number"
    ):
        call.invoice_number = printed.get(call.pk) or f"{call.year}-{call.number:04d}"
        call.save(update_fields=["invoice_number"])
    Invoice.objects.filter(kind="avoir").update(series="avoir")
    highest = {}
    for series, year, sequence in Invoice.objects.values_list(
        "series", "year", "sequence"
    ):
        key = (series, year)
        highest[key] = max(highest.get(key, 0), sequence)
    for year, number in DuesCall.objects.filter(number__isnull=False).values_list(
        "year", "number"
    ):
        # Calls numbered before invoices were stored (old rule: dues year).
        highest[("facture", year)] = max(highest.get(("facture", year), 0), number)
    for (series, year), sequence in highest.items():
        counter, _ = InvoiceSequence.objects.get_or_create(kind=series, year=year)
        if counter.last_number < sequence:
            counter.last_number = sequence
            counter.save(update_fields=["last_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("dues", "0004_invoice_documents"),
        ("members", "0011_authority_person_mandate_updated_at"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="duescall",
            options={
                "ordering": ["-year", "invoice_number", "member__authority__name"],
                "verbose_name": "appel de cotisation",
                "verbose_name_plural": "appels de cotisation",
            },
        ),
        migrations.RemoveConstraint(
            model_name="duescall",
            name="dues_call_number_unique_per_year",
        ),
        migrations.RemoveConstraint(
            model_name="invoice",
            name="invoice_sequence_unique",
        ),
        migrations.AddField(
            model_name="duescall",
            name="invoice_number",
            field=rfve_site.text.OneLineField(
                blank=True, max_length=20, verbose_name="numéro de facture"
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="series",
            field=models.CharField(
                choices=[
                    ("facture", "factures de cotisation"),
                    ("inscription", "factures d’inscription"),
                    ("avoir", "avoirs"),
                ],
                default="facture",
                max_length=12,
                verbose_name="série",
            ),
        ),
        migrations.AlterField(
            model_name="duescall",
            name="number",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="rang"
            ),
        ),
        migrations.AlterField(
            model_name="invoicesequence",
            name="kind",
            field=models.CharField(
                default="facture", max_length=12, verbose_name="série"
            ),
        ),
        migrations.AlterField(
            model_name="invoicesequence",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="année d’émission"),
        ),
        migrations.RunPython(keep_issued_numbers, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="duescall",
            constraint=models.UniqueConstraint(
                condition=models.Q(("invoice_number", ""), _negated=True),
                fields=("invoice_number",),
                name="dues_call_invoice_number_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                fields=("series", "year", "sequence"), name="invoice_series_unique"
            ),
        ),
    ]
