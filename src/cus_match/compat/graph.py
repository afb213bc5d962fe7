"""The compatibility graph: which helper may serve which occurrence, when, and why not.

:func:`build_compat` walks the needs in id order and asks :mod:`cus_match.compat.tables` for the
eligible helpers of each occurrence; this module makes the records the solvers read of them
(:class:`Candidate`, :class:`Compat`) and the views users inspect: :meth:`Compat.graph`, a
networkx graph with one node per helper and per occurrence and edge attributes for the soft
terms, and :meth:`Compat.components`, the parts that can be solved apart.

Examples
--------
>>> from cus_match.generate import generate
>>> c = build_compat(generate("tiny", seed=1))
>>> g = c.graph()
>>> sorted({d["kind"] for _, d in g.nodes(data=True)})
['helper', 'occurrence']
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import date
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np
from attrs import field, frozen

from cus_match.compat.tables import (
    FitsCache,
    HelperTables,
    NeedExclusions,
    candidate_columns,
    covering_service,
    start_grid,
)
from cus_match.model import Need, TravelMode
from cus_match.model.eligibility import outside_ipus, required_qualifications
from cus_match.model.instance import Instance
from cus_match.model.occurrences import FormalVisit, Occurrence, formal_visits
from cus_match.plan.result import Covered, Referral
from cus_match.reasons import Reason

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["UNTIL_CHECK_EVERY", "Candidate", "Compat", "build_compat", "need_candidates",
           "referral_detail"]


@frozen
class Candidate:
    """An eligible (occurrence, helper) pair and its soft terms.

    Attributes
    ----------
    occ : int
        The occurrence's index in :attr:`Compat.occurrences`.
    helper : str
        The helper's id.
    travel : float
        Minutes from the helper's home to the need's place by ``mode``.
    mode : TravelMode
        The fastest of the helper's modes (or the need's required mode).
    continuity : bool
        The helper served the resident before.
    locality : bool
        The helper lives at the need's place.
    starts : tuple of int
        The start times (absolute minutes, on the policy's grid) at which the helper's
        availability holds the whole visit; candidates with the same availability share one
        tuple.
    """

    occ: int
    helper: str
    travel: float
    mode: TravelMode
    continuity: bool
    locality: bool
    starts: tuple[int, ...]


class _Derived:
    """What a :class:`Compat` works out from its instance on demand, kept for the next call.

    The helper tables (built by :func:`build_compat` anyway, made on first use for a Compat made
    by hand) and, per need, what the exclusions of its occurrences share. Tied to one instance:
    a Compat given another instance (``attrs.evolve(c, inst=...)``) starts afresh. Two threads
    asking at once may both compute an entry; each gets a correct one.
    """

    __slots__ = ("_state",)

    def __init__(self, tables: HelperTables | None = None) -> None:
        # One slot for both, replaced at once: a reader never pairs the tables of one
        # instance with the exclusions of another.
        self._state: tuple[HelperTables | None, dict[str, NeedExclusions]] = (tables, {})

    def exclusions(self, inst: Instance, need: Need) -> NeedExclusions:
        tables, excluded = self._state
        if tables is None or tables.inst is not inst:
            tables, excluded = self._state = (HelperTables(inst), {})
        got = excluded.get(need.id)
        if got is None:
            got = excluded[need.id] = NeedExclusions(tables, need)
        return got


@frozen
class Compat:
    """Eligible pairs per occurrence, and the occurrences' other fates.

    Immutable, not merely frozen: the fields are set once, by :func:`build_compat` (or by
    hand), and their lists are the solvers' to read, never to change (they are not copied: a
    city has millions of candidates). What :meth:`exclusions` needs besides them, the helper
    tables and what the occurrences of one need share, is derived from the instance alone, so
    it lives in a private cache object that fills on first use and takes no part in equality
    or ``repr``: nothing observable changes, and a plan pays for no explanation it does not ask
    for. ``attrs.evolve`` hands the cache on; given another instance, it starts afresh.

    Attributes
    ----------
    inst : Instance
        The instance.
    occurrences : list of Occurrence
        Occurrences that need helpers (not referred, covered or outside their IPUS).
    candidates : list of list of Candidate
        Per occurrence, its eligible helpers, best first (continuity, locality, travel, id).
    starts : list of list of int
        Per occurrence, grid start times inside the need's windows when its resident has no
        formal visit.
    referrals, covered, outside_ipus
        Needs referred to formal services, occurrences met by formal services, occurrences
        outside their IPUS.
    unexamined : list of Occurrence
        Occurrences wanting helpers whose candidates were not worked out: the build reached
        its ``until`` time first (:func:`build_compat`). Empty for a whole build.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> by_hand = Compat(c.inst, c.occurrences, c.candidates, c.starts, c.referrals, c.covered,
    ...                  c.outside_ipus)
    >>> by_hand == c, by_hand.exclusions(0) == c.exclusions(0)
    (True, True)
    """

    inst: Instance
    occurrences: list[Occurrence]
    candidates: list[list[Candidate]]
    starts: list[list[int]]
    referrals: list[Referral]
    covered: list[Covered]
    outside_ipus: list[Occurrence]
    unexamined: list[Occurrence] = field(factory=list)
    _derived: _Derived = field(factory=_Derived, eq=False, repr=False)

    def exclusions(self, i: int) -> tuple[Counter[Reason], list[tuple[float, str, Reason]]]:
        """Why helpers are not candidates for occurrence ``i``.

        Returns the helpers excluded per reason (every helper is evaluated on every constraint
        of one assignment and counts under each it fails), and the helpers failing exactly one
        as (travel minutes, helper, reason), easiest fix first, then nearest
        (:meth:`NeedExclusions.on <cus_match.compat.tables.NeedExclusions.on>`). Computed on
        demand: only unmet occurrences need it.
        """
        occ = self.occurrences[i]
        return self.need_exclusions(i).on(occ.date, (c.helper for c in self.candidates[i]))

    def need_exclusions(self, i: int) -> NeedExclusions:
        """What the exclusions of occurrence ``i``'s need share (made once per need)."""
        return self._derived.exclusions(self.inst, self.inst.need(self.occurrences[i].need))

    def graph(self) -> nx.Graph[tuple[object, ...]]:
        """A networkx graph of eligible pairs, for users to inspect.

        Nodes are ``("helper", id)`` and ``("occurrence", need, date)``; edges carry travel,
        mode, continuity, locality and the number of possible start times.
        """
        # networkx costs ~0.2 s to import; solving never needs it, only this view for users.
        import networkx as nx

        g: nx.Graph[tuple[object, ...]] = nx.Graph()
        for h in self.inst.helpers:
            g.add_node(("helper", h.id), kind="helper", home=h.home)
        for i, o in enumerate(self.occurrences):
            node = ("occurrence", o.need, o.date)
            g.add_node(node, kind="occurrence", need=o.need, date=o.date)
            for c in self.candidates[i]:
                g.add_edge(("helper", c.helper), node, travel=c.travel, mode=c.mode.value,
                           continuity=c.continuity, locality=c.locality, starts=len(c.starts))
        return g

    def components(self) -> list[list[int]]:
        """Occurrence indices in groups that share no helper, resident or PUS-limited category.

        Each group can be solved on its own; groups come sorted by their first index.
        """
        parent = list(range(len(self.occurrences)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: int, b: int) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        first: dict[tuple[str, str], int] = {}
        for i, o in enumerate(self.occurrences):
            need = self.inst.need(o.need)
            keys = [("h", c.helper) for c in self.candidates[i]]
            if need.resident is not None:
                keys.append(("r", need.resident))
            if self.inst.category(need.category).pus_hours_limit is not None:
                keys.append(("c", need.category))
            for k in keys:
                if k in first:
                    union(first[k], i)
                else:
                    first[k] = i
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.occurrences)):
            groups[find(i)].append(i)
        return sorted(groups.values(), key=lambda g: g[0])


def need_candidates(tables: HelperTables, need: Need, kept: list[tuple[Occurrence, list[int]]],
                    first: int, cache: FitsCache) -> list[list[Candidate]]:
    """Candidates of each of ``kept``, occurrences of ``need`` with their grids.

    Parameters
    ----------
    tables : HelperTables
        The instance's tables.
    need : Need
        A need that is not referred.
    kept : list of (Occurrence, list of int)
        Its occurrences that want helpers, each with its start grid
        (:func:`~cus_match.compat.tables.start_grid`).
    first : int
        The index of the first of them in the :class:`Compat` (``Candidate.occ``).
    cache : FitsCache
        Feasible starts already worked out; filled in place.

    Returns
    -------
    list of list of Candidate
        Per occurrence, its candidates best first (continuity, locality, travel, id).

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.compat.tables import start_grid
    >>> inst = generate("tiny", seed=1)
    >>> tables = HelperTables(inst)
    >>> need = sorted(inst.needs, key=lambda n: n.id)[0]
    >>> kept = [(o, start_grid(o, inst.policy.time_step_minutes, None))
    ...         for o in tables.expand(need)]
    >>> cands = need_candidates(tables, need, kept, 10, {})
    >>> len(cands) == len(kept), {c.occ for c in cands[0]} <= {10}
    (True, True)
    """
    return [list(map(Candidate, repeat(first + j, len(cols[0])), *cols))
            for j, cols in enumerate(candidate_columns(tables, need, kept, cache))]


def referral_detail(inst: Instance, need: Need, why: Reason) -> str:
    """The detail of a referral: the reason's text, and the qualification to look for.

    One wording for :func:`build_compat` and whoever finds referrals without building the
    candidates (the plan sheet's check), so that the two agree.

    Parameters
    ----------
    inst : Instance
        The instance the need belongs to.
    need : Need
        The need referred to formal services.
    why : Reason
        Why, as :func:`~cus_match.model.eligibility.referral_reason` finds it.

    Returns
    -------
    str
        English text (a record's detail; people read :meth:`Reason.text` in their language).

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("rural", seed=1)
    >>> print(referral_detail(inst, inst.need("n-00078"), Reason.NO_QUALIFIED_HELPER))
    no helper who could be matched holds the required qualification: refer to formal services: pjm
    >>> referral_detail(inst, inst.need("n-00078"), Reason.PROFESSIONAL_ONLY)
    'only professionals may meet this need: refer to formal services'
    """
    detail = why.text("en")
    if why is Reason.NO_QUALIFIED_HELPER:  # name the qualification to look for
        detail += ": " + ", ".join(sorted(required_qualifications(inst, need)))
    return detail


#: Needs whose candidates are worked out between two looks at the clock (a city's chunk of
#: 64 needs takes about 0.05 s on a quiet machine).
UNTIL_CHECK_EVERY = 64


def build_compat(inst: Instance, *, until: float | None = None) -> Compat:
    """Build the compatibility structure of ``inst`` (deterministic: sorted everywhere).

    Parameters
    ----------
    inst : Instance
        A validated instance.
    until : float, optional
        A point on the :func:`time.monotonic` clock. Checked every
        :data:`UNTIL_CHECK_EVERY` needs: once it has passed, the candidates of the needs
        left are not worked out, and their occurrences that want helpers are listed in
        :attr:`Compat.unexamined` instead (referrals, formal cover and IPUS periods are still
        sorted out: they cost little). ``None``: the whole build, however long it takes.

    Returns
    -------
    Compat
        Its occurrences in need order, with their candidates and start grids, and the
        occurrences met otherwise (referred, covered by formal services, outside their IPUS)
        or not examined in time.

    Notes
    -----
    It leaves the garbage collector alone (it used to switch it off while it ran: a process-wide
    effect, wrong for a server building in several threads); ``benchmarks/compat_build.py``
    measures what that costs.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> all(x.occ == i for i, cs in enumerate(c.candidates) for x in cs)
    True
    >>> late = build_compat(generate("tiny", seed=1), until=0.0)  # the clock passed long ago
    >>> late.occurrences, len(late.unexamined) == len(c.occurrences)
    ([], True)
    """
    tables = HelperTables(inst)
    step = inst.policy.time_step_minutes
    formal = formal_visits(inst)
    formal_on: dict[tuple[str, date], list[FormalVisit]] = defaultdict(list)
    for r, vs in formal.items():
        for v in vs:
            formal_on[(r, v.date)].append(v)
    busy = {r: (np.array([v.start for v in vs], dtype=np.int64),
                np.array([v.end for v in vs], dtype=np.int64)) for r, vs in formal.items()}
    fits: FitsCache = {}
    occurrences: list[Occurrence] = []
    candidates: list[list[Candidate]] = []
    starts: list[list[int]] = []
    referrals: list[Referral] = []
    covered: list[Covered] = []
    outside: list[Occurrence] = []
    unexamined: list[Occurrence] = []
    late = False
    for n, need in enumerate(sorted(inst.needs, key=lambda n: n.id)):
        if until is not None and not late and n % UNTIL_CHECK_EVERY == 0:
            late = time.monotonic() >= until
        why = tables.referral(need)
        if why is not None:
            referrals.append(Referral(need.id, why, referral_detail(inst, need, why)))
            continue
        kept: list[tuple[Occurrence, list[int]]] = []
        for occ in tables.expand(need):
            svc = covering_service(inst, need, occ, formal_on)
            if svc is not None:
                covered.append(Covered(need.id, occ.date, svc))
            elif outside_ipus(need, occ.date):
                outside.append(occ)
            else:
                kept.append((occ, start_grid(occ, step, None if need.resident is None
                                        else busy.get(need.resident))))
        if not kept:
            continue
        if late:
            unexamined.extend(occ for occ, _grid in kept)
            continue
        for (occ, grid), cands in zip(
                kept, need_candidates(tables, need, kept, len(occurrences), fits), strict=True):
            occurrences.append(occ)
            starts.append(grid)
            candidates.append(cands)
    return Compat(inst, occurrences, candidates, starts, referrals, covered, outside,
                  unexamined, _Derived(tables))
