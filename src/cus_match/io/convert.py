"""Unstructuring entities to JSON-ready data (cattrs), deterministic and lossless.

Sets become sorted lists and mappings sorted objects, so the same instance always gives the same
bytes. Reading back goes through :mod:`cus_match.io.structure`.

Examples
--------
>>> from cus_match.model import WeeklyWindow
>>> unstructure(WeeklyWindow("fri", "16:00", "24:00"))
{'day': 'fri', 'start': '16:00', 'end': '24:00'}
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from cus_match.clock import format_time

__all__ = ["converter", "unstructure"]


def _sort_key(v: Any) -> Any:
    # Enums sort in definition order (mon..sun, walk..bus), everything else by value.
    if isinstance(v, enum.Enum):
        return (type(v).__name__, list(type(v)).index(v), "")
    return (type(v).__name__, 0, v)


def _make_converter() -> cattrs.Converter:
    c = cattrs.Converter()
    c.register_unstructure_hook(datetime, lambda d: d.isoformat())
    c.register_unstructure_hook(date, lambda d: d.isoformat())
    c.register_unstructure_hook(time, format_time)
    # StrEnum before str in the MRO, so singledispatch prefers this over cattrs' str identity.
    c.register_unstructure_hook(enum.StrEnum, lambda e: e.value)
    c.register_unstructure_hook(enum.Enum, lambda e: e.value)

    def _set(s: frozenset[Any] | set[Any]) -> list[Any]:
        return [c.unstructure(v) for v in sorted(s, key=_sort_key)]

    def _dict(d: dict[Any, Any]) -> dict[Any, Any]:
        return {
            (k.value if isinstance(k, enum.Enum) else k): c.unstructure(d[k])
            for k in sorted(d, key=_sort_key)
        }

    def _origin_is(*kinds: type) -> Any:
        def test(t: Any) -> bool:  # t is any type expression: a class or a generic alias
            return t in kinds or get_origin(t) in kinds

        return test

    c.register_unstructure_hook_func(_origin_is(frozenset, set), _set)
    c.register_unstructure_hook_func(_origin_is(dict), _dict)

    # Fields added after documents were published (metadata ``omit_if_default``) are written
    # only when set, so older documents and the library's digests keep their bytes.
    def _omits(cls: Any) -> bool:
        return attrs.has(cls) and any(f.metadata.get("omit_if_default")
                                      for f in attrs.fields(cls))

    def _omitting(cls: Any) -> Any:
        overrides: dict[str, Any] = {
            f.name: override(omit_if_default=True)
            for f in attrs.fields(cls) if f.metadata.get("omit_if_default")}
        return make_dict_unstructure_fn(cls, c, **overrides)

    c.register_unstructure_hook_factory(_omits, _omitting)
    return c


converter = _make_converter()


def unstructure(obj: Any) -> Any:
    """JSON-ready data for an entity (or any value the model uses)."""
    return converter.unstructure(obj)
