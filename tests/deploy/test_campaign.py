"""A campaign's invoices issued through the admin as production runs it:
gunicorn answers at once, a `db_worker` process issues them in the
background, each once, numbered without gaps; then their reminders, sent in
the background too, each call reminded once. CAMPAIGN_CALLS sets the size
(12 by default; the README's figures are for 120)."""

import os
import sqlite3
import time

from tests.deploy.servers import (
    TOTP_SECRET,
    Servers,
    Visitor,
    form_values,
    free_port,
    manage,
    node_environment,
)

CALLS = int(os.environ.get("CAMPAIGN_CALLS", "12"))
TREASURER = ("tresorerie", "mot-de-passe-tresorerie-2026")
SETUP = f"""
from django.contrib.auth.models import Group, User
from association import demo
from tests.factories import DuesCallFactory
demo.load()
user = User.objects.create_user(
    "{TREASURER[0]}", password="{TREASURER[1]}", is_staff=True
)
user.groups.add(Group.objects.get(name="Trésorerie"))
from allauth.mfa.totp.internal.auth import TOTP
TOTP.activate(user, "{TOTP_SECRET}")
calls = DuesCallFactory.create_batch({CALLS}, year=2031)
print(" ".join(str(call.pk) for call in calls))
"""


def test_a_campaign_is_issued_in_the_background_each_invoice_once(tmp_path, capsys):
    database = tmp_path / "site.sqlite3"
    env = node_environment(
        DATABASE_URL=f"sqlite:///{database}",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    manage(env, "migrate", "--verbosity", "0")
    ids = manage(env, "shell", "--no-imports", "--command", SETUP).split()
    servers = Servers(tmp_path)
    try:
        port = free_port()
        servers.gunicorn("web", port, env, workers=2)
        worker = servers.worker("worker", env)
        treasurer = Visitor()
        assert treasurer.log_in(port, credentials=TREASURER).status == 302
        changelist = "/admin/dues/duescall/?year__exact=2031"
        token = form_values(treasurer.get(port, changelist).text)
        start = time.monotonic()
        answer = treasurer.post(
            port,
            changelist,
            {
                "csrfmiddlewaretoken": token["csrfmiddlewaretoken"],
                "action": "issue_invoices",
                "index": "0",
                "_selected_action": ids,
            },
        )
        request_time = time.monotonic() - start
        assert answer.status == 302, answer.text
        run_page = answer.headers["Location"]
        assert "/admin/dues/issuerun/" in run_page
        deadline = start + 30 + CALLS * 3
        while time.monotonic() < deadline:
            with sqlite3.connect(database, timeout=10) as db:
                [(finished,)] = db.execute(
                    "SELECT finished_at FROM dues_issuerun"
                ).fetchall()
            if finished:
                break
            time.sleep(0.2)
        until_last = time.monotonic() - start
        rss = _rss_mib(worker.pid)
        page = treasurer.get(port, run_page).text

        # Forty days later (their due date moved back), "Relancer maintenant"
        # on them all: the request answers at once, the worker reminds each
        # call once and sends the reminders through the outbox.
        with sqlite3.connect(database, timeout=10) as db:
            db.execute("UPDATE dues_duescall SET due_on = date('now', '-40 days')")
        token = form_values(treasurer.get(port, changelist).text)
        start = time.monotonic()
        answer = treasurer.post(
            port,
            changelist,
            {
                "csrfmiddlewaretoken": token["csrfmiddlewaretoken"],
                "action": "send_reminders",
                "index": "0",
                "_selected_action": ids,
            },
        )
        remind_request = time.monotonic() - start
        assert answer.status == 302, answer.text
        reminders_page = answer.headers["Location"]
        assert "/admin/dues/reminderrun/" in reminders_page
        sent = reminded = None
        while time.monotonic() < start + 30 + CALLS * 2:
            with sqlite3.connect(database, timeout=10) as db:
                [(finished,)] = db.execute("SELECT finished_at FROM dues_reminderrun")
                [(sent,)] = db.execute(
                    "SELECT count(*) FROM outbox_outboxmessage "
                    "WHERE kind = 'relance' AND status = 'sent'"
                )
            if finished and reminded is None:
                reminded = time.monotonic() - start
            if finished and sent == CALLS:
                break
            time.sleep(0.2)
        all_sent = time.monotonic() - start
        reminders_text = treasurer.get(port, reminders_page).text
        rss_after = _rss_mib(worker.pid)
    finally:
        servers.stop()
    assert f"{CALLS} / {CALLS} facture(s) émise(s), 0 erreur(s)" in page
    with sqlite3.connect(database) as db:
        numbers = [n for (n,) in db.execute("SELECT number FROM dues_duescall")]
        invoices = db.execute("SELECT count(*) FROM dues_invoice").fetchone()[0]
    assert sorted(numbers) == list(range(1, CALLS + 1))
    assert invoices == CALLS
    assert f"{CALLS} / {CALLS} relance(s) envoyée(s), 0 écartée(s)" in reminders_text
    assert sent == CALLS
    with sqlite3.connect(database) as db:
        per_call = db.execute(
            "SELECT count(*) FROM dues_reminder GROUP BY call_id"
        ).fetchall()
        recipients = db.execute(
            "SELECT count(*) FROM outbox_outboxmessage WHERE kind = 'relance' "
            'GROUP BY "to"'
        ).fetchall()
    assert per_call == [(1,)] * CALLS and recipients == [(1,)] * CALLS
    with capsys.disabled():
        print(
            f"\ncampaign of {CALLS} calls through the admin: the request took "
            f"{request_time:.2f} s, the last invoice was issued after "
            f"{until_last:.1f} s; worker RSS {rss:.0f} MB"
        )
        print(
            f"reminders to the {CALLS} calls: the request took "
            f"{remind_request:.2f} s, the run ended after {reminded:.1f} s, the "
            f"last reminder was sent after {all_sent:.1f} s; worker RSS "
            f"{rss_after:.0f} MB"
        )


def _rss_mib(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
