"""The bundled demo instance: one synthetic week in Gmina Bukowsko.

The demo is an ordinary generated instance, stored as ``cus_match/generate/data/demo_rural.json``
so that ``cus-match demo``, the spreadsheet template and the doctests load it in milliseconds and
never depend on the generator's speed. :func:`build_demo` makes it afresh; after an intended
change to the generator, write it over the bundled file with
``cus-match generate --demo -o src/cus_match/generate/data/demo_rural.json``.

Examples
--------
>>> DEMO_OPTIONS["profile"], DEMO_OPTIONS["weeks"]
('rural', 1)
>>> demo_instance().policy.period.days
7
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import attrs

from cus_match.generate.builder import generate
from cus_match.model.instance import Instance

__all__ = ["DEMO_NAME", "DEMO_OPTIONS", "build_demo", "demo_instance"]

#: The arguments the bundled demo (``cus_match/generate/data/demo_rural.json``) is generated with.
DEMO_OPTIONS: dict[str, Any] = {"profile": "rural", "seed": 2027, "weeks": 1, "scale": 0.4}
#: The bundled demo's instance name.
DEMO_NAME = "Gmina Bukowsko (synthetic demo)"

_DEMO_FILE = "demo_rural.json"


@cache
def demo_instance() -> Instance:
    """The bundled demo: a small synthetic week in Gmina Bukowsko.

    It is ``generate(**DEMO_OPTIONS)`` named :data:`DEMO_NAME`, stored as
    ``cus_match/generate/data/demo_rural.json`` (a test keeps the file and the generator in step).

    Returns
    -------
    Instance
        Loaded with :func:`cus_match.io.json_format.load_instance`.

    Examples
    --------
    >>> demo = demo_instance()
    >>> demo.name
    'Gmina Bukowsko (synthetic demo)'
    >>> 12 <= len(demo.helpers) <= 20 and 30 <= len(demo.needs) <= 50
    True
    """
    from cus_match.io.json_format import load_instance

    ref = resources.files("cus_match.generate.data").joinpath(_DEMO_FILE)
    with resources.as_file(ref) as path:
        return load_instance(path)


def build_demo() -> Instance:
    """Generate the demo afresh: ``generate(**DEMO_OPTIONS)`` named :data:`DEMO_NAME`.

    Returns
    -------
    Instance
        Equal to :func:`demo_instance` as long as the bundled file is up to date.

    Examples
    --------
    >>> build_demo() == demo_instance()
    True
    """
    return attrs.evolve(generate(**DEMO_OPTIONS), name=DEMO_NAME)
