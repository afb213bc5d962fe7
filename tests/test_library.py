"""The named instance library: every entry still generates its published data."""

from __future__ import annotations

import attrs
import pytest

from cus_match.errors import InvalidOptionError
from cus_match.generate.library import LIBRARY, LibraryError, digest, load


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_entry_matches_its_published_digest(name):
    inst = load(name)
    assert inst.name == name
    assert digest(inst) == LIBRARY[name].sha256


def test_a_changed_generator_is_detected_not_served():
    entry = attrs.evolve(LIBRARY["cus-tiny-1"], seed=2)
    LIBRARY["cus-tiny-1"], old = entry, LIBRARY["cus-tiny-1"]
    try:
        with pytest.raises(LibraryError, match="no longer matches"):
            load("cus-tiny-1")
    finally:
        LIBRARY["cus-tiny-1"] = old


def test_unknown_name():
    with pytest.raises(InvalidOptionError, match="cus-rural-1"):
        load("rural")
