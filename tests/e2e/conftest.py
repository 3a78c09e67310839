"""Browser tests: Playwright drives Debian's Chromium against a live server."""

import os
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.shared_data import load_demo

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright keeps an event loop running in the
    main thread until the session ends, which Django's sync-only guard would
    then see in every later test. Without Chromium (a developer's machine)
    they are skipped; in CI they are required (tests/conftest.py marks them
    `engine_independent`: CI runs them on SQLite only)."""
    items.sort(key=lambda item: "/e2e/" in item.nodeid.replace("::", "/"))
    missing = [str(path) for path in (CHROMIUM, AXE) if not path.exists()]
    if not missing:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"Browser tests need {', '.join(missing)}.")
    marker = pytest.mark.skip(reason=f"missing {', '.join(missing)}: run make test")
    for item in items:
        if "/e2e/" in item.nodeid:
            item.add_marker(marker)


@pytest.fixture(autouse=True)
def _allow_queries_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; Django must
    still let the test code query the database."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def strict_csp(page):
    """The journeys run under the site's real Content-Security-Policy, admin
    included: any violation the browser reports fails the test."""
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append(message.text)
        ),
    )
    yield
    assert not violations, "\n".join(violations)


class _JoinedThreadsServer(ThreadedWSGIServer):
    """Stopping the server waits for requests in flight, so none touches the
    shared database connection after the test has released it."""

    daemon_threads = False


class SiteServer(LiveServerThread):
    """The site as production serves it: whitenoise serves the hashed static
    files from STATIC_ROOT (Django's test static handler would not find them)."""

    server_class = _JoinedThreadsServer


@pytest.fixture
def site(transactional_db, settings):
    """A live server with the demo data; yields its base URL."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    # Plain HTTP here: the production cookies' Secure flag would drop them.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    load_demo()
    overrides = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    thread = SiteServer(
        "127.0.0.1", static_handler=lambda app: app, connections_override=overrides
    )
    thread.daemon = True
    for conn in overrides.values():
        conn.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for conn in overrides.values():
        conn.dec_thread_sharing()
