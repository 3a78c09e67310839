"""Uploaded images: stored without their metadata (a photo's GPS position),
upright, named from their content; the web server's headers for /media/."""

import io
import mimetypes
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from calendar_app.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
RED, BLUE = (255, 0, 0), (0, 0, 255)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo(fmt="JPEG", orientation=6) -> bytes:
    """A 40 × 30 picture, left half red, right half blue, carrying what a
    phone writes: orientation, camera, GPS position, plus a comment and XMP."""
    image = Image.new("RGB", (40, 30), BLUE)
    image.paste(RED, (0, 0, 20, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Model] = "Téléphone de Camille"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (45.0, 45.0, 50.0)
    buffer = io.BytesIO()
    extra = {"comment": b"chez Camille"} if fmt == "JPEG" else {}
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS 45.76</x:xmpmeta>'
    image.save(buffer, fmt, exif=exif, xmp=xmp, **extra)
    return buffer.getvalue()


def _stored(event) -> tuple[bytes, Image.Image]:
    event.refresh_from_db()
    with event.image.open("rb") as file:
        content = file.read()
    return content, Image.open(io.BytesIO(content))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_metadata_is_stripped_and_orientation_kept(fmt):
    event = EventFactory(image=SimpleUploadedFile("photo", _photo(fmt)))
    content, image = _stored(event)
    assert not image.getexif()
    for marker in (b"Exif", b"GPS", b"Camille", b"xmpmeta"):
        assert marker not in content
    # Orientation 6: turned a quarter clockwise, the red left half is on top.
    assert image.size == (30, 40)
    assert image.convert("RGB").getpixel((15, 5))[0] > 200
    assert image.convert("RGB").getpixel((15, 35))[2] > 200


@pytest.mark.parametrize(
    ("name", "fmt", "stored_type"),
    [
        ("photo.pdf", "JPEG", "image/jpeg"),
        ("photo.html", "PNG", "image/png"),
        ("photo.svg", "WEBP", "image/webp"),
        ("photo.png", "JPEG", "image/jpeg"),
        ("photo", "PNG", "image/png"),
    ],
)
def test_stored_name_follows_the_content(name, fmt, stored_type):
    event = EventFactory(image=SimpleUploadedFile(name, _photo(fmt, orientation=1)))
    event.refresh_from_db()
    assert event.image.name.startswith("evenements/")
    assert mimetypes.guess_type(event.image.name)[0] == stored_type


def test_transparency_and_colours_survive():
    image = Image.new("RGBA", (10, 10), (0, 128, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    event = EventFactory(image=SimpleUploadedFile("logo.png", buffer.getvalue()))
    _, stored = _stored(event)
    assert stored.mode == "RGBA"
    assert stored.getpixel((5, 5)) == (0, 128, 0, 0)


def test_saving_again_keeps_the_stored_file():
    event = EventFactory(image=SimpleUploadedFile("photo.jpg", _photo()))
    name = event.image.name
    event.title = "Nouveau titre"
    event.save()
    event.refresh_from_db()
    assert event.image.name == name


def test_a_photo_sent_through_the_admin_is_cleaned(admin_client):
    event = EventFactory()
    data = {
        "title": event.title,
        "slug": event.slug,
        "event_type": event.event_type_id,
        "starts_at_0": "14/02/2023",
        "starts_at_1": "10:00",
        "ends_at_0": "14/02/2023",
        "ends_at_1": "12:00",
        "status": event.status,
        "visibility": event.visibility,
        "image": SimpleUploadedFile("photo.pdf", _photo(), "application/pdf"),
        "image_alt": "La salle du conseil",
    }
    url = reverse("admin:calendar_app_event_change", args=[event.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(pk=event.pk)
    assert event.image.name.endswith(".jpg")
    content, image = _stored(event)
    assert b"GPS" not in content
    assert image.size == (30, 40)


# The web server: nginx serves /media/ in production (deploy/nginx/).

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
needs_nginx = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (apt-get install nginx)"
)


def _nginx_conf(tmp_path, http: str) -> Path:
    user = "user root;" if os.geteuid() == 0 else ""  # workers read tmp_path
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"{user}\ndaemon off;\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\n{http}\n}}\n"
    )
    return conf


@needs_nginx
def test_the_site_configuration_is_valid(tmp_path):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=villeseducatrices.fr", "-keyout", tmp_path / "key.pem"]
        + ["-out", tmp_path / "cert.pem"],
        check=True,
        capture_output=True,
    )
    site = (
        (DEPLOY / "rfve.conf")
        .read_text()
        .replace("/etc/nginx/snippets/", f"{DEPLOY}/")
        .replace("/var/log/nginx/", f"{tmp_path}/")
        .replace("/etc/letsencrypt/live/villeseducatrices.fr/fullchain.pem", "cert.pem")
        .replace("/etc/letsencrypt/live/villeseducatrices.fr/privkey.pem", "key.pem")
        .replace("cert.pem", str(tmp_path / "cert.pem"))
        .replace("key.pem", str(tmp_path / "key.pem"))
    )
    (tmp_path / "rfve.conf").write_text(site)
    conf = _nginx_conf(tmp_path, f"include {tmp_path}/rfve.conf;")
    result = subprocess.run(
        [NGINX, "-t", "-p", tmp_path, "-c", conf], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def media_server(tmp_path):
    """nginx on a free loopback port serving tmp_path/media with the shipped
    headers; stopped by its PID."""
    media = tmp_path / "media"
    media.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = _nginx_conf(
        tmp_path,
        f"server {{\nlisten 127.0.0.1:{port};\nlocation /media/ {{\n"
        f"alias {media}/;\ninclude {DEPLOY}/rfve-media.conf;\n}}\n}}",
    )
    server = subprocess.Popen(
        [NGINX, "-p", tmp_path, "-c", conf], stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(server.stderr.read().decode()) from None
                time.sleep(0.05)
        yield media, f"http://127.0.0.1:{port}/media/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def _assert_safe(headers):
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "sandbox" in headers["Content-Security-Policy"]
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


@needs_nginx
def test_media_images_are_shown_with_safe_headers(media_server):
    media, url = media_server
    (media / "photo.jpg").write_bytes(_photo(orientation=1))
    status, headers = _fetch(url + "photo.jpg")
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert "Content-Disposition" not in headers
    _assert_safe(headers)


@needs_nginx
@pytest.mark.parametrize("name", ["page.html", "doc.pdf", "logo.svg", "script.js"])
def test_other_media_files_are_downloaded_never_shown(media_server, name):
    media, url = media_server
    (media / name).write_bytes(b"<script>alert(1)</script>")
    status, headers = _fetch(url + name)
    assert status == 200
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"] == "attachment"
    _assert_safe(headers)


@needs_nginx
def test_missing_media_files_carry_the_headers_too(media_server):
    _, url = media_server
    status, headers = _fetch(url + "absent.jpg")
    assert status == 404
    _assert_safe(headers)
