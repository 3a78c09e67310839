"""Real servers for the deployment tests: gunicorn nodes, nginx, Redis, a TCP
proxy that can be cut, and a visitor with cookies. Everything listens on
127.0.0.1, is started by PID and stopped by the `Servers` that started it."""

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import environ
import pytest

from tests.markup import outer

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SITE = "villeseducatrices.fr"
SECRETARIAT = ("secretariat", "mot-de-passe-du-secretariat-2026")
# The secretariat's second factor (TOTP), every staff account needs one.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# The production settings every node shares (DEBUG off).
NODE_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "deploy-test-secret-key-not-for-production",
    "ALLOWED_HOSTS": SITE,
    "CSRF_TRUSTED_ORIGINS": f"https://{SITE}",
    "EMAIL_URL": "consolemail://",
    "PROXY_COUNT": "1",
    "LOG_LEVEL": "WARNING",
}


def require(condition: bool, reason: str):
    """Skipped on a developer's machine without the tool; required in CI."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def node_environment(**values) -> dict:
    """The test process's environment without what tests/environment.py set
    for the suite (the nodes must use the production defaults)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "SECURE_SSL_REDIRECT", "DATABASE_URL"}
        and not key.startswith(("PYTEST", "DJANGO_"))
    }
    return env | NODE_ENV | values


def database_config() -> dict | None:
    """The suite's PostgreSQL server (DATABASE_URL), or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return environ.Env.db_url_config(url)


def database_url(config: dict, port=None) -> str:
    port = port or config["PORT"] or 5432
    return (
        f"postgres://{config['USER']}:{config['PASSWORD']}@127.0.0.1:{port}/"
        f"{config['NAME']}"
    )


@contextmanager
def own_postgres_database(config: dict, purpose: str):
    """A PostgreSQL database of the test's own, dropped at the end: the
    nodes share it. Its name carries the xdist worker's: two workers never
    drop each other's."""
    import psycopg

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{config['NAME']}_{purpose}_{worker}"
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield config | {"NAME": name}
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


# After migrate and load_demo: the secretariat, a colleague, a draft event.
SETUP = f"""
from django.contrib.auth.models import Group, User
from calendar_app.models import Event
secretariat = User.objects.create_user(
    "{SECRETARIAT[0]}", password="{SECRETARIAT[1]}", is_staff=True
)
secretariat.groups.add(Group.objects.get(name="Secrétariat"))
from allauth.mfa.totp.internal.auth import TOTP
TOTP.activate(secretariat, "{TOTP_SECRET}")
User.objects.create_user("tresorerie", password="mot-de-passe-tresorerie-2026")
event = Event.objects.public().order_by("-starts_at").first()
event.status = Event.Status.DRAFT
event.save()
print(event.pk, event.get_absolute_url())
"""


def prepare_database(env: dict) -> tuple[int, str]:
    """Migrate (which creates the cache table), the demo data, SETUP: the
    draft event's primary key and URL."""
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "load_demo", "--verbosity", "0")
    pk, url = manage(env, "shell", "--no-imports", "--command", SETUP).split()
    return int(pk), url


class Servers:
    """Processes started by a test, stopped (by PID) when it ends."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str, args: list, port: int, env=None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [str(arg) for arg in args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(self.log(name)) from None
                time.sleep(0.1)

    def gunicorn(self, name: str, port: int, env: dict, workers=1):
        return self.start(
            name,
            [BIN / "gunicorn", "rfve_site.wsgi", "--workers", workers]
            + ["--bind", f"127.0.0.1:{port}", "--access-logfile", "-"]
            + ["--timeout", 30],
            port,
            env,
        )

    def worker(self, name: str, env: dict) -> subprocess.Popen:
        """`manage.py db_worker` as the worker unit runs it (no port to wait
        for: it polls the database)."""
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload"]
            + ["--interval", "0.2", "--worker-id", name],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


class CuttableProxy:
    """Forwards 127.0.0.1:port to a target until cut(): then every connection
    through it is closed and new ones are refused, as when a network link to
    the database goes down."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pipe, args=(source, sink), daemon=True
                ).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes accept() up
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()


class _SiteConnection(http.client.HTTPSConnection):
    """TLS to nginx on 127.0.0.1 with the site's name as SNI: the shipped
    configuration refuses handshakes for other names."""

    def __init__(self, port: int):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own certificate
        super().__init__(SITE, port, context=context, timeout=30)

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=SITE)


class Response:
    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        self.text = response.read().decode(errors="replace")


class Visitor:
    """A browser's cookies and CSRF token, over HTTPS through nginx or plain
    HTTP straight to a node (as nginx would forward it)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.connections: dict[tuple, http.client.HTTPConnection] = {}

    def request(self, method, port, path, *, tls, data=None, headers=None):
        key = (port, tls)
        if key not in self.connections:
            self.connections[key] = (
                _SiteConnection(port)
                if tls
                else http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            )
        connection = self.connections[key]
        headers = {"Host": SITE, "Referer": f"https://{SITE}{path}"} | (headers or {})
        if not tls:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            response = Response(connection.getresponse())
        except (http.client.HTTPException, OSError):
            connection.close()  # a kept-alive connection closed by the server
            connection.request(method, path, body, headers)
            response = Response(connection.getresponse())
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, port, path, *, tls=False, **kwargs):
        return self.request("GET", port, path, tls=tls, **kwargs)

    def post(self, port, path, data, *, tls=False, **kwargs):
        return self.request("POST", port, path, tls=tls, data=data, **kwargs)

    def submit(self, port, path, changes=None, *, tls=False, **kwargs):
        """Fill in the form of `path` as a person would: its current values,
        then `changes`."""
        page = self.get(port, path, tls=tls, **kwargs)
        assert page.status == 200, page.status
        data = form_values(page.text) | (changes or {})
        return self.post(port, path, data, tls=tls, **kwargs)

    def log_in(self, port, *, tls=False, credentials=SECRETARIAT):
        """The password, then the TOTP code: the 302 to the back office."""
        from rfve_site.two_factor import current_totp_code

        username, password = credentials
        response = self.submit(
            port,
            "/compte/login/?next=/admin/",
            {"login": username, "password": password},
            tls=tls,
        )
        if response.status != 302 or "/2fa/" not in response.headers["Location"]:
            return response
        for attempt in range(2):
            answer = self.submit(
                port,
                "/compte/2fa/authenticate/",
                {"code": current_totp_code(TOTP_SECRET)},
                tls=tls,
            )
            if answer.status == 302 or attempt:
                return answer
            # A code is taken once: a second sign-in within the same 30 s
            # (tests sharing their servers) types the next one.
            time.sleep(30 - time.time() % 30 + 1)

    def close(self):
        for connection in self.connections.values():
            connection.close()


class _Form(HTMLParser):
    """The values a browser would send for the page's last form."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.values = {}
        elif tag == "input" and name and attrs.get("type") not in {"submit", "file"}:
            checkable = attrs.get("type") in {"checkbox", "radio"}
            if checkable and "checked" not in attrs:
                return
            default = "on" if checkable else ""
            self.values.setdefault(name, []).append(attrs.get("value") or default)
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.values.setdefault(self.select, []).append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.values[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][0] += data.removeprefix("\n")


def form_values(html: str) -> dict:
    form = _Form()
    form.feed(html)
    return form.values


def footer(html: str) -> str:
    return outer(html, "footer", class_="site-footer")


def count_requests(log: str, method: str, path: str) -> int:
    return len(re.findall(rf'"{method} {re.escape(path)}[ ?]', log))


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
