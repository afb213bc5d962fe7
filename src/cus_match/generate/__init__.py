"""Seeded synthetic instances: a tiny doctest world, a mountain gmina, a town and a city.

The same arguments always give an equal :class:`~cus_match.model.instance.Instance` and the same
JSON bytes. The package holds three concepts, re-exported here:

- :mod:`~cus_match.generate.profiles`: :class:`Profile`, :data:`PROFILES` and the geography,
  people and needs the profiles are drawn from (each number is explained in
  ``docs/generator.md``);
- :mod:`~cus_match.generate.builder`: :func:`generate`, which builds an instance from a profile
  and a seed;
- :mod:`~cus_match.generate.demo`: the bundled demo, :func:`demo_instance`.

:func:`national_sample` draws gminas of each kind (rural, urban-rural, urban) in the proportions
of the published counts of Polish gminas, for studies that should stand for the whole country.

:mod:`~cus_match.generate.library` names and pins instances that researchers can cite.

Residents are pseudonymous ids (``r-00017``) with a home place; nothing about them is real.
Helpers get synthetic display names (a common first name and a surname initial).

Examples
--------
>>> inst = generate("rural", seed=3, weeks=1, scale=0.5)
>>> sum(p.kind == "village" for p in inst.places) >= 15, bool(inst.travel_edges)
(True, True)
>>> generate("village")
Traceback (most recent call last):
...
cus_match.errors.InvalidOptionError: unknown profile 'village'; valid profiles: 'tiny', ...
"""

from cus_match.generate.builder import DEFAULT_START, generate
from cus_match.generate.demo import DEMO_NAME, DEMO_OPTIONS, build_demo, demo_instance
from cus_match.generate.profiles import PROFILES, Profile, SampleGmina, national_sample

__all__ = [
    "DEFAULT_START",
    "DEMO_NAME",
    "DEMO_OPTIONS",
    "PROFILES",
    "Profile",
    "SampleGmina",
    "build_demo",
    "demo_instance",
    "generate",
    "national_sample",
]
