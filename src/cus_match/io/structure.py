"""Turn JSON-like data into attrs entities, collecting every problem with its path.

cattrs stops at an object whose child failed, and reports a failed attrs validator without its
message; a coordinator fixing a file needs *every* problem and *what* is wrong. This reader walks
the attrs fields itself: each field is type-checked, converted and validated on its own, and the
object is built only when all its fields are fine, so cross-field checks
(:class:`~cus_match.errors.FieldValueError`) are reported too. Every problem has a code
(:class:`~cus_match.problem_texts.ProblemCode`): validators raise coded errors, and the checks
here name theirs.

Examples
--------
>>> from cus_match.model import TimeWindow
>>> value, problems = structure({"start": "9:00", "end": "25:00", "x": 1}, TimeWindow, "w")
>>> value is None
True
>>> for p in problems: print(p)
w.end: '25:00' is not a time of day HH:MM (00:00-24:00)
w: unknown field 'x'
"""

from __future__ import annotations

import enum
import math
import types
import typing
from datetime import date, datetime, time
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs

from cus_match.errors import FieldValueError, InvalidInputError, Problem
from cus_match.limits import FIELD_BOUNDS, Bound, text_problem
from cus_match.problem_texts import ProblemCode

__all__ = ["structure", "structure_or_raise"]

T = TypeVar("T")
_MISSING = object()


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def json_type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
            dict: "object"}.get(type(value), type(value).__name__)


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(get_args(tp)) == 2:
            return args[0], True
    return tp, False


def _wrong_type(expected: str, value: Any) -> tuple[ProblemCode, dict[str, Any]]:
    return ProblemCode.WRONG_TYPE, {"expected": expected, "got": json_type_name(value),
                                    "value": repr(value)}


def _check_json_type(value: Any, tp: Any) -> tuple[ProblemCode, dict[str, Any]] | None:
    """Return a problem's code and args if ``value`` is not the JSON shape ``tp`` is read from."""
    if tp is str:  # the commonest case first: ids, names
        return text_problem(value) if isinstance(value, str) else _wrong_type("string", value)
    origin = _shape(tp).origin
    expected: tuple[type, ...]
    if tp is bool:
        expected, what = (bool,), "boolean"
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return None
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return None
        return _wrong_type("integer", value)
    elif tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                return ProblemCode.NOT_FINITE, {"value": repr(value)}
            return None
        return _wrong_type("number", value)
    elif tp is str or tp in (date, datetime, time) or (
            isinstance(tp, type) and issubclass(tp, enum.Enum)):
        expected, what = (str,), "string"
    elif origin in (tuple, frozenset, list, set):
        expected, what = (list,), "list"
    elif origin is dict:
        expected, what = (dict,), "object"
    else:  # pragma: no cover - a type the model does not use
        return None
    if isinstance(value, expected):
        if isinstance(value, str):
            return text_problem(value)
        return None
    return _wrong_type(what, value)


def _shown_number(value: Any) -> Any:
    """A number for a message; a huge one in exponent form, not in hundreds of digits."""
    if abs(value) < 10**15:
        return value
    if isinstance(value, float):
        return repr(value)
    digits = str(abs(value))
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[0]}.{digits[1:4]}e+{len(digits) - 1}"


def _out_of_bound(value: Any, bound: Bound) -> list[Any]:
    """The numbers of ``value`` (itself, or a mapping's values) outside ``bound``."""
    values = value.values() if isinstance(value, dict) else (value,)
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)
            and not bound.holds(v)]


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]"


def structure(data: Any, cls: type[T], path: str = "") -> tuple[T | None, list[Problem]]:
    """Build ``cls`` from JSON-like ``data``.

    Returns
    -------
    value : cls or None
        The built object, or ``None`` if there were problems.
    problems : list of Problem
        Every problem found (empty on success).
    """
    problems: list[Problem] = []
    value = _structure_attrs(data, cls, path, problems)
    return (value if not problems else None), problems


def structure_or_raise(data: Any, cls: type[T], source: str | None = None) -> T:
    """Like :func:`structure`, raising :class:`InvalidInputError` with all problems."""
    value, problems = structure(data, cls)
    if problems:
        raise InvalidInputError(problems, source=source)
    assert value is not None
    return value


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@attrs.frozen
class _TypeShape:
    """What the walk needs to know of a field's type, worked out once per type."""

    inner: Any
    optional: bool
    origin: Any
    is_attrs: bool
    is_enum: bool
    args: tuple[Any, ...]


@cache
def _shape(tp: Any) -> _TypeShape:
    inner, optional = _unwrap_optional(tp)
    return _TypeShape(inner, optional, get_origin(inner),
                      isinstance(inner, type) and attrs.has(inner),
                      isinstance(inner, type) and issubclass(inner, enum.Enum), get_args(inner))


@attrs.frozen
class _FieldPlan:
    alias: str
    hint: Any
    required: bool
    field: Any  # attrs.Attribute
    bound: Bound | None


@cache
def _plan(cls: type) -> tuple[tuple[_FieldPlan, ...], frozenset[str]]:
    """The init fields of ``cls`` with their types and bounds, and the keys it knows."""
    hints = _hints(cls)
    plans = tuple(_FieldPlan(f.alias, hints[f.name], f.default is attrs.NOTHING, f,
                             FIELD_BOUNDS.get((cls.__name__, f.alias)))
                  for f in attrs.fields(cls) if f.init)
    return plans, frozenset(p.alias for p in plans)


def _structure_attrs(data: Any, cls: type, path: str, problems: list[Problem]) -> Any:
    if not isinstance(data, dict):
        problems.append(Problem(path, *_wrong_type("object", data)))
        return None
    plans, known = _plan(cls)
    start = len(problems)
    kwargs: dict[str, Any] = {}
    for plan in plans:
        f = plan.field
        fpath = _join(path, plan.alias)
        raw = data.get(plan.alias, _MISSING)
        if raw is _MISSING:
            if plan.required:
                problems.append(Problem(fpath, ProblemCode.MISSING_FIELD))
            continue
        hint, kind = plan.hint, type(raw)
        # Plain values of their own type need no walk: most fields of most entities.
        if (hint is int and kind is int) or (hint is bool and kind is bool) or (
                hint is str and kind is str and text_problem(raw) is None):
            value = raw
        else:
            ok, value = _structure_value(raw, hint, fpath, problems)
            if not ok:
                continue
        if f.converter is not None:
            try:
                value = f.converter(value)
            except (ValueError, TypeError) as e:
                problems.append(_coded(e, fpath))
                continue
        if f.validator is not None:
            try:
                f.validator(None, f, value)
            except (ValueError, TypeError) as e:
                problems.append(_coded(e, fpath))
                continue
        bound = plan.bound
        if bound is not None and value is not None:
            outside = _out_of_bound(value, bound)
            if outside:
                problems.append(Problem(fpath, ProblemCode.OUT_OF_RANGE,
                                        {"value": _shown_number(outside[0]),
                                         "bound": str(bound)}))
                continue
        kwargs[f.alias] = value
    if not known.issuperset(data):
        for key in sorted(set(data) - known, key=str):
            problems.append(Problem(path, ProblemCode.UNKNOWN_FIELD, {"name": key}))
    if len(problems) > start:
        return None
    try:
        return cls(**kwargs)
    except InvalidInputError as e:
        problems.extend(Problem(_join(path, p.path), p.code, p.args) for p in e.problems)
    except (ValueError, TypeError) as e:
        problems.append(_coded(e, path))
    return None


def _coded(e: ValueError | TypeError, path: str) -> Problem:
    """The problem an entity's validator, converter or invariant raised."""
    if isinstance(e, FieldValueError):
        return e.problem(path)
    # An error without a code is a validator to fix; the user still learns what it says.
    return Problem(path, ProblemCode.INVALID_VALUE, {"detail": str(e)})


def _structure_value(raw: Any, tp: Any, path: str, problems: list[Problem]) -> tuple[bool, Any]:
    """Type-check and recurse; return (ok, value before the field's converter)."""
    shape = _shape(tp)
    inner = shape.inner
    if raw is None:
        if shape.optional:
            return True, None
        problems.append(Problem(path, ProblemCode.NULL_VALUE))
        return False, None
    if shape.is_attrs:
        start = len(problems)
        v = _structure_attrs(raw, inner, path, problems)
        return len(problems) == start, v
    wrong = _check_json_type(raw, inner)
    if wrong:
        problems.append(Problem(path, *wrong))
        return False, None
    if inner is str:
        return True, raw
    origin = shape.origin
    if origin in (tuple, frozenset, list, set):
        elem = shape.args[0] if shape.args else Any
        start = len(problems)
        out = []
        for i, item in enumerate(raw):
            ok, v = _structure_value(item, elem, f"{path}[{i}]", problems)
            if ok:
                out.append(_convert_leaf(v, elem, f"{path}[{i}]", problems))
        return len(problems) == start, out
    if origin is dict:
        key_t, val_t = shape.args
        start = len(problems)
        out_d = {}
        for k, v in raw.items():
            ok, vv = _structure_value(v, val_t, _key_path(path, k), problems)
            kk = _convert_leaf(k, key_t, _key_path(path, k), problems)
            if ok:
                out_d[kk] = vv
        return len(problems) == start, out_d
    if shape.is_enum:
        start = len(problems)
        v = _convert_leaf(raw, inner, path, problems)
        return len(problems) == start, v
    if inner is float:
        try:
            return True, float(raw)
        except OverflowError:
            problems.append(Problem(path, ProblemCode.NUMBER_TOO_LARGE, {"value": repr(raw)}))
            return False, None
    if inner is int:
        return True, int(raw)
    return True, raw


def _convert_leaf(value: Any, tp: Any, path: str, problems: list[Problem]) -> Any:
    """Convert an element of a collection whose type is an enum (weekday, mode, ...)."""
    if isinstance(tp, type) and issubclass(tp, enum.Enum) and not isinstance(value, tp):
        try:
            return tp(value)
        except ValueError:
            problems.append(Problem(path, ProblemCode.NOT_ONE_OF,
                                    {"value": value if isinstance(value, str | int | float)
                                     else repr(value), "allowed": [m.value for m in tp]}))
    return value
