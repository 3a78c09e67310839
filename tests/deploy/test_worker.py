"""The background worker as production runs it: `manage.py db_worker`
processes (django-tasks-db) on a shared database, a local SMTP server that
refuses, then accepts. Prints the figures the README reports."""

import sqlite3
import subprocess
import sys
import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from tests.deploy.servers import ROOT, free_port, manage, node_environment

SEND = """
from django.core.mail import EmailMessage
from django.db import transaction
from outbox.sending import kind
with transaction.atomic(), kind("test"):
    for number in range({count}):
        message = EmailMessage(
            subject=f"Message {{number}}", body="Bonjour.",
            to=[f"ville{{number}}@mairie-exemple.fr"],
        )
        message.attach("facture.pdf", b"%PDF-1.7 fake", "application/pdf")
        message.send()
"""


class FlakyServer:
    """Answers 451 (try again later) to the first `refusals` messages."""

    def __init__(self, refusals: int):
        self.refusals = refusals
        self.received: list[bytes] = []
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.refusals:
            self.refused += 1
            return "451 4.3.0 Serveur occupé, réessayez plus tard"
        self.received.append(envelope.content)
        return "250 2.0.0 OK"


@pytest.fixture
def smtp():
    handlers = []

    def start(refusals: int):
        handler = FlakyServer(refusals)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        handlers.append(controller)
        return handler, controller.port

    yield start
    for controller in handlers:
        controller.stop()


def _site(tmp_path, smtp_port: int) -> dict:
    env = node_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        OUTBOX_RETRY_DELAYS="1,1,1,1,1",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    manage(env, "migrate", "--verbosity", "0")
    return env


def _worker(env, tmp_path, name: str) -> subprocess.Popen:
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload"]
        + ["--interval", "0.2", "--no-startup-delay", "--worker-id", name],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _statuses(tmp_path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "site.sqlite3", timeout=10) as db:
        return db.execute(
            "SELECT status, attempts, message_id, last_error FROM outbox_outboxmessage"
        ).fetchall()


def _rss_kib(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _stop(workers):
    for worker in workers:
        worker.terminate()  # SIGTERM: finishes the task in hand
    for worker in workers:
        try:
            assert worker.wait(timeout=15) == 0
        except subprocess.TimeoutExpired:
            worker.kill()
            raise


def test_a_refusing_then_accepting_server_gets_each_message_once(
    tmp_path, smtp, capsys
):
    server, port = smtp(refusals=2)
    env = _site(tmp_path, port)
    workers = [_worker(env, tmp_path, "worker")]
    try:
        start = time.monotonic()
        manage(env, "shell", "--no-imports", "--command", SEND.format(count=1))
        deadline = start + 60
        while _statuses(tmp_path)[0][0] != "sent" and time.monotonic() < deadline:
            time.sleep(0.1)
        rss = _rss_kib(workers[0].pid)
    finally:
        _stop(workers)
    [(status, attempts, message_id, last_error)] = _statuses(tmp_path)
    with sqlite3.connect(tmp_path / "site.sqlite3") as db:
        [(elapsed,)] = db.execute(
            "SELECT (julianday(sent_at) - julianday(created_at)) * 86400"
            " FROM outbox_outboxmessage"
        ).fetchall()
    assert (status, attempts) == ("sent", 3)
    assert last_error == "451 4.3.0 Serveur occupé, réessayez plus tard"
    [received] = server.received
    assert message_from_bytes(received)["Message-ID"] == message_id
    with capsys.disabled():
        print(
            f"\noutbox: 2 refusals then accepted, sent {elapsed:.1f} s after "
            "it was written "
            f"(retry delays 1 s); worker RSS {rss / 1024:.0f} MB"
        )


def test_two_workers_send_each_message_once(tmp_path, smtp, capsys):
    server, port = smtp(refusals=0)
    env = _site(tmp_path, port)
    count = 40
    manage(env, "shell", "--no-imports", "--command", SEND.format(count=count))
    workers = [_worker(env, tmp_path, f"worker-{n}") for n in (1, 2)]
    try:
        start = time.monotonic()
        deadline = start + 120
        while len(server.received) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        elapsed = time.monotonic() - start
        time.sleep(1)  # a duplicate would arrive now
    finally:
        _stop(workers)
    ids = [message_from_bytes(m)["Message-ID"] for m in server.received]
    assert len(ids) == count and len(set(ids)) == count
    assert {row[0] for row in _statuses(tmp_path)} == {"sent"}
    logs = [(tmp_path / f"worker-{n}.log").read_text() for n in (1, 2)]
    assert all("state=SUCCESSFUL" in log for log in logs), "both workers worked"
    with capsys.disabled():
        print(f"\noutbox: {count} messages through two workers in {elapsed:.1f} s")
