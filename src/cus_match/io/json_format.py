"""The versioned JSON format of instances and results (``"format": "cus-match/1"``).

A document is an object with ``format`` (the version), ``kind`` (``"instance"`` or ``"result"``)
and the entity's fields. Unknown keys are rejected; reading and writing round-trips exactly. The
JSON Schemas are shipped in ``cus_match/io/schema/`` (see :func:`schema`).

Examples
--------
>>> from cus_match.generate import generate
>>> inst = generate("tiny", seed=1)
>>> text = dumps_instance(inst)
>>> loads_instance(text) == inst
True
>>> loads_instance('{"format": "cus-match/9", "kind": "instance"}')
Traceback (most recent call last):
...
cus_match.errors.InvalidInputError: <string>: 1 problem
  format: unsupported format 'cus-match/9' (this version reads 'cus-match/1')
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import attrs

from cus_match.errors import FieldValueError, InvalidInputError, Problem
from cus_match.io.convert import unstructure
from cus_match.io.structure import json_type_name, structure
from cus_match.limits import MAX_ENTITIES, MAX_FILE_BYTES
from cus_match.model import (
    DEFAULT_CATEGORIES,
    FormalService,
    Helper,
    Need,
    Place,
    Policy,
    Resident,
    TravelEdge,
)
from cus_match.model.instance import Instance, cross_check
from cus_match.plan.result import Result
from cus_match.problem_texts import ProblemCode

__all__ = [
    "FORMAT",
    "dump_instance",
    "dump_result",
    "dumps_instance",
    "dumps_result",
    "instance_digest",
    "load_instance",
    "load_result",
    "loads_instance",
    "loads_result",
    "read_json",
    "schema",
    "structure_instance",
]

FORMAT = "cus-match/1"
Kind = Literal["instance", "result"]
T = TypeVar("T")


def _envelope(kind: Kind, obj: Any) -> dict[str, Any]:
    return {"format": FORMAT, "kind": kind, **unstructure(obj)}


def dumps_instance(inst: Instance, *, indent: int | None = 1) -> str:
    """Serialise an instance to JSON text (deterministic: same instance, same bytes)."""
    return json.dumps(_envelope("instance", inst), ensure_ascii=False, indent=indent)


def dumps_result(result: Result, *, indent: int | None = 1) -> str:
    """Serialise a result to JSON text."""
    return json.dumps(_envelope("result", result), ensure_ascii=False, indent=indent)


def instance_digest(inst: Instance) -> str:
    """The SHA-256 (hex) of the instance's canonical JSON: the same instance, the same digest.

    A result records the digest of the instance it was made for
    (:attr:`~cus_match.plan.result.Result.instance_digest`), so a plan given with another
    instance is refused in one sentence rather than with a violation per visit. Canonical means
    sorted keys and no whitespace, so the digest does not depend on how the file was indented;
    an instance read back from its file has the digest of the one written.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> a, b = generate("tiny", seed=1), generate("tiny", seed=2)
    >>> instance_digest(a) == instance_digest(loads_instance(dumps_instance(a)))
    True
    >>> instance_digest(a) == instance_digest(b), len(instance_digest(a))
    (False, 64)
    """
    text = json.dumps(_envelope("instance", inst), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dump_instance(inst: Instance, path: str | Path) -> None:
    """Write an instance as UTF-8 JSON."""
    Path(path).write_text(dumps_instance(inst) + "\n", encoding="utf-8")


def dump_result(result: Result, path: str | Path) -> None:
    """Write a result as UTF-8 JSON."""
    Path(path).write_text(dumps_result(result) + "\n", encoding="utf-8")


def read_json(path: str | Path) -> Any:
    """Read a UTF-8 JSON file, with clear errors for bad bytes and bad syntax.

    Raises
    ------
    InvalidInputError
        Naming the file, and the byte or line and column of the problem.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInputError([Problem("", ProblemCode.FILE_TOO_LARGE,
                                             {"size": size, "max": MAX_FILE_BYTES})],
                                    source=str(p))
        raw = p.read_bytes()
    except OSError as e:
        raise InvalidInputError([Problem("", ProblemCode.CANNOT_READ_FILE, {"errno": e.errno})],
                                source=str(p)) from None
    if raw.startswith(_ZIP_MAGIC) or p.suffix.lower() in _SHEET_SUFFIXES:
        # A workbook where JSON belongs: say which command reads it, not "save it as UTF-8".
        raise InvalidInputError([Problem("", ProblemCode.SPREADSHEET_NOT_JSON,
                                         {"path": str(p)})], source=str(p))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidInputError(
            [Problem("", ProblemCode.NOT_UTF8, {"byte": raw[e.start], "offset": e.start})],
            source=str(p),
        ) from None
    return _parse(text, str(p))


# An XLSX (or ODS) workbook is a ZIP archive; these names are workbooks whatever they hold.
_ZIP_MAGIC = b"PK\x03\x04"
_SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})


# Numbers JSON cannot hold (NaN, Infinity) or Python will not read (thousands of digits).
def _reject_constant(name: str) -> Any:
    raise FieldValueError(ProblemCode.JSON_NOT_FINITE, name=name)


def _parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # longer than sys.get_int_max_str_digits()
        raise FieldValueError(ProblemCode.JSON_NUMBER_TOO_LONG,
                              digits=len(text.lstrip("-"))) from None


class _Object(dict[str, Any]):
    """A JSON object that had a key twice: the keys repeated are kept for the report."""

    repeated: tuple[str, ...] = ()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys: a hand-edited file whose "format" or
    # "priority" appears twice would validate with one of the values silently dropped.
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    repeated = []
    for k, _ in pairs:
        if k in seen and k not in repeated:
            repeated.append(k)
        seen.add(k)
    marked = _Object(obj)
    marked.repeated = tuple(repeated)
    return marked


def _repeated_keys(data: Any, path: str = "") -> list[Problem]:
    """Every repeated key of the parsed document, with the path of its object."""
    found: list[Problem] = []
    stack = [(path, data)]
    while stack:  # not recursive: the document may be nested as deep as json allows
        where, node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node, _Object):
                found += [Problem(where, ProblemCode.DUPLICATE_KEY, {"name": k})
                          for k in node.repeated]
            stack += [(f"{where}.{k}" if where else k, v) for k, v in node.items()
                      if isinstance(v, dict | list)]
        elif isinstance(node, list):
            stack += [(f"{where}[{i}]", v) for i, v in enumerate(node)
                      if isinstance(v, dict | list)]
    return sorted(found, key=lambda p: p.path)


def _parse(text: str, source: str) -> Any:
    duplicates = False

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        obj = _no_duplicates(pairs)
        duplicates = duplicates or isinstance(obj, _Object)
        return obj

    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int,
                          object_pairs_hook=hook)
    except json.JSONDecodeError as e:
        problem = Problem("", ProblemCode.INVALID_JSON,
                          {"detail": e.msg, "line": e.lineno, "column": e.colno})
    except RecursionError:
        problem = Problem("", ProblemCode.NESTED_TOO_DEEPLY)
    except FieldValueError as e:
        problem = e.problem("")
    except ValueError as e:
        problem = Problem("", ProblemCode.JSON_INVALID_VALUE, {"detail": str(e)})
    else:
        if duplicates:
            raise InvalidInputError(_repeated_keys(data), source=source)
        return data
    raise InvalidInputError([problem], source=source) from None


def _from_data(data: Any, kind: Kind, cls: type[T], source: str) -> T:
    if not isinstance(data, dict):
        raise InvalidInputError([Problem("", ProblemCode.TOP_LEVEL_NOT_OBJECT)], source=source)
    body = dict(data)
    problems: list[Problem] = []
    fmt = body.pop("format", None)
    if fmt != FORMAT:
        problem = (Problem("format", ProblemCode.FORMAT_MISSING, {"expected": FORMAT})
                   if fmt is None else
                   Problem("format", ProblemCode.FORMAT_UNSUPPORTED,
                           {"got": repr(fmt), "expected": FORMAT}))
        raise InvalidInputError([problem], source=source)
    got = body.pop("kind", None)
    if got != kind:
        problem = Problem("kind", ProblemCode.WRONG_KIND, {"expected": kind, "got": repr(got)})
        if got is not None:
            # Another kind of document (a result given as an instance): every field would be
            # "unknown" or "missing", which says nothing the first problem does not.
            raise InvalidInputError([problem], source=source)
        problems.append(problem)
    value: T | None
    if cls is Instance:
        built, more = structure_instance(body)
        value = cast("T | None", built)  # cls is Instance, so T is Instance
    else:
        value, more = structure(body, cls)
    problems += more
    if problems:
        raise InvalidInputError(problems, source=source)
    assert value is not None
    return value


_COLLECTIONS: dict[str, type] = {
    "places": Place, "helpers": Helper, "residents": Resident, "needs": Need,
    "services": FormalService, "travel_edges": TravelEdge,
}


def structure_instance(data: Any) -> tuple[Instance | None, list[Problem]]:
    """Build an :class:`Instance` from JSON-like data, reporting entity *and* reference problems.

    Entities that cannot be built are left out of the reference checks, but their ids still
    count as known, so one bad helper does not cause "unknown helper" noise elsewhere.
    """
    if not isinstance(data, dict):
        return None, [Problem("", ProblemCode.NOT_AN_OBJECT)]
    problems: list[Problem] = []
    known = {f.alias for f in attrs.fields(Instance)}
    for key in sorted(set(data) - known, key=str):
        problems.append(Problem("", ProblemCode.UNKNOWN_FIELD, {"name": key}))
    policy: Policy | None = None
    if "policy" not in data:
        problems.append(Problem("policy", ProblemCode.MISSING_FIELD))
    else:
        policy, more = structure(data["policy"], Policy, "policy")
        problems += more
    name = data.get("name", "")
    if not isinstance(name, str):
        problems.append(Problem("name", ProblemCode.WRONG_FIELD_TYPE,
                                {"expected": "string", "got": json_type_name(name)}))
    built: dict[str, list[tuple[int, Any]]] = {}
    ids: dict[str, list[tuple[int, str]]] = {}
    for key, cls in _COLLECTIONS.items():
        raw = data.get(key, [])
        built[key], ids[key] = [], []
        if key not in data and key not in ("services", "travel_edges"):
            problems.append(Problem(key, ProblemCode.MISSING_FIELD))
            continue
        if not isinstance(raw, list):
            problems.append(Problem(key, ProblemCode.WRONG_FIELD_TYPE,
                                    {"expected": "list", "got": json_type_name(raw)}))
            continue
        if len(raw) > MAX_ENTITIES:
            problems.append(Problem(key, ProblemCode.TOO_MANY_ENTITIES,
                                    {"count": len(raw), "max": MAX_ENTITIES}))
            continue
        for i, item in enumerate(raw):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids[key].append((i, item["id"]))
            value, more = structure(item, cls, f"{key}[{i}]")
            problems += more
            if value is not None:
                built[key].append((i, value))
    if policy is not None:
        ids["policy.categories"] = list(enumerate(c.id for c in policy.categories))
    else:
        ids["policy.categories"] = _raw_category_ids(data.get("policy"))
    if not problems:
        try:
            inst = Instance(policy=policy, name=name,  # type: ignore[arg-type]
                            **{k: [v for _, v in built[k]] for k in _COLLECTIONS})
        except InvalidInputError as e:
            return None, list(e.problems)
        return inst, []
    problems += _raw_references(data, built, ids)
    problems += cross_check(
        policy, built["places"], built["helpers"], built["residents"], built["needs"],
        built["services"], built["travel_edges"], ids=ids,
        has_network=bool(data.get("travel_edges")),
    )
    return None, problems


def _raw_category_ids(raw_policy: Any) -> list[tuple[int, str]]:
    """Category ids of a policy that could not be built: its own list, else the defaults."""
    raw = raw_policy.get("categories") if isinstance(raw_policy, dict) else None
    if isinstance(raw, list):
        return [(i, c["id"]) for i, c in enumerate(raw)
                if isinstance(c, dict) and isinstance(c.get("id"), str)]
    return list(enumerate(c.id for c in DEFAULT_CATEGORIES))


# Reference fields checked on entities that could not be built, so a need with a bad window
# *and* an unknown resident reports both in one pass.
_PLACE, _RESIDENT, _CATEGORY = (ProblemCode.UNKNOWN_PLACE, ProblemCode.UNKNOWN_RESIDENT,
                                ProblemCode.UNKNOWN_CATEGORY)
_RAW_REFS: dict[str, tuple[tuple[str, str, ProblemCode], ...]] = {
    "helpers": (("home", "places", _PLACE),),
    "residents": (("home", "places", _PLACE),),
    "needs": (("resident", "residents", _RESIDENT), ("place", "places", _PLACE),
              ("category", "policy.categories", _CATEGORY)),
    "services": (("category", "policy.categories", _CATEGORY),),
    "travel_edges": (("a", "places", _PLACE), ("b", "places", _PLACE)),
}


def _raw_references(data: dict[str, Any], built: dict[str, list[tuple[int, Any]]],
                    ids: dict[str, list[tuple[int, str]]]) -> list[Problem]:
    problems = []
    for key, refs in _RAW_REFS.items():
        raw = data.get(key)
        if not isinstance(raw, list):
            continue
        ok = {i for i, _ in built[key]}
        for i, item in enumerate(raw):
            if i in ok or not isinstance(item, dict):
                continue
            for fld, kind, code in refs:
                value = item.get(fld)
                known = {x for _, x in ids.get(kind, [])}
                if isinstance(value, str) and value not in known:
                    problems.append(Problem(f"{key}[{i}].{fld}", code, {"id": value}))
    return problems


def loads_instance(text: str, *, source: str = "<string>") -> Instance:
    """Read an instance from JSON text; all problems are reported at once."""
    return _from_data(_parse(text, source), "instance", Instance, source)


def load_instance(path: str | Path) -> Instance:
    """Read an instance from a JSON file; all problems are reported at once, naming the file."""
    return _from_data(read_json(path), "instance", Instance, str(path))


def loads_result(text: str, *, source: str = "<string>") -> Result:
    """Read a result from JSON text."""
    return _from_data(_parse(text, source), "result", Result, source)


def load_result(path: str | Path) -> Result:
    """Read a result from a JSON file."""
    return _from_data(read_json(path), "result", Result, str(path))


def schema(kind: Kind = "instance") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of instance or result documents, as shipped."""
    text = resources.files("cus_match.io.schema").joinpath(f"{kind}.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]
