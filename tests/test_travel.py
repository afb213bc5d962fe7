from __future__ import annotations

import pytest

from builders import helper, instance
from cus_match.errors import InvalidInputError
from cus_match.model import Place, TravelEdge, TravelMode, TravelSettings
from cus_match.model.travel import TravelTimes, great_circle_km, travel_graph


def test_network_uses_shortest_paths_per_mode_and_respects_missing_modes():
    places = [Place(x) for x in "abcd"]
    edges = [TravelEdge("a", "b", {"car": 10, "bus": 30}), TravelEdge("b", "c", {"car": 10}),
             TravelEdge("a", "c", {"car": 25, "walk": 90}), TravelEdge("c", "d", {"bus": 5})]
    tt = TravelTimes.from_network(places, edges, TravelSettings(within_place_minutes=3))
    assert tt.minutes("a", "c", TravelMode.CAR) == 20  # via b beats the direct 25
    assert tt.minutes("a", "c", TravelMode.BUS) is None  # no bus b-c
    assert tt.minutes("c", "a", TravelMode.WALK) == 90  # symmetric
    assert tt.minutes("d", "d", TravelMode.BIKE) == 3
    assert tt.best("a", "d", {TravelMode.CAR, TravelMode.WALK}) is None


def test_parallel_edges_keep_the_faster_road_per_mode():
    g = travel_graph([Place("a"), Place("b")], [TravelEdge("a", "b", {"car": 10, "bus": 5}),
                                                TravelEdge("a", "b", {"car": 7})])
    assert g.edges["a", "b"] == {"car": 7.0, "bus": 5.0}


def test_great_circle_scales_with_speed_and_detour():
    s = TravelSettings(detour_factor=1.5)
    a, b = Place("a", lat=50.0, lon=20.0), Place("b", lat=50.1, lon=20.0)
    tt = TravelTimes.from_coordinates([a, b], s)
    km = great_circle_km(50.0, 20.0, 50.1, 20.0)
    assert km == pytest.approx(11.12, abs=0.01)
    assert tt.minutes("a", "b", TravelMode.CAR) == pytest.approx(km * 1.5 / 45 * 60)
    assert tt.minutes("a", "b", TravelMode.WALK) == pytest.approx(km * 1.5 / 4.5 * 60)


def test_place_without_coordinates_and_no_network_is_an_error():
    with pytest.raises(InvalidInputError, match="no coordinates"):
        instance([helper("h1")], [], places=[Place("a", lat=49.0, lon=22.0), Place("b")],
                 residents=[])
