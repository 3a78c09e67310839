from pathlib import Path

import pytest

from tests.shared_data import (
    documents_rendered_once,
    load_demo,
    load_once_for_the_module,
)

# What can differ on another database engine, and so runs on PostgreSQL too
# (marker `database`, .ci/run's second pass): query counts, transactions and
# locks, raw SQL and triggers, search, migrations, the deployments. The rest
# (HTML, wording, documents, forms...) runs once, on SQLite.
ENGINE_SENSITIVE_FIXTURES = {
    "django_assert_num_queries",
    "django_assert_max_num_queries",
    "transactional_db",
    "django_db_serialized_rollback",
}
ENGINE_SENSITIVE_MODULES = (
    "tests/deploy/",
    "tests/table_versions/",
    "tests/test_app_moves.py",
    "tests/test_project.py",
    "tests/test_sqlite_concurrency.py",
    "tests/registrations/test_migrations.py",
    "tests/dues/test_numbering",
    "tests/pages/test_search",
    "tests/pages/test_page_cache",
    "tests/members/test_communes.py",
    "tests/quality/test_faults.py",
    "tests/quality/test_budgets.py",
    "tests/outbox/",
    # Runs resumed after a crash: conditional updates, row locks, unique keys.
    "tests/dues/test_issue_runs.py",
    "tests/dues/test_reminder_runs.py",
    "tests/mailings/test_sending.py",
    "tests/registrations/test_notices.py",
    # Votes: one ballot per city under a unique key, ballots in no order.
    "tests/assembly/test_assembly.py",
)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in item.nodeid:  # what a browser shows: the same on any database
            item.add_marker(pytest.mark.engine_independent)
        if item.get_closest_marker("engine_independent"):
            continue
        db_marker = item.get_closest_marker("django_db")
        if (
            ENGINE_SENSITIVE_FIXTURES & set(getattr(item, "fixturenames", ()))
            or (db_marker and db_marker.kwargs.get("transaction"))
            or item.nodeid.startswith(ENGINE_SENSITIVE_MODULES)
        ):
            item.add_marker(pytest.mark.database)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The admin_user fixture sets a password: hash it in microseconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _collected_static_files():
    """Pages use the production storage (hashed names from the manifest) and
    whitenoise serves STATIC_ROOT: collect once if `make test` has not."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture(autouse=True)
def _force_login_is_a_complete_sign_in(monkeypatch):
    """`client.force_login` stands for a complete sign-in, second factor
    included (rfve_site/two_factor.py); tests/backoffice/test_two_factor.py
    signs in through the real pages."""
    from django.test import Client

    from rfve_site import two_factor

    force_login = Client.force_login

    def complete(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        session[two_factor.SESSION_KEY] = 0.0
        session.save()

    monkeypatch.setattr(Client, "force_login", complete)


@pytest.fixture
def today():
    """Today in Paris, as the site sees it: the one place a test reads the
    date from when its expectations depend on it (the next month, this
    year's dues...). Such tests carry the `dates` marker: `make test-dates`
    runs them at fixed instants (31 December, 1 January, 29 February, the
    days the clocks change) under libfaketime, which the browser, the live
    server and the subprocesses see too."""
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a member of the secretariat (staff, not superuser)."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username="equipe", password="unused-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Secrétariat"))
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _outbox_sends_at_once(settings):
    """Mail goes through the outbox as in production (Django's test runner
    replaced every mailer with the in-memory one), and tasks run at once:
    a message a test sends is in its outbox row and in mail.outbox."""
    settings.MAILERS = {
        "default": {"BACKEND": "outbox.backend.OutboxBackend"},
        "transport": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the feed is cached by version),
    and no page this process kept: a test's rolled-back rows may give the next
    one's the same version."""
    from django.core.cache import caches

    from rfve_site.page_cache import RECENT_PAGES

    for cache in caches.all():
        cache.clear()
    RECENT_PAGES.clear()


@pytest.fixture(autouse=True)
def _private_invoices(settings, tmp_path):
    """Issued invoices go to the test's own folder, never to ./private."""
    settings.STORAGES = {
        **settings.STORAGES,
        "invoices": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


@pytest.fixture
def demo(db):
    """The demo data, as `make run` shows it, loaded for this test (which
    may change it at will). Read-only tests use `shared_demo`."""
    with documents_rendered_once():
        load_demo()
        yield


@pytest.fixture(scope="module")
def _module_demo(django_db_setup, django_db_blocker):
    yield from load_once_for_the_module(django_db_blocker, load_demo)


@pytest.fixture
def shared_demo(_module_demo, db):
    """The demo data, loaded once per module (and per xdist worker) for the
    tests that only read it: the per-route checks (budgets, security, faults,
    hostile input...). Each test runs in a savepoint rolled back at its end,
    so what one changes the next does not see; not for tests that need
    transaction=True (their commits and flushes would reach the shared rows)."""
    with documents_rendered_once():
        yield


@pytest.fixture
def issuer(db):
    """The association's settings complete enough to issue invoices (the demo
    identity: fictional numbers)."""
    from association import demo

    return demo.load()
