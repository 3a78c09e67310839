"""Plane geometry for the map of member cities: projections and simplification.

Plain functions, no GIS library: the Lambert conformal conic projection of
Lambert-93 (EPSG:2154, IGN's official projection for metropolitan France),
a local equirectangular projection for the overseas insets, Douglas–Peucker
simplification and a point-in-polygon test."""

import math

# GRS 80 ellipsoid and the Lambert-93 parameters (IGN, EPSG:2154).
A = 6378137.0
E = 0.0818191910428158
LON0, LAT0, LAT1, LAT2 = 3.0, 46.5, 44.0, 49.0
X0, Y0 = 700_000.0, 6_600_000.0


def _m(lat: float) -> float:
    return math.cos(lat) / math.sqrt(1 - (E * math.sin(lat)) ** 2)


def _t(lat: float) -> float:
    s = E * math.sin(lat)
    return math.tan(math.pi / 4 - lat / 2) / ((1 - s) / (1 + s)) ** (E / 2)


_lat0, _lat1, _lat2 = map(math.radians, (LAT0, LAT1, LAT2))
_N = (math.log(_m(_lat1)) - math.log(_m(_lat2))) / (
    math.log(_t(_lat1)) - math.log(_t(_lat2))
)
_F = _m(_lat1) / (_N * _t(_lat1) ** _N)
_RHO0 = A * _F * _t(_lat0) ** _N


def lambert93(lon: float, lat: float) -> tuple[float, float]:
    """WGS 84 longitude and latitude (degrees) → Lambert-93 metres (x, y)."""
    rho = A * _F * _t(math.radians(lat)) ** _N
    theta = _N * math.radians(lon - LON0)
    return X0 + rho * math.sin(theta), Y0 + _RHO0 - rho * math.cos(theta)


def equirectangular(lon: float, lat: float, lat_mid: float) -> tuple[float, float]:
    """A local projection for a small territory (an overseas inset): metres
    east and north, true to scale along the parallel `lat_mid`."""
    r = 6_371_000.0
    return (
        r * math.radians(lon) * math.cos(math.radians(lat_mid)),
        r * math.radians(lat),
    )


def _distance_to_segment(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker: the fewest points of the line within `tolerance` of it
    (its two ends are kept). Iterative, so long lines do not recurse deeply."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_area(ring: list) -> float:
    """Signed area (shoelace formula)."""
    return (
        sum(
            x1 * y2 - x2 * y1
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
        )
        / 2
    )


def ring_centroid(ring: list) -> tuple[float, float]:
    area = ring_area(ring)
    if area == 0:
        return ring[0]
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * area), cy / (6 * area)


def inside(point, rings: list) -> bool:
    """Whether `point` is inside the shape made of `rings` (even–odd rule:
    a hole's ring cancels its outer ring)."""
    x, y = point
    result = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                result = not result
    return result
