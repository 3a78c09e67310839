"""Events' galleries: photos uploaded in the admin, cleaned like every upload
(no EXIF, no GPS), served in a few widths, lazily, in their place; alternative
text, credit and consent required; taken down at once."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from calendar_app import demo_drawings
from calendar_app.models import Event, EventPhoto, EventType
from tests.factories import EventFactory, EventTypeFactory, paris

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg(width=2000, height=1200) -> bytes:
    """What a phone writes: a camera model and a GPS position."""
    image = Image.new("RGB", (width, height), (200, 60, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Téléphone de Camille"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (45.0, 45.0, 50.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"chez Camille")
    return buffer.getvalue()


@pytest.fixture
def rencontres():
    return EventFactory(
        title="Rencontres nationales de Nantes",
        slug="rencontres-nantes",
        event_type=EventTypeFactory(is_rencontres=True),
        starts_at=paris(2025, 11, 13, 9),
    )


def _photo(event, **fields) -> EventPhoto:
    values = {
        "image": SimpleUploadedFile("IMG_0042.jpg", _jpeg()),
        "alt": "La table ronde des élus, salle Jules-Verne",
        "credit": "Camille Martin",
        "consent": True,
    } | fields
    photo = EventPhoto(event=event, **values)
    photo.full_clean()
    photo.save()
    return photo


def _files(photo) -> list[Path]:
    storage = photo.image.storage if photo.image else None
    names = [photo.image.name] + [r["name"] for r in photo.renditions]
    return [Path(storage.path(name)) for name in names]


def _has_no_metadata(path: Path):
    content = path.read_bytes()
    with Image.open(path) as image:
        assert not image.getexif(), path
        assert "exif" not in image.info and "comment" not in image.info, path
    assert b"Exif" not in content and b"Camille" not in content, path


@pytest.fixture
def secretariat(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="equipe", password="unused", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Secrétariat"))
    client.force_login(user)
    return client


def _form(event, **fields) -> dict:
    return {
        "event": event.pk,
        "image": SimpleUploadedFile("IMG_0042.jpg", _jpeg()),
        "alt": "La table ronde des élus",
        "credit": "Camille Martin",
        "licence": EventPhoto.Licence.CC_BY,
        "consent": "on",
        "order": 1,
    } | fields


def test_an_upload_is_stored_without_metadata_in_a_few_widths(secretariat, rencontres):
    response = secretariat.post(
        reverse("admin:calendar_app_eventphoto_add"), _form(rencontres)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = EventPhoto.objects.get()
    assert (photo.width, photo.height) == (2000, 1200)
    assert [(r["width"], r["height"]) for r in photo.renditions] == [
        (480, 288),
        (960, 576),
        (1600, 960),
    ]
    for path in _files(photo):
        _has_no_metadata(path)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("alt", "", "Ce champ est obligatoire."),
        ("credit", "  ", "Ce champ est obligatoire."),
        ("consent", "", "accord des personnes reconnaissables"),
        ("image", "", "Ce champ est obligatoire."),
    ],
)
def test_alt_credit_consent_and_file_are_required(
    secretariat, rencontres, field, value, message
):
    response = secretariat.post(
        reverse("admin:calendar_app_eventphoto_add"),
        _form(rencontres, **{field: value}),
    )

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert not EventPhoto.objects.exists()


def test_the_database_refuses_a_photo_without_consent(rencontres):
    from django.db import IntegrityError

    photo = _photo(rencontres)
    with pytest.raises(IntegrityError):
        EventPhoto.objects.filter(pk=photo.pk).update(consent=False)


def test_the_event_page_shows_the_gallery_lazily_in_its_place(client, rencontres):
    photo = _photo(rencontres, licence=EventPhoto.Licence.CC_BY)
    hidden = _photo(rencontres, alt="Photo retirée", order=2)
    EventPhoto.objects.filter(pk=hidden.pk).withdraw()

    page = client.get(rencontres.get_absolute_url()).content.decode()

    (img,) = re.findall(r"<img [^>]*srcset=[^>]*>", page)
    small, middle, large = (
        photo.image.storage.url(r["name"]) for r in photo.renditions
    )
    assert f'src="{small}"' in img
    assert f'srcset="{small} 480w, {middle} 960w, {large} 1600w"' in img
    assert 'sizes="' in img and 'loading="lazy"' in img
    assert 'width="480" height="288"' in img
    assert 'alt="La table ronde des élus, salle Jules-Verne"' in img
    assert f'<a href="{large}">' in page
    assert "Photo\u202f: Camille Martin" in page
    assert "Licence Creative Commons BY 4.0" in page
    assert "Photo retirée" not in page


def test_a_photo_taken_down_leaves_every_page_and_its_files_at_once(
    secretariat, client, rencontres, django_capture_on_commit_callbacks
):
    photo = _photo(rencontres)
    files = _files(photo)
    url = rencontres.get_absolute_url()
    archive = reverse("pages:rencontres")
    for page in (url, archive):  # now in the page cache
        assert photo.alt in client.get(page).content.decode()
    assert all(path.exists() for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(
            reverse("admin:calendar_app_eventphoto_changelist"),
            {"action": "withdraw", "_selected_action": [photo.pk]},
        )

    assert response.status_code == 302
    client.logout()
    for page in (url, archive):
        assert photo.alt not in client.get(page).content.decode()
    assert not any(path.exists() for path in files)
    photo.refresh_from_db()
    assert photo.is_withdrawn and not photo.image and photo.renditions == []


def test_deleting_a_photo_or_its_event_deletes_its_files(
    rencontres, django_capture_on_commit_callbacks
):
    photo = _photo(rencontres)
    other = _photo(rencontres, order=2)
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not any(path.exists() for path in _files(photo))
    assert all(path.exists() for path in _files(other))

    with django_capture_on_commit_callbacks(execute=True):
        Event.objects.filter(pk=rencontres.pk).delete()
    assert not any(path.exists() for path in _files(other))


def test_the_rencontres_archive_shows_each_editions_first_photos(client, rencontres):
    for order in range(1, 7):
        _photo(rencontres, alt=f"Photo numéro {order}", order=order)

    page = client.get(reverse("pages:rencontres")).content.decode()

    assert "En images\u202f: Rencontres nationales de Nantes" in page
    assert [n for n in range(1, 7) if f"Photo numéro {n}" in page] == [1, 2, 3, 4]
    assert "Les 6 photos de l’édition" in page
    assert page.count('loading="lazy"') == 4


def test_the_demo_gallery_is_made_here_and_cleaned(demo):
    edition = Event.objects.rencontres().filter(photos__isnull=False).distinct().get()
    photos = list(edition.photos.shown())

    assert len(photos) == 4
    assert edition.event_type == EventType.objects.get(is_rencontres=True)
    for photo in photos:
        assert photo.alt.startswith("Dessin de démonstration : ")
        assert photo.credit and photo.consent
        for path in _files(photo):
            _has_no_metadata(path)
    # The drawings carried a GPS position, as a camera's would.
    with Image.open(io.BytesIO(demo_drawings.jpeg("banner"))) as drawing:
        assert drawing.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_the_events_form_leads_to_its_gallery(secretariat, rencontres):
    _photo(rencontres)
    page = secretariat.get(
        reverse("admin:calendar_app_event_change", args=[rencontres.pk])
    ).content.decode()
    add = f"{reverse('admin:calendar_app_eventphoto_add')}?event={rencontres.pk}"

    assert "1 photo publiée" in page and f'href="{add}"' in page
    form = secretariat.get(add).context["adminform"].form
    assert form.initial["event"] == str(rencontres.pk)
