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
    """Each test starts with an empty cache (the feed is cached by version)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def demo(db):
    """The demo data, as `make run` shows it."""
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)


@pytest.fixture
def issuer(db):
    """The association's settings complete enough to issue invoices (the demo
    identity: fictional numbers)."""
    from association import demo

    return demo.load()
