"""Named, versioned benchmark instances that researchers can cite.

Each entry is a recipe for :func:`cus_match.generate.generate` plus the SHA-256 of the
instance's JSON text (:func:`cus_match.io.json_format.dumps_instance`, compact). The hash is
checked on every load: if a change to the generator alters an instance, loading it fails
instead of silently giving other data under the same name — the generator change must then
publish the new data under a new version (``cus-rural-1`` becomes ``cus-rural-2``) and keep
the old entry loadable from its JSON file. Cite an instance as ``cus_match <name>`` with its
hash; write it out with ``cus-match generate --library NAME`` to share the exact file.

Examples
--------
>>> sorted(LIBRARY)[:3]
['cus-city-1', 'cus-rural-1', 'cus-rural-2x-1']
>>> LIBRARY["cus-rural-1"].describe()
'cus-rural-1: rural profile, seed 1, 2 week(s) from 2026-03-23, scale 1'
>>> load("cus-tiny-1").name
'cus-tiny-1'
"""

from __future__ import annotations

from datetime import date

import attrs
from attrs import frozen

from cus_match.errors import CusMatchError, InvalidOptionError
from cus_match.generate import DEFAULT_START, PROFILES, generate
from cus_match.io.json_format import instance_digest
from cus_match.model.instance import Instance

__all__ = ["LIBRARY", "LibraryEntry", "LibraryError", "digest", "load"]


@frozen
class LibraryEntry:
    """A named instance: how to generate it and the digest it must have."""

    name: str
    profile: str
    seed: int
    sha256: str
    weeks: int | None = None
    scale: float = 1.0
    start: date = DEFAULT_START

    def describe(self) -> str:
        """One line: the recipe."""
        weeks = self.weeks or PROFILES[self.profile].default_weeks
        return (f"{self.name}: {self.profile} profile, seed {self.seed}, {weeks} week(s) from "
                f"{self.start.isoformat()}, scale {self.scale:g}")

    def build(self) -> Instance:
        """Generate the instance (named after the entry) without checking its digest."""
        inst = generate(self.profile, seed=self.seed, start=self.start, weeks=self.weeks,
                        scale=self.scale)
        return attrs.evolve(inst, name=self.name)


def digest(inst: Instance) -> str:
    """SHA-256 of the instance's canonical JSON: the digest results record for their instance.

    The same function as :func:`cus_match.io.json_format.instance_digest`, so that a library
    instance, a study record and a plan made for it name the instance alike.

    Examples
    --------
    >>> len(digest(load("cus-tiny-1")))
    64
    """
    return instance_digest(inst)


_ENTRIES = [
    LibraryEntry("cus-tiny-1", "tiny", 1,
                 "b2eb2d2627b9d60c35ecd4dacb3f566590dba61cb54b903b96ae0042d26a1d1d"),
    LibraryEntry("cus-rural-1", "rural", 1,
                 "43035e1857f8bfa5d89c33ff3e54892fa3e4c0219af386332fabb5579b38789f"),
    LibraryEntry("cus-rural-2x-1", "rural", 1,
                 "9aa10aab19248439b888f7e03a68999bb0f06d18b687356d8888b0dda49549d7", scale=2.0),
    LibraryEntry("cus-town-1", "town", 1,
                 "2a36f1744a300af18cdfad6afcb4c29d968863b477ea712e5085fea90bb0d701"),
    LibraryEntry("cus-city-1", "city", 1,
                 "51069d628632a73d40743697ea2d0f89ffe920af39c7a41b4c50ccc77a5bea47"),
]

LIBRARY: dict[str, LibraryEntry] = {e.name: e for e in _ENTRIES}


class LibraryError(CusMatchError):
    """A library instance does not match its published digest."""


def load(name: str) -> Instance:
    """The library instance ``name``, checked against its digest.

    Raises
    ------
    InvalidOptionError
        For an unknown name.
    LibraryError
        When the generator no longer produces the published data.
    """
    if name not in LIBRARY:
        raise InvalidOptionError(f"unknown library instance {name!r}; choose one of: "
                                 f"{', '.join(sorted(LIBRARY))}")
    entry = LIBRARY[name]
    inst = entry.build()
    got = digest(inst)
    if got != entry.sha256:
        raise LibraryError(f"library instance {name!r} no longer matches its published data "
                           f"(sha256 {got[:12]}..., expected {entry.sha256[:12]}...): the "
                           f"generator changed; publish it under a new version")
    return inst
