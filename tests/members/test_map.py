"""The map of member cities: projection, shipped geometry, the SVG on /villes/
and the home page, the département filter."""

import gzip
import json
import math
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import geo
from members import map as city_map
from members.models import Member
from tests.factories import LocalAuthorityFactory, MemberFactory

pytestmark = pytest.mark.django_db
CITIES_URL = reverse("members:cities")
DOT = re.compile(
    r'<a href="(/villes/[^"?]+)"><title>([^<]+)</title>'
    r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"/></a>'
)


def rings(path: str) -> list:
    """The rings of the map's own path syntax: "M x y l dx dy … z" repeated."""
    result = []
    for part in path.split("M")[1:]:
        start, _, deltas = part.rstrip("z").partition("l")
        x, y = map(int, start.split())
        numbers = [int(n) for n in re.findall(r"-?\d+", deltas)]
        ring = [(x, y)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        result.append(ring)
    return result


def outline(code: str) -> list:
    return rings(city_map.geometry()["by_code"][code]["d"])


# --- Projection and plane geometry -----------------------------------------


def test_lambert93_puts_its_origin_and_paris_where_ign_does():
    assert geo.lambert93(3, 46.5) == pytest.approx((700_000, 6_600_000), abs=0.01)
    # Parvis de Notre-Dame (IGN: E 652 469, N 6 862 035).
    assert geo.lambert93(2.3522, 48.8566) == pytest.approx((652_469, 6_862_035), abs=5)
    # The central meridian is the vertical x = 700 000.
    assert geo.lambert93(3, 43.3)[0] == pytest.approx(700_000, abs=0.01)


def test_lambert93_is_true_to_scale_on_its_standard_parallels():
    for lat in (44, 49):
        (x1, y1), (x2, y2) = geo.lambert93(2.99, lat), geo.lambert93(3.01, lat)
        phi = math.radians(lat)
        ellipsoid = (
            geo.A * math.cos(phi) / math.sqrt(1 - (geo.E * math.sin(phi)) ** 2)
        ) * math.radians(0.02)
        assert math.hypot(x2 - x1, y2 - y1) == pytest.approx(ellipsoid, rel=1e-6)


def test_simplify_keeps_the_ends_and_the_corners_only():
    line = [(0, 0), (1, 0.1), (2, -0.1), (3, 0), (3.1, 5), (3, 10)]
    assert geo.simplify(line, 0.5) == [(0, 0), (3, 0), (3, 10)]
    assert geo.simplify(line, 0.01) == line


def test_inside_follows_holes():
    square = [(0, 0), (10, 0), (10, 10), (0, 10)]
    hole = [(4, 4), (6, 4), (6, 6), (4, 6)]
    assert geo.inside((2, 2), [square, hole])
    assert not geo.inside((5, 5), [square, hole])
    assert not geo.inside((12, 5), [square])


# --- The shipped geometry ---------------------------------------------------


def test_the_map_has_every_departement_with_its_centre_inside():
    departments = city_map.geometry()["by_code"]
    assert len(departments) == 101
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(departments)
    for code, department in departments.items():
        assert geo.inside(department["centre"], outline(code)), code


def test_every_commune_is_placed_inside_its_departement():
    positions = city_map.positions()
    assert len(positions) > 35_000
    outlines = {code: outline(code) for code in city_map.geometry()["by_code"]}
    outside = [
        code
        for code, point in positions.items()
        if not geo.inside(point, outlines[city_map.department_of(code)])
    ]
    assert outside == []


def test_the_map_is_light():
    weight = sum(len(d["d"]) for d in city_map.geometry()["departments"])
    assert weight < 16_000


def test_department_of_an_insee_code():
    assert city_map.department_of("69123") == "69"
    assert city_map.department_of("2A004") == "2A"
    assert city_map.department_of("97411") == "974"


# --- The pages ---------------------------------------------------------------


def _member(code, name, department, **kwargs):
    authority = LocalAuthorityFactory(
        code=code, name=name, department_code=department, **kwargs
    )
    return MemberFactory(authority=authority)


def _dots(page: str) -> dict:
    return {
        name: (url, (float(x), float(y)), float(r))
        for url, name, x, y, r in DOT.findall(page)
    }


@pytest.fixture
def members(db):
    lyon = _member("69123", "Lyon", "69", population=522_250)
    brest = _member("29019", "Brest", "29", population=139_926)
    ajaccio = _member("2A004", "Ajaccio", "2A", population=73_474)
    saint_denis = _member("97411", "Saint-Denis", "974", population=153_810)
    die = _member("26113", "Die", "26", population=4_500)
    left = _member("38185", "Grenoble", "38")
    left.status = Member.Status.LEFT
    left.save()
    suspended = _member("84007", "Avignon", "84")
    suspended.status = Member.Status.SUSPENDED
    suspended.save()
    return [lyon, brest, ajaccio, saint_denis, die]


@pytest.mark.parametrize("url", [CITIES_URL, "/"])
def test_every_active_member_has_a_dot_linking_to_its_page(client, members, url):
    page = client.get(url).content.decode()
    assert 'role="group" aria-labelledby="carte-titre"' in page
    dots = _dots(page)
    assert set(dots) == {m.name for m in members}  # not Grenoble nor Avignon
    for member in members:
        assert dots[member.name][0] == member.get_absolute_url()
    # Sized by population class.
    assert dots["Lyon"][2] > dots["Brest"][2] > dots["Die"][2]


def test_each_dot_is_inside_its_departement(client, members):
    dots = _dots(client.get(CITIES_URL).content.decode())
    for member in members:
        point = dots[member.name][1]
        assert geo.inside(point, outline(member.authority.department_code))
    # Réunion is drawn in its inset's box.
    box = next(b for b in city_map.geometry()["boxes"] if b["code"] == "974")
    x, y = dots["Saint-Denis"][1]
    assert box["x"] <= x <= box["x"] + box["size"]
    assert box["y"] <= y <= box["y"] + box["size"]


def test_a_commune_missing_from_the_data_sits_at_its_departement_centre(client):
    # A commune nouvelle created after 2018, or an EPCI: no centroid.
    _member("69999", "Nouvelle-Commune", "69")
    dots = _dots(client.get(CITIES_URL).content.decode())
    centre = city_map.geometry()["by_code"]["69"]["centre"]
    assert dots["Nouvelle-Commune"][1] == tuple(centre)
    assert geo.inside(centre, outline("69"))


def test_departements_with_members_link_to_the_filtered_list(client, members):
    page = client.get(CITIES_URL).content.decode()
    assert '<a href="/villes/?departement=29"><title>Finistère\u202f: 1 ville' in page
    assert "?departement=38" not in page  # Grenoble left the network
    filtered = client.get(CITIES_URL, {"departement": "29"}).content.decode()
    assert "Les villes adhérentes\u202f: Finistère (29)" in filtered
    assert ">Brest</a>" in filtered and ">Lyon</a>" not in filtered
    assert "1 collectivité de ce département est membre" in filtered
    # The map still shows every member, its département highlighted.
    assert len(_dots(filtered)) == len(members)
    assert 'class="dep has sel"' in filtered
    corsica = client.get(CITIES_URL, {"departement": "2A"}).content.decode()
    assert ">Ajaccio</a>" in corsica


def test_a_departement_without_members_and_an_unknown_one(client, members):
    empty = client.get(CITIES_URL, {"departement": "23"})
    assert empty.status_code == 200
    assert "Aucune ville adhérente dans ce département" in empty.content.decode()
    for value in ("zz", "999", "69'; --", "x" * 500):
        response = client.get(CITIES_URL, {"departement": value})
        assert response.status_code == 404


def test_the_map_follows_the_members(client, members):
    assert "Quimper" not in client.get(CITIES_URL).content.decode()
    _member("29232", "Quimper", "29")
    page = client.get(CITIES_URL).content.decode()
    assert "Quimper" in _dots(page)
    assert "Finistère\u202f: 2 villes adhérentes" in page


def test_queries_do_not_grow_with_the_members(client, members):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [CITIES_URL, "/"]
    for url in urls:  # the header and footer's data, read once
        count(url)
    _member("35238", "Rennes", "35")  # each count renders the pages again
    before = [count(url) for url in urls]
    for n in range(8):
        _member(f"{35000 + n + 1:05d}", f"Ville-{n}", "35")
    assert [count(url) for url in urls] == before


# --- The command --------------------------------------------------------------


def test_build_map_simplifies_shared_borders_once(tmp_path):
    # Two squares of 1° sharing a wiggly border: both outlines keep the same
    # simplified border, so neighbours meet without gaps.
    border = [(3.0, 46.0 + i / 50) for i in range(51)]
    border = [
        (lon + (0.001 if i % 2 else 0), lat) for i, (lon, lat) in enumerate(border)
    ]
    west = [(2.0, 46.0), *border, (2.0, 47.0), (2.0, 46.0)]
    east = [(4.0, 46.0), (4.0, 47.0), *reversed(border), (4.0, 46.0)]
    features = [
        {
            "properties": {"code": code, "nom": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for code, name, ring in [("03", "Ouest", west), ("58", "Est", east)]
    ]
    (tmp_path / "departements-avec-outre-mer.geojson").write_text(
        json.dumps({"features": features})
    )
    (tmp_path / "communes-centroides.csv").write_text(
        "code_insee,longitude,latitude\n03001,2.5,46.5\n58001,3.5,46.5\n"
    )
    output, positions = tmp_path / "carte.json", tmp_path / "positions.csv.gz"
    call_command(
        "build_map", tmp_path, output=output, positions_output=positions, stdout=None
    )
    data = json.loads(output.read_text())
    west_ring, east_ring = (rings(d["d"])[0] for d in data["departments"])
    shared = set(west_ring) & set(east_ring)
    assert len(shared) == 2  # the wiggle is gone, its two ends stay
    assert len(west_ring) == len(east_ring) == 4
    points = dict(
        (code, (float(x), float(y)))
        for code, x, y in (
            line.split(",")
            for line in gzip.decompress(positions.read_bytes()).decode().split()
        )
    )
    assert geo.inside(points["03001"], [west_ring])
    assert geo.inside(points["58001"], [east_ring])


def test_the_demo_map_shows_its_active_cities_in_their_departements(client, demo):
    dots = _dots(client.get(CITIES_URL).content.decode())
    active = list(Member.objects.active().select_related("authority"))
    assert len(active) == 35
    assert set(dots) == {m.name for m in active}
    assert "Die" not in dots and "Avignon" not in dots  # left, suspended
    for member in active:
        department = city_map.member_department(member)
        assert geo.inside(dots[member.name][1], outline(department)), member.name
