"""Property tests of the JSON reader and writer on generated and mangled documents."""

from __future__ import annotations

import copy
import json
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from cus_match.errors import InvalidInputError
from cus_match.io.json_format import dumps_instance, loads_instance, loads_result, schema
from cus_match.model import HelperKind, RecurrenceKind
from cus_match.model.instance import Instance
from strategies import instances
from test_validation import BASE, assert_path_resolves

# JSON values. Integers stay within +-10**15 and floats are finite: see the regression tests below
# for what happens outside.
_KEYS = st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=8)
json_scalars = (st.none() | st.booleans() | st.integers(-10**15, 10**15)
                | st.floats(allow_nan=False, allow_infinity=False, width=64)
                | st.text(max_size=12)
                | st.sampled_from(["2026-03-24", "2026-02-30", "9:00", "24:00", "mon", "walk",
                                   "h1", "r1", "shopping", "once", "weekly", "cus-match/1"]))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children,
                                                                     max_size=4),
    max_leaves=12,
)


def read(text: str, kind: str = "instance") -> Any:
    """Read, allowing only a result or InvalidInputError (any other exception fails)."""
    try:
        return (loads_instance if kind == "instance" else loads_result)(text)
    except InvalidInputError as e:
        check_error(e)
        return e


def check_error(e: InvalidInputError) -> None:
    assert len(e.problems) >= 1
    for p in e.problems:
        assert isinstance(p.path, str)
        assert isinstance(p.message, str)
        assert p.message
        assert str(p) in str(e)


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every value in ``node`` (the root excluded)."""
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _leaves(v, (*path, i))
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    node = doc
    for k in path[:-1]:
        node = node[k]
    return node


def _same_type(value: Any) -> st.SearchStrategy[Any]:
    """Values of the JSON type of ``value``: near misses rather than nonsense."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(-3, 10**6)
    if isinstance(value, float):
        return st.floats(-200, 10**6, allow_nan=False) | st.integers(-3, 1000)
    if isinstance(value, str):
        return st.sampled_from(PLAUSIBLE_STRINGS) | st.text(max_size=6)
    if value is None:
        return json_scalars
    return json_values


PLAUSIBLE_STRINGS = ["2026-03-24", "2026-04-30", "2025-12-31", "9:00", "09:30", "23:45", "24:00",
                     "0:00", "mon", "sun", "walk", "car", "bus", "h1", "h2", "r1", "p1", "n1",
                     "shopping", "walk", "once", "weekly", "village", "volunteer", "self_help",
                     "neighbour_service", "first_aid", "Europe/Warsaw", "UTC", "Zofia Łęcka"]


@st.composite
def mutated_documents(draw: st.DrawFn, base: st.SearchStrategy[dict[str, Any]], *,
                      near_miss: bool = False) -> dict[str, Any]:
    """A valid document with one value replaced, one key deleted, or one unknown key added.

    ``near_miss`` replaces a value by one of the same JSON type (so the document is more often
    still valid) and never adds keys.
    """
    doc = copy.deepcopy(draw(base))
    paths = [p for p in _leaves(doc) if p[0] not in ("format", "kind")]
    path = draw(st.sampled_from(paths))
    parent = _parent(doc, path)
    actions = ["replace", "replace", "delete"] + ([] if near_miss else ["add_key"])
    action = draw(st.sampled_from(actions))
    if action == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif action == "add_key" and isinstance(parent, dict):
        parent[draw(_KEYS.filter(lambda k: k not in parent))] = draw(json_scalars)
    elif near_miss:
        parent[path[-1]] = draw(_same_type(parent[path[-1]]))
    else:
        parent[path[-1]] = draw(json_values)
    return doc


generated_documents = instances(max_helpers=3, max_needs=3, allow_required=True).map(
    lambda inst: json.loads(dumps_instance(inst)))
base_document = st.just(BASE)


# ---------------------------------------------------------------------------------------------
# Round trips.


@pytest.mark.slow
@settings(max_examples=60)
@given(instances(allow_required=True))
def test_round_trip_of_generated_instances(inst: Instance) -> None:
    text = dumps_instance(inst)
    back = loads_instance(text)
    assert back == inst
    assert dumps_instance(back) == text
    assert dumps_instance(inst) == text  # deterministic


@settings(max_examples=30)
@given(instances(min_helpers=0, max_helpers=2, max_needs=2, flaw_rate=100, network=True,
                 fancy_ids=True))
def test_round_trip_of_odd_instances(inst: Instance) -> None:
    # Every helper and need flawed, a travel network, random ids; sometimes no helpers at all.
    assert loads_instance(dumps_instance(inst)) == inst


@settings(max_examples=40)
@given(instances())
def test_generated_instances_are_usable(inst: Instance) -> None:
    # What solver property tests rely on: small, valid, with a 1-2 week period.
    assert 1 <= len(inst.helpers) <= 6
    assert 1 <= len(inst.needs) <= 7
    assert 7 <= inst.policy.period.days <= 14
    for n in inst.needs:
        assert max(w.minutes for w in n.windows) >= n.duration_minutes
        if n.recurrence.kind is RecurrenceKind.ONCE:
            assert n.recurrence.date in inst.policy.period
        assert n.applied_on <= inst.policy.period.start
        assert not n.required
    for h in inst.helpers:
        assert h.availability
        assert h.kind in HelperKind
    assert inst.travel is not None  # travel times can be worked out


# ---------------------------------------------------------------------------------------------
# The reader never crashes.


@given(json_values)
def test_reader_survives_arbitrary_json(value: Any) -> None:
    out = read(json.dumps(value))
    assert isinstance(out, InvalidInputError | Instance)


@given(st.dictionaries(st.sampled_from(["policy", "places", "helpers", "residents", "needs",
                                        "services", "travel_edges", "name", "extra"]),
                       json_values))
def test_reader_survives_arbitrary_fields_in_a_valid_envelope(fields: dict[str, Any]) -> None:
    doc = {"format": "cus-match/1", "kind": "instance", **fields}
    out = read(json.dumps(doc))
    if isinstance(out, InvalidInputError):
        for p in out.problems:
            assert_path_resolves(doc, p)


@given(st.dictionaries(st.sampled_from(["status", "method", "rule", "assignments", "unmet",
                                        "referrals", "covered", "objective", "seed"]),
                       json_values))
def test_result_reader_survives_arbitrary_fields(fields: dict[str, Any]) -> None:
    doc = {"format": "cus-match/1", "kind": "result", **fields}
    read(json.dumps(doc), "result")


@given(mutated_documents(base_document))
def test_reader_survives_one_mutation_of_a_hand_made_document(doc: dict[str, Any]) -> None:
    out = read(json.dumps(doc))
    if isinstance(out, InvalidInputError):
        for p in out.problems:
            assert_path_resolves(doc, p)


@pytest.mark.slow
@settings(max_examples=60)
@given(mutated_documents(generated_documents))
def test_reader_survives_one_mutation_of_a_generated_document(doc: dict[str, Any]) -> None:
    out = read(json.dumps(doc))
    if isinstance(out, InvalidInputError):
        for p in out.problems:
            assert_path_resolves(doc, p)


_VALIDATOR = Draft202012Validator(schema("instance"),
                                  format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.slow
@settings(max_examples=40, suppress_health_check=[HealthCheck.filter_too_much])
@given(mutated_documents(generated_documents, near_miss=True))
def test_schema_accepts_whatever_the_reader_accepts(doc: dict[str, Any]) -> None:
    out = read(json.dumps(doc))
    assume(isinstance(out, Instance))
    errors = [e.message for e in _VALIDATOR.iter_errors(doc)]
    assert errors == []


@given(st.text(max_size=40))
def test_reader_survives_arbitrary_text(text: str) -> None:
    read(text)


# ---------------------------------------------------------------------------------------------
# Regression tests for reader bugs found by these properties (huge numbers, deep nesting, NaN).


def _with_cap(raw_number: str) -> str:
    text = json.dumps(BASE)
    assert '"weekly_hours_cap": 4,' in text
    return text.replace('"weekly_hours_cap": 4,', f'"weekly_hours_cap": {raw_number},', 1)


def test_huge_integer_in_a_float_field_is_an_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        loads_instance(_with_cap("9" * 400))


def test_very_long_integer_is_an_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        loads_instance(_with_cap("9" * 5000))


def test_deeply_nested_json_is_an_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        loads_instance("[" * 100_000 + "]" * 100_000)


def test_infinity_is_rejected() -> None:
    with pytest.raises(InvalidInputError):
        loads_instance(_with_cap("Infinity"))
