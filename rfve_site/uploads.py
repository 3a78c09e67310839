"""Uploaded images shown to the public: checked (real JPEG, PNG or WebP, of a
sensible size), then stored re-encoded without their metadata and named from
their content. Models declare a PublicImageField."""

import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # about 8000 × 5000
ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
# The stored file's extension, from the detected format (the web server
# derives the Content-Type from it).
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ENCODER_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {}, "WEBP": {"quality": 90}}
# What a re-encoded image keeps of its metadata: its colours and transparency.
# Never EXIF (a photo's GPS position, the camera), XMP or comments.
KEPT_INFO = ("icc_profile", "transparency")


def validate_image(upload):
    """Refuse anything Pillow cannot verify as JPEG, PNG or WebP (SVG, GIF,
    disguised files), files over MAX_IMAGE_BYTES and decompression bombs."""
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            f"Image trop lourde ({filesizeformat(upload.size)}) : "
            f"{filesizeformat(MAX_IMAGE_BYTES)} au maximum.",
            code="image_too_large",
        )
    allowed = ", ".join(ALLOWED_IMAGE_FORMATS.values())
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except Exception as error:  # Pillow raises many kinds for bad files.
        raise ValidationError(
            f"Ce fichier n’est pas une image valide. Formats acceptés : {allowed}.",
            code="invalid_image",
        ) from error
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            f"Format d’image refusé ({image_format}). Formats acceptés : {allowed}.",
            code="image_format",
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            f"Image trop grande ({width} × {height} pixels) : réduisez-la avant "
            "de l’envoyer.",
            code="image_pixels",
        )


def clean_image(upload) -> ContentFile:
    """The image re-encoded without its metadata, turned upright as its EXIF
    orientation said, and named from its detected format: a JPEG uploaded as
    photo.pdf becomes photo.jpg."""
    validate_image(upload)
    upload.seek(0)
    with Image.open(upload) as original:
        image_format = original.format
        image = ImageOps.exif_transpose(original)  # a copy, orientation applied
    kept = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    image.info = {}  # some encoders fall back on it (JPEG comments)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **kept, **ENCODER_OPTIONS[image_format])
    stem = Path(upload.name).stem or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{EXTENSIONS[image_format]}")


class PublicImageField(models.ImageField):
    """An ImageField whose uploads are checked by validate_image and stored as
    clean_image makes them."""

    default_validators = [validate_image]

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            cleaned = clean_image(file)
            file.save(cleaned.name, cleaned, save=False)
        return super().pre_save(model_instance, add)
