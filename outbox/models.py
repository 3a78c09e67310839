"""Every email the site sends, as sent, with its delivery story."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from rfve_site.text import MultiLineField, OneLineField


def stale_after() -> dt.timedelta:
    """How long a message may stay "en cours d’envoi" before it is presumed
    interrupted (its worker died between taking it and recording the
    server's answer)."""
    return dt.timedelta(seconds=settings.OUTBOX_STALE_SECONDS)


class OutboxMessageQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(status=OutboxMessage.Status.FAILED)

    def interrupted(self, now: dt.datetime):
        return self.filter(
            status=OutboxMessage.Status.SENDING, claimed_at__lt=now - stale_after()
        )

    def needing_attention(self, now: dt.datetime):
        """Failed after their last try, or interrupted: a person decides."""
        return self.failed() | self.interrupted(now)

    def due(self, now: dt.datetime):
        """Waiting for a try whose time has come (a lost task is re-enqueued
        from these)."""
        return self.filter(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "en attente"
        SENDING = "sending", "en cours d’envoi"
        SENT = "sent", "envoyé"
        FAILED = "failed", "échec"

    created_at = models.DateTimeField("créé le", default=timezone.now, db_index=True)
    kind = OneLineField("type", max_length=50, blank=True, db_index=True)
    from_email = OneLineField("expéditeur", max_length=254)
    to = MultiLineField("destinataires", help_text="Une adresse par ligne.")
    cc = MultiLineField("copie", blank=True)
    bcc = MultiLineField("copie cachée", blank=True)
    reply_to = MultiLineField("répondre à", blank=True)
    subject = OneLineField("objet", max_length=998, blank=True)
    message_id = OneLineField("Message-ID", max_length=998, blank=True)
    # The whole MIME message as the mail server receives it (attachments
    # included): what is sent again on each try, byte for byte.
    mime = models.BinaryField("message MIME")
    attachment_names = models.JSONField("pièces jointes", default=list, blank=True)

    status = models.CharField(
        "état", max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    claimed_at = models.DateTimeField("pris en charge le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    last_error = MultiLineField("dernière erreur", blank=True)
    # The provider's id of the message (anymail), to match its webhooks.
    provider_id = OneLineField("identifiant du prestataire", max_length=200, blank=True)
    delivery = OneLineField("remise", max_length=30, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels (boîte d’envoi)"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        permissions = [("resend_outboxmessage", "Peut renvoyer un courriel")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.recipients)}"

    @property
    def recipients(self) -> list[str]:
        return [a for a in (self.to + "\n" + self.cc).splitlines() if a]

    @property
    def envelope_recipients(self) -> list[str]:
        return [a for a in "\n".join([self.to, self.cc, self.bcc]).splitlines() if a]


class DeliveryEvent(models.Model):
    """What the provider's webhook reported (anymail's normalised events)."""

    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="courriel",
    )
    recipient = OneLineField("destinataire", max_length=254, blank=True)
    event_type = OneLineField("événement", max_length=30)
    occurred_at = models.DateTimeField("date", default=timezone.now)
    description = MultiLineField("détail", blank=True)

    class Meta:
        verbose_name = "événement de remise"
        verbose_name_plural = "événements de remise"
        ordering = ["-occurred_at", "-pk"]

    def __str__(self):
        return f"{self.event_type} : {self.recipient}"


class SuppressedAddress(models.Model):
    """An address that bounced for good or complained: mailings skip it."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "adresse en échec définitif"
        COMPLAINED = "complained", "signalé comme indésirable"
        UNSUBSCRIBED = "unsubscribed", "désinscription"

    email = models.EmailField("adresse", unique=True)
    reason = models.CharField("motif", max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField("depuis le", default=timezone.now)
    detail = MultiLineField("détail", blank=True)

    class Meta:
        verbose_name = "adresse exclue des envois"
        verbose_name_plural = "adresses exclues des envois"
        ordering = ["email"]

    def __str__(self):
        return self.email

    @classmethod
    def is_suppressed(cls, email: str) -> bool:
        return cls.objects.filter(email__iexact=email.strip()).exists()
