"""Travel minutes between places, per mode.

Two models, chosen by the instance:

* a **travel network** (``Instance.travel_edges``): shortest paths per mode in a networkx graph of
  places, computed once. Mountain roads and one bus line are described exactly; a mode missing
  from an edge cannot use it.
* otherwise **great-circle** distance times ``detour_factor`` at each mode's speed.

Within one place, travel takes ``TravelSettings.within_place_minutes`` in any mode.

Examples
--------
>>> from cus_match.model import Place, TravelEdge, TravelMode, TravelSettings
>>> places = [Place("a"), Place("b"), Place("c")]
>>> edges = [TravelEdge("a", "b", {"car": 10, "bus": 20}), TravelEdge("b", "c", {"car": 5})]
>>> tt = TravelTimes.from_network(places, edges, TravelSettings())
>>> tt.minutes("a", "c", TravelMode.CAR), tt.minutes("a", "c", TravelMode.BUS)
(15.0, None)
>>> tt.best("a", "c", {TravelMode.BUS, TravelMode.CAR})
(15.0, <TravelMode.CAR: 'car'>)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from attrs import field, frozen

from cus_match.model import Place, TravelEdge, TravelMode, TravelSettings

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["EARTH_RADIUS_KM", "TravelTimes", "great_circle_km", "travel_graph"]

#: Mean Earth radius (IUGG) of the haversine distance, in kilometres (docs/constraints.md).
EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres.

    >>> round(great_circle_km(49.483, 22.066, 49.442, 22.118), 1)  # Bukowsko - Nowotaniec
    5.9
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def travel_graph(places: Sequence[Place], edges: Iterable[TravelEdge]) -> nx.Graph[str]:
    """The travel network as a networkx graph: one node per place, edge attribute per mode.

    Edge attributes are named by mode (``"car"``, ``"bus"``, ...) and hold minutes; users can
    inspect or draw it.
    """
    # networkx costs ~0.2 s to import; only instances with a travel network need it.
    import networkx as nx

    g: nx.Graph[str] = nx.Graph()
    for p in places:
        g.add_node(p.id, name=p.name, kind=p.kind.value, lat=p.lat, lon=p.lon)
    for e in edges:
        attrs = {m.value: float(v) for m, v in e.minutes.items()}
        if g.has_edge(e.a, e.b):  # parallel roads: keep the faster one per mode
            old = g.edges[e.a, e.b]
            attrs = {m: min(v, old.get(m, math.inf)) for m, v in (old | attrs).items()}
        g.add_edge(e.a, e.b, **attrs)
    return g


@frozen
class TravelTimes:
    """Minutes between any two places per mode; ``None`` where a mode cannot get there."""

    _table: dict[TravelMode, dict[str, dict[str, float]]]
    within_place: float
    # Solvers ask the same (from, to, modes) questions millions of times.
    _best: dict[tuple[str, str, frozenset[TravelMode]], tuple[float, TravelMode] | None] = field(
        factory=dict, eq=False, repr=False)
    _dense: dict[tuple[str, ...], np.ndarray] = field(factory=dict, eq=False, repr=False)

    @classmethod
    def for_places(cls, places: Sequence[Place], edges: Sequence[TravelEdge],
                   settings: TravelSettings) -> TravelTimes:
        """Use the travel network if there is one, else great-circle estimates."""
        if edges:
            return cls.from_network(places, edges, settings)
        return cls.from_coordinates(places, settings)

    @classmethod
    def from_network(cls, places: Sequence[Place], edges: Iterable[TravelEdge],
                     settings: TravelSettings) -> TravelTimes:
        """Shortest paths per mode in the travel network (Dijkstra from every place, once)."""
        import networkx as nx

        g = travel_graph(places, edges)
        table: dict[TravelMode, dict[str, dict[str, float]]] = {}
        for mode in TravelMode:
            sub: nx.Graph[str] = nx.Graph()
            sub.add_nodes_from(g.nodes)
            sub.add_weighted_edges_from(
                (u, v, d[mode.value]) for u, v, d in g.edges(data=True) if mode.value in d
            )
            table[mode] = {
                src: {dst: float(m) for dst, m in dists.items()}
                for src, dists in nx.all_pairs_dijkstra_path_length(sub, weight="weight")
            }
        return cls(table, settings.within_place_minutes)

    @classmethod
    def from_coordinates(cls, places: Sequence[Place], settings: TravelSettings) -> TravelTimes:
        """Great-circle distance times the detour factor, at each mode's speed."""
        located = [p for p in places if p.has_coordinates]
        table: dict[TravelMode, dict[str, dict[str, float]]] = {}
        for mode, kmh in settings.speeds_kmh.items():
            rows: dict[str, dict[str, float]] = {}
            for a in located:
                assert a.lat is not None
                assert a.lon is not None
                rows[a.id] = {
                    b.id: great_circle_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
                    * settings.detour_factor / kmh * 60.0
                    for b in located
                }
            table[mode] = rows
        return cls(table, settings.within_place_minutes)

    def minutes(self, a: str, b: str, mode: TravelMode) -> float | None:
        """Travel minutes from place ``a`` to place ``b`` by ``mode``, or ``None``."""
        if a == b:
            return self.within_place
        return self._table.get(mode, {}).get(a, {}).get(b)

    def matrix(self, places: Sequence[str]) -> np.ndarray:
        """All of :meth:`minutes` between ``places`` as one read-only array.

        Parameters
        ----------
        places : sequence of str
            Place ids; they give the order of both place axes.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(TravelMode), len(places), len(places))``, modes in
            :class:`TravelMode` order: ``out[k, i, j]`` is ``minutes(places[i], places[j],
            mode k)`` as the same float, ``inf`` where that is ``None``.

        Examples
        --------
        >>> tt = TravelTimes.from_network([Place("a"), Place("b")],
        ...                               [TravelEdge("a", "b", {"car": 4})], TravelSettings())
        >>> tt.matrix(["a", "b"])[2].tolist()  # car
        [[5.0, 4.0], [4.0, 5.0]]
        >>> tt.matrix(["a", "b"])[3, 0, 1]  # no bus
        np.float64(inf)
        """
        key = tuple(places)
        try:
            return self._dense[key]
        except KeyError:
            pass
        pos = {p: i for i, p in enumerate(key)}
        n = len(key)
        out = np.full((len(TravelMode), n, n), np.inf)
        for k, mode in enumerate(TravelMode):
            for a, row in self._table.get(mode, {}).items():
                i = pos.get(a)
                if i is None:
                    continue
                cols = [(pos[b], m) for b, m in row.items() if b in pos]
                if cols:
                    js, ms = zip(*cols, strict=True)
                    out[k, i, list(js)] = ms
        # minutes() answers within_place for a == b whatever the mode, even one with no table.
        out[:, np.arange(n), np.arange(n)] = self.within_place
        out.flags.writeable = False
        self._dense[key] = out
        return out

    def best(self, a: str, b: str, modes: Iterable[TravelMode]) -> tuple[float, TravelMode] | None:
        """The fastest of ``modes`` from ``a`` to ``b`` as (minutes, mode), or ``None``.

        Ties go to the mode first in :class:`TravelMode` order (walk, bike, car, bus).
        """
        key = (a, b, modes if isinstance(modes, frozenset) else frozenset(modes))
        try:
            return self._best[key]
        except KeyError:
            pass
        found: tuple[float, TravelMode] | None = None
        for mode in TravelMode:
            if mode not in modes:
                continue
            m = self.minutes(a, b, mode)
            if m is not None and (found is None or m < found[0]):
                found = (m, mode)
        self._best[key] = found
        return found
