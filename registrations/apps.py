from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "inscriptions aux événements"

    def ready(self):
        from django.db.models.signals import post_save

        from calendar_app.models import Event
        from calendar_app.signals import event_duplicated, event_rescheduled
        from dues.sending import register_other_sender

        from .invoice_emails import send_document
        from .models import RegistrationSettings

        # "Factures et avoirs" sends registration invoices and credit notes.
        register_other_sender(send_document)

        def follow_event_dates(sender, instance, raw=False, **kwargs):
            """The registration days follow the event's dates when the event
            is edited (calendar_app knows nothing of registrations)."""
            if raw:
                return
            settings = RegistrationSettings.objects.filter(event=instance).first()
            if settings is not None:
                settings.sync_days()

        post_save.connect(
            follow_event_dates,
            sender=Event,
            weak=False,  # a local function: nothing else keeps it alive
            dispatch_uid="registrations-days",
        )

        def copy_registrations(sender, original, copy, **kwargs):
            """ "Dupliquer" copies the registration settings, rates and places."""
            settings = RegistrationSettings.objects.filter(event=original).first()
            if settings is not None:
                settings.copy_to(copy)

        event_duplicated.connect(
            copy_registrations,
            sender=Event,
            weak=False,
            dispatch_uid="registrations-duplicate",
        )

        def tell_registrants(sender, event, before, **kwargs):
            """A cancelled or postponed event emails its registrants and
            waiting list, once (registrations/notices.py)."""
            from django.utils import timezone

            from . import notices

            notices.event_rescheduled(event, before, timezone.now())

        event_rescheduled.connect(
            tell_registrants,
            sender=Event,
            weak=False,
            dispatch_uid="registrations-notices",
        )
