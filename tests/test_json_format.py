"""The versioned JSON format: exact round trips, deterministic bytes, and the shipped schemas."""

from __future__ import annotations

import copy
import enum
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from jsonschema import Draft202012Validator

import cus_match
from cus_match.clock import Weekday
from cus_match.errors import InvalidInputError
from cus_match.io.json_format import (
    FORMAT,
    dump_instance,
    dump_result,
    dumps_instance,
    dumps_result,
    load_instance,
    load_result,
    loads_instance,
    loads_result,
    schema,
)
from cus_match.model import (
    Agreement,
    Category,
    CredentialKind,
    Credentials,
    DateRange,
    FormalService,
    Helper,
    HelperKind,
    Ipus,
    Need,
    Place,
    PlaceKind,
    Policy,
    Recurrence,
    RecurrenceKind,
    Resident,
    TimeWindow,
    TravelEdge,
    TravelMode,
    TravelSettings,
    WeeklyWindow,
)
from cus_match.model.instance import Instance
from cus_match.plan.result import Assignment, Covered, ReasonCount, Referral, Result, Status, Unmet
from cus_match.reasons import Reason
from strategies import instances

SRC = Path(cus_match.__file__).parent

CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


def rich_instance() -> Instance:
    """An instance using every entity and most optional fields, Polish text included."""
    period = DateRange("2026-03-23", "2026-04-05")  # clocks go forward on 29 March
    categories = (
        Category("shopping", "Zakupy", "Shopping"),
        Category("homework_help", "Pomoc w lekcjach", "Homework help", involves_minors=True,
                 requires_credentials=frozenset({CredentialKind.CHILD_PROTECTION})),
        Category("respite", "Wytchnienie", "Respite", personal_care=True,
                 requires_credentials=frozenset({CredentialKind.FIRST_AID,
                                                 CredentialKind.FITNESS_DECLARATION}),
                 pus_hours_limit=12.5),
        Category("personal_care", "Usługi opiekuńcze", "Care", professional_only=True,
                 required_qualifications=frozenset({"opiekun_medyczny"})),
    )
    return Instance(
        name="Gmina Bukowsko — wiosna 2026",
        policy=Policy(period=period, categories=categories, timezone="Europe/Warsaw",
                      neighbour_max_walk_minutes=20.0, minors_solo_personal_care=True,
                      time_step_minutes=30,
                      travel=TravelSettings({"walk": 4.0, "car": 40.0}, 1.4, 3.0)),
        places=[
            Place("bukowsko", "Bukowsko", kind=PlaceKind.VILLAGE, lat=49.483, lon=22.066),
            Place("nowotaniec", "Nowotaniec", kind="village", lat=49.442, lon=22.118),
            Place("szkola-1", "Szkoła Podstawowa", kind="school"),
        ],
        travel_edges=[
            TravelEdge("bukowsko", "nowotaniec", {"car": 9.0, "bus": 15.0, "walk": 75.0}),
            TravelEdge("bukowsko", "szkola-1", {"walk": 6.5}),
        ],
        helpers=[
            Helper(
                "h1", home="bukowsko", weekly_hours_cap=6.0, name="Zofia Łęcka",
                availability=[WeeklyWindow("tue", "9:00", "13:00"),
                              WeeklyWindow("sat", "18:00", "24:00")],
                agreement=Agreement("2026-01-01", "2026-12-31", written=True,
                                    categories=["shopping", "homework_help"],
                                    weekly_hours_cap=4.5),
                modes=["walk", "car"], max_travel_minutes=45.0,
                unavailable=[DateRange("2026-03-30", "2026-04-01")], max_residents=3,
                skills={"lifting", "cooking"}, languages={"pl", "uk"},
                qualifications={"pielegniarka"},
                credentials=Credentials(rsps_checked_on="2026-01-05",
                                        krk_presented_on="2026-01-06",
                                        lived_abroad_recently=True,
                                        foreign_record_on="2026-01-20",
                                        first_aid_valid_to="2027-05-31",
                                        fitness_declared_on="2026-01-07",
                                        bhp_briefed_on="2026-01-08",
                                        nnw_valid_from="2026-01-01", nnw_valid_to="2026-12-31",
                                        organiser_accepted_on="2026-01-09"),
                family_of={"r2"}, vetoes_residents={"r3"}, vetoes_categories={"respite"},
            ),
            Helper("h2", home="nowotaniec", weekly_hours_cap=2.0,
                   kind=HelperKind.NEIGHBOUR_SERVICE, is_minor=True, guardian_consent=True,
                   availability=[WeeklyWindow("fri", "14:00", "18:30")]),
            Helper("h3", home="szkola-1", weekly_hours_cap=10.0, kind="self_help",
                   availability=[WeeklyWindow(d, "8:00", "16:00") for d in Weekday],
                   agreement=Agreement("2025-09-01", categories=["homework_help"])),
        ],
        residents=[
            Resident("r1", home="bukowsko", languages={"pl"}, previous_helpers={"h1"}),
            Resident("r2", home="nowotaniec", vetoes={"h3"}, accepted_neighbours={"h2"}),
            Resident("r3", home="nowotaniec"),
        ],
        needs=[
            Need("n1", category="shopping", duration_minutes=90, resident="r1",
                 windows=[TimeWindow("9:00", "12:00"), TimeWindow("16:00", "24:00")],
                 recurrence=Recurrence.weekly("tue", "fri", start="2026-03-24",
                                              end="2026-04-03"),
                 applied_on="2026-03-01", priority=3, helpers_needed=2,
                 required_skills={"lifting"}, required_languages={"pl"},
                 required_mode=TravelMode.CAR,
                 ipus=Ipus("ipus-17", "2026-01-01", "2026-06-30"), required=True),
            Need("n2", category="homework_help", duration_minutes=60, resident=None,
                 place="szkola-1", windows=[TimeWindow("12:00", "15:00")],
                 recurrence=Recurrence.once("2026-03-29"), applied_on="2026-02-15",
                 involves_minors=True, priority=0),
            Need("n3", category="personal_care", duration_minutes=45, resident="r2",
                 place="bukowsko", windows=[TimeWindow("07:00", "08:00")],
                 recurrence=Recurrence.weekly("mon"), applied_on="2026-03-10",
                 required_qualifications={"opiekun_medyczny"}),
        ],
        services=[
            FormalService("care-1", provider="GOPS Bukowsko", category="personal_care",
                          recipients=["r2", "r1"],
                          schedule=[WeeklyWindow("mon", "08:00", "10:00"),
                                    WeeklyWindow("thu", "08:00", "10:00")],
                          valid=DateRange("2026-03-23", "2026-03-31"), covers={"shopping"}),
            FormalService("club", provider="Klub Seniora", category="respite",
                          recipients=["r3"], schedule=[WeeklyWindow("wed", "10:00", "12:00")]),
        ],
    )


def rich_result() -> Result:
    return Result(
        status=Status.FEASIBLE, method="greedy", rule="fifo",
        assignments=[
            Assignment("n1", "2026-03-24", "h1", datetime(2026, 3, 24, 9, 0, tzinfo=CET),
                       datetime(2026, 3, 24, 10, 30, tzinfo=CET), 0.0, TravelMode.WALK,
                       continuity=True, locality=True),
            Assignment("n1", "2026-03-31", "h1", "2026-03-31T09:15:00+02:00",
                       "2026-03-31T10:45:00+02:00", 12.25, "car"),
        ],
        unmet=[
            Unmet("n2", "2026-03-29", [ReasonCount(Reason.CHILD_PROTECTION, 2),
                                       ReasonCount("busy", 1)]),
            Unmet("n1", "2026-04-03", []),
        ],
        referrals=[Referral("n3", Reason.PROFESSIONAL_ONLY, "usługi opiekuńcze — GOPS"),
                   Referral("n4", "no_qualified_helper")],
        covered=[Covered("n1", "2026-03-27", "care-1")],
        objective=17.5, bound=18.0, runtime_seconds=0.125, seed=42,
        instance_name="Gmina Bukowsko — wiosna 2026",
    )


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(kind: str, doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(kind).iter_errors(doc)]


# ---------------------------------------------------------------------------------------------
# Round trips and determinism.


def test_instance_round_trip_is_exact() -> None:
    inst = rich_instance()
    text = dumps_instance(inst)
    back = loads_instance(text)
    assert back == inst
    assert dumps_instance(back) == text


def test_instance_text_round_trip_is_exact() -> None:
    text = dumps_instance(rich_instance())
    assert dumps_instance(loads_instance(text)) == text
    compact = dumps_instance(rich_instance(), indent=None)
    assert "\n" not in compact
    assert dumps_instance(loads_instance(compact), indent=None) == compact


def test_result_round_trip_is_exact() -> None:
    res = rich_result()
    text = dumps_result(res)
    back = loads_result(text)
    assert back == res
    assert dumps_result(back) == text
    assert back.assignments[1].start.utcoffset() == timedelta(hours=2)
    assert back.unmet[0].main_reason is Reason.CHILD_PROTECTION


def test_minimal_result_round_trip() -> None:
    res = Result(status="no_solution", method="cpsat", rule="coverage")
    assert loads_result(dumps_result(res)) == res
    doc = json.loads(dumps_result(res))
    assert doc["objective"] is None
    assert doc["assignments"] == []


def test_file_round_trip(tmp_path: Path) -> None:
    f = tmp_path / "plan.json"
    dump_instance(rich_instance(), f)
    raw = f.read_bytes()
    assert raw.endswith(b"}\n")
    assert "Łęcka".encode() in raw  # UTF-8, not \u escapes
    assert load_instance(f) == rich_instance()
    g = tmp_path / "result.json"
    dump_result(rich_result(), g)
    assert load_result(g) == rich_result()


def test_envelope() -> None:
    doc = json.loads(dumps_instance(rich_instance()))
    assert list(doc)[:2] == ["format", "kind"]
    assert doc["format"] == FORMAT == "cus-match/1"
    assert doc["kind"] == "instance"
    assert json.loads(dumps_result(rich_result()))["kind"] == "result"


def test_result_is_not_read_as_an_instance_and_vice_versa() -> None:
    with pytest.raises(InvalidInputError) as info:
        loads_instance(dumps_result(rich_result()))
    assert info.value.problems[0].path == "kind"
    with pytest.raises(InvalidInputError) as info2:
        loads_result(dumps_instance(rich_instance()))
    assert ("kind", "expected 'result', got 'instance'") in {
        (p.path, p.message) for p in info2.value.problems}


def test_same_instance_gives_same_bytes() -> None:
    a, b = rich_instance(), rich_instance()
    assert dumps_instance(a) == dumps_instance(b)
    # Sets given in another order still write sorted.
    h = a.helpers[0]
    c = attrs.evolve(a, helpers=[attrs.evolve(h, skills=["cooking", "lifting"],
                                              languages=["uk", "pl"]), *a.helpers[1:]])
    assert c == a
    assert dumps_instance(c) == dumps_instance(a)
    doc = json.loads(dumps_instance(a))
    assert doc["helpers"][0]["modes"] == ["walk", "car"]  # enum order, not alphabetical
    assert doc["helpers"][0]["skills"] == ["cooking", "lifting"]
    assert doc["services"][0]["recipients"] == ["r1", "r2"]


@pytest.mark.slow
def test_bytes_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    f = tmp_path / "in.json"
    dump_instance(rich_instance(), f)
    code = ("import sys; from cus_match.io.json_format import load_instance, dumps_instance;"
            "sys.stdout.write(dumps_instance(load_instance(sys.argv[1])))")
    outs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code, str(f)], env=env, check=True,
                             capture_output=True, text=True, encoding="utf-8").stdout
        outs.add(out)
    assert outs == {dumps_instance(rich_instance())}


def test_int_and_float_values_write_the_same_bytes() -> None:
    a = rich_instance()
    b = attrs.evolve(a, helpers=[attrs.evolve(a.helpers[0], weekly_hours_cap=6),
                                 *a.helpers[1:]])
    assert a == b
    assert dumps_instance(a) == dumps_instance(b)


# ---------------------------------------------------------------------------------------------
# The shipped schemas.


@pytest.mark.parametrize("kind", ["instance", "result"])
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    s = schema(kind)
    Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["properties"]["format"] == {"const": FORMAT, "description": s["properties"][
        "format"]["description"]}
    assert s["properties"]["kind"]["const"] == kind
    assert {"format", "kind"} <= set(s["required"])


def _walk_schema(node: Any, path: str = "#") -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        out.append((path, node))
        for k, v in node.items():
            out += _walk_schema(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _walk_schema(v, f"{path}/{i}")
    return out


@pytest.mark.parametrize("kind", ["instance", "result"])
def test_schema_closes_every_object_and_documents_every_definition(kind: str) -> None:
    s = schema(kind)
    for path, node in _walk_schema(s):
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, path
    for name, d in s["$defs"].items():
        assert d.get("title"), name
        assert len(d.get("description", "")) > 10, name
        for prop, sub in d.get("properties", {}).items():
            assert sub.get("description"), f"{name}.{prop}"
    for prop, sub in s["properties"].items():
        assert sub.get("description"), prop


INSTANCE_DEFS = {
    "date_range": DateRange, "time_window": TimeWindow, "weekly_window": WeeklyWindow,
    "travel_settings": TravelSettings, "category": Category, "policy": Policy, "place": Place,
    "travel_edge": TravelEdge, "credentials": Credentials, "agreement": Agreement,
    "helper": Helper, "resident": Resident, "recurrence": Recurrence, "ipus": Ipus,
    "need": Need, "formal_service": FormalService,
}
RESULT_DEFS = {"assignment": Assignment, "reason_count": ReasonCount, "unmet": Unmet,
               "referral": Referral, "covered": Covered}


@pytest.mark.parametrize(
    ("kind", "name", "cls"),
    [("instance", k, v) for k, v in INSTANCE_DEFS.items()]
    + [("result", k, v) for k, v in RESULT_DEFS.items()]
    + [("instance", None, Instance), ("result", None, Result)],
    ids=lambda x: x if isinstance(x, str) else None,
)
def test_schema_fields_match_the_model(kind: str, name: str | None, cls: type) -> None:
    s = schema(kind)
    d = s["$defs"][name] if name else s
    fields = [f for f in attrs.fields(cls) if f.init]
    envelope = set() if name else {"format", "kind"}
    assert set(d["properties"]) - envelope == {f.alias for f in fields}
    assert set(d["required"]) - envelope == {
        f.alias for f in fields if f.default is attrs.NOTHING}


@pytest.mark.parametrize(
    ("kind", "name", "enum_cls"),
    [("instance", "weekday", Weekday), ("instance", "travel_mode", TravelMode),
     ("instance", "place_kind", PlaceKind), ("instance", "helper_kind", HelperKind),
     ("instance", "credential_kind", CredentialKind),
     ("instance", "recurrence_kind", RecurrenceKind),
     ("result", "travel_mode", TravelMode), ("result", "status", Status),
     ("result", "reason", Reason)],
)
def test_schema_enums_match_the_model(kind: str, name: str, enum_cls: type[enum.Enum]) -> None:
    assert schema(kind)["$defs"][name]["enum"] == [m.value for m in enum_cls]


def test_schema_mode_maps_list_every_mode() -> None:
    d = schema("instance")["$defs"]
    modes = [m.value for m in TravelMode]
    assert list(d["travel_settings"]["properties"]["speeds_kmh"]["properties"]) == modes
    assert list(d["travel_edge"]["properties"]["minutes"]["properties"]) == modes


def test_schema_id_pattern_matches_the_model() -> None:
    from cus_match.model.validators import _ID

    pattern = re.compile(schema("instance")["$defs"]["id"]["pattern"])
    for s in ["a", "r-017", "gm.bukowsko/h:3", "A_b", "9" * 128, "-a", "", "a b", "9" * 129,
              "ż", "a\t", "_x"]:
        assert bool(pattern.search(s)) == bool(_ID.fullmatch(s)), s


def test_writer_output_validates_against_the_schema() -> None:
    assert schema_errors("instance", json.loads(dumps_instance(rich_instance()))) == []
    assert schema_errors("result", json.loads(dumps_result(rich_result()))) == []
    minimal = Result(status="infeasible", method="m", rule="r")
    assert schema_errors("result", json.loads(dumps_result(minimal))) == []


@pytest.mark.slow
@settings(max_examples=40)
@given(instances(allow_required=True))
def test_generated_instances_validate_against_the_schema(inst: Instance) -> None:
    assert schema_errors("instance", json.loads(dumps_instance(inst))) == []


def test_minimal_input_with_defaults_omitted_validates() -> None:
    doc = {"format": FORMAT, "kind": "instance",
           "policy": {"period": {"start": "2026-03-23", "end": "2026-03-29"}},
           "places": [{"id": "a"}],
           "helpers": [{"id": "h1", "home": "a", "weekly_hours_cap": 2,
                        "availability": [{"day": "mon", "start": "8:00", "end": "9:00"}]}],
           "residents": [{"id": "r1", "home": "a"}],
           "needs": [{"id": "n1", "category": "walk", "duration_minutes": 30,
                      "windows": [{"start": "8:00", "end": "9:00"}],
                      "recurrence": {"kind": "once", "date": "2026-03-23"},
                      "applied_on": "2026-03-01", "resident": "r1"}]}
    assert schema_errors("instance", doc) == []
    assert loads_instance(json.dumps(doc)).needs[0].priority == 1
    res = {"format": FORMAT, "kind": "result", "status": "optimal", "method": "m", "rule": "r"}
    assert schema_errors("result", res) == []
    assert loads_result(json.dumps(res)).seed == 0


def _set(doc: Any, path: list[Any], value: Any) -> Any:
    doc = copy.deepcopy(doc)
    node = doc
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return doc


def _delete(doc: Any, path: list[Any]) -> Any:
    doc = copy.deepcopy(doc)
    node = doc
    for k in path[:-1]:
        node = node[k]
    del node[path[-1]]
    return doc


INSTANCE_MUTATIONS = [
    ("unknown-key-top", lambda d: _set(d, ["colour"], "red")),
    ("unknown-key-helper", lambda d: _set(d, ["helpers", 0, "pesel"], "85010112345")),
    ("unknown-key-credentials", lambda d: _set(d, ["helpers", 0, "credentials", "krk"], True)),
    ("unknown-key-speeds", lambda d: _set(d, ["policy", "travel", "speeds_kmh", "tram"], 20)),
    ("bad-weekday", lambda d: _set(d, ["helpers", 0, "availability", 0, "day"], "wt")),
    ("bad-recurrence-day", lambda d: _set(d, ["needs", 0, "recurrence", "days"], ["Tue"])),
    ("bad-mode", lambda d: _set(d, ["helpers", 0, "modes"], ["walk", "horse"])),
    ("bad-edge-mode", lambda d: _set(d, ["travel_edges", 0, "minutes"], {"ferry": 3})),
    ("bad-helper-kind", lambda d: _set(d, ["helpers", 1, "kind"], "staff")),
    ("bad-place-kind", lambda d: _set(d, ["places", 0, "kind"], "city")),
    ("bad-recurrence-kind", lambda d: _set(d, ["needs", 0, "recurrence", "kind"], "daily")),
    ("bad-credential-kind",
     lambda d: _set(d, ["policy", "categories", 1, "requires_credentials"], ["krk"])),
    ("bad-format", lambda d: _set(d, ["format"], "cus-match/2")),
    ("no-format", lambda d: _delete(d, ["format"])),
    ("bad-kind", lambda d: _set(d, ["kind"], "result")),
    ("missing-needs", lambda d: _delete(d, ["needs"])),
    ("missing-duration", lambda d: _delete(d, ["needs", 0, "duration_minutes"])),
    ("string-duration", lambda d: _set(d, ["needs", 0, "duration_minutes"], "90")),
    ("fraction-duration", lambda d: _set(d, ["needs", 0, "duration_minutes"], 90.5)),
    ("bool-priority", lambda d: _set(d, ["needs", 0, "priority"], True)),
    ("zero-duration", lambda d: _set(d, ["needs", 0, "duration_minutes"], 0)),
    ("negative-cap", lambda d: _set(d, ["helpers", 0, "weekly_hours_cap"], -1)),
    ("bad-date", lambda d: _set(d, ["needs", 0, "applied_on"], "30.02.2026")),
    ("impossible-date", lambda d: _set(d, ["needs", 0, "applied_on"], "2026-02-30")),
    ("bad-time", lambda d: _set(d, ["needs", 0, "windows", 0, "end"], "25:00")),
    ("start-24-00", lambda d: _set(d, ["needs", 0, "windows", 0, "start"], "24:00")),
    ("bad-id", lambda d: _set(d, ["helpers", 0, "id"], "h 1")),
    ("null-name", lambda d: _set(d, ["helpers", 0, "name"], None)),
    ("list-for-object", lambda d: _set(d, ["policy"], [])),
    ("no-availability", lambda d: _set(d, ["helpers", 0, "availability"], [])),
    ("no-windows", lambda d: _set(d, ["needs", 0, "windows"], [])),
    ("latitude-100", lambda d: _set(d, ["places", 0, "lat"], 100)),
    ("once-with-days", lambda d: _set(d, ["needs", 1, "recurrence", "days"], ["mon"])),
    ("weekly-with-date", lambda d: _set(d, ["needs", 0, "recurrence", "date"], "2026-03-24")),
    ("group-need-without-place", lambda d: _set(d, ["needs", 0, "resident"], None)),
]


@pytest.mark.parametrize("mutate", [m for _, m in INSTANCE_MUTATIONS],
                         ids=[i for i, _ in INSTANCE_MUTATIONS])
def test_schema_rejects_what_the_reader_rejects(mutate: Any) -> None:
    doc = mutate(json.loads(dumps_instance(rich_instance())))
    with pytest.raises(InvalidInputError):
        loads_instance(json.dumps(doc))
    assert schema_errors("instance", doc), "the schema accepts a document the reader rejects"


RESULT_MUTATIONS = [
    ("unknown-key", lambda d: _set(d, ["solver_log"], "...")),
    ("bad-status", lambda d: _set(d, ["status"], "good")),
    ("bad-reason", lambda d: _set(d, ["unmet", 0, "reasons", 0, "reason"], "lazy")),
    ("bad-referral-reason", lambda d: _set(d, ["referrals", 0, "reason"], "other")),
    ("bad-mode", lambda d: _set(d, ["assignments", 0, "mode"], "taxi")),
    ("naive-datetime", lambda d: _set(d, ["assignments", 0, "start"], "2026-03-24T09:00:00")),
    ("unknown-key-assignment", lambda d: _set(d, ["assignments", 0, "cost"], 3)),
    ("missing-method", lambda d: _delete(d, ["method"])),
    ("negative-helpers", lambda d: _set(d, ["unmet", 0, "reasons", 0, "helpers"], -1)),
    ("negative-runtime", lambda d: _set(d, ["runtime_seconds"], -0.5)),
    ("string-seed", lambda d: _set(d, ["seed"], "42")),
    ("bad-kind", lambda d: _set(d, ["kind"], "instance")),
]


@pytest.mark.parametrize("mutate", [m for _, m in RESULT_MUTATIONS],
                         ids=[i for i, _ in RESULT_MUTATIONS])
def test_result_schema_rejects_what_the_reader_rejects(mutate: Any) -> None:
    doc = mutate(json.loads(dumps_result(rich_result())))
    with pytest.raises(InvalidInputError):
        loads_result(json.dumps(doc))
    assert schema_errors("result", doc), "the schema accepts a document the reader rejects"


# Field-level agreement: for every field of the rich documents (the first of each list),
# replacing its value by a JSON value of another type (or null, or deleting it) is accepted by
# the schema whenever the reader accepts it, and rejected whenever the reader rejects it, except
# where checks across fields or entities decide (which a schema cannot express): any string may
# be a dangling reference, a lat needs its lon, the default categories lack some used here.
_REPLACEMENTS: list[tuple[str, Any]] = [
    ("null", None), ("true", True), ("int", 7), ("float", 2.5), ("string", "x"),
    ("list", []), ("object", {}), ("delete", ...),
]
_CROSS_FIELD = {
    ("places/0/lat", "null"), ("places/0/lon", "null"), ("places/0/lat", "delete"),
    ("places/0/lon", "delete"), ("places/1/lat", "null"), ("places/1/lon", "null"),
    ("places/1/lat", "delete"), ("places/1/lon", "delete"),
    ("policy/categories", "delete"),   # the default categories lack some used here
    ("policy/categories", "list"),     # no categories: every category reference dangles
    ("policy/period", "delete"),
    ("places", "list"), ("helpers", "list"), ("residents", "list"),  # references dangle
    ("travel_edges", "list"), ("travel_edges", "delete"),  # szkola-1 has no coordinates
}


def _leaf_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _leaf_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _leaf_paths(v, (*path, i))
    return out


def _one_per_shape(paths: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The first path of each shape (list indices ignored): helpers/0/id, not helpers/1/id."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in paths:
        shape = tuple("*" if isinstance(x, int) else x for x in p)
        if shape not in seen:
            seen.add(shape)
            out.append(p)
    return out


def _reader_accepts(kind: str, doc: Any) -> bool:
    try:
        (loads_instance if kind == "instance" else loads_result)(json.dumps(doc))
    except InvalidInputError:
        return False
    return True


@pytest.mark.parametrize("kind", [pytest.param("instance", marks=pytest.mark.slow), "result"])
def test_schema_and_reader_agree_on_field_types(kind: str) -> None:
    doc = json.loads(dumps_instance(rich_instance()) if kind == "instance"
                     else dumps_result(rich_result()))
    v = validator(kind)
    disagreements = []
    checked = 0
    for path in _one_per_shape(_leaf_paths(doc)):
        if path[0] in ("format", "kind"):
            continue
        for label, value in _REPLACEMENTS:
            if isinstance(path[-1], int) and label == "delete":
                continue
            new = _delete(doc, list(path)) if value is ... else _set(doc, list(path), value)
            key = ("/".join(map(str, path)), label)
            reader = _reader_accepts(kind, new)
            by_schema = v.is_valid(new)
            checked += 1
            if reader and not by_schema:
                disagreements.append((*key, "schema too strict"))
            elif by_schema and not reader and label != "string" and key not in _CROSS_FIELD:
                disagreements.append((*key, "schema too lax"))
    assert checked > (700 if kind == "instance" else 200)
    assert disagreements == []


# ---------------------------------------------------------------------------------------------
# No unsafe deserialisation anywhere in the library.


def test_no_pickle_in_the_library() -> None:
    banned = re.compile(r"^\s*(import|from)\s+(c?pickle|_pickle|dill|shelve|marshal)\b"
                        r"|\bpickle\.(loads?|dumps?|Unpickler)\b", re.MULTILINE)
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 10
    offenders = [str(f.relative_to(SRC)) for f in files
                 if banned.search(f.read_text(encoding="utf-8"))]
    assert offenders == []


def test_what_the_reader_accepts_can_be_written(tmp_path: Path) -> None:
    doc = json.loads(dumps_instance(rich_instance()))
    doc["helpers"][0]["name"] = "Zofia \ud800"
    try:
        inst = loads_instance(json.dumps(doc))
    except InvalidInputError:
        return
    dump_instance(inst, tmp_path / "out.json")
    assert load_instance(tmp_path / "out.json") == inst
