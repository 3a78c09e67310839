"""Rebuild the map of member cities (members/data/carte.json and
members/data/communes-carte.csv.gz) from the public geographic data:

    python manage.py build_map ../shared/geo

The folder holds departements-avec-outre-mer.geojson (IGN Admin Express COG
2018, WGS 84) and communes-centroides.csv (code_insee,longitude,latitude).
Metropolitan France is projected in Lambert-93; each overseas département in
its own local projection, scaled into a box in the Atlantic, west of
Aquitaine, as French maps draw them. Coordinates are the SVG's (1 unit = 2 km
on the mainland)."""

import csv
import gzip
import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members import geo
from members.map import MAP_FILE, POSITIONS_FILE, department_of

DEPARTMENTS_FILE = "departements-avec-outre-mer.geojson"
CENTROIDS_FILE = "communes-centroides.csv"
OVERSEAS = ["971", "972", "973", "974", "976"]
KM = 2000  # metres per SVG unit on the mainland: short numbers, light paths
MARGIN = 4
BOX = 52  # side of an overseas inset's box, in units
BOX_GAP = 5
TOLERANCE = 1.75  # Douglas–Peucker tolerance, in units (3.5 km)
MIN_RING_AREA = 5  # islands smaller than this (in units², 20 km²) are left out
SOURCE_NOTE = (
    "IGN Admin Express COG 2018 (gregoiredavid/france-geojson), "
    "Licence Ouverte (Etalab); see members/data/LICENCE-carte.txt"
)


class Command(BaseCommand):
    help = (
        "Rebuild the map of member cities from the départements' outlines "
        "and the communes' centroids."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", type=Path, help="The folder of the geographic data."
        )
        parser.add_argument("--output", type=Path, default=MAP_FILE)
        parser.add_argument("--positions-output", type=Path, default=POSITIONS_FILE)
        parser.add_argument("--tolerance", type=float, default=TOLERANCE)

    def handle(self, *args, **options):
        source = options["source"]
        try:
            features = json.loads((source / DEPARTMENTS_FILE).read_text())["features"]
            with (source / CENTROIDS_FILE).open(newline="") as file:
                centroids = list(csv.DictReader(file))
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read {source}: {error}") from error
        shapes = {
            f["properties"]["code"]: (f["properties"]["nom"], _polygons(f["geometry"]))
            for f in features
        }
        transforms, boxes = _layout(shapes)
        projected = {
            code: [
                [[transforms[code](lon, lat) for lon, lat in ring] for ring in polygon]
                for polygon in polygons
            ]
            for code, (_, polygons) in shapes.items()
        }
        departments = _simplified(projected, options["tolerance"])
        width = max(x for d in departments.values() for r in d for x, _ in r) + MARGIN
        height = max(y for d in departments.values() for r in d for _, y in r) + MARGIN
        data = {
            "source": SOURCE_NOTE,
            "width": round(width),
            "height": round(height),
            "boxes": boxes,
            "departments": [
                {
                    "code": code,
                    "name": shapes[code][0],
                    "centre": _interior_point(rings, projected[code]),
                    "d": _path(rings),
                }
                for code, rings in sorted(departments.items())
            ],
        }
        centres = {d["code"]: d["centre"] for d in data["departments"]}
        options["output"].write_text(
            json.dumps(data, ensure_ascii=False, indent=0) + "\n"
        )
        buffer = io.StringIO()
        written = 0
        for row in centroids:
            code = row["code_insee"]
            transform = transforms.get(department_of(code))
            if transform is None:
                continue
            x, y = transform(float(row["longitude"]), float(row["latitude"]))
            x, y = _pull_inside(
                (x, y), departments[department_of(code)], centres[department_of(code)]
            )
            buffer.write(f"{code},{x:.1f},{y:.1f}\n")
            written += 1
        with gzip.GzipFile(options["positions_output"], "wb", mtime=0) as file:
            file.write(buffer.getvalue().encode())
        size = sum(len(d["d"]) for d in data["departments"])
        self.stdout.write(
            f"{len(departments)} départements ({size:,} bytes of outlines), "
            f"{written} communes → {options['output']}, {options['positions_output']}"
        )


def _polygons(geometry) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def _bounds(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _points(polygons):
    return [p for polygon in polygons for ring in polygon for p in ring]


def _layout(shapes):
    """A function per département: longitude, latitude → SVG units; and the
    overseas insets' boxes."""
    metro = [c for c in shapes if c not in OVERSEAS]
    points = [geo.lambert93(*p) for c in metro for p in _points(shapes[c][1])]
    left, bottom, right, top = _bounds(points)
    # The insets' column: two boxes wide, left of the mainland's west coast.
    offset_x = MARGIN + 2 * BOX + BOX_GAP - 50

    def mainland(lon, lat):
        x, y = geo.lambert93(lon, lat)
        return (x - left) / KM + offset_x, (top - y) / KM + MARGIN

    transforms = dict.fromkeys(metro, mainland)
    boxes = []
    box_top = (top - 6_680_000) / KM + MARGIN  # south of Brittany
    for index, code in enumerate(c for c in OVERSEAS if c in shapes):
        lons_lats = _points(shapes[code][1])
        lat_mid = sum(lat for _, lat in lons_lats) / len(lons_lats)
        local = [geo.equirectangular(lon, lat, lat_mid) for lon, lat in lons_lats]
        x0, y0, x1, y1 = _bounds(local)
        scale = 0.88 * BOX / max(x1 - x0, y1 - y0)
        bx = MARGIN + (index % 2) * (BOX + BOX_GAP)
        by = box_top + (index // 2) * (BOX + BOX_GAP)
        # Centred in its box.
        cx, cy = bx + (BOX - (x1 - x0) * scale) / 2, by + (BOX - (y1 - y0) * scale) / 2
        boxes.append({"code": code, "x": bx, "y": round(by), "size": BOX})

        def inset(lon, lat, lat_mid=lat_mid, x0=x0, y1=y1, scale=scale, cx=cx, cy=cy):
            x, y = geo.equirectangular(lon, lat, lat_mid)
            return (x - x0) * scale + cx, (y1 - y) * scale + cy

        transforms[code] = inset
    return transforms, boxes


def _simplified(projected, tolerance) -> dict:
    """Each département's rings simplified, the border two départements share
    simplified once, so that neighbours still meet exactly."""
    owners = {}
    for code, polygons in projected.items():
        for polygon in polygons:
            for ring in polygon:
                for p in ring:
                    owners.setdefault(p, set()).add(code)
    chains = {}
    result = {}
    for code, polygons in projected.items():
        rings = []
        for polygon in polygons:
            for ring in polygon:
                ring = ring[:-1] if ring[0] == ring[-1] else ring
                if abs(geo.ring_area(ring)) < MIN_RING_AREA:
                    continue
                simplified = _simplify_ring(ring, owners, chains, tolerance)
                points = []
                for x, y in simplified:
                    p = (round(x), round(y))
                    if not points or points[-1] != p:
                        points.append(p)
                while len(points) > 1 and points[0] == points[-1]:
                    points.pop()
                if len(points) >= 3 and geo.ring_area(points) != 0:
                    rings.append(points)
        result[code] = rings
    return result


def _simplify_ring(ring, owners, chains, tolerance):
    n = len(ring)

    def edge(i):
        return frozenset(owners[ring[i]] & owners[ring[(i + 1) % n]])

    breaks = [i for i in range(n) if edge(i - 1) != edge(i)]
    if not breaks:  # an island, or a ring with one neighbour all round
        start = min(range(n), key=lambda i: ring[i])
        breaks = [start]
    out = []
    for k, start in enumerate(breaks):
        end = breaks[(k + 1) % len(breaks)]
        length = (end - start) % n or n
        chain = [ring[(start + j) % n] for j in range(length + 1)]
        out += _simplify_chain(chain, chains, tolerance)[:-1]
    return out


def _simplify_chain(chain, chains, tolerance):
    reverse = chain[0] > chain[-1] or (chain[0] == chain[-1] and chain[1] > chain[-2])
    key = tuple(reversed(chain)) if reverse else tuple(chain)
    if key not in chains:
        if key[0] == key[-1]:  # a closed ring: keep its farthest point too
            far = max(range(len(key)), key=lambda i: _d2(key[i], key[0]))
            chains[key] = geo.simplify(list(key[: far + 1]), tolerance)[:-1] + (
                geo.simplify(list(key[far:]), tolerance)
            )
        else:
            chains[key] = geo.simplify(list(key), tolerance)
    simplified = chains[key]
    return simplified[::-1] if reverse else simplified


def _d2(a, b):
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _path(rings) -> str:
    parts = []
    for ring in rings:
        numbers = []
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            numbers += [x2 - x1, y2 - y1]
        deltas = ""
        for number in numbers:
            text = str(number)
            deltas += text if not deltas or text.startswith("-") else " " + text
        parts.append(f"M{ring[0][0]} {ring[0][1]}l{deltas}z")
    return "".join(parts)


def _interior_point(rings, polygons) -> list:
    """The centroid of the largest ring if it falls inside the shape, else
    the middle of the widest run of a horizontal line through it."""
    largest = max(rings, key=lambda r: abs(geo.ring_area(r)))
    cx, cy = geo.ring_centroid(largest)
    if geo.inside((cx, cy), rings):
        return [round(cx, 1), round(cy, 1)]
    crossings = []
    for (x1, y1), (x2, y2) in zip(largest, largest[1:] + largest[:1], strict=True):
        if (y1 > cy) != (y2 > cy):
            crossings.append(x1 + (cy - y1) * (x2 - x1) / (y2 - y1))
    crossings.sort()
    runs = list(zip(crossings[::2], crossings[1::2], strict=False))
    a, b = max(runs, key=lambda run: run[1] - run[0])
    return [round((a + b) / 2, 1), round(cy, 1)]


def _pull_inside(point, rings, centre):
    """A commune on its département's border may fall just outside the
    simplified outline: moved towards the centre until it is inside."""
    x, y = point
    for step in range(101):
        t = step / 100
        candidate = (
            round(x + t * (centre[0] - x), 1),
            round(y + t * (centre[1] - y), 1),
        )
        if geo.inside(candidate, rings):
            return candidate
    return tuple(centre)
