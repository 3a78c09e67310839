"""Drawings for the demo's gallery, made with Pillow (nothing downloaded).

Each is a JPEG written as a camera would: with EXIF metadata, a GPS position
among them, so that the demo goes through the upload's cleaning like a real
photo (calendar_app/photos.py stores it without them)."""

import io
import random

from PIL import Image, ImageDraw

SIZE = (1200, 800)
SKIN = ["#f1c7a5", "#d9a07a", "#a86b45", "#7a4a2c", "#e8b995"]
CLOTHES = ["#1d4f91", "#a4161a", "#21642e", "#5b2d8e", "#9a4a00", "#0b5f66", "#4a5159"]
# EXIF tags: Make, Model, GPS IFD (a position in Villeurbanne).
MAKE, MODEL, GPS_IFD = 0x010F, 0x0110, 0x8825


def _person(draw, x: int, y: int, scale: float, rng: random.Random):
    """A seated or standing figure: head and shoulders, seen from afar."""
    head = 16 * scale
    draw.ellipse(
        [x - head, y - 2 * head, x + head, y], fill=rng.choice(SKIN), outline="#333"
    )
    draw.rounded_rectangle(
        [x - 2 * head, y + 2, x + 2 * head, y + 4 * head],
        radius=int(head),
        fill=rng.choice(CLOTHES),
    )


def plenary(draw, rng):
    draw.rectangle([0, 0, 1200, 800], fill="#e9e4da")
    draw.rectangle([300, 60, 900, 300], fill="#ffffff", outline="#888", width=4)
    draw.text((420, 160), "Rencontres nationales", fill="#1d4f91", font_size=40)
    draw.rectangle([200, 320, 1000, 380], fill="#7a5230")
    _person(draw, 600, 300, 1.6, rng)
    for row, y in enumerate(range(470, 800, 90)):
        for x in range(80 + (row % 2) * 50, 1200, 100):
            _person(draw, x, y, 1.2 + row * 0.25, rng)


def round_table(draw, rng):
    draw.rectangle([0, 0, 1200, 800], fill="#dfe8ef")
    draw.ellipse([350, 300, 850, 600], fill="#b08050", outline="#5a3d20", width=6)
    for x, y in [
        (380, 300),
        (600, 250),
        (820, 300),
        (380, 560),
        (600, 620),
        (820, 560),
    ]:
        _person(draw, x, y, 1.8, rng)
    for x, y in [(470, 400), (650, 380), (560, 500)]:
        draw.rectangle([x, y, x + 70, y + 50], fill="#ffffff", outline="#999")


def banner(draw, rng):
    draw.rectangle([0, 0, 1200, 800], fill="#9cc3e6")
    draw.rectangle([150, 250, 1050, 800], fill="#d8cbb3", outline="#6b5a40", width=6)
    for x in range(230, 1000, 160):
        draw.rectangle([x, 420, x + 90, 560], fill="#5f7f9a")
    draw.rectangle([520, 600, 680, 800], fill="#6b4226")
    draw.rectangle([180, 120, 1020, 230], fill="#a4161a")
    # Pillow's own font has no accented letters: no "éducatrices".
    draw.text(
        (600, 175), "Rencontres nationales", fill="#ffffff", font_size=56, anchor="mm"
    )


def schoolyard(draw, rng):
    draw.rectangle([0, 0, 1200, 800], fill="#bcdcf2")
    draw.rectangle([0, 450, 1200, 800], fill="#c9c1b1")
    draw.rectangle([0, 200, 1200, 450], fill="#e3d5bd", outline="#8a7a5c", width=4)
    for x in (150, 600, 1050):
        draw.rectangle([x - 15, 250, x + 15, 520], fill="#6b4226")
        draw.ellipse([x - 120, 80, x + 120, 300], fill="#3f7f3a")
    for index in range(14):
        x = 80 + index * 80 + rng.randint(-20, 20)
        scale = 1.0 if index % 3 else 1.6  # children and adults
        _person(draw, x, 560 + rng.randint(0, 120), scale, rng)


def jpeg(name: str) -> bytes:
    """The drawing `name` of this module as a JPEG with camera metadata."""
    image = Image.new("RGB", SIZE, "white")
    rng = random.Random(name)  # the same drawing on every load
    globals()[name](ImageDraw.Draw(image), rng)
    exif = Image.Exif()
    exif[MAKE] = "Appareil de démonstration"
    exif[MODEL] = "RFVE"
    exif[GPS_IFD] = {1: "N", 2: (45.0, 46.0, 1.0), 3: "E", 4: (4.0, 52.0, 48.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88, exif=exif)
    return buffer.getvalue()
