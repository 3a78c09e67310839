"""The dues models move to the `dues` app (dues 0001): their tables are
renamed, not copied, so every row stays; this app forgets them."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0005_coded_field_validators'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='duesscale', table='dues_duesscale'),
                migrations.AlterModelTable(name='duesbracket', table='dues_duesbracket'),
                migrations.AlterModelTable(name='duescall', table='dues_duescall'),
                migrations.AlterModelTable(name='invoicesequence', table='dues_invoicesequence'),
                migrations.AlterModelTable(name='payment', table='dues_payment'),
                migrations.AlterModelTable(name='reminderstep', table='dues_reminderstep'),
                migrations.AlterModelTable(name='reminder', table='dues_reminder'),
            ],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='duesbracket',
                    name='bracket_unique_start',
                ),
                migrations.RemoveConstraint(
                    model_name='duesbracket',
                    name='bracket_amount_not_negative',
                ),
                migrations.RemoveConstraint(
                    model_name='duescall',
                    name='one_dues_call_per_member_and_year',
                ),
                migrations.RemoveConstraint(
                    model_name='duescall',
                    name='dues_call_number_unique_per_year',
                ),
                migrations.DeleteModel(
                    name='InvoiceSequence',
                ),
                migrations.RemoveConstraint(
                    model_name='payment',
                    name='payment_amount_positive',
                ),
                migrations.RemoveConstraint(
                    model_name='reminder',
                    name='one_reminder_per_call_and_step',
                ),
                migrations.RemoveField(
                    model_name='duescall',
                    name='member',
                ),
                migrations.RemoveField(
                    model_name='payment',
                    name='call',
                ),
                migrations.RemoveField(
                    model_name='reminder',
                    name='call',
                ),
                migrations.RemoveField(
                    model_name='reminder',
                    name='step',
                ),
                migrations.DeleteModel(
                    name='DuesBracket',
                ),
                migrations.DeleteModel(
                    name='DuesScale',
                ),
                migrations.DeleteModel(
                    name='Payment',
                ),
                migrations.DeleteModel(
                    name='DuesCall',
                ),
                migrations.DeleteModel(
                    name='Reminder',
                ),
                migrations.DeleteModel(
                    name='ReminderStep',
                ),
            ],
        ),
    ]
