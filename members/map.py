"""The map of member cities: the shipped geometry (built by `manage.py
build_map`) and where each member's dot goes.

The SVG itself is the template members/includes/map.html, filled by
`city_map()` from the members it is given (no query of its own)."""

import csv
import functools
import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path

from django.urls import reverse

DATA_DIR = Path(__file__).resolve().parent / "data"
MAP_FILE = DATA_DIR / "carte.json"
POSITIONS_FILE = DATA_DIR / "communes-carte.csv.gz"

# Population classes: (lower bound, dot radius in map units, legend).
POPULATION_CLASSES = [
    (200_000, 8, "200 000 habitants et plus"),
    (50_000, 6, "de 50 000 à 199 999 habitants"),
    (10_000, 4.5, "de 10 000 à 49 999 habitants"),
    (0, 3.5, "moins de 10 000 habitants"),
]


def department_of(insee_code: str) -> str:
    """The département of a commune's INSEE code: "971" for 97101, "2A" for
    2A004, "69" for 69123."""
    return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]


@functools.cache
def geometry() -> dict:
    data = json.loads(MAP_FILE.read_text())
    data["by_code"] = {d["code"]: d for d in data["departments"]}
    return data


@functools.cache
def positions() -> dict[str, tuple[float, float]]:
    """Every commune's point on the map, by INSEE code (about 35,000)."""
    text = gzip.decompress(POSITIONS_FILE.read_bytes()).decode()
    return {code: (float(x), float(y)) for code, x, y in csv.reader(io.StringIO(text))}


def department_names() -> dict[str, str]:
    return {d["code"]: d["name"] for d in geometry()["departments"]}


def member_department(member) -> str:
    authority = member.authority
    return authority.department_code or department_of(authority.code)


def position(member) -> tuple[float, float] | None:
    """The member's commune centroid; its département's centre when the
    code is not in the data (a commune created after 2018, an EPCI)."""
    point = positions().get(member.authority.code)
    if point is None:
        department = geometry()["by_code"].get(member_department(member))
        if department is None:
            return None
        point = tuple(department["centre"])
    return point


def radius(population: int | None) -> float:
    for lower, r, _ in POPULATION_CLASSES:
        if (population or 0) >= lower:
            return r
    return POPULATION_CLASSES[-1][1]


@dataclass
class Dot:
    name: str
    url: str
    x: float
    y: float
    r: float

    @property
    def cx(self) -> str:  # SVG numbers, not the French locale's "12,5"
        return f"{self.x:g}"

    @property
    def cy(self) -> str:
        return f"{self.y:g}"

    @property
    def radius(self) -> str:
        return f"{self.r:g}"


def city_map(members, selected: str = "") -> dict:
    """The context of the map's template for these (active) members."""
    data = geometry()
    counts: dict[str, int] = {}
    dots = []
    for member in members:
        code = member_department(member)
        counts[code] = counts.get(code, 0) + 1
        point = position(member)
        if point is not None:
            r = radius(member.authority.population)
            dots.append(Dot(member.name, member.get_absolute_url(), *point, r))
    # Large dots first, so that the small ones stay on top and clickable.
    dots.sort(key=lambda dot: (-dot.r, dot.y))
    list_url = reverse("members:cities")
    # Départements with members are links; the others, one path (lighter).
    linked = [
        {
            "code": d["code"],
            "name": d["name"],
            "d": d["d"],
            "count": counts[d["code"]],
            "url": f"{list_url}?departement={d['code']}",
            "selected": d["code"] == selected,
        }
        for d in data["departments"]
        if counts.get(d["code"])
    ]
    return {
        "width": data["width"],
        "height": data["height"],
        "boxes": data["boxes"],
        "departments": linked,
        "others": "".join(
            d["d"] for d in data["departments"] if not counts.get(d["code"])
        ),
        "dots": dots,
        "legend": [(round(r * 2), text) for _, r, text in POPULATION_CLASSES],
    }
