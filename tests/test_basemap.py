"""The report map's base layer: a GeoJSON file of roads or boundaries, checked and drawn."""

from __future__ import annotations

import json
import re

import pytest

from cus_match.cli.main import main
from cus_match.errors import InvalidInputError
from cus_match.generate import demo_instance
from cus_match.io.geojson import Basemap, read_basemap
from cus_match.io.json_format import dump_instance, dump_result
from cus_match.optimise.solve import solve
from cus_match.problem_texts import ProblemCode
from cus_match.report import render_report

# Around Bukowsko (the demo's gmina): a road through it, a boundary, a stop.
ROAD = [[22.00, 49.50], [22.05, 49.48], [22.10, 49.46], [22.15, 49.44]]
RING = [[22.0, 49.4], [22.2, 49.4], [22.2, 49.55], [22.0, 49.55], [22.0, 49.4]]
HOLE = [[22.05, 49.45], [22.06, 49.45], [22.06, 49.46], [22.05, 49.45]]


def _feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _write(tmp_path, data, name="base.geojson"):
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return p


@pytest.fixture
def good(tmp_path):
    return _write(tmp_path, {"type": "FeatureCollection", "features": [
        _feature({"type": "LineString", "coordinates": ROAD}, name="DW 889"),
        _feature({"type": "MultiLineString", "coordinates": [ROAD[:2], ROAD[2:]]}),
        _feature({"type": "Polygon", "coordinates": [RING, HOLE]}, name="gmina"),
        _feature({"type": "MultiPolygon", "coordinates": [[RING]]}),
        _feature({"type": "GeometryCollection", "geometries": [
            {"type": "LineString", "coordinates": ROAD[1:3]},
            {"type": "Point", "coordinates": [22.05, 49.48]}]}),
        _feature({"type": "MultiPoint", "coordinates": [[22.1, 49.5], [22.11, 49.5, 410.0]]}),
        _feature(None),  # RFC 7946: a feature without a location
    ]})


def test_a_good_file_gives_its_lines_and_areas(good):
    base = read_basemap(good)
    assert base.source == "base.geojson"
    assert len(base.lines) == 4  # one, two parts of another, one in a collection
    assert base.lines[0] == tuple((x, y) for x, y in ROAD)
    assert len(base.areas) == 2  # outer rings only: a base layer outlines
    assert base.areas[0][0] == (22.0, 49.4)
    assert base.points == 3
    # A bare geometry or a single feature is a base map too.
    assert read_basemap(_write(good.parent, {"type": "LineString", "coordinates": ROAD},
                               "one.geojson")).lines == base.lines[:1]
    assert len(read_basemap(_write(good.parent, _feature(
        {"type": "Polygon", "coordinates": [RING]}), "f.json")).areas) == 1


def test_every_problem_is_reported_at_once_with_its_path_and_the_file(tmp_path):
    p = _write(tmp_path, {"type": "FeatureCollection", "features": [
        _feature({"type": "LineString", "coordinates": [[22.0]]}),  # a position of 1 number
        _feature({"type": "LineString", "coordinates": [[22.0, 49.5]]}),  # one position
        _feature({"type": "Polygon", "coordinates": [RING[:3]]}),  # an open, short ring
        _feature({"type": "Circle", "coordinates": [22.0, 49.5]}),  # not GeoJSON
        {"properties": {}},  # no type
        _feature({"type": "LineString", "coordinates": [["22.0", "49.5"], [22.1, 49.4]]}),
        _feature({"type": "MultiLineString"}),  # no coordinates
        "road",
    ]})
    with pytest.raises(InvalidInputError) as e:
        read_basemap(p)
    got = [(x.path, x.code) for x in e.value.problems]
    assert got == [
        ("features[0].geometry.coordinates[0]", ProblemCode.GEOJSON_POSITION),
        ("features[0].geometry.coordinates", ProblemCode.GEOJSON_LINE_TOO_SHORT),
        ("features[1].geometry.coordinates", ProblemCode.GEOJSON_LINE_TOO_SHORT),
        ("features[2].geometry.coordinates[0]", ProblemCode.GEOJSON_RING_TOO_SHORT),
        ("features[3].geometry.type", ProblemCode.NOT_ONE_OF),
        ("features[4].type", ProblemCode.MISSING_FIELD),
        ("features[5].geometry.coordinates[0]", ProblemCode.GEOJSON_POSITION),
        ("features[6].geometry.coordinates", ProblemCode.MISSING_FIELD),
        ("features[7]", ProblemCode.WRONG_TYPE),
    ]
    text = str(e.value)
    assert text.startswith(f"{p}: 9 problems")
    assert "'Circle' is not one of 'Point', 'MultiPoint', 'LineString'" in text
    pl = e.value.text("pl")
    assert f"{p}: 9 problemów" in pl
    assert "linia wymaga co najmniej 2 pozycji, jest 1" in pl


def test_a_projected_file_is_refused_in_one_sentence(tmp_path):
    # Poland's EPSG:2180 (metres), the usual export of a gmina's GIS: every position is off.
    metres = [[[637000.0 + 10 * k, 486000.0] for k in range(500)]]
    p = _write(tmp_path, {"type": "MultiLineString", "coordinates": metres}, "drogi.geojson")
    with pytest.raises(InvalidInputError) as e:
        read_basemap(p)
    [problem] = e.value.problems
    assert problem.code is ProblemCode.GEOJSON_NOT_DEGREES
    assert "500 positions are not longitude and latitude in degrees (the first, at " \
           "coordinates[0][0]: [637000.0, 486000.0]); save the file in WGS 84 (EPSG:4326)" \
           in str(e.value)
    assert "500 pozycji nie jest długością i szerokością geograficzną" in e.value.text("pl")


@pytest.mark.parametrize(("text", "code"), [
    ("{not json", ProblemCode.INVALID_JSON),
    ('{"type": "FeatureCollection", "features": {}}', ProblemCode.WRONG_TYPE),
    ('{"type": "Point", "coordinates": [22.0, 49.5]}', ProblemCode.GEOJSON_NOTHING_TO_DRAW),
    ('{"type": "FeatureCollection", "features": []}', ProblemCode.GEOJSON_NOTHING_TO_DRAW),
    ("[1, 2]", ProblemCode.WRONG_TYPE),
])
def test_not_a_base_map(tmp_path, text, code):
    p = _write(tmp_path, text)
    with pytest.raises(InvalidInputError) as e:
        read_basemap(p)
    assert [x.code for x in e.value.problems] == [code]
    assert str(p) in str(e.value)


def test_bytes_that_are_not_utf8_name_the_file(tmp_path):
    p = tmp_path / "base.geojson"
    p.write_bytes('{"type": "LineString", "name": "Łódź"}'.encode("cp1250"))
    with pytest.raises(InvalidInputError, match=r"base\.geojson") as e:
        read_basemap(p)
    assert e.value.problems[0].code is ProblemCode.NOT_UTF8


# Drawing -------------------------------------------------------------------------------------

def _map_svg(html):
    m = re.search(r'<svg[^>]*aria-label="chart-map"[^>]*>(.*?)</svg>', html, flags=re.S)
    assert m is not None
    return m.group(1)


@pytest.fixture(scope="module")
def demo():
    inst = demo_instance()
    return inst, solve(inst, method="greedy")


def test_the_base_layer_is_drawn_under_the_places_without_moving_them(demo, good):
    inst, result = demo
    plain = render_report(inst, result, lang="pl")
    based = render_report(inst, result, lang="pl", basemap=read_basemap(good))
    assert "bez podkładu" in plain
    assert "Podkład: base.geojson (linie: 4, obszary: 2)." in based
    assert "Pominięto punkty z podkładu (rysowane są tylko linie i obszary): 3." in based
    svg_plain, svg_based = _map_svg(plain), _map_svg(based)
    assert svg_based.count("<path") > svg_plain.count("<path")
    # The lines come before the places' markers in the SVG: drawn under them.
    first_marker = svg_based.index("Bukowsko")
    assert svg_based.index("#a8a8a8") < first_marker
    # The map's frame is the places', whatever the base layer's extent: every place's label
    # sits where it sat without the base layer.
    def labels(svg):
        return re.findall(r'x="([^"]+)" y="([^"]+)"[^>]*>([^<]+)</text>', svg)

    places = {p.name for p in inst.places}
    plain_labels = [t for t in labels(svg_plain) if t[2] in places]
    assert len(plain_labels) == len(places)
    assert plain_labels == [t for t in labels(svg_based) if t[2] in places]
    assert "<script" not in based
    # A scale bar instead of degrees.
    assert re.search(r">\d+ km<", svg_plain)


def test_far_away_lines_are_not_drawn_and_detail_is_thinned(demo, tmp_path):
    inst, result = demo
    far = [[15.0 + k * 1e-4, 52.0] for k in range(50)]  # near Poznań, off the map
    dense = [[22.0 + k * 1e-6, 49.45] for k in range(20000)]  # far finer than a point
    base = read_basemap(_write(tmp_path, {"type": "MultiLineString",
                                          "coordinates": [far, dense]}))
    assert len(base.lines) == 2
    svg = _map_svg(render_report(inst, result, lang="en", basemap=base))
    # Few vertices survive: the page stays light.
    assert len(svg) < len(_map_svg(render_report(inst, result, lang="en"))) + 20000


def test_the_file_name_is_escaped(demo):
    inst, result = demo
    base = Basemap("<b>roads</b>.geojson", lines=[((22.0, 49.5), (22.1, 49.4))])
    html = render_report(inst, result, lang="en", basemap=base)
    assert "&lt;b&gt;roads&lt;/b&gt;.geojson" in html
    assert "<b>roads" not in html


def test_cli_report_takes_a_basemap_and_names_a_bad_one(demo, good, tmp_path, capsys):
    inst, result = demo
    fi, fr = tmp_path / "g.json", tmp_path / "r.json"
    dump_instance(inst, fi)
    dump_result(result, fr)
    out = tmp_path / "r.html"
    assert main(["report", str(fi), str(fr), "-o", str(out), "--basemap", str(good),
                 "--lang", "pl"]) == 0
    assert "Podkład: base.geojson" in out.read_text(encoding="utf-8")
    bad = _write(tmp_path, {"type": "LineString", "coordinates": [[22.0, 49.5]]}, "zle.geojson")
    capsys.readouterr()
    assert main(["report", str(fi), str(fr), "-o", str(tmp_path / "x.html"),
                 "--basemap", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "zle.geojson" in err
    assert "a line needs at least 2 positions" in err
    assert not (tmp_path / "x.html").exists()
