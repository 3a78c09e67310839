"""The HTTP provider's delivery webhooks as an operator sets them up
(EMAIL_PROVIDER=postmark, ANYMAIL_WEBHOOK_SECRET): gunicorn serves
/anymail/postmark/tracking/; Postmark's bounce and spam-complaint payloads,
posted with the secret, are recorded on the message and put the address on
the suppression list; without the secret, or with a wrong one, the request
is refused and changes nothing."""

import base64
import http.client
import json
import sqlite3
import subprocess
import sys

from tests.deploy.servers import (
    ROOT,
    SITE,
    Servers,
    free_port,
    manage,
    node_environment,
)

SECRET = "rfve-postmark:webhook-secret-2026"
URL = "/anymail/postmark/tracking/"

# Two messages the outbox handed to Postmark (its MessageID kept).
SETUP = """
from django.core.mail import EmailMessage
from outbox.models import OutboxMessage
for to, provider_id in [
    ("finances@mairie-exemple.fr", "883953f4-6105-42a2-a16a-77a8eac79483"),
    ("elus@ville-exemple.fr", "5d0a7ab7-1b4e-4c2a-9f1e-0c6b9a1d2e3f"),
]:
    EmailMessage("Votre facture", "Bonjour.", to=[to]).send()
    OutboxMessage.objects.filter(to=to).update(status="sent", provider_id=provider_id)
"""

# Postmark's payloads (its documentation's examples, our addresses).
BOUNCE = {
    "RecordType": "Bounce",
    "MessageStream": "outbound",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Name": "Hard bounce",
    "Tag": "",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Metadata": {},
    "ServerID": 23,
    "Description": "The server was unable to deliver your message (ex: unknown "
    "user, mailbox not found).",
    "Details": "smtp;550 5.1.1 The email account that you tried to reach does "
    "not exist.",
    "Email": "Finances@Mairie-Exemple.fr",
    "From": "site@villeseducatrices.fr",
    "BouncedAt": "2027-04-05T16:33:54.9070259Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": True,
    "Subject": "Votre facture",
}
COMPLAINT = {
    "RecordType": "SpamComplaint",
    "MessageStream": "outbound",
    "ID": 42,
    "Type": "SpamComplaint",
    "TypeCode": 512,
    "Name": "Spam complaint",
    "Tag": "",
    "MessageID": "5d0a7ab7-1b4e-4c2a-9f1e-0c6b9a1d2e3f",
    "Metadata": {},
    "ServerID": 23,
    "Description": "",
    "Details": "Test spam complaint details",
    "Email": "elus@ville-exemple.fr",
    "From": "site@villeseducatrices.fr",
    "BouncedAt": "2027-04-05T16:40:00Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": False,
    "Subject": "Votre facture",
}


def _post(port: int, payload: dict, secret: str | None) -> int:
    headers = {
        "Host": SITE,
        "X-Forwarded-Proto": "https",
        "Content-Type": "application/json",
    }
    if secret is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(secret.encode()).decode(
            "ascii"
        )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", URL, json.dumps(payload), headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _state(database):
    with sqlite3.connect(database) as db:
        delivery = dict(db.execute('SELECT "to", delivery FROM outbox_outboxmessage'))
        suppressed = dict(
            db.execute("SELECT email, reason FROM outbox_suppressedaddress")
        )
        events = db.execute("SELECT count(*) FROM outbox_deliveryevent").fetchone()[0]
    return delivery, suppressed, events


def test_bounces_and_complaints_posted_by_the_provider_suppress_the_address(
    tmp_path,
):
    database = tmp_path / "site.sqlite3"
    env = node_environment(
        DATABASE_URL=f"sqlite:///{database}",
        EMAIL_PROVIDER="postmark",
        EMAIL_PROVIDER_OPTIONS='{"server_token": "POSTMARK_API_TEST"}',
        ANYMAIL_WEBHOOK_SECRET=SECRET,
    )
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "shell", "--no-imports", "--command", SETUP)
    servers = Servers(tmp_path)
    try:
        port = free_port()
        servers.gunicorn("web", port, env)
        refused = [
            _post(port, BOUNCE, None),
            _post(port, BOUNCE, "rfve-postmark:wrong"),
            _post(port, COMPLAINT, "intrus:" + SECRET.split(":")[1]),
        ]
        untouched = _state(database)
        accepted = [_post(port, BOUNCE, SECRET), _post(port, COMPLAINT, SECRET)]
    finally:
        servers.stop()
    assert refused == [400, 400, 400]
    assert untouched == (
        {"finances@mairie-exemple.fr": "", "elus@ville-exemple.fr": ""},
        {},
        0,
    )
    assert accepted == [200, 200]
    delivery, suppressed, events = _state(database)
    assert delivery == {
        "finances@mairie-exemple.fr": "bounced",
        "elus@ville-exemple.fr": "complained",
    }
    assert suppressed == {
        "finances@mairie-exemple.fr": "bounced",
        "elus@ville-exemple.fr": "complained",
    }
    assert events == 2


def test_a_provider_without_a_webhook_secret_is_refused_at_start():
    """Else anymail would accept anybody's "bounces" (with a warning)."""
    env = node_environment(EMAIL_PROVIDER="postmark", ANYMAIL_WEBHOOK_SECRET="")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET (user:password) must be set" in result.stderr
