"""Events' photo galleries: each photo stored cleaned like every public upload
(rfve_site/uploads.py: checked, re-encoded without EXIF, GPS or comments),
then resized to a few widths for `srcset`; and taken down at once.

Files live under MEDIA_ROOT (`galeries/`), which the web server serves at
/media/. Taking a photo down deletes its files once the change is committed,
and its page's cached copies are never served again (EventPhoto is in
VERSIONED_MODELS): nobody sees it after the click, except whoever already
downloaded it."""

import io
import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from rfve_site.uploads import clean_image

logger = logging.getLogger(__name__)

# The widths a photo is served at (never enlarged): a phone's column, a
# tablet's or a two-column grid on a large screen, the enlarged view.
WIDTHS = (480, 960, 1600)
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}


def _rendition(image: Image.Image, width: int) -> bytes:
    height = round(image.height * width / image.width)
    resized = image.resize((width, height), Image.Resampling.LANCZOS)
    if resized.mode not in ("RGB", "L"):
        # JPEG has no transparency: flatten on white.
        background = Image.new("RGB", resized.size, "white")
        background.paste(resized, mask=resized.convert("RGBA").split()[-1])
        resized = background
    buffer = io.BytesIO()
    resized.save(buffer, "JPEG", **JPEG_OPTIONS)  # no exif=: nothing kept
    return buffer.getvalue()


def store(photo) -> None:
    """Clean the photo's new upload, store it and its sizes, and record them
    on the (not yet saved) photo."""
    cleaned = clean_image(photo.image)
    photo.image.save(cleaned.name, cleaned, save=False)
    storage = photo.image.storage
    stem = PurePosixPath(photo.image.name).with_suffix("")
    with Image.open(io.BytesIO(cleaned.file.getvalue())) as image:
        image.load()
        photo.width, photo.height = image.size
        widths = [width for width in WIDTHS if width < image.width] + [
            min(image.width, WIDTHS[-1])
        ]
        renditions = []
        for width in sorted(set(widths)):
            name = storage.save(
                f"{stem}-{width}.jpg", ContentFile(_rendition(image, width))
            )
            height = round(image.height * width / image.width)
            renditions.append({"name": name, "width": width, "height": height})
    photo.renditions = renditions


def file_names(photo) -> list[str]:
    names = [rendition["name"] for rendition in photo.renditions]
    return ([photo.image.name] if photo.image else []) + names


def delete_files_on_commit(storage, names: list[str]) -> None:
    """Delete these files once the transaction commits (a rolled-back change
    keeps them)."""

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Photo file %s not deleted", name)

    if names:
        transaction.on_commit(delete)


def delete_files_of_deleted_photo(sender, instance, **kwargs) -> None:
    """post_delete: a photo deleted (or its event) takes its files along."""
    delete_files_on_commit(instance.image.storage, file_names(instance))
