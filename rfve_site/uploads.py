"""Checks on uploaded images: real JPEG, PNG or WebP, of a sensible size."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # about 8000 × 5000
ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


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
