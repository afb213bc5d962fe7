"""The instance: every entity of one planning round, validated as a whole.

Building an :class:`Instance` checks what no single entity can: unique ids, references that
exist, a travel model that can reach every place in use. *All* problems are collected and raised
together as one :class:`~cus_match.errors.InvalidInputError`, each with its path.

Examples
--------
>>> from cus_match.model import *
>>> inst = Instance(
...     policy=Policy(period=DateRange("2026-03-23", "2026-03-29")),
...     places=[Place("a", "Bukowsko", lat=49.48, lon=22.07)],
...     helpers=[Helper("h1", home="a", weekly_hours_cap=3,
...                     availability=[WeeklyWindow("tue", "09:00", "12:00")])],
...     residents=[Resident("r1", home="a")],
...     needs=[Need("n1", category="shopping", duration_minutes=60, resident="r1",
...                 windows=[TimeWindow("09:00", "11:00")], recurrence=Recurrence.weekly("tue"),
...                 applied_on="2026-03-01")],
... )
>>> inst.need("n1").category
'shopping'
>>> Instance(policy=inst.policy, places=inst.places, helpers=inst.helpers,
...          residents=[], needs=inst.needs)
Traceback (most recent call last):
...
cus_match.errors.InvalidInputError: 1 problem
  needs[0].resident: unknown resident 'r1'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import cached_property
from typing import Any

from attrs import field, frozen

from cus_match.clock import date_range
from cus_match.errors import InvalidInputError, Problem
from cus_match.model import (
    Category,
    FormalService,
    Helper,
    Need,
    Place,
    Policy,
    RecurrenceKind,
    Resident,
    TravelEdge,
)
from cus_match.model.travel import TravelTimes
from cus_match.model.validators import to_tuple
from cus_match.problem_texts import ProblemCode

__all__ = ["MAX_PERIOD_DAYS", "Instance", "cross_check"]

MAX_PERIOD_DAYS = 366


@frozen
class Instance:
    """One planning round: the policy, places, helpers, residents, needs and formal services.

    Parameters
    ----------
    policy : Policy
        Period, categories and local rules.
    places, helpers, residents, needs : sequence
        The entities; ids unique within each kind.
    services : sequence of FormalService
        Formal services already delivered.
    travel_edges : sequence of TravelEdge
        An optional travel network (mountain roads, bus lines); when given, travel minutes are
        shortest paths in it, otherwise great-circle estimates from coordinates.
    name : str
        A label for reports.

    Raises
    ------
    InvalidInputError
        With every cross-entity problem found, each with its path.
    """

    policy: Policy
    places: tuple[Place, ...] = field(converter=to_tuple)
    helpers: tuple[Helper, ...] = field(converter=to_tuple)
    residents: tuple[Resident, ...] = field(converter=to_tuple)
    needs: tuple[Need, ...] = field(converter=to_tuple)
    services: tuple[FormalService, ...] = field(factory=tuple, converter=to_tuple)
    travel_edges: tuple[TravelEdge, ...] = field(factory=tuple, converter=to_tuple)
    name: str = ""

    def __attrs_post_init__(self) -> None:
        problems = _cross_check(self)
        if problems:
            raise InvalidInputError(problems)

    # Lookups -----------------------------------------------------------------------------
    @cached_property
    def _places(self) -> dict[str, Place]:
        return {p.id: p for p in self.places}

    @cached_property
    def _helpers(self) -> dict[str, Helper]:
        return {h.id: h for h in self.helpers}

    @cached_property
    def _residents(self) -> dict[str, Resident]:
        return {r.id: r for r in self.residents}

    @cached_property
    def _needs(self) -> dict[str, Need]:
        return {n.id: n for n in self.needs}

    @cached_property
    def _services(self) -> dict[str, FormalService]:
        return {s.id: s for s in self.services}

    @cached_property
    def _categories(self) -> dict[str, Category]:
        return {c.id: c for c in self.policy.categories}

    def place(self, place_id: str) -> Place:
        """The place with this id (``KeyError`` if unknown)."""
        return self._places[place_id]

    def helper(self, helper_id: str) -> Helper:
        """The helper with this id (``KeyError`` if unknown)."""
        return self._helpers[helper_id]

    def resident(self, resident_id: str) -> Resident:
        """The resident with this id (``KeyError`` if unknown)."""
        return self._residents[resident_id]

    def need(self, need_id: str) -> Need:
        """The need with this id (``KeyError`` if unknown)."""
        return self._needs[need_id]

    def service(self, service_id: str) -> FormalService:
        """The formal service with this id (``KeyError`` if unknown)."""
        return self._services[service_id]

    def category(self, category_id: str) -> Category:
        """The category with this id (``KeyError`` if unknown)."""
        return self._categories[category_id]

    def need_place(self, need: Need) -> str:
        """Where a need is met: its own place, else the resident's home."""
        if need.place is not None:
            return need.place
        assert need.resident is not None  # guaranteed by Need's invariant
        return self._residents[need.resident].home

    @cached_property
    def travel(self) -> TravelTimes:
        """Travel minutes between places, per mode (computed once)."""
        return TravelTimes.for_places(self.places, self.travel_edges, self.policy.travel)

    @property
    def period_dates(self) -> list[date]:
        """Every date of the planning period."""
        return date_range(self.policy.period.start, self.policy.period.end)


Indexed = Sequence[tuple[int, Any]]
_KINDS = ("places", "helpers", "residents", "needs", "services", "policy.categories")


def _duplicates(kind: str, ids: Sequence[tuple[int, str]]) -> Iterable[Problem]:
    first: dict[str, int] = {}
    for i, x in ids:
        if x in first:
            yield Problem(f"{kind}[{i}].id", ProblemCode.DUPLICATE_ID,
                          {"id": x, "first": f"{kind}[{first[x]}]"})
        else:
            first[x] = i


def _refs(path: str, values: Iterable[str], known: set[str],
          code: ProblemCode) -> Iterable[Problem]:
    for v in sorted(values):
        if v not in known:
            yield Problem(path, code, {"id": v})


def _cross_check(inst: Instance) -> list[Problem]:
    def ix(xs: Sequence[Any]) -> list[tuple[int, Any]]:
        return list(enumerate(xs))

    return cross_check(
        inst.policy, ix(inst.places), ix(inst.helpers), ix(inst.residents), ix(inst.needs),
        ix(inst.services), ix(inst.travel_edges),
    )


def cross_check(
    policy: Policy | None,
    places: Indexed,
    helpers: Indexed,
    residents: Indexed,
    needs: Indexed,
    services: Indexed,
    travel_edges: Indexed,
    ids: dict[str, list[tuple[int, str]]] | None = None,
    has_network: bool | None = None,
) -> list[Problem]:
    """Check what no single entity can, on entities given as ``(index, entity)`` pairs.

    Readers call it with only the entities that could be built, and with ``ids`` read from the
    raw data (``{"helpers": [(0, "h1"), ...], ...}``), so one pass reports entity problems and
    reference problems together. ``policy`` may be ``None`` when it could not be built;
    category references are then checked against ``ids["policy.categories"]`` if given.
    """
    if ids is None:
        ids = {
            "places": [(i, p.id) for i, p in places],
            "helpers": [(i, h.id) for i, h in helpers],
            "residents": [(i, r.id) for i, r in residents],
            "needs": [(i, n.id) for i, n in needs],
            "services": [(i, s.id) for i, s in services],
            "policy.categories": (
                list(enumerate(c.id for c in policy.categories)) if policy else []),
        }
    PLACE, RESIDENT, HELPER = (  # noqa: N806 - the codes read as the kind of reference
        ProblemCode.UNKNOWN_PLACE, ProblemCode.UNKNOWN_RESIDENT, ProblemCode.UNKNOWN_HELPER)
    problems: list[Problem] = []
    for kind in _KINDS:
        problems += _duplicates(kind, ids.get(kind, []))
    place_ids = {x for _, x in ids.get("places", [])}
    helper_ids = {x for _, x in ids.get("helpers", [])}
    resident_ids = {x for _, x in ids.get("residents", [])}
    category_ids = {x for _, x in ids.get("policy.categories", [])}

    def cats(path: str, values: Iterable[str]) -> Iterable[Problem]:
        known = "policy.categories" in ids
        return _refs(path, values, category_ids, ProblemCode.UNKNOWN_CATEGORY) if known else ()

    if policy is not None and policy.period.days > MAX_PERIOD_DAYS:
        problems.append(Problem("policy.period", ProblemCode.PERIOD_TOO_LONG,
                                {"days": policy.period.days, "max": MAX_PERIOD_DAYS}))

    for i, h in helpers:
        p = f"helpers[{i}]"
        problems += _refs(f"{p}.home", [h.home], place_ids, PLACE)
        if not h.availability:
            problems.append(Problem(f"{p}.availability", ProblemCode.NO_AVAILABILITY))
        if h.agreement is not None:
            problems += cats(f"{p}.agreement.categories", h.agreement.categories)
        problems += cats(f"{p}.vetoes_categories", h.vetoes_categories)
        problems += _refs(f"{p}.vetoes_residents", h.vetoes_residents, resident_ids, RESIDENT)
        problems += _refs(f"{p}.family_of", h.family_of, resident_ids, RESIDENT)

    for i, r in residents:
        p = f"residents[{i}]"
        problems += _refs(f"{p}.home", [r.home], place_ids, PLACE)
        problems += _refs(f"{p}.vetoes", r.vetoes, helper_ids, HELPER)
        problems += _refs(f"{p}.previous_helpers", r.previous_helpers, helper_ids, HELPER)
        problems += _refs(f"{p}.accepted_neighbours", r.accepted_neighbours, helper_ids, HELPER)

    for i, n in needs:
        p = f"needs[{i}]"
        problems += cats(f"{p}.category", [n.category])
        if n.resident is not None:
            problems += _refs(f"{p}.resident", [n.resident], resident_ids, RESIDENT)
        if n.place is not None:
            problems += _refs(f"{p}.place", [n.place], place_ids, PLACE)
        if policy is not None:
            problems += _check_recurrence(p, n, policy)

    for i, s in services:
        p = f"services[{i}]"
        problems += cats(f"{p}.category", [s.category])
        problems += cats(f"{p}.covers", s.covers)
        problems += _refs(f"{p}.recipients", s.recipients, resident_ids, RESIDENT)

    for i, e in travel_edges:
        p = f"travel_edges[{i}]"
        problems += _refs(f"{p}.a", [e.a], place_ids, PLACE)
        problems += _refs(f"{p}.b", [e.b], place_ids, PLACE)
        if e.a == e.b:
            problems.append(Problem(f"{p}.b", ProblemCode.EDGE_SAME_PLACE, {"place": e.a}))

    if has_network is None:
        has_network = bool(travel_edges)
    if not has_network and len(ids.get("places", [])) > 1:
        for i, pl in places:
            if not pl.has_coordinates:
                problems.append(Problem(f"places[{i}]", ProblemCode.NO_COORDINATES,
                                        {"place": pl.id}))
    return problems


def _check_recurrence(p: str, n: Need, pol: Policy) -> Iterable[Problem]:
    rec = n.recurrence
    period = pol.period
    if rec.kind is RecurrenceKind.ONCE:
        assert rec.date is not None
        if rec.date not in period:
            yield Problem(f"{p}.recurrence.date", ProblemCode.OUTSIDE_PERIOD,
                          {"date": rec.date.isoformat(), "start": period.start.isoformat(),
                           "end": period.end.isoformat()})
        return
    first = max(period.start, rec.start or period.start)
    last = min(period.end, rec.end or period.end)
    if not any(d.weekday() in {w.number for w in rec.days} for d in date_range(first, last)):
        yield Problem(f"{p}.recurrence", ProblemCode.NO_VISIT_IN_PERIOD,
                      {"start": period.start.isoformat(), "end": period.end.isoformat()})
