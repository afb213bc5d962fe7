"""Eligible pairs: which helper may serve which occurrence, when, and why not.

Two modules, the lower first: :mod:`~cus_match.compat.tables` applies the constraints to whole
columns of helpers with numpy (:class:`HelperTables`), :mod:`~cus_match.compat.graph` makes the
records the solvers read (:class:`Candidate`, :class:`Compat`, :func:`build_compat`). The names
other modules use are re-exported here.

Examples
--------
>>> from cus_match.generate import generate
>>> c = build_compat(generate("tiny", seed=1))
>>> len(c.candidates) == len(c.occurrences) == len(c.starts)
True
"""

from cus_match.compat.graph import (
    Candidate,
    Compat,
    build_compat,
    need_candidates,
    referral_detail,
)
from cus_match.compat.tables import HelperTables, covering_service, start_grid, starts_in

__all__ = ["Candidate", "Compat", "HelperTables", "build_compat", "covering_service",
           "need_candidates", "referral_detail", "start_grid", "starts_in"]
