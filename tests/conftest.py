import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The admin_user fixture sets a password: hash it in microseconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """Pages render without a prior collectstatic: the production storage needs
    the manifest that collectstatic writes, and WhiteNoise warns when
    STATIC_ROOT does not exist yet."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        }
    }
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a member of the secretariat (staff, not superuser)."""
    user = django_user_model.objects.create_user(
        username="equipe", password="unused-password", is_staff=True
    )
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the feed is cached by version)."""
    from django.core.cache import cache

    cache.clear()
