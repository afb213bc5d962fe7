"""The limits: docs/limits.md and cus_match.limits say the same, and every number has a bound."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import attrs
import pytest

from cus_match.errors import InvalidInputError, InvalidOptionError
from cus_match.generate import generate
from cus_match.io.json_format import dumps_instance, loads_instance
from cus_match.limits import FIELD_BOUNDS, OPTION_BOUNDS, SIZE_LIMITS, check_option
from cus_match.model.instance import Instance
from cus_match.problem_texts import ProblemCode

DOC = Path(__file__).resolve().parents[1] / "docs" / "limits.md"


def _table(name: str) -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(rf"<!-- {name} -->\n(.*?)<!-- /{name} -->", text, re.S)
    assert block, f"docs/limits.md has no {name} table"
    rows = [line.strip("|").split("|") for line in block.group(1).strip().splitlines()[2:]]
    return [[c.strip() for c in r] for r in rows]


def test_doc_lists_the_field_bounds() -> None:
    assert _table("field-bounds") == [[cls, f, str(b)] for (cls, f), b in FIELD_BOUNDS.items()]


def test_doc_lists_the_option_bounds() -> None:
    assert _table("option-bounds") == [[f"--{k}", str(b)] for k, b in OPTION_BOUNDS.items()]


def test_doc_lists_the_sizes() -> None:
    assert [r[:2] for r in _table("size-limits")] == [[k, str(v)] for k, v in SIZE_LIMITS.items()]


def _entity_classes() -> set[type]:
    seen: set[type] = set()
    todo: list[type] = [Instance]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        hints = typing.get_type_hints(cls)
        for hint in (hints[f.name] for f in attrs.fields(cls) if f.init):
            for t in (hint, *typing.get_args(hint), *[a for x in typing.get_args(hint)
                                                        for a in typing.get_args(x)]):
                if isinstance(t, type) and attrs.has(t):
                    todo.append(t)
    return seen


def _is_number(hint: object) -> bool:
    parts = {hint, *typing.get_args(hint)}
    if typing.get_origin(hint) is dict:
        parts = {typing.get_args(hint)[1]}
    return bool(parts & {int, float})


def test_every_number_of_the_instance_has_a_bound() -> None:
    missing = []
    for cls in _entity_classes():
        hints = typing.get_type_hints(cls)
        for f in attrs.fields(cls):
            if f.init and _is_number(hints[f.name]) and (cls.__name__, f.alias) not in FIELD_BOUNDS:
                missing.append(f"{cls.__name__}.{f.alias}")
    assert not missing, f"add bounds to cus_match.limits.FIELD_BOUNDS: {missing}"


def test_bounds_name_real_fields() -> None:
    fields = {(c.__name__, f.alias) for c in _entity_classes() for f in attrs.fields(c)}
    assert set(FIELD_BOUNDS) <= fields


@pytest.mark.parametrize(("collection", "field", "value", "code"), [
    ("needs", "priority", 10**400, ProblemCode.OUT_OF_RANGE),
    ("needs", "duration_minutes", 1441, ProblemCode.OUT_OF_RANGE),
    ("needs", "helpers_needed", 1e9, ProblemCode.OUT_OF_RANGE),
    ("helpers", "weekly_hours_cap", 1e308, ProblemCode.OUT_OF_RANGE),
    ("helpers", "max_travel_minutes", 1e12, ProblemCode.OUT_OF_RANGE),
    ("needs", "applied_on", "9999-12-31", ProblemCode.DATE_OUT_OF_RANGE),
    ("needs", "applied_on", "1899-12-25", ProblemCode.DATE_OUT_OF_RANGE),
    ("helpers", "name", "a\x00b", ProblemCode.CONTROL_CHARACTER),
    ("helpers", "name", "\x1b[31mred", ProblemCode.CONTROL_CHARACTER),
    ("helpers", "name", "Anna\nKowalska", ProblemCode.LINE_BREAK_IN_TEXT),
    ("helpers", "name", "x" * 1001, ProblemCode.TEXT_TOO_LONG),
])
def test_a_value_out_of_bounds_is_refused_with_its_path(collection: str, field: str,
                                                        value: object, code: ProblemCode) -> None:
    data = json.loads(dumps_instance(generate("tiny", seed=1)))
    data[collection][0][field] = value
    with pytest.raises(InvalidInputError) as e:
        loads_instance(json.dumps(data))
    assert [(p.path, p.code) for p in e.value.problems] == [(f"{collection}[0].{field}", code)]
    assert "Traceback" not in e.value.text("pl")


def test_a_period_ending_in_9999_is_refused_at_once() -> None:
    data = json.loads(dumps_instance(generate("tiny", seed=1)))
    data["policy"]["period"]["end"] = "9999-12-31"
    with pytest.raises(InvalidInputError) as e:
        loads_instance(json.dumps(data))
    assert ("policy.period.end", ProblemCode.DATE_OUT_OF_RANGE) in [
        (p.path, p.code) for p in e.value.problems]


def test_a_tab_in_a_name_is_kept() -> None:
    data = json.loads(dumps_instance(generate("tiny", seed=1)))
    data["helpers"][0]["name"] = "\tAnna"
    assert loads_instance(json.dumps(data)).helpers[0].name == "\tAnna"


@pytest.mark.parametrize(("name", "value"), [("seed", 2**70), ("seed", -1), ("weights", 1e308),
                                             ("retention", 10**20), ("last", 10**20),
                                             ("time-limit", float("nan"))])
def test_options_out_of_bounds_are_refused(name: str, value: float) -> None:
    with pytest.raises(InvalidOptionError, match=f"--{name}"):
        check_option(name, value)
