"""Named, versioned benchmark instances that researchers can cite.

Each entry is a recipe for :func:`cus_match.generate.generate` plus the SHA-256 of the
instance's JSON text (:func:`cus_match.io.json_format.dumps_instance`, compact). The hash is
checked on every load: if a change to the generator alters an instance, loading it fails
instead of silently giving other data under the same name — the generator change must then
publish the new data under a new version (``cus-rural-1`` becomes ``cus-rural-2``) and keep
the old entry loadable from its JSON file. Cite an instance as ``cus_match <name>`` with its
hash; write it out with ``cus-match library NAME`` to share the exact file.

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

import hashlib
from datetime import date

import attrs
from attrs import frozen

from cus_match.errors import CusMatchError, InvalidOptionError
from cus_match.generate import DEFAULT_START, PROFILES, generate
from cus_match.io.json_format import dumps_instance
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
    """SHA-256 of the instance's compact JSON text.

    Examples
    --------
    >>> len(digest(load("cus-tiny-1")))
    64
    """
    return hashlib.sha256(dumps_instance(inst, indent=None).encode()).hexdigest()


_ENTRIES = [
    LibraryEntry("cus-tiny-1", "tiny", 1,
                 "734b5eb980d35a062e31363e9b1da360aa5b9c22200f05e64da27a4bd1c9692f"),
    LibraryEntry("cus-rural-1", "rural", 1,
                 "b80c8731a5a6bda158637464b5340092f678f8553cc8c3c37598f74efff94ea9"),
    LibraryEntry("cus-rural-2x-1", "rural", 1,
                 "33075f0bd92afb6e02a63deebfc324347bbc9c6351f159b0575050fa56197bbf", scale=2.0),
    LibraryEntry("cus-town-1", "town", 1,
                 "0ec49d3f0da9412466c0f46b9205dfc3288e9824bcde5cd0d9567f2ea8113623"),
    LibraryEntry("cus-city-1", "city", 1,
                 "a8d3512d95e61c7b3d45641ed40d9fcf0d9cbae886c02ba199df7c026d3e1e75"),
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
