from pathlib import Path

import pytest


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
def _empty_cache():
    """Each test starts with an empty cache (the feed is cached by version),
    and no page this process kept: a test's rolled-back rows may give the next
    one's the same version."""
    from django.core.cache import cache

    from rfve_site.page_cache import RECENT_PAGES

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


_demo_documents: dict[str, bytes] = {}


@pytest.fixture
def demo(db, monkeypatch):
    """The demo data, as `make run` shows it. Its invoices are the same
    snapshots in every test: each is rendered once per test session (a
    rendering takes a third of a second), then its bytes are reused."""
    import json

    from django.core.management import call_command

    from dues import documents

    render = documents.render

    def render_once(data: dict) -> bytes:
        key = json.dumps(data, sort_keys=True, default=str)
        if key not in _demo_documents:
            _demo_documents[key] = render(data)
        return _demo_documents[key]

    monkeypatch.setattr(documents, "render", render_once)
    call_command("load_demo", verbosity=0)


@pytest.fixture
def issuer(db):
    """The association's settings complete enough to issue invoices (the demo
    identity: fictional numbers)."""
    from association import demo

    return demo.load()
