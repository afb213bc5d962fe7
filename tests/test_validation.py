"""Bad inputs through the JSON reader: every problem found at once, each with the right path."""

from __future__ import annotations

import ast
import copy
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cus_match.errors import InvalidInputError, Problem
from cus_match.io.json_format import load_instance, loads_instance
from cus_match.model.instance import Instance

Doc = dict[str, Any]
Mutation = Callable[[Doc], None]

BASE: Doc = {
    "format": "cus-match/1",
    "kind": "instance",
    "policy": {"period": {"start": "2026-03-23", "end": "2026-03-29"}},
    "places": [
        {"id": "bukowsko", "name": "Bukowsko", "kind": "village", "lat": 49.483, "lon": 22.066},
        {"id": "nowotaniec", "name": "Nowotaniec", "lat": 49.442, "lon": 22.118},
    ],
    "helpers": [
        {
            "id": "h1", "home": "bukowsko", "weekly_hours_cap": 4,
            "availability": [{"day": "tue", "start": "9:00", "end": "18:00"}],
            "agreement": {"valid_from": "2026-01-01", "written": True,
                          "categories": ["shopping", "companionship"]},
            "credentials": {"bhp_briefed_on": "2026-01-10", "nnw_valid_from": "2026-01-01",
                            "nnw_valid_to": "2026-12-31"},
            "family_of": ["r2"],
        },
        {
            "id": "h2", "home": "nowotaniec", "weekly_hours_cap": 2.5, "modes": ["walk", "car"],
            "availability": [{"day": "fri", "start": "14:00", "end": "24:00"}],
            "unavailable": [{"start": "2026-03-25", "end": "2026-03-26"}],
        },
    ],
    "residents": [
        {"id": "r1", "home": "bukowsko", "vetoes": ["h2"]},
        {"id": "r2", "home": "nowotaniec", "languages": ["pl", "uk"]},
    ],
    "needs": [
        {
            "id": "n1", "category": "shopping", "duration_minutes": 60,
            "windows": [{"start": "09:00", "end": "12:00"}],
            "recurrence": {"kind": "weekly", "days": ["tue", "fri"]},
            "applied_on": "2026-03-01", "resident": "r1",
        },
        {
            "id": "n2", "category": "companionship", "duration_minutes": 90,
            "windows": [{"start": "14:00", "end": "17:00"}, {"start": "18:00", "end": "20:00"}],
            "recurrence": {"kind": "once", "date": "2026-03-27"},
            "applied_on": "2026-02-15", "resident": "r2", "priority": 2,
        },
    ],
    "services": [
        {"id": "s1", "provider": "GOPS Bukowsko", "category": "personal_care",
         "recipients": ["r1"], "schedule": [{"day": "mon", "start": "08:00", "end": "10:00"}]},
    ],
}

# ---------------------------------------------------------------------------------------------
# Paths: "needs[3].windows[0].end" <-> a place in a JSON document.

# A key that is no identifier is written as its repr in brackets: speeds_kmh['0'].
_TOKEN = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]")


def parse_path(path: str) -> list[str | int]:
    """Split a problem path into keys (str) and indices (int)."""
    tokens: list[str | int] = []
    pos = 0
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        assert m is not None, f"unparsable path {path!r} at {pos}"
        if m.group(3) is not None:
            tokens.append(ast.literal_eval(m.group(3)))
        else:
            tokens.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        pos = m.end()
    return tokens


def resolve(doc: Any, tokens: list[str | int]) -> Any:
    """The value at ``tokens`` in ``doc`` (``KeyError``/``IndexError``/``TypeError`` if none)."""
    node = doc
    for t in tokens:
        if isinstance(t, int):
            if not isinstance(node, list):
                raise TypeError(f"index {t} into {type(node).__name__}")
            node = node[t]
        else:
            if not isinstance(node, dict):
                raise TypeError(f"key {t!r} into {type(node).__name__}")
            node = node[t]
    return node


def assert_path_resolves(doc: Any, problem: Problem) -> None:
    """A problem path names a value of ``doc``, or an absent key of an object in ``doc``.

    Absent keys are allowed only for the last step (a missing field, or an optional field that
    another field makes necessary); "missing required field" must name an absent key.
    """
    tokens = parse_path(problem.path)
    if "missing required field" in problem.message:
        assert tokens, problem
        assert isinstance(tokens[-1], str), problem
        parent = resolve(doc, tokens[:-1])
        assert isinstance(parent, dict), problem
        assert tokens[-1] not in parent, problem
        return
    try:
        resolve(doc, tokens)
    except (KeyError, IndexError, TypeError):
        assert tokens, f"{problem} does not resolve"
        assert isinstance(tokens[-1], str), f"{problem} does not resolve"
        parent = resolve(doc, tokens[:-1])
        assert isinstance(parent, dict), f"{problem}: parent is not an object"


# ---------------------------------------------------------------------------------------------
# Mutations of BASE.


def set_(path: str, value: Any) -> Mutation:
    def m(doc: Doc) -> None:
        tokens = parse_path(path)
        resolve(doc, tokens[:-1])[tokens[-1]] = copy.deepcopy(value)
    return m


def del_(path: str) -> Mutation:
    def m(doc: Doc) -> None:
        tokens = parse_path(path)
        del resolve(doc, tokens[:-1])[tokens[-1]]
    return m


def append(path: str, value: Any) -> Mutation:
    def m(doc: Doc) -> None:
        resolve(doc, parse_path(path)).append(copy.deepcopy(value))
    return m


def mutated(*mutations: Mutation) -> Doc:
    doc = copy.deepcopy(BASE)
    for m in mutations:
        m(doc)
    return doc


def problems_of(doc: Any) -> tuple[Problem, ...]:
    with pytest.raises(InvalidInputError) as info:
        loads_instance(json.dumps(doc, ensure_ascii=False))
    assert info.value.problems, "an InvalidInputError without problems"
    return info.value.problems


HELPER3 = {"id": "h3", "home": "bukowsko", "weekly_hours_cap": 1,
           "availability": [{"day": "mon", "start": "10:00", "end": "11:00"}]}
EDGE = {"a": "bukowsko", "b": "nowotaniec", "minutes": {"car": 9, "bus": 15}}

# (id, mutations, expected [(path, key phrase of the message)])
CASES: list[tuple[str, list[Mutation], list[tuple[str, str]]]] = [
    # duplicate ids
    ("duplicate-helper-id", [append("helpers", {**HELPER3, "id": "h1"})],
     [("helpers[2].id", "duplicate id 'h1' (first used at helpers[0])")]),
    ("duplicate-place-id", [set_("places[1].id", "bukowsko")],
     [("places[1].id", "duplicate id 'bukowsko'"),
      # the nowotaniec references now dangle, reported too
      ("helpers[1].home", "unknown place 'nowotaniec'"),
      ("residents[1].home", "unknown place 'nowotaniec'")]),
    ("duplicate-need-id", [set_("needs[1].id", "n1")],
     [("needs[1].id", "duplicate id 'n1'")]),
    ("duplicate-resident-id", [set_("residents[1].id", "r1"), del_("residents[0].vetoes")],
     [("residents[1].id", "duplicate id 'r1'"),
      ("helpers[0].family_of", "unknown resident 'r2'"),
      ("needs[1].resident", "unknown resident 'r2'")]),
    ("duplicate-category-id",
     [set_("policy.categories", [{"id": "shopping"}, {"id": "companionship"},
                                 {"id": "personal_care"}, {"id": "shopping"}])],
     [("policy.categories[3].id", "duplicate id 'shopping'")]),
    # dangling references
    ("unknown-place-helper-home", [set_("helpers[0].home", "sanok")],
     [("helpers[0].home", "unknown place 'sanok'")]),
    ("unknown-place-resident-home", [set_("residents[1].home", "sanok")],
     [("residents[1].home", "unknown place 'sanok'")]),
    ("unknown-place-need", [set_("needs[0].place", "sanok")],
     [("needs[0].place", "unknown place 'sanok'")]),
    ("unknown-resident-need", [set_("needs[1].resident", "r9")],
     [("needs[1].resident", "unknown resident 'r9'")]),
    ("unknown-resident-family", [set_("helpers[0].family_of", ["r2", "r7"])],
     [("helpers[0].family_of", "unknown resident 'r7'")]),
    ("unknown-resident-service", [set_("services[0].recipients", ["r1", "r8"])],
     [("services[0].recipients", "unknown resident 'r8'")]),
    ("unknown-helper-veto", [set_("residents[0].vetoes", ["h2", "h9"])],
     [("residents[0].vetoes", "unknown helper 'h9'")]),
    ("unknown-helper-accepted", [set_("residents[1].accepted_neighbours", ["h5"])],
     [("residents[1].accepted_neighbours", "unknown helper 'h5'")]),
    ("unknown-place-edge", [set_("travel_edges", [EDGE, {**EDGE, "b": "zboiska"}])],
     [("travel_edges[1].b", "unknown place 'zboiska'")]),
    ("edge-same-place", [set_("travel_edges", [{**EDGE, "b": "bukowsko"}])],
     [("travel_edges[0].b", "two different places")]),
    # categories
    ("unknown-category-need", [set_("needs[0].category", "gardening")],
     [("needs[0].category", "unknown category 'gardening'")]),
    ("unknown-category-agreement",
     [set_("helpers[0].agreement.categories", ["shopping", "knitting"])],
     [("helpers[0].agreement.categories", "unknown category 'knitting'")]),
    ("unknown-category-veto", [set_("helpers[1].vetoes_categories", ["knitting"])],
     [("helpers[1].vetoes_categories", "unknown category 'knitting'")]),
    ("unknown-category-service", [set_("services[0].category", "massage")],
     [("services[0].category", "unknown category 'massage'")]),
    ("unknown-credential-kind",
     [set_("policy.categories", [{"id": "shopping", "requires_credentials": ["driving"]},
                                 {"id": "companionship"}, {"id": "personal_care"}])],
     [("policy.categories[0].requires_credentials[0]", "'driving' is not one of")]),
    # end before start
    ("period-end-before-start", [set_("policy.period.end", "2026-03-01")],
     [("policy.period.end", "end 2026-03-01 is before start 2026-03-23")]),
    ("window-end-before-start", [set_("needs[0].windows[0]", {"start": "12:00", "end": "9:00"})],
     [("needs[0].windows[0].end", "end 09:00 is not after start 12:00")]),
    ("window-empty", [set_("needs[0].windows[0]", {"start": "12:00", "end": "12:00"})],
     [("needs[0].windows[0].end", "is not after start")]),
    ("agreement-end-before-start", [set_("helpers[0].agreement.valid_to", "2025-12-31")],
     [("helpers[0].agreement.valid_to", "valid_to 2025-12-31 is before valid_from 2026-01-01")]),
    ("absence-end-before-start", [set_("helpers[1].unavailable[0].end", "2026-03-20")],
     [("helpers[1].unavailable[0].end", "before start")]),
    ("insurance-end-before-start", [set_("helpers[0].credentials.nnw_valid_to", "2025-06-30")],
     [("helpers[0].credentials.nnw_valid_to", "is before nnw_valid_from")]),
    ("weekly-recurrence-end-before-start",
     [set_("needs[0].recurrence.start", "2026-03-28"),
      set_("needs[0].recurrence.end", "2026-03-24")],
     [("needs[0].recurrence.end", "end 2026-03-24 is before start 2026-03-28")]),
    # a window crossing midnight
    ("window-crossing-midnight", [set_("needs[1].windows[1].end", "06:00")],
     [("needs[1].windows[1].end", "windows cannot cross midnight")]),
    ("availability-crossing-midnight", [set_("helpers[1].availability[0]",
                                             {"day": "fri", "start": "22:00", "end": "2:00"})],
     [("helpers[1].availability[0].end", "windows cannot cross midnight")]),
    ("time-25-00", [set_("needs[0].windows[0].end", "25:00")],
     [("needs[0].windows[0].end", "is not a time of day HH:MM")]),
    ("time-with-seconds", [set_("helpers[0].availability[0].start", "09:00:00")],
     [("helpers[0].availability[0].start", "is not a time of day")]),
    # negative or zero numbers
    ("zero-duration", [set_("needs[0].duration_minutes", 0)],
     [("needs[0].duration_minutes", "must be > 0, got 0")]),
    ("negative-duration", [set_("needs[1].duration_minutes", -30)],
     [("needs[1].duration_minutes", "must be > 0, got -30")]),
    ("zero-hours-cap", [set_("helpers[0].weekly_hours_cap", 0)],
     [("helpers[0].weekly_hours_cap", "must be > 0")]),
    ("negative-travel", [set_("helpers[0].max_travel_minutes", -1)],
     [("helpers[0].max_travel_minutes", "must be >= 0, got -1.0")]),
    ("zero-helpers-needed", [set_("needs[0].helpers_needed", 0)],
     [("needs[0].helpers_needed", "must be > 0")]),
    ("negative-priority", [set_("needs[0].priority", -1)],
     [("needs[0].priority", "must be >= 0")]),
    ("negative-edge-minutes", [set_("travel_edges", [{**EDGE, "minutes": {"car": -5}}])],
     [("travel_edges[0].minutes", "car: minutes must be >= 0")]),
    ("empty-edge-minutes", [set_("travel_edges", [{**EDGE, "minutes": {}}])],
     [("travel_edges[0].minutes", "at least one mode")]),
    ("zero-speed", [set_("policy.travel", {"speeds_kmh": {"walk": 0}})],
     [("policy.travel.speeds_kmh", "walk: speed must be > 0")]),
    ("latitude-out-of-range", [set_("places[0].lat", 95)],
     [("places[0].lat", "latitude must be within -90..90")]),
    # unknown weekday, mode, kind (enums)
    ("unknown-weekday-availability", [set_("helpers[0].availability[0].day", "tuesday")],
     [("helpers[0].availability[0].day", "'tuesday' is not one of 'mon', 'tue'")]),
    ("unknown-weekday-recurrence", [set_("needs[0].recurrence.days", ["tue", "Fri"])],
     [("needs[0].recurrence.days[1]", "'Fri' is not one of")]),
    ("unknown-travel-mode", [set_("helpers[1].modes", ["walk", "horse"])],
     [("helpers[1].modes[1]", "'horse' is not one of 'walk', 'bike', 'car', 'bus'")]),
    ("unknown-edge-mode", [set_("travel_edges", [{**EDGE, "minutes": {"tram": 3}}])],
     [("travel_edges[0].minutes.tram", "'tram' is not one of")]),
    ("unknown-helper-kind", [set_("helpers[0].kind", "employee")],
     [("helpers[0].kind", "'employee' is not one of 'volunteer'")]),
    ("unknown-recurrence-kind", [set_("needs[0].recurrence.kind", "monthly")],
     [("needs[0].recurrence.kind", "'monthly' is not one of 'once', 'weekly'")]),
    # malformed dates
    ("date-february-30", [set_("needs[0].applied_on", "2026-02-30")],
     [("needs[0].applied_on", "'2026-02-30' is not a date YYYY-MM-DD")]),
    ("date-polish-order", [set_("policy.period.start", "30.02.2026")],
     [("policy.period.start", "'30.02.2026' is not a date YYYY-MM-DD")]),
    ("date-with-time", [set_("needs[1].recurrence.date", "2026-03-27T10:00")],
     [("needs[1].recurrence.date", "is not a date")]),
    ("date-credential", [set_("helpers[0].credentials.bhp_briefed_on", "2026-1-10")],
     [("helpers[0].credentials.bhp_briefed_on", "is not a date")]),
    # recurrences
    ("once-outside-period", [set_("needs[1].recurrence.date", "2026-04-02")],
     [("needs[1].recurrence.date", "outside the planning period 2026-03-23..2026-03-29")]),
    ("once-without-date", [del_("needs[1].recurrence.date")],
     [("needs[1].recurrence.date", "a one-off need needs a date")]),
    ("weekly-without-days", [set_("needs[0].recurrence.days", [])],
     [("needs[0].recurrence.days", "at least one weekday")]),
    ("weekly-with-date", [set_("needs[0].recurrence.date", "2026-03-24")],
     [("needs[0].recurrence.date", "takes days, not a date")]),
    ("weekly-no-visit-in-period", [set_("needs[0].recurrence.start", "2026-05-01")],
     [("needs[0].recurrence", "no visit in the planning period")]),
    ("period-too-long", [set_("policy.period.end", "2028-03-29")],
     [("policy.period", "at most 366")]),
    # durations and windows
    ("need-longer-than-windows", [set_("needs[1].duration_minutes", 200)],
     [("needs[1].duration_minutes", "200 minutes do not fit in any window "
                                    "(the longest is 180 minutes)")]),
    ("need-without-windows", [set_("needs[0].windows", [])],
     [("needs[0].windows", "at least one time window")]),
    ("helper-without-availability", [set_("helpers[1].availability", [])],
     [("helpers[1].availability", "at least one availability window")]),
    ("group-need-without-place", [del_("needs[0].resident")],
     [("needs[0].place", "needs a place")]),
    ("service-without-recipients", [set_("services[0].recipients", [])],
     [("services[0].recipients", "must not be empty")]),
    # places and travel
    ("lat-without-lon", [del_("places[1].lon")],
     [("places[1].lon", "give both lat and lon")]),
    ("place-without-coordinates", [set_("places[1]", {"id": "nowotaniec"})],
     [("places[1]", "has no coordinates and the instance has no travel network")]),
    ("unknown-timezone", [set_("policy.timezone", "Europe/Sanok")],
     [("policy.timezone", "not a known IANA time zone")]),
    # ids
    ("id-starting-with-symbol", [set_("helpers[1].id", "-h2"), set_("residents[0].vetoes", [])],
     [("helpers[1].id", "is not a valid id")]),
    ("id-with-space", [set_("needs[0].id", "need one")],
     [("needs[0].id", "'need one' is not a valid id")]),
    ("id-too-long", [set_("places[0].id", "p" * 129)],
     [("places[0].id", "is not a valid id"),
      ("helpers[0].home", "unknown place 'bukowsko'"),
      ("residents[0].home", "unknown place 'bukowsko'")]),
    # wrong types
    ("string-for-int", [set_("needs[0].duration_minutes", "60")],
     [("needs[0].duration_minutes", "expected a whole number, got string '60'")]),
    ("fraction-for-int", [set_("needs[0].duration_minutes", 60.5)],
     [("needs[0].duration_minutes", "expected a whole number, got number 60.5")]),
    ("string-for-number", [set_("helpers[0].weekly_hours_cap", "4")],
     [("helpers[0].weekly_hours_cap", "expected a number, got string '4'")]),
    ("bool-for-int", [set_("needs[1].priority", True)],
     [("needs[1].priority", "expected a whole number, got boolean True")]),
    ("bool-for-number", [set_("places[0].lat", False)],
     [("places[0].lat", "expected a number, got boolean False")]),
    ("number-for-bool", [set_("helpers[0].agreement.written", 1)],
     [("helpers[0].agreement.written", "expected true or false, got integer 1")]),
    ("string-for-bool", [set_("needs[0].involves_minors", "yes")],
     [("needs[0].involves_minors", "expected true or false, got string 'yes'")]),
    ("list-for-object", [set_("policy", [{"start": "2026-03-23"}])],
     [("policy", "expected an object, got list")]),
    ("object-for-list", [set_("needs[0].windows", {"start": "09:00", "end": "12:00"})],
     [("needs[0].windows", "expected a list, got object")]),
    ("object-for-entity-list", [set_("helpers", {"h1": BASE["helpers"][0]})],
     [("helpers", "expected a list"),
      ("residents[0].vetoes", "unknown helper 'h2'")]),
    ("string-for-set", [set_("helpers[0].skills", "cooking")],
     [("helpers[0].skills", "expected a list, got string 'cooking'")]),
    ("number-for-string", [set_("places[0].name", 12)],
     [("places[0].name", "expected a string, got integer 12")]),
    ("number-for-id", [set_("needs[0].resident", 1)],
     [("needs[0].resident", "expected a string, got integer 1")]),
    ("number-for-date", [set_("needs[0].applied_on", 20260301)],
     [("needs[0].applied_on", "expected a string, got integer 20260301")]),
    ("null-for-required", [set_("helpers[0].availability", None)],
     [("helpers[0].availability", "must not be null")]),
    ("null-for-non-nullable", [set_("helpers[0].name", None)],
     [("helpers[0].name", "must not be null")]),
    ("string-for-entity", [set_("residents[1]", "r2")],
     [("residents[1]", "expected an object, got string 'r2'"),
      # without an object there is no id, so references to r2 dangle
      ("helpers[0].family_of", "unknown resident 'r2'"),
      ("needs[1].resident", "unknown resident 'r2'")]),
    ("number-for-list-item", [set_("residents[0].vetoes", ["h2", 3])],
     [("residents[0].vetoes[1]", "expected a string, got integer 3")]),
    ("string-for-name", [set_("name", ["Bukowsko"])],
     [("name", "expected a string")]),
    # unknown keys
    ("unknown-key-top", [set_("helpers_extra", [])],
     [("", "unknown field 'helpers_extra'")]),
    ("unknown-key-helper", [set_("helpers[0].colour", "green")],
     [("helpers[0]", "unknown field 'colour'")]),
    ("unknown-key-nested", [set_("helpers[0].credentials.pesel", "12345678901")],
     [("helpers[0].credentials", "unknown field 'pesel'")]),
    ("unknown-key-window", [set_("needs[0].windows[0].tz", "UTC")],
     [("needs[0].windows[0]", "unknown field 'tz'")]),
    ("unknown-key-policy", [set_("policy.period_days", 7)],
     [("policy", "unknown field 'period_days'")]),
    ("misspelt-key", [set_("needs[1].duration", 90), del_("needs[1].duration_minutes")],
     [("needs[1].duration_minutes", "missing required field"),
      ("needs[1]", "unknown field 'duration'")]),
    # missing required fields
    ("missing-need-category", [del_("needs[0].category")],
     [("needs[0].category", "missing required field")]),
    ("missing-helper-fields", [set_("helpers[1]", {"id": "h2"})],
     [("helpers[1].home", "missing required field"),
      ("helpers[1].weekly_hours_cap", "missing required field"),
      ("helpers[1].availability", "missing required field")]),
    ("missing-period", [set_("policy", {})],
     [("policy.period", "missing required field")]),
    ("missing-policy", [del_("policy")],
     [("policy", "missing required field")]),
    ("missing-needs", [del_("needs")],
     [("needs", "missing required field")]),
    ("missing-window-end", [del_("needs[0].windows[0].end")],
     [("needs[0].windows[0].end", "missing required field")]),
    # format and kind
    ("format-wrong-version", [set_("format", "cus-match/2")],
     [("format", "unsupported format 'cus-match/2' (this version reads 'cus-match/1')")]),
    ("format-missing", [del_("format")],
     [("format", "missing 'format'")]),
    ("format-number", [set_("format", 1)],
     [("format", "unsupported format 1")]),
    ("kind-result", [set_("kind", "result")],
     [("kind", "expected 'instance', got 'result'")]),
    ("kind-missing", [del_("kind")],
     [("kind", "expected 'instance', got None")]),
]


@pytest.mark.parametrize(("mutations", "expected"), [(m, e) for _, m, e in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_reports_exact_problems(mutations: list[Mutation],
                                          expected: list[tuple[str, str]]) -> None:
    doc = mutated(*mutations)
    problems = problems_of(doc)
    assert Counter(p.path for p in problems) == Counter(path for path, _ in expected), problems
    for path, phrase in expected:
        assert any(p.path == path and phrase in p.message for p in problems), (
            f"no problem at {path!r} saying {phrase!r}: {problems}")


@pytest.mark.parametrize("mutations", [m for _, m, _ in CASES], ids=[c[0] for c in CASES])
def test_problem_paths_resolve_in_the_input(mutations: list[Mutation]) -> None:
    doc = mutated(*mutations)
    for p in problems_of(doc):
        assert_path_resolves(doc, p)


def test_base_document_is_valid() -> None:
    inst = loads_instance(json.dumps(BASE))
    assert isinstance(inst, Instance)
    assert [n.id for n in inst.needs] == ["n1", "n2"]
    assert inst.helper("h1").agreement is not None


@pytest.mark.parametrize(
    ("mutations", "check"),
    [
        ([set_("needs[0].duration_minutes", 60.0)], lambda i: i.needs[0].duration_minutes == 60),
        ([set_("helpers[0].availability[0].end", "24:00")],
         lambda i: i.helpers[0].availability[0].minutes == 15 * 60),
        ([set_("travel_edges", [EDGE])], lambda i: len(i.travel_edges) == 1),
        ([set_("travel_edges", [EDGE]), set_("places[1]", {"id": "nowotaniec"})],
         lambda i: not i.place("nowotaniec").has_coordinates),
        ([del_("services")], lambda i: i.services == ()),
    ],
    ids=["integral-float-for-int", "end-24-00", "travel-network", "network-without-coords",
         "services-optional"],
)
def test_accepted_variants(mutations: list[Mutation], check: Callable[[Instance], bool]) -> None:
    assert check(loads_instance(json.dumps(mutated(*mutations))))


# ---------------------------------------------------------------------------------------------
# Text and file level problems.


def test_invalid_json_syntax_reports_line_and_column() -> None:
    text = '{\n "format": "cus-match/1",\n "kind": "instance",,\n}'
    with pytest.raises(InvalidInputError) as info:
        loads_instance(text, source="plan.json")
    (p,) = info.value.problems
    assert p.path == ""
    assert "not valid JSON" in p.message
    assert "line 3, column 21" in p.message
    assert str(info.value).startswith("plan.json: 1 problem")


def test_trailing_comma_in_file(tmp_path: Path) -> None:
    f = tmp_path / "gmina.json"
    f.write_text(json.dumps(BASE, indent=1)[:-2] + ",\n}", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_instance(f)
    (p,) = info.value.problems
    assert "not valid JSON" in p.message
    assert re.search(r"line \d+, column \d+", p.message)
    assert str(f) in str(info.value)


def test_non_utf8_file_is_rejected_with_the_offending_byte(tmp_path: Path) -> None:
    doc = mutated(set_("places[1].name", "Wola Sękowa"), set_("helpers[0].name", "Łucja"))
    f = tmp_path / "z-excela.json"
    f.write_bytes(json.dumps(doc, ensure_ascii=False).encode("cp1250"))
    raw = f.read_bytes()
    first_bad = next(i for i, b in enumerate(raw) if b >= 0x80)
    with pytest.raises(InvalidInputError) as info:
        load_instance(f)
    (p,) = info.value.problems
    assert p.path == ""
    assert "not UTF-8" in p.message
    assert f"offset {first_bad}" in p.message
    assert f"0x{raw[first_bad]:02x}" in p.message
    assert "z-excela.json" in str(info.value)


def test_utf8_with_bom_and_polish_letters_is_accepted(tmp_path: Path) -> None:
    doc = mutated(set_("places[1].name", "Wola Sękowa"), set_("name", "Gmina Bukowsko — żółć"))
    f = tmp_path / "bom.json"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    inst = load_instance(f)
    assert inst.name == "Gmina Bukowsko — żółć"
    assert inst.place("nowotaniec").name == "Wola Sękowa"


def test_missing_file_is_an_invalid_input_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load_instance(tmp_path / "nie-ma.json")
    assert "cannot read the file" in info.value.problems[0].message
    assert "nie-ma.json" in str(info.value)


@pytest.mark.parametrize("text", ["[]", "null", "3", '"instance"'],
                         ids=["list", "null", "number", "string"])
def test_top_level_must_be_an_object(text: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        loads_instance(text)
    (p,) = info.value.problems
    assert p.path == ""
    assert "expected a JSON object" in p.message


def test_many_problems_are_reported_at_once_naming_the_file(tmp_path: Path) -> None:
    doc = mutated(
        set_("policy.period.end", "2026-03-20"),                       # 1
        set_("places[0].lat", 123),                                    # 2
        append("places", {"id": "nowotaniec", "lat": 49.4, "lon": 22.1}),  # 3 duplicate
        set_("helpers[0].weekly_hours_cap", -2),                       # 4
        set_("helpers[0].availability[0].day", "wtorek"),              # 5
        set_("helpers[0].agreement.valid_from", "01.01.2026"),         # 6
        set_("helpers[1].modes", ["walk", "scooter"]),                 # 7
        set_("helpers[1].hobby", "chess"),                             # 8
        set_("residents[0].vetoes", ["h2", "h404"]),                   # 9
        set_("needs[0].duration_minutes", "sixty"),                    # 10
        set_("needs[0].windows[0].end", "8:00"),                       # 11
        set_("residents[1].languages", "uk"),                          # 12
        set_("needs[1].resident", "r404"),                             # 13
        set_("services[0].schedule", []),                              # 14
        set_("unexpected", True),                                      # 15
    )
    f = tmp_path / "bukowsko-marzec.json"
    f.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_instance(f)
    err = info.value
    assert len(err.problems) == 15, err
    assert str(err).startswith(f"{f}: 15 problems")
    assert err.source == str(f)
    paths = {p.path for p in err.problems}
    assert paths == {
        "policy.period.end", "places[0].lat", "places[2].id", "helpers[0].weekly_hours_cap",
        "helpers[0].availability[0].day", "helpers[0].agreement.valid_from",
        "helpers[1].modes[1]", "helpers[1]", "residents[0].vetoes",
        "needs[0].duration_minutes", "needs[0].windows[0].end", "residents[1].languages",
        "needs[1].resident", "services[0].schedule", "",
    }
    for p in err.problems:
        assert str(p) in str(err)
        assert_path_resolves(doc, p)


def test_bad_entity_does_not_cause_unknown_reference_noise() -> None:
    # h2 is broken, but its id still counts: r1's veto of h2 is not reported as unknown.
    doc = mutated(set_("helpers[1].weekly_hours_cap", "lots"))
    problems = problems_of(doc)
    assert [p.path for p in problems] == ["helpers[1].weekly_hours_cap"]


def test_problems_of_one_entity_are_all_reported() -> None:
    doc = mutated(set_("needs[0].duration_minutes", -5), set_("needs[0].priority", "high"),
                  set_("needs[0].applied_on", "yesterday"), set_("needs[0].mood", "ok"))
    paths = [p.path for p in problems_of(doc)]
    assert sorted(paths) == sorted(["needs[0].duration_minutes", "needs[0].priority",
                                    "needs[0].applied_on", "needs[0]"])


def test_unknown_category_is_reported_even_when_the_policy_is_broken() -> None:
    doc = mutated(set_("policy.period.end", "2026-03-20"), set_("needs[1].category", "gardening"))
    paths = {p.path for p in problems_of(doc)}
    assert paths == {"policy.period.end", "needs[1].category"}


# Values the documented formats (and the shipped schema) reject: the reader must reject them too
# (regressions: it once stripped blanks, took any Unicode digit, ISO week dates, "id\n").
LENIENT = [
    ("time-with-spaces", set_("needs[0].windows[0].start", " 9:00 ")),
    ("time-three-digit-hour", set_("needs[0].windows[0].start", "009:00")),
    ("time-arabic-indic-digits", set_("needs[0].windows[0].start", "٩:٠٠")),
    ("date-iso-week", set_("needs[0].applied_on", "2026-W09-7")),
    ("id-trailing-newline", set_("needs[0].id", "n1\n")),
]


@pytest.mark.parametrize("mutation", [m for _, m in LENIENT], ids=[i for i, _ in LENIENT])
def test_reader_rejects_values_outside_the_documented_formats(mutation: Mutation) -> None:
    with pytest.raises(InvalidInputError):
        loads_instance(json.dumps(mutated(mutation)))
