"""The registrations' background work: certificates of attendance, a PDF
rendered for each attendee, emailed through the outbox."""

import datetime as dt

from django.tasks import task

from . import documents
from .models import RegistrationSettings


@task
def send_certificates(settings_id: int, now: str) -> dict:
    settings = RegistrationSettings.objects.select_related("event").get(pk=settings_id)
    sent, errors = documents.send_certificates(
        settings, now=dt.datetime.fromisoformat(now)
    )
    return {"sent": sent, "errors": errors}
