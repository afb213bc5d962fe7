"""A base map for the report: roads or boundaries read from a GeoJSON file (RFC 7946).

The coordinator supplies the file (exported from OpenStreetMap, the gmina's GIS or a national
register such as PRG); :func:`read_basemap` checks it and keeps what the report's map draws:
lines (``LineString``, ``MultiLineString``) and areas (the outer rings of ``Polygon`` and
``MultiPolygon``), as ``(longitude, latitude)`` vertices. Nothing is fetched from a network.

Every problem is reported at once with its path in the file (``features[3].geometry
.coordinates[0]``). A file in a projected system (such as Poland's EPSG:2180, in metres) is
refused in one sentence, not one line per coordinate. Points (bus stops, say) are valid GeoJSON
but not a base layer: they are counted, and the report says they were not drawn.

Examples
--------
>>> import json, pathlib, tempfile
>>> roads = {"type": "FeatureCollection", "features": [
...     {"type": "Feature", "properties": {"name": "DW 889"},
...      "geometry": {"type": "LineString", "coordinates": [[22.06, 49.48], [22.12, 49.44]]}}]}
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d, "drogi.geojson")
...     _ = p.write_text(json.dumps(roads), encoding="utf-8")
...     base = read_basemap(p)
>>> base.source, base.lines, base.areas
('drogi.geojson', (((22.06, 49.48), (22.12, 49.44)),), ())
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from attrs import field, frozen

from cus_match.errors import InvalidInputError, Problem
from cus_match.io.json_format import read_json
from cus_match.io.structure import json_type_name
from cus_match.model.validators import to_tuple
from cus_match.problem_texts import ProblemCode

__all__ = ["GEOMETRY_TYPES", "Basemap", "read_basemap"]

#: The geometry types of RFC 7946; the first two kinds are drawn, points only counted.
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection")
_TOP_TYPES = ("FeatureCollection", "Feature", *GEOMETRY_TYPES)

Vertex = tuple[float, float]


@frozen
class Basemap:
    """Lines and areas to draw under the map's points.

    Parameters
    ----------
    source : str
        The file's name, as the report names it.
    lines : tuple of tuple of (float, float)
        Polylines, each a tuple of ``(longitude, latitude)`` vertices.
    areas : tuple of tuple of (float, float)
        Closed outer rings of polygons (holes are not drawn: a base layer only outlines).
    points : int
        Point positions in the file, which a base layer does not draw.
    """

    source: str
    lines: tuple[tuple[Vertex, ...], ...] = field(default=(), converter=to_tuple)
    areas: tuple[tuple[Vertex, ...], ...] = field(default=(), converter=to_tuple)
    points: int = 0


class _Reader:
    """One pass over the document, collecting shapes and every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.lines: list[tuple[Vertex, ...]] = []
        self.areas: list[tuple[Vertex, ...]] = []
        self.points = 0
        # Positions out of the range of degrees: one problem for all, naming the first.
        self.off_degrees = 0
        self.first_off: tuple[str, str] | None = None

    def wrong(self, path: str, expected: str, value: Any) -> None:
        self.problems.append(Problem(path, ProblemCode.WRONG_TYPE, {
            "expected": expected, "got": json_type_name(value), "value": _short(value)}))

    def object(self, obj: Any, path: str, allowed: tuple[str, ...]) -> str | None:
        """The ``type`` of a GeoJSON object, or ``None`` (with a problem) when it has none."""
        if not isinstance(obj, dict):
            self.wrong(path, "object", obj)
            return None
        kind = obj.get("type")
        where = f"{path}.type" if path else "type"
        if kind is None:
            self.problems.append(Problem(where, ProblemCode.MISSING_FIELD))
            return None
        if kind not in allowed:
            self.problems.append(Problem(where, ProblemCode.NOT_ONE_OF,
                                         {"value": str(kind), "allowed": list(allowed)}))
            return None
        return str(kind)

    def top(self, data: Any) -> None:
        kind = self.object(data, "", _TOP_TYPES)
        if kind == "FeatureCollection":
            features = data.get("features")
            if not isinstance(features, list):
                self.wrong("features", "list", features)
                return
            for i, f in enumerate(features):
                self.feature(f, f"features[{i}]")
        elif kind == "Feature":
            self.feature(data, "")
        elif kind is not None:
            self.geometry(data, "", kind)

    def feature(self, f: Any, path: str) -> None:
        if self.object(f, path, ("Feature",)) is None:
            return
        geometry = f.get("geometry")
        if geometry is None:  # RFC 7946: a feature may have no location
            return
        where = f"{path}.geometry" if path else "geometry"
        kind = self.object(geometry, where, GEOMETRY_TYPES)
        if kind is not None:
            self.geometry(geometry, where, kind)

    def geometry(self, g: dict[str, Any], path: str, kind: str) -> None:
        def at(name: str) -> str:
            return f"{path}.{name}" if path else name

        if kind == "GeometryCollection":
            parts = g.get("geometries")
            if not isinstance(parts, list):
                self.wrong(at("geometries"), "list", parts)
                return
            for i, part in enumerate(parts):
                where = at(f"geometries[{i}]")
                sub = self.object(part, where, GEOMETRY_TYPES)
                if sub is not None:
                    self.geometry(part, where, sub)
            return
        coords = g.get("coordinates")
        where = at("coordinates")
        if coords is None:
            self.problems.append(Problem(where, ProblemCode.MISSING_FIELD))
        elif kind == "Point":
            if self.position(coords, where) is not None:
                self.points += 1
        elif kind == "MultiPoint":
            self.points += len(self.positions(coords, where))
        elif kind == "LineString":
            self.line(coords, where)
        elif kind == "MultiLineString":
            for i, part in self.items(coords, where):
                self.line(part, f"{where}[{i}]")
        elif kind == "Polygon":
            self.polygon(coords, where)
        else:  # MultiPolygon
            for i, part in self.items(coords, where):
                self.polygon(part, f"{where}[{i}]")

    def items(self, value: Any, path: str) -> list[tuple[int, Any]]:
        if not isinstance(value, list):
            self.wrong(path, "list", value)
            return []
        return list(enumerate(value))

    def positions(self, value: Any, path: str) -> list[Vertex]:
        out = []
        for i, p in self.items(value, path):
            v = self.position(p, f"{path}[{i}]")
            if v is not None:
                out.append(v)
        return out

    def position(self, p: Any, path: str) -> Vertex | None:
        if not isinstance(p, list):
            self.wrong(path, "list", p)
            return None
        if not 2 <= len(p) <= 3 or not all(_is_number(x) for x in p):
            self.problems.append(Problem(path, ProblemCode.GEOJSON_POSITION,
                                         {"value": _short(p)}))
            return None
        lon, lat = float(p[0]), float(p[1])
        if not (math.isfinite(lon) and math.isfinite(lat)
                and -180 <= lon <= 180 and -90 <= lat <= 90):
            self.off_degrees += 1
            if self.first_off is None:
                self.first_off = (path, _short(p))
            return None
        return (lon, lat)

    def line(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            self.wrong(path, "list", value)
            return
        vertices = self.positions(value, path)
        if len(value) < 2:
            self.problems.append(Problem(path, ProblemCode.GEOJSON_LINE_TOO_SHORT,
                                         {"count": len(value)}))
        elif len(vertices) == len(value):
            self.lines.append(tuple(vertices))

    def polygon(self, value: Any, path: str) -> None:
        for i, ring in self.items(value, path):
            where = f"{path}[{i}]"
            if not isinstance(ring, list):
                self.wrong(where, "list", ring)
                continue
            vertices = self.positions(ring, where)
            if len(ring) < 4:
                self.problems.append(Problem(where, ProblemCode.GEOJSON_RING_TOO_SHORT,
                                             {"count": len(ring)}))
            elif i == 0 and len(vertices) == len(ring):
                self.areas.append(tuple(vertices))


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_basemap(path: str | Path) -> Basemap:
    """Read and check a GeoJSON file of roads or boundaries for the report's map.

    Parameters
    ----------
    path : str or Path
        A ``.geojson`` (or ``.json``) file: a FeatureCollection, a Feature or a bare geometry,
        in longitude and latitude (WGS 84), UTF-8.

    Returns
    -------
    Basemap
        Its lines and areas.

    Raises
    ------
    InvalidInputError
        Naming the file and every problem with its path: not JSON, not GeoJSON, malformed
        positions, coordinates not in degrees (one problem for all), nothing to draw.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "granice.geojson")
    ...     _ = p.write_text('{"type": "Polygon", "coordinates": [[[637000, 486000], '
    ...                      '[638000, 486000], [638000, 487000], [637000, 486000]]]}')
    ...     read_basemap(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidInputError: .../granice.geojson: 1 problem
      coordinates: 4 positions are not longitude and latitude in degrees (the first, at ...
    """
    p = Path(path)
    data = read_json(p)
    reader = _Reader()
    reader.top(data)
    problems = reader.problems
    if reader.off_degrees and reader.first_off is not None:
        first, value = reader.first_off
        # The document's level: the whole file is in another coordinate system, as a rule.
        problems.append(Problem("coordinates", ProblemCode.GEOJSON_NOT_DEGREES,
                                {"count": reader.off_degrees, "first": first,
                                 "value": value}))
    if not problems and not reader.lines and not reader.areas:
        problems.append(Problem("", ProblemCode.GEOJSON_NOTHING_TO_DRAW))
    if problems:
        raise InvalidInputError(problems, source=str(p))
    return Basemap(p.name, tuple(reader.lines), tuple(reader.areas), reader.points)
