"""The compatibility graph: which helper may serve which occurrence, when, and why not.

Building it applies every hard rule that does not depend on the rest of the plan (H1-H3, H5-H10,
skills, languages, travel, absences, common time windows). Candidate search is pruned by travel
first: an inverted index from places to the helpers who can reach them, so the work grows with
the number of *nearby* pairs, not helpers x needs. Helpers beyond travel reach of a need are
counted as ``too_far`` without further checks.

The solvers read the arrays; users can inspect :meth:`Compat.graph`, a networkx graph with one
node per helper and per occurrence, and edge attributes for the soft terms.

Examples
--------
>>> from cus_match.generate import generate
>>> c = build_compat(generate("tiny", seed=1))
>>> g = c.graph()
>>> sorted({d["kind"] for _, d in g.nodes(data=True)})
['helper', 'occurrence']
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

import networkx as nx
from attrs import field, frozen

from cus_match.eligibility import (
    date_profile,
    date_reasons,
    dated_reasons,
    outside_ipus,
    pair_ok,
    pair_reasons,
    referral_reason,
    travel_for,
)
from cus_match.instance import Instance
from cus_match.model import Helper, Need, TravelMode
from cus_match.occurrences import (
    Interval,
    Occurrence,
    expand,
    formal_visits,
    helper_windows,
)
from cus_match.reasons import Reason
from cus_match.result import Covered, Referral

__all__ = ["Candidate", "Compat", "build_compat", "starts_in"]


@frozen
class Candidate:
    """An eligible (occurrence, helper) pair and its soft terms.

    ``starts`` are the start times (absolute minutes, on the policy's grid) at which the helper's
    availability holds the whole visit.
    """

    occ: int
    helper: str
    travel: float
    mode: TravelMode
    continuity: bool
    locality: bool
    starts: tuple[int, ...]


def starts_in(windows: Iterable[Interval], duration: int, step: int) -> list[int]:
    """Grid start times (every ``step`` minutes from each window's start) that fit a visit."""
    out: set[int] = set()
    for ws, we in windows:
        out.update(range(ws, we - duration + 1, step))
    return sorted(out)


@frozen
class Compat:
    """Eligible pairs per occurrence, and the occurrences' other fates.

    Attributes
    ----------
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
    """

    inst: Instance
    occurrences: list[Occurrence]
    candidates: list[list[Candidate]]
    starts: list[list[int]]
    referrals: list[Referral]
    covered: list[Covered]
    outside_ipus: list[Occurrence]
    _reach: dict[str, list[Helper]]
    _static: dict[str, dict[str, list[Reason]]] = field(factory=dict, eq=False, repr=False)

    def exclusions(self, i: int) -> tuple[Counter[Reason], list[tuple[float, str, Reason]]]:
        """Why helpers are not candidates for occurrence ``i``.

        Returns the helpers excluded per reason (a helper counts under each of its reasons;
        helpers beyond travel reach count as ``too_far`` only), and the helpers excluded by a
        single reason as (travel minutes, helper, reason), nearest first. Computed on demand:
        only unmet occurrences need it.
        """
        inst = self.inst
        occ = self.occurrences[i]
        need = inst.need(occ.need)
        place = inst.need_place(need)
        near = self._reach.get(place, [])
        counts: Counter[Reason] = Counter()
        if len(inst.helpers) > len(near):
            counts[Reason.TOO_FAR] = len(inst.helpers) - len(near)
        chosen = {c.helper for c in self.candidates[i]}
        if need.id not in self._static:  # shared by the need's occurrences
            self._static[need.id] = {h.id: pair_reasons(inst, h, need) for h in near}
        static = self._static[need.id]
        one: list[tuple[float, str, Reason]] = []
        for h in near:
            if h.id in chosen:
                continue
            rs = static[h.id] or date_reasons(inst, h, need, occ.date) or [
                Reason.NO_COMMON_TIME]
            counts.update(rs)
            if len(rs) == 1:
                t = inst.travel.best(h.home, place, h.modes)
                one.append((t[0] if t else float("inf"), h.id, rs[0]))
        return counts, sorted(one, key=lambda x: (x[0], x[1], x[2].value))

    def graph(self) -> nx.Graph:
        """A networkx graph of eligible pairs, for users to inspect.

        Nodes are ``("helper", id)`` and ``("occurrence", need, date)``; edges carry travel,
        mode, continuity, locality and the number of possible start times.
        """
        g = nx.Graph()
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


def _reach(inst: Instance) -> dict[str, list[Helper]]:
    """Place id -> helpers who can reach it within their travel limit (by any of their modes)."""
    index: dict[str, list[Helper]] = defaultdict(list)
    for h in sorted(inst.helpers, key=lambda h: h.id):
        for p in inst.places:
            t = inst.travel.best(h.home, p.id, h.modes)
            if t is not None and t[0] <= h.max_travel_minutes:
                index[p.id].append(h)
    return index


def _covering_service(inst: Instance, need: Need, occ: Occurrence,
                      formal: dict[str, list]) -> str | None:  # type: ignore[type-arg]
    if need.resident is None:
        return None
    for v in formal.get(need.resident, []):
        if v.date == occ.date and need.category in inst.service(v.service).covered_categories \
                and any(v.start < we and ws < v.end for ws, we in occ.windows):
            return v.service
    return None


def _fitting_starts(occ_starts: list[int], windows: list[Interval], duration: int) -> list[int]:
    out: list[int] = []
    for a, b in windows:
        lo = bisect.bisect_left(occ_starts, a)
        hi = bisect.bisect_right(occ_starts, b - duration)
        out.extend(occ_starts[lo:hi])
    return sorted(set(out)) if len(windows) > 1 else out


def build_compat(inst: Instance) -> Compat:
    """Build the compatibility structure of ``inst`` (deterministic: sorted everywhere)."""
    step = inst.policy.time_step_minutes
    formal = formal_visits(inst)
    reach = _reach(inst)
    occurrences: list[Occurrence] = []
    candidates: list[list[Candidate]] = []
    starts: list[list[int]] = []
    referrals: list[Referral] = []
    covered: list[Covered] = []
    outside: list[Occurrence] = []
    windows_cache: dict[tuple[str, date], list[Interval]] = {}
    dated_cache: dict[tuple[str, bool, frozenset[str], date], bool] = {}
    # Agreements exclude most pairs: index helpers by agreed category before any other check.
    agreed: dict[str, set[str]] = defaultdict(set)
    for h in inst.helpers:
        for cat in h.agreement.categories if h.agreement is not None else ():
            agreed[cat].add(h.id)
    for need in sorted(inst.needs, key=lambda n: n.id):
        why = referral_reason(inst, need)
        if why is not None:
            referrals.append(Referral(need.id, why, why.text("en")))
            continue
        place = inst.need_place(need)
        allowed = agreed[need.category]
        ok = [h for h in reach.get(place, []) if h.id in allowed and pair_ok(inst, h, need)]
        travel = {h.id: travel_for(inst, h, need) for h in ok}
        profile = {h.id: date_profile(inst, h, need) for h in ok}
        res = inst.resident(need.resident) if need.resident is not None else None
        busy = formal.get(need.resident, []) if need.resident is not None else []
        for occ in expand(inst, [need]):
            svc = _covering_service(inst, need, occ, formal)
            if svc is not None:
                covered.append(Covered(need.id, occ.date, svc))
                continue
            if outside_ipus(need, occ.date):
                outside.append(occ)
                continue
            occ_starts = [s for s in starts_in(occ.windows, occ.duration, step)
                          if not any(v.start < s + occ.duration and s < v.end for v in busy)]
            cands: list[Candidate] = []
            for h in ok:
                cp, creds = profile[h.id]
                key = (h.id, cp, creds, occ.date)
                if key not in dated_cache:
                    dated_cache[key] = not dated_reasons(h, cp, creds, occ.date)
                if not dated_cache[key]:
                    continue
                wkey = (h.id, occ.date)
                if wkey not in windows_cache:
                    windows_cache[wkey] = helper_windows(inst, h, occ.date)
                hs = _fitting_starts(occ_starts, windows_cache[wkey], occ.duration)
                if not hs:
                    continue
                minutes, mode = travel[h.id]  # type: ignore[misc]
                cont = res is not None and h.id in res.previous_helpers
                cands.append(Candidate(len(occurrences), h.id, minutes, mode, cont,
                                       h.home == place, tuple(hs)))
            cands.sort(key=lambda c: (not c.continuity, not c.locality, c.travel, c.helper))
            occurrences.append(occ)
            candidates.append(cands)
            starts.append(occ_starts)
    return Compat(inst, occurrences, candidates, starts, referrals, covered, outside, reach)
