"""Residents: pseudonymous people with needs.

A resident is an id and a home place; no name, address or diagnosis is needed or stored. Reports
may show names only from a separate names file the coordinator supplies.

Examples
--------
>>> Resident("r-017", home="nadolany", vetoes=["h3"]).vetoes
frozenset({'h3'})
"""

from __future__ import annotations

from attrs import field, frozen

from cus_match.model.validators import check_id, check_ids, check_opt_id, to_frozenset

__all__ = ["Resident"]


@frozen
class Resident:
    """A resident of the gmina who has one or more needs.

    Parameters
    ----------
    id : str
        Pseudonymous id (never a name or PESEL).
    home : str
        Id of the place the resident lives in.
    languages : set of str
        Languages the resident speaks; when given, a helper must share one.
    vetoes : set of str
        Helpers the resident refuses (H8).
    previous_helpers : set of str
        Helpers who helped before; the matcher prefers them (continuity).
    accepted_neighbours : set of str
        Neighbour-service providers the resident accepted (H7).
    household : str, optional
        Id of the resident's household; a helper with the same ``household`` shares it (and may
        not serve the resident as a neighbour-service provider, H7).
    """

    id: str = field(validator=check_id)
    home: str = field(validator=check_id)
    languages: frozenset[str] = field(factory=frozenset, converter=to_frozenset)
    vetoes: frozenset[str] = field(factory=frozenset, converter=to_frozenset, validator=check_ids)
    previous_helpers: frozenset[str] = field(factory=frozenset, converter=to_frozenset,
                                             validator=check_ids)
    accepted_neighbours: frozenset[str] = field(factory=frozenset, converter=to_frozenset,
                                                validator=check_ids)
    household: str | None = field(default=None, validator=check_opt_id,
                                  metadata={"omit_if_default": True})
