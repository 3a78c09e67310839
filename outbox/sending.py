"""The outbox's state machine.

    queued ──claim──▶ sending ──server took it──▶ sent
      ▲                  │
      └──retry later─────┤ (temporary failure, tries left)
                         └──permanent failure or last try──▶ failed

A message is *claimed* under a row lock and the claim is committed before
the mail server is called; its outcome is recorded afterwards. A worker that
dies between the two leaves the message "sending": nobody knows whether the
server took it, so it is never sent again automatically (at most once). After
OUTBOX_STALE_SECONDS it shows as interrupted in the admin and on the
dashboard, where a person decides to send it again. A duplicate invoice is
worse than a message held for a person to look at, and the alternative (send
again) can only be safe with a provider that deduplicates; the message keeps
its Message-ID across tries, so a receiving server may deduplicate too.
"""

import contextlib
import contextvars
import copy
import datetime as dt
import email.policy
import logging
import smtplib
from email.message import EmailMessage as MIMEMessage
from email.parser import BytesParser

from django.conf import settings
from django.core.mail import EmailAttachment, EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# What a message is ("facture", "contact"…): a header the outbox removes, or
# the enclosing `with kind("…"):`.
KIND_HEADER = "X-RFVE-Kind"
_current_kind = contextvars.ContextVar("outbox_kind", default="")


@contextlib.contextmanager
def kind(name: str):
    """Messages sent inside are recorded with this kind."""
    token = _current_kind.set(name)
    try:
        yield
    finally:
        _current_kind.reset(token)


def _lines(addresses) -> str:
    return "\n".join(str(address) for address in addresses)


def store(outgoing) -> OutboxMessage:
    """Write the message to the outbox and enqueue its sending, in the
    caller's transaction: rolled back with it, committed with it."""
    outgoing = copy.copy(outgoing)
    outgoing.extra_headers = dict(outgoing.extra_headers)
    message_kind = outgoing.extra_headers.pop(KIND_HEADER, "") or _current_kind.get()
    # CRLF line endings: the bytes the mail server gets, kept as they are.
    mime = outgoing.message(policy=email.policy.SMTP)
    now = timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            created_at=now,
            kind=message_kind,
            from_email=str(outgoing.from_email or settings.DEFAULT_FROM_EMAIL),
            to=_lines(outgoing.to),
            cc=_lines(outgoing.cc),
            bcc=_lines(outgoing.bcc),
            reply_to=_lines(outgoing.reply_to),
            subject=str(outgoing.subject),
            message_id=str(mime["Message-ID"] or ""),
            mime=mime.as_bytes(),
            attachment_names=[
                part.get_filename() or "(sans nom)" for part in mime.iter_attachments()
            ]
            if mime.is_multipart()
            else [],
            next_attempt_at=now,
        )
        enqueue(message)
    return message


def enqueue(message: OutboxMessage, run_after: dt.datetime | None = None) -> None:
    from .tasks import send_message

    task = send_message
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    elif run_after is not None:
        return  # no deferred tasks (tests): `send_due` tries it later
    task.enqueue(message.pk)


def retry_delays() -> list[int]:
    """Seconds to wait before each new try: one try more than delays."""
    return settings.OUTBOX_RETRY_DELAYS


def claim(message_id: int) -> OutboxMessage | None:
    """Take the message for one try, or None if it is not waiting for one
    (sent, failed, being sent, or its next try is later). One conditional
    UPDATE: of two tasks racing for a message, on SQLite as on PostgreSQL,
    exactly one changes the row."""
    now = timezone.now()
    taken = (
        OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.QUEUED)
        .filter(Q(next_attempt_at=None) | Q(next_attempt_at__lte=now))
        .update(
            status=OutboxMessage.Status.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    )
    return OutboxMessage.objects.get(pk=message_id) if taken else None


def attempt(message_id: int) -> str:
    """One try: claim, send through the real backend, record the outcome.
    Returns the message's status afterwards."""
    message = claim(message_id)
    if message is None:
        status = (
            OutboxMessage.objects.filter(pk=message_id)
            .values_list("status", flat=True)
            .first()
        )
        return status or "missing"
    outgoing = StoredEmail(message)
    try:
        mailers[settings.OUTBOX_TRANSPORT].send_messages([outgoing])
    except Exception as error:  # SMTP answer, network, provider's API…
        return record_failure(message, error)
    status = getattr(outgoing, "anymail_status", None)
    provider_id = getattr(status, "message_id", None)
    message.provider_id = "" if provider_id is None else str(provider_id)[:200]
    message.status = OutboxMessage.Status.SENT
    message.sent_at = timezone.now()
    message.next_attempt_at = None
    message.save(update_fields=["status", "sent_at", "next_attempt_at", "provider_id"])
    return message.status


def is_permanent(error: Exception) -> bool:
    """A refusal that another try will not change (SMTP 5xx)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return type(error).__name__ == "AnymailRecipientsRefused"


def server_answer(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "\n".join(
            f"{address} : {code} {_text(text)}"
            for address, (code, text) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__} : {error}"


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def record_failure(message: OutboxMessage, error: Exception) -> str:
    delays = retry_delays()
    message.last_error = server_answer(error)[:2000]
    if is_permanent(error) or message.attempts > len(delays):
        message.status = OutboxMessage.Status.FAILED
        message.next_attempt_at = None
        logger.warning("Outbox message %s failed: %s", message.pk, message.last_error)
    else:
        message.status = OutboxMessage.Status.QUEUED
        wait = dt.timedelta(seconds=delays[message.attempts - 1])
        message.next_attempt_at = timezone.now() + wait
    with transaction.atomic():
        message.save(update_fields=["status", "next_attempt_at", "last_error"])
        if message.status == OutboxMessage.Status.QUEUED:
            enqueue(message, run_after=message.next_attempt_at)
    return message.status


def send_again(messages) -> int:
    """A person's decision: send these failed or interrupted messages again,
    with a fresh count of tries."""
    now = timezone.now()
    count = 0
    for message in messages:
        with transaction.atomic():
            updated = OutboxMessage.objects.filter(
                pk=message.pk,
                status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.SENDING],
            ).update(
                status=OutboxMessage.Status.QUEUED,
                attempts=0,
                next_attempt_at=now,
                claimed_at=None,
            )
            if updated:
                enqueue(message)
                count += 1
    return count


def send_due(now: dt.datetime, grace: dt.timedelta = dt.timedelta(minutes=5)) -> int:
    """Enqueue a try for messages whose try is overdue (a lost task, a
    backend without deferred tasks). A duplicate task is harmless: only one
    claims the message."""
    due = list(OutboxMessage.objects.due(now - grace).values_list("pk", flat=True))
    for pk in due:
        enqueue(OutboxMessage(pk=pk))
    return len(due)


# --- The stored message, sent again -----------------------------------------


class _Verbatim(MIMEMessage):
    """The stored MIME message; its bytes are the stored bytes exactly."""

    raw: bytes | None = None

    def as_bytes(self, unixfrom=False, policy=None):
        if self.raw is not None:
            return self.raw
        return super().as_bytes(unixfrom=unixfrom, policy=policy)


class StoredEmail(EmailMultiAlternatives):
    """A Django message rebuilt from the stored MIME: SMTP sends the stored
    bytes; a provider's backend (anymail) reads its fields."""

    def __init__(self, message: OutboxMessage):
        raw = bytes(message.mime)
        parsed = BytesParser(_class=_Verbatim, policy=email.policy.SMTP).parsebytes(raw)
        parsed.raw = raw
        self._stored = parsed
        plain = parsed.get_body(("plain",))
        html = parsed.get_body(("html",))
        main = plain or html
        body = _unix(main.get_content()) if main is not None else ""
        skipped = {"subject", "from", "to", "cc", "reply-to", "mime-version"}
        skipped |= {"content-type", "content-transfer-encoding"}
        headers = {
            name: str(value)
            for name, value in parsed.items()
            if name.lower() not in skipped
        }
        super().__init__(
            subject=str(parsed["Subject"] or ""),
            body=body,
            from_email=message.from_email,
            to=message.to.splitlines(),
            cc=message.cc.splitlines(),
            bcc=message.bcc.splitlines(),
            reply_to=message.reply_to.splitlines(),
            headers=headers,
        )
        if main is html:
            self.content_subtype = "html"
        elif html is not None:
            self.attach_alternative(_unix(html.get_content()), "text/html")
        if parsed.is_multipart():
            for part in parsed.iter_attachments():
                content = part.get_content()
                if isinstance(content, str):
                    content = _unix(content)
                self.attachments.append(
                    EmailAttachment(
                        part.get_filename(), content, part.get_content_type()
                    )
                )

    def message(self, *, policy=email.policy.default):
        return self._stored


def _unix(text) -> str:
    return text.replace("\r\n", "\n") if isinstance(text, str) else text
