"""Security gates: headers on every page, cookies, redirects, uploads (the login
throttle is in test_client_address.py)."""

import io
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rfve_site.uploads import MAX_IMAGE_BYTES, validate_image
from tests.markup import start_tags
from tests.public_pages import iter_routes, public_urls

ROUTES = sorted(route.name for route in iter_routes())
PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "secretariat", "s@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = os.environ | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "villeseducatrices.fr",
        "SECURE_SSL_REDIRECT": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
    }
    for name in ("SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    # The association's identity is checked too (association.W001, W003): a
    # migrated database with the invoices' issuer and the legal pages' items
    # filled in, as in production.
    for command in (
        ["migrate", "--noinput", "--verbosity=0"],
        ["shell", "-c", "from association import demo; demo.load()"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", ROUTES)
def test_security_headers_on_every_page(name, client, shared_demo):
    response = client.get(public_urls()[name], secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_static_files_carry_the_headers_too(client):
    from django.templatetags.static import static

    response = client.get(static("css/site.css"), secure=True)
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_or_style_on_any_page(client, shared_demo):
    for name, url in public_urls().items():
        response = client.get(url, follow=True)
        if response.streaming:  # a file download, not a page
            continue
        html = response.content.decode(errors="replace")
        assert " style=" not in html, name
        assert "<style" not in html, name
        for script in start_tags(html, "script"):
            # Only data blocks (JSON-LD) or external files.
            assert script.get("type") == "application/ld+json" or "src" in script, name


def test_admin_cookies_are_secure_and_http_only(client, staff):
    login = reverse("account_login")
    client.get(login, secure=True)
    response = client.post(
        login, {"login": "secretariat", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        cookie = client.cookies[name]
        assert cookie["secure"], name
        assert cookie["httponly"], name


def test_admin_lives_at_admin_url():
    assert reverse("admin:index") == "/" + settings.ADMIN_URL


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_next_cannot_leave_the_site(client, staff, target):
    response = client.post(
        reverse("account_login") + "?next=" + target,
        {"login": "secretariat", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith("//")
    assert "evil" not in response["Location"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_logout_next_cannot_leave_the_site(client, staff, target):
    client.force_login(staff)
    response = client.post(reverse("admin:logout") + "?next=" + target)
    location = response.get("Location", "")
    assert "evil" not in location


def _image(fmt: str, size=(40, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_image_formats(fmt):
    validate_image(SimpleUploadedFile(f"photo.{fmt.lower()}", _image(fmt)))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anim.gif", _image("GIF"), "Format d’image refusé"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "pas une image valide",
        ),
        ("photo.jpg", b"MZ\x90\x00 not an image at all", "pas une image valide"),
        ("photo.png", _image("PNG")[:60], "pas une image valide"),
    ],
)
def test_refused_images(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_image(SimpleUploadedFile(name, content))


def test_oversized_image_is_refused():
    content = _image("PNG") + b"\0" * MAX_IMAGE_BYTES
    with pytest.raises(ValidationError, match="trop lourde"):
        validate_image(SimpleUploadedFile("huge.png", content))


def test_too_many_pixels_is_refused():
    with pytest.raises(ValidationError, match="trop grande"):
        validate_image(
            SimpleUploadedFile("wide.png", _image("PNG", (9000, 5000), mode="1"))
        )


def test_admin_form_shows_the_image_error(client, staff, shared_demo):
    from calendar_app.models import Event

    event = Event.objects.first()
    client.force_login(staff)
    url = reverse("admin:calendar_app_event_change", args=[event.pk])
    data = {
        "title": event.title,
        "slug": event.slug,
        "event_type": event.event_type_id,
        "starts_at_0": "02/02/2023",
        "starts_at_1": "09:30",
        "ends_at_0": "02/02/2023",
        "ends_at_1": "12:00",
        "status": event.status,
        "visibility": event.visibility,
        "image": SimpleUploadedFile("logo.svg", b"<svg></svg>", "image/svg+xml"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "image" in response.context["adminform"].form.errors
