"""Uploaded images: stored without their metadata (a photo's GPS position),
upright, named from their content; the web server's headers for /media/."""

import io
import mimetypes

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
