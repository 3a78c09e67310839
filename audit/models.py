"""The audit trail: who created, changed or deleted what, when, with the
values before and after (django-auditlog, whose log entry model is this
one: settings.AUDITLOG_LOGENTRY_MODEL).

Append-only for everyone, superusers included: an entry is never changed
(`save()` of an existing one, `QuerySet.update()`) or deleted (`delete()`,
`QuerySet.delete()`), except by the daily purge of entries past
AUDIT_RETENTION, the period /donnees-personnelles/ states."""

import datetime as dt

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models

# Kept this long, as /donnees-personnelles/ states (purge_personal_data).
AUDIT_RETENTION = dt.timedelta(days=365)


class AppendOnly(Exception):
    """The audit trail is never changed nor deleted."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Le journal des modifications ne se modifie pas.")

    def delete(self):
        raise AppendOnly("Le journal des modifications ne se supprime pas.")

    def past_retention(self, now: dt.datetime):
        return self.filter(timestamp__lt=now - AUDIT_RETENTION)


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    pass


class AuditEntry(AbstractLogEntry):
    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "entrée du journal des modifications"
        verbose_name_plural = "journal des modifications"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Le journal des modifications ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Le journal des modifications ne se supprime pas.")


def purge_audit_trail(now: dt.datetime) -> int:
    """Delete the entries past AUDIT_RETENTION (the only deletion there is);
    returns how many."""
    expired = AuditEntry.objects.past_retention(now)
    return models.QuerySet.delete(expired)[0]
