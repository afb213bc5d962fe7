"""A Lagrangian bound for components too large for the time-indexed model (the city's).

The relaxation keeps what the LP without start times (:mod:`.relaxation`) loses on the
helpers' side: start times, and each helper's day as a sequence of visits with travel between
them (the resident's side keeps the LP's resident-day minutes). It dualises the one
constraint that ties helpers to visits, "``k_i`` helpers serve visit ``i`` if it is met" (per
visit: ``sum_{c,t} z_ict = k_i y_i``), and the weekly hour caps; what is left falls apart
into small problems solved exactly:

* per helper and day, the heaviest *chain* of (visit, start) pairs the helper can take one
  after the other, travel included (a longest path in a DAG ordered by time, over the
  helper-start columns of the time-indexed model);
* per visit, met or not; per resident and day, the visits' minutes within the union of
  their windows (a fractional knapsack, as in the LP without start times).

Relaxed on the way (each only enlarges the feasible set, so the value stays an upper bound):
the travel before a visit is the least travel into its place from any place of the helper's
visits that day (not from the one visited just before); a chain may take a visit twice;
required visits may be left unmet; distinct residents per helper, PUS hours, adult-in-team and
visits ``fixed`` elsewhere are dropped. For any multipliers (``mu >= 0`` on the caps) the
Lagrangian function is therefore a proven upper bound, so the method is *anytime*: the
multipliers come from column generation over helper-day chains (the master LP's duals; see
:func:`_column_generation`), and the least value of the rounds so far is returned when the
deadline comes. The values of the stages are integers, so the bound is rounded down. Start
times are not tied between the helpers of a two-helper team, nor to the resident's other
visits (the time-indexed model ties them: it stays the tighter bound where it fits).

The first multipliers are the duals of the LP as a flow with each helper-day held to its
longest chain in minutes (:func:`chain_minutes`, a cut the chains imply and the LP lacks), and
the caller's (the plain LP's or flow's); column generation follows where the time left pays
for it (:data:`_ROUNDS_TO_PAY`). Measured on town and city seed 1 in ``benchmarks/README.md``
(2026-12-03, third and fourth sessions).
"""

from __future__ import annotations

import math
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import frozen

from cus_match.clock import iso_week
from cus_match.compat import Candidate, Compat
from cus_match.optimise.options import Deadline
from cus_match.optimise.rules import Linear, Stage
from cus_match.optimise.solvers.method import value_minutes
from cus_match.optimise.solvers.relaxation import Duals, flow_relaxation

__all__ = ["DEFAULT_ROUNDS", "MAX_COLUMNS", "LagrangianBound", "chain_minutes", "lagrangian_bound"]

#: Rounds of column generation when neither a deadline nor a count is given (and in
#: deterministic mode, where the bound must not depend on the machine's speed). Town seed 1
#: converges in 11.
DEFAULT_ROUNDS = 30

#: The most helper-start columns a problem is built with (read on each call, so a test may
#: lower it): each costs about 106 bytes at the build's peak (city 2x, 24.1 M columns:
#: 2.55 GB; the city 4x has about four times as many, and peaked at 14 GB), so this keeps
#: the chains within about 4 GB; a larger component gets its bound from the LP alone.
MAX_COLUMNS = 40_000_000
#: Seconds per column the arrays take to build once the visits are read (city 2x: 16.6 s for
#: 24.1 M columns at load 2), with a margin for a first round: a build the time left cannot
#: cover is not begun. Without the margin (0.7e-6) the city 2x at 120 s built its arrays
#: (peak 3.7 GB against 1.4 GB) and got no tighter bound from them (33,348.75 both ways).
_SECONDS_PER_COLUMN = 1e-6

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
#: The Lagrangian's multipliers: per visit (team rows), per binding weekly cap, per pair.
Multipliers = tuple[FloatArray, FloatArray, FloatArray]

#: Master rounds column generation is given at least, measured by the last round's cost:
#: fewer are not begun (with a deadline). From any start, the master's duals price above the
#: start for the first 7-10 rounds (town seed 1, 2026-12-03, fourth session: from the flow's
#: duals 1696.75 hours, then 4559.95, ..., 1731.03, and 1669.92 at the tenth), so fewer rounds
#: only spend time; the city's rounds cost 0.8-2.3 s and more as columns pile up (its third
#: session's 8-17 s under load), so there the starts' bound is kept and the time goes back.
_ROUNDS_TO_PAY = 10
#: The held flow (a second flow and a DP pass) is begun only if the time left covers this
#: many evaluations at the last one's cost: the city's flow takes 2.9-4.6 s, an evaluation
#: 1.0-1.8 s (seed 1, load 2-5), and the flow's solve does not look at the clock.
_FLOW_EVALUATIONS = 4

#: Slack added before rounding the bound down: float sums of integers over ~1e6 terms err by
#: far less, and the rounding must never cut below the true value.
_ROUND_SLACK = 1e-4


@frozen
class LagrangianBound:
    """What :func:`lagrangian_bound` found.

    Attributes
    ----------
    value : float
        A proven upper bound on the stage's value over the component (an integer, as a float).
    rounds : int
        Rounds of column generation run (each priced a proven bound; ``value`` is the least).
    seconds : float
        Wall seconds, building included.
    columns : int
        Helper-start pairs in the helper chains (the time-indexed model's ``z`` columns).
    flow : float or None
        The LP as a flow with helper-days held to their longest chains (``tighten``; a proven
        bound too, not counted in ``value``), or None where not had.
    """

    value: float
    rounds: int
    seconds: float
    columns: int
    flow: float | None = None


class _Chains:
    """Heaviest chains per group over nodes with a read time and a later write time.

    A node may follow any node of its group whose write time is at most its read time. The
    forward pass runs over the distinct write times, all groups at once: at each, the nodes
    written then raise their group's running best, and the nodes reading then (up to the next
    write time) take it. ``solve`` costs a few numpy passes over the nodes.
    """

    def __init__(self, group: IntArray, read: IntArray, write: IntArray, n_groups: int) -> None:
        self.n, self.n_groups, self.group = len(group), n_groups, group
        times = np.unique(write)
        wslot = np.searchsorted(times, write)
        # The last write time at or before the read: the best chain is the same from there.
        rslot = np.searchsorted(times, read, side="right") - 1
        # Slots are few: a narrow integer type lets numpy sort them by radix.
        small = np.int16 if len(times) < 2**15 - 1 else np.int64
        self.rorder = np.argsort(rslot.astype(small), kind="stable")
        self.rcut = np.searchsorted(rslot[self.rorder], np.arange(-1, len(times) + 1))
        self.worder = np.argsort(wslot * max(n_groups, 1) + group, kind="stable")
        self.wcut = np.searchsorted(wslot[self.worder], np.arange(len(times) + 1))
        # Per write slot: where each group's run starts in the slot's slice.
        gw = group[self.worder]
        self.segs: list[tuple[IntArray, IntArray, IntArray]] = []
        for k in range(len(times)):
            a, b = int(self.wcut[k]), int(self.wcut[k + 1])
            g = gw[a:b]
            starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if b > a else np.zeros(
                0, dtype=np.int64)
            seg_id = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, b - a]))
            self.segs.append((starts, g[starts] if len(starts) else starts, seg_id))

    def solve(self, gain: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        """Per group the heaviest chain's weight (0: empty), and the nodes of those chains."""
        best = np.zeros(self.n_groups)
        last = np.full(self.n_groups, -1, dtype=np.int64)
        val = np.empty(self.n)
        pred = np.full(self.n, -1, dtype=np.int64)
        ro, rc, wo, wc = self.rorder, self.rcut, self.worder, self.wcut
        for k in range(len(self.segs) + 1):
            if k:
                a, b = int(wc[k - 1]), int(wc[k])
                if b > a:
                    starts, groups, seg_id = self.segs[k - 1]
                    nodes = wo[a:b]
                    vals = val[nodes]
                    top = np.maximum.reduceat(vals, starts)
                    better = top > best[groups]
                    if better.any():
                        hit = np.flatnonzero(vals == top[seg_id])
                        first = hit[np.r_[True, seg_id[hit[1:]] != seg_id[hit[:-1]]]]
                        gb = groups[better]
                        best[gb] = top[better]
                        last[gb] = nodes[first[better]]
            a, b = int(rc[k]), int(rc[k + 1])
            if b > a:
                nodes = ro[a:b]
                g = self.group[nodes]
                val[nodes] = best[g] + gain[nodes]
                pred[nodes] = last[g]
        chosen = np.zeros(self.n, dtype=bool)
        front = last[last >= 0]
        while len(front):
            chosen[front] = True
            front = pred[front]
            front = front[front >= 0]
        return best, chosen


def _grouped_max(key: IntArray, gain: FloatArray, n_keys: int
                 ) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Per key (nodes sorted by key), the best positive gain, and the one node taking it."""
    best = np.zeros(n_keys)
    chosen = np.zeros(len(key), dtype=bool)
    if not len(key):
        return best, chosen
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    top = np.maximum.reduceat(gain, starts)
    seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(key)]))
    hit = np.flatnonzero((gain == top[seg]) & (gain > 0))
    if len(hit):
        first = hit[np.r_[True, seg[hit[1:]] != seg[hit[:-1]]]]
        chosen[first] = True
    best[key[starts]] = np.maximum(top, 0.0)
    return best, chosen


def _ints(a: array[int]) -> IntArray:
    """An int64 view of an ``array('q')`` (a copy-free hand-over)."""
    out: IntArray = (np.frombuffer(a, dtype=np.int64) if len(a)
                     else np.zeros(0, dtype=np.int64))
    return out


class _Problem:
    """The nodes of both sides of one component, with what the multipliers act on."""

    def __init__(self, compat: Compat, comp: Sequence[int], stage: Linear | None,
                 deadline: Deadline | None) -> None:
        inst = compat.inst
        helper_ids = sorted({c.helper for i in comp for c in compat.candidates[i]})
        hpos = {h: k for k, h in enumerate(helper_ids)}
        place_ids = sorted(p.id for p in inst.places)
        ppos = {p: k for k, p in enumerate(place_ids)}
        pairs = stage is not None and stage.has_pairs
        visits: list[int] = []
        value: list[float] = []
        team: list[int] = []
        dur: list[int] = []
        day: list[int] = []
        week: list[int] = []
        # Per candidate with starts: its visit, helper, pair coefficient, number of starts, and
        # (where a chain could take the visit twice: starts a visit's length apart) a pair id.
        cv, ch, cn, cid = (array("q") for _ in range(4))
        cpair = array("d")
        z_t = array("q")
        n_pairs = 0
        pair_key: list[tuple[int, str]] = []
        c_first: list[int] = []
        cap = MAX_COLUMNS
        for n, i in enumerate(sorted(comp)):
            if deadline is not None and n % 256 == 0 and deadline.expired():
                raise TimeoutError
            if len(z_t) > cap:
                raise TimeoutError  # too large to build: see MAX_COLUMNS
            o = compat.occurrences[i]
            need = inst.need(o.need)
            k = need.helpers_needed
            cands = compat.candidates[i]
            grid = compat.starts[i]
            if not grid or len(cands) < k:
                continue
            gridset = set(grid)
            memo: dict[int, list[int]] = {}
            per_cand = []
            for c in cands:
                ts = memo.get(id(c.starts))
                if ts is None:
                    ts = memo[id(c.starts)] = sorted(gridset.intersection(c.starts))
                per_cand.append(ts)
            if k > 1:
                count: dict[int, int] = defaultdict(int)
                for ts in per_cand:
                    for t in ts:
                        count[t] += 1
                ok = {t for t, m in count.items() if m >= k}
                per_cand = [[t for t in ts if t in ok] for ts in per_cand]
            if not any(per_cand):
                continue
            v = len(visits)
            visits.append(i)
            c_first.append(len(cv))
            value.append(float(value_minutes(compat, i) if stage is None
                               else stage.visit_coef(compat, i)))
            team.append(k)
            dur.append(o.duration)
            day.append(o.date.toordinal())
            wk = iso_week(o.date)
            week.append(wk[0] * 100 + wk[1])
            for c, ts in zip(cands, per_cand, strict=True):
                if not ts:
                    continue
                cv.append(v)
                ch.append(hpos[c.helper])
                cn.append(len(ts))
                cpair.append(float(stage.pair_coef(compat, c)) if pairs and stage is not None
                             else 0.0)
                if ts[-1] - ts[0] >= o.duration:
                    cid.append(n_pairs)
                    pair_key.append((i, c.helper))
                    n_pairs += 1
                else:
                    cid.append(-1)
                z_t.extend(ts)
        if len(z_t) > cap or (deadline is not None
                               and deadline.left() < _SECONDS_PER_COLUMN * len(z_t)):
            # The arrays below do not look at the clock (numpy, seconds on millions of
            # columns): begun, they would run past the deadline.
            raise TimeoutError
        self.visits = visits
        self.value = np.asarray(value, dtype=np.float64)
        self.team = np.asarray(team, dtype=np.float64)
        counts = _ints(cn)
        # Helper, day and week are the candidate's: group per candidate, then repeat.
        c_v, c_h = _ints(cv), _ints(ch)
        d_of = np.asarray(dur, dtype=np.int64)
        c_day = np.asarray(day, dtype=np.int64)[c_v]
        c_week = np.asarray(week, dtype=np.int64)[c_v]
        z_v = np.repeat(c_v, counts)
        self.z_v, self.z_d = z_v, d_of[z_v].astype(np.float64)
        self.z_pair = np.repeat(np.frombuffer(cpair, dtype=np.float64) if len(cpair)
                                else np.zeros(0), counts)
        self.z_pid, self.n_pairs = np.repeat(_ints(cid), counts), n_pairs
        self.pair_keys = pair_key
        self.columns = len(z_v)
        # Helper-day groups; the travel before a node is the least into its place from any
        # place of the group's visits (0 for a group of one visit: nothing comes before).
        occ_place = np.array([ppos[inst.need_place(inst.need(compat.occurrences[i].need))]
                              for i in visits], dtype=np.int64)
        hd_u, c_hd = np.unique(c_h * 10**7 + c_day, return_inverse=True)
        c_place = occ_place[c_v] if len(c_v) else c_v
        c_gap = self._gaps(compat, helper_ids, place_ids, c_hd, hd_u, c_place, c_v)
        zt = _ints(z_t)
        # What finds a plan's nodes: per visit its first candidate row, per row its helper and
        # where its starts begin.
        self.hpos, self.vpos = hpos, {i: v for v, i in enumerate(visits)}
        self.c_first = np.asarray([*c_first, len(cv)], dtype=np.int64)
        self.c_h, self.z_t = c_h, zt
        self.c_off = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.z_hd = np.repeat(c_hd, counts)
        self.hd_keys = [(helper_ids[int(key) // 10**7], date.fromordinal(int(key) % 10**7))
                        for key in hd_u.tolist()]
        self.chains = _Chains(self.z_hd, zt - np.repeat(c_gap, counts),
                              zt + self.z_d.astype(np.int64), len(hd_u))
        # Weekly caps that can bind get a multiplier.
        hw_u, c_hw = np.unique(c_h * 10**7 + c_week, return_inverse=True)
        caps = np.array([inst.helper(helper_ids[int(key) // 10**7]).effective_weekly_minutes
                         for key in hw_u.tolist()], dtype=np.float64)
        # The most minutes a helper-week could hold: its visits' durations, each once (a
        # visit has one candidate entry per helper).
        most = np.bincount(c_hw, weights=d_of[c_v].astype(np.float64), minlength=len(hw_u))
        binding = caps < most
        cap_index = np.full(len(hw_u), -1, dtype=np.int64)
        cap_index[binding] = np.arange(int(binding.sum()))
        self.z_cap = np.repeat(cap_index[c_hw], counts) if len(c_hw) else c_hw
        self.caps = caps[binding]
        # Resident-days of two visits or more: their visits' minutes fit in the union of their
        # windows (the LP without start times has the same rows).
        by_day: dict[tuple[str, int], list[int]] = defaultdict(list)
        for v, i in enumerate(visits):
            r = inst.need(compat.occurrences[i].need).resident
            if r is not None:
                by_day[(r, day[v])].append(v)
        r_items: list[int] = []
        r_group: list[int] = []
        r_cap: list[float] = []
        for vs in by_day.values():
            if len(vs) < 2:
                continue
            spans = sorted(w for v in vs for w in compat.occurrences[visits[v]].windows)
            covered, end = 0, -1
            for a, b in spans:  # minutes of the union of the windows
                covered += max(0, b - max(a, end)) if b > end else 0
                end = max(end, b)
            if covered >= sum(dur[v] for v in vs):
                continue  # cannot bind
            r_items.extend(vs)
            r_group.extend([len(r_cap)] * len(vs))
            r_cap.append(float(covered))
        self.r_items = np.asarray(r_items, dtype=np.int64)
        self.r_group = np.asarray(r_group, dtype=np.int64)
        self.r_cap = np.asarray(r_cap, dtype=np.float64)
        self.d_of = d_of
        self.r_weight = d_of[self.r_items].astype(np.float64) if len(r_items) else np.zeros(0)
        self.cap_keys = [(helper_ids[int(key) // 10**7], (int(key) % 10**7 // 100,
                                                          int(key) % 100))
                         for key in hw_u[binding].tolist()]

    def nodes_of(self, plan: Mapping[int, tuple[int, Sequence[Candidate]]]) -> IntArray:
        """The helper-start nodes of a plan's visits in this problem (others are skipped)."""
        out: list[int] = []
        for i, (s, team) in sorted(plan.items()):
            v = self.vpos.get(i)
            if v is None:
                continue
            rows = range(int(self.c_first[v]), int(self.c_first[v + 1]))
            for c in team:
                h = self.hpos.get(c.helper)
                for r in rows:
                    if self.c_h[r] == h:
                        a, b = int(self.c_off[r]), int(self.c_off[r + 1])
                        k = a + int(np.searchsorted(self.z_t[a:b], s))
                        if k < b and self.z_t[k] == s:
                            out.append(k)
                        break
        return np.asarray(out, dtype=np.int64)

    @staticmethod
    def _gaps(compat: Compat, helper_ids: list[str], place_ids: list[str], hd: IntArray,
              hd_u: IntArray, z_place: IntArray, z_v: IntArray) -> IntArray:
        """Per node, the least whole minutes of travel into its place within its group."""
        from cus_match.model import TravelMode

        if not len(hd):
            return hd
        inst = compat.inst
        modes = list(TravelMode)
        travel = inst.travel.matrix(place_ids)
        # The checker's test is ``end + travel > next start + 1e-6``: whole minutes.
        gapm = np.where(np.isfinite(travel), np.ceil(travel - 1e-6), 1e9)
        by_modes: dict[tuple[bool, ...], FloatArray] = {}
        n_groups = len(hd_u)
        # Places per group, and the group's visits (a group of one visit needs no gap).
        gp = np.unique(hd * len(place_ids) + z_place)
        g_of, p_of = gp // len(place_ids), gp % len(place_ids)
        gv = np.unique(hd * (int(z_v.max()) + 1) + z_v) // (int(z_v.max()) + 1)
        n_visits = np.bincount(gv, minlength=n_groups)
        into = np.zeros((n_groups, len(place_ids)))
        cut = np.searchsorted(g_of, np.arange(n_groups + 1))
        for g in range(n_groups):
            if n_visits[g] < 2:
                continue
            h = inst.helper(helper_ids[int(hd_u[g]) // 10**7])
            mask = tuple(m in h.modes for m in modes)
            mat = by_modes.get(mask)
            if mat is None:
                sel = gapm[np.array(mask)]
                mat = by_modes[mask] = sel.min(axis=0) if len(sel) else np.full(
                    gapm.shape[1:], 1e9)
            into[g] = mat[p_of[cut[g]:cut[g + 1]]].min(axis=0)
        out: IntArray = into[hd, z_place].astype(np.int64)
        return out


def lagrangian_bound(compat: Compat, comp: Sequence[int], stage: Stage | None = None, *,
                     deadline: Deadline | None = None, rounds: int | None = None,
                     plan: Mapping[int, tuple[int, Sequence[Candidate]]] | None = None,
                     start: Duals | None = None, tighten: bool = True,
                     trace: list[tuple[float, float]] | None = None) -> LagrangianBound | None:
    """A proven upper bound on a linear stage's value over ``comp``, by Lagrangian relaxation.

    Parameters
    ----------
    compat : Compat
        The compatibility structure.
    comp : sequence of int
        Occurrence indices (a component).
    stage : Stage, optional
        A linear stage of a rule; without it, the priority-weighted minutes met (as
        :func:`~cus_match.optimise.solvers.relaxation.lp_bound`). An equity stage gives None.
    deadline : Deadline, optional
        When to stop iterating (the best bound so far is returned); a build not finished by
        then (or whose arrays the time left would not cover), or no round priced, gives None.
        A component of more than :data:`MAX_COLUMNS` helper-start columns gives None too.
    rounds : int, optional
        At most this many rounds of column generation (default :data:`DEFAULT_ROUNDS`
        without a deadline; until converged with one). A fixed count makes the bound
        reproducible.
    plan : mapping, optional
        A plan of the component (occurrence -> (start, team)): its helper-days are the first
        columns, so the first duals already price what the plan does.
    start : Duals, optional
        The LP's duals (:func:`~cus_match.optimise.solvers.relaxation.lp_with_duals`): the
        first round prices with them (the bound there is about the LP's).
    tighten : bool, default True
        Also price once at the duals of the LP as a flow with each helper-day held to its
        longest chain in minutes (:func:`chain_minutes`; a valid cut, so that flow's value
        is a bound too, and its duals start the chains better than the plain LP's: town
        seed 1, 1677.25 hours against 1696.75, city 16,005.75 against 16,115.5): first
        without ``start``, else after it, and with a deadline only if the time left covers
        :data:`_FLOW_EVALUATIONS` evaluations.
    trace : list, optional
        Filled with ``(seconds, value)`` per round: the Lagrangian function's value at the
        round's multipliers (each one a proven bound; ``value`` is the least, rounded down).

    Returns
    -------
    LagrangianBound or None
        The least bound of the rounds; None for an equity stage or an unfinished build.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solvers.components import active_components
    >>> from cus_match.optimise.solvers.relaxation import lp_bound
    >>> c = build_compat(generate("tiny", seed=1))
    >>> comp = active_components(c)[0]
    >>> got = lagrangian_bound(c, comp)
    >>> got.value <= lp_bound(c, comp) + 1e-6, got.rounds <= DEFAULT_ROUNDS
    (True, True)
    """
    t0 = time.perf_counter()
    if stage is not None and not isinstance(stage, Linear):
        return None
    try:
        prob = _Problem(compat, comp, stage, deadline)
    except TimeoutError:
        return None
    if rounds is None and deadline is None:
        rounds = DEFAULT_ROUNDS
    nv = len(prob.visits)
    if not nv:
        return LagrangianBound(0.0, 0, time.perf_counter() - t0, 0)
    flows: list[float] = []

    def held(cost: float) -> Multipliers | None:
        """The held flow's duals (and its value in ``flows``), if the time left covers it."""
        if deadline is not None and deadline.left() < _FLOW_EVALUATIONS * cost:
            return None
        got = flow_relaxation(compat, comp, stage, deadline, day_minutes=_day_minutes(prob))
        if got is None:
            return None
        flows.append(got[0])
        return _multipliers(prob, got[1])

    # The caller's duals are priced first, so that a deadline the held flow would overrun
    # still leaves their bound (city seed 2, 60 s: 12.6 s for the chains' share, which the
    # arrays and the held flow did not fit); without them, the held flow's start first.
    starts = [] if start is None else [_multipliers(prob, start)]
    if tighten and start is None:
        first = held(0.0)
        starts += [] if first is None else [first]
    best, n = _column_generation(prob, deadline, rounds, prob.nodes_of(plan or {}), starts,
                                 t0, trace, held if tighten and start is not None else None)
    flow = flows[0] if flows else None
    if not n:
        return None  # built, but no time left to price once
    bound = math.floor(best + _ROUND_SLACK)
    return LagrangianBound(float(bound), n, time.perf_counter() - t0, prob.columns, flow)


def _multipliers(prob: _Problem, duals: Duals) -> Multipliers:
    """An LP's duals as the Lagrangian's multipliers ``(lam, mu, rho)`` of ``prob``.

    GLOP's row duals are the objective's rate of change with the right-hand side, and the
    flow's potentials are turned into the same (``relaxation.flow_relaxation``): both the
    multiplier of ``k y - sum z`` itself.
    """
    return (np.array([duals.team.get(i, 0.0) for i in prob.visits]),
            np.abs(np.array([duals.week.get(k, 0.0) for k in prob.cap_keys])),
            np.array([duals.pair.get(k, 0.0) for k in prob.pair_keys]))


def chain_minutes(compat: Compat, comp: Sequence[int]) -> dict[tuple[str, date], int]:
    """Per helper and day of ``comp``, the most minutes of visits one chain of theirs holds.

    The longest chain in minutes over the helper-day's (visit, start) pairs, travel between
    them taken as in the chains (the least into each visit's place, so never more than the
    real travel; a visit may repeat): no plan gives a helper more minutes of visits that day,
    so it may cap the helper-day in the LP as a flow
    (:func:`~cus_match.optimise.solvers.relaxation.flow_relaxation`'s ``day_minutes``), a
    cut the LP's available minutes miss when the day's visits cannot follow one another.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solvers.relaxation import flow_bound, flow_relaxation
    >>> c = build_compat(generate("tiny", seed=1))
    >>> comp = range(len(c.occurrences))
    >>> held = chain_minutes(c, comp)
    >>> all(m >= 0 for m in held.values())
    True
    >>> flow_relaxation(c, comp, day_minutes=held)[0] <= flow_bound(c, comp)
    True
    """
    return _day_minutes(_Problem(compat, comp, None, None))


def _day_minutes(prob: _Problem) -> dict[tuple[str, date], int]:
    """:func:`chain_minutes` of a built problem."""
    most, _ = prob.chains.solve(prob.z_d)
    # Sums of whole minutes: the slack only absorbs float error.
    return {key: int(m + _ROUND_SLACK) for key, m in zip(prob.hd_keys, most.tolist(),
                                                          strict=True)}


class _Master:
    """The master LP of column generation: visits met, chains per helper-day, weekly caps."""

    def __init__(self, prob: _Problem) -> None:
        from ortools.linear_solver import pywraplp

        self.prob, self.inf = prob, pywraplp.Solver.infinity()
        self.optimal = pywraplp.Solver.OPTIMAL
        lp = self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.obj = lp.Objective()
        self.obj.SetMaximization()
        res_rows = [lp.Constraint(-self.inf, float(c)) for c in prob.r_cap]
        res_of = dict(zip(prob.r_items.tolist(), prob.r_group.tolist(), strict=True))
        self.team = []
        for v in range(len(prob.visits)):
            y = lp.NumVar(0, 1, "")
            self.obj.SetCoefficient(y, float(prob.value[v]))
            if v in res_of:
                res_rows[res_of[v]].SetCoefficient(y, float(prob.d_of[v]))
            row = lp.Constraint(0, 0)
            row.SetCoefficient(y, -float(prob.team[v]))
            self.team.append(row)
        self.caps = [lp.Constraint(-self.inf, float(c)) for c in prob.caps]
        self.convex: dict[int, Any] = {}

    def add(self, group: int, visits: IntArray, pair_value: float,
            caps: dict[int, float]) -> None:
        """A chain of helper-day ``group``: its visits (repeats counted), value and minutes."""
        col = self.lp.NumVar(0, self.inf, "")
        self.obj.SetCoefficient(col, pair_value)
        row = self.convex.get(group)
        if row is None:
            row = self.convex[group] = self.lp.Constraint(-self.inf, 1.0)
        row.SetCoefficient(col, 1.0)
        for v, m in zip(*np.unique(visits, return_counts=True), strict=True):
            self.team[int(v)].SetCoefficient(col, float(m))
        for k, used in caps.items():
            self.caps[k].SetCoefficient(col, used)

    def add_chains(self, nodes: IntArray) -> None:
        """One column per helper-day of the chosen ``nodes``."""
        prob = self.prob
        order = nodes[np.argsort(prob.z_hd[nodes], kind="stable")]
        g_of = prob.z_hd[order]
        cut = np.flatnonzero(np.r_[True, g_of[1:] != g_of[:-1], True])
        for a, b in zip(cut[:-1].tolist(), cut[1:].tolist(), strict=True):
            chain = order[a:b]
            capped = chain[prob.z_cap[chain] >= 0]
            caps: dict[int, float] = defaultdict(float)
            for k, d in zip(prob.z_cap[capped].tolist(), prob.z_d[capped].tolist(),
                            strict=True):
                caps[k] += d
            self.add(int(g_of[a]), prob.z_v[chain], float(prob.z_pair[chain].sum()), caps)

    def duals(self, deadline: Deadline | None
              ) -> tuple[FloatArray, FloatArray, FloatArray] | None:
        """The multipliers ``(lam, mu)`` of the master's optimum, and each helper-day's price.

        The price is the dual of the helper-day's convexity row: a chain worth more is a new
        column.
        """
        if deadline is not None:
            self.lp.SetTimeLimit(max(1, int(1000 * deadline.left())))
        if self.lp.Solve() != self.optimal:
            return None
        # OR-Tools reports a row's dual as the objective's rate of change with its right-hand
        # side, which is the Lagrangian's multiplier of ``k y - sum z`` itself.
        lam = np.array([row.dual_value() for row in self.team])
        mu = np.abs(np.array([row.dual_value() for row in self.caps]))
        sigma = np.zeros(self.prob.chains.n_groups)
        for g, row in self.convex.items():
            sigma[g] = abs(row.dual_value())
        return lam, mu, sigma


def _column_generation(prob: _Problem, deadline: Deadline | None, rounds: int | None,
                       plan: IntArray, starts: Sequence[Multipliers], t0: float,
                       trace: list[tuple[float, float]] | None,
                       more: Callable[[float], Multipliers | None] | None = None
                       ) -> tuple[float, int]:
    """The Lagrangian dual by column generation over helper-day chains (Dantzig-Wolfe).

    The master LP picks, per helper and day, a convex combination of the chains found so far,
    with every visit's team, weekly cap and resident-day minutes kept; its duals price the next
    chains (the DP of :class:`_Chains`). At every round the Lagrangian function at the
    multipliers priced is a proven bound, so stopping early costs tightness only. ``plan``
    (nodes of a plan) gives the first columns; each of ``starts`` (an LP's duals) is priced
    once before the master's, and the chains of all of them are its first columns; then
    ``more`` (given the last round's seconds) may give one start more. Returns
    the least bound and the rounds run; ``trace`` gets each round's (seconds since ``t0``,
    value).
    """
    master = _Master(prob)
    if len(plan):
        master.add_chains(plan)
    # First prices: the LP's, or as if helpers held the visits' values (a master without
    # chains has degenerate duals).
    queue = list(starts) or [(-prob.value / prob.team, np.zeros(len(prob.caps)),
                              np.zeros(prob.n_pairs))]
    sigma = np.zeros(prob.chains.n_groups)
    best, n, cost = math.inf, 0, 0.0
    while rounds is None or n < rounds:
        if deadline is not None and deadline.expired():
            break
        tick = time.perf_counter()
        if n >= len(queue) and more is not None:
            extra, more = more(cost), None
            if extra is not None:
                queue.append(extra)
            tick = time.perf_counter()
        if n >= len(queue):
            if deadline is not None and deadline.left() < _ROUNDS_TO_PAY * cost:
                break  # rounds that cannot reach where the master's duals pay: not begun
            got = master.duals(deadline)
            if got is None:
                break
            lam, mu, sigma = got
            rho = np.zeros(prob.n_pairs)
        else:
            lam, mu, rho = queue[n]
        value, z_best, z_on = _evaluate(prob, lam, mu, rho)
        n += 1
        best = min(best, value)
        cost = time.perf_counter() - tick
        if trace is not None:
            trace.append((time.perf_counter() - t0, value))
        # New columns: the chains worth more than their helper-day's price. None: the master's
        # duals are optimal for the Lagrangian dual, and the bound is as tight as it gets.
        on = np.flatnonzero(z_on & (z_best > sigma + 1e-6)[prob.z_hd])
        if not len(on):
            if n >= len(queue) and more is None:
                break
            continue
        master.add_chains(on)
    return best, n


def _evaluate(prob: _Problem, lam: FloatArray, mu: FloatArray, rho: FloatArray
              ) -> tuple[float, FloatArray, npt.NDArray[np.bool_]]:
    """The Lagrangian function at ``(lam, mu, rho)``, each helper-day's best chain, its nodes.

    ``lam`` prices each visit's team row, ``mu >= 0`` the weekly caps, ``rho >= 0`` the
    ``x <= 1`` of the (visit, helper) pairs a chain could take twice.
    """
    z_gain = prob.z_pair - lam[prob.z_v]
    if len(mu):
        z_gain -= np.where(prob.z_cap >= 0, mu[np.maximum(prob.z_cap, 0)], 0.0) * prob.z_d
    if len(rho):
        z_gain -= np.where(prob.z_pid >= 0, rho[np.maximum(prob.z_pid, 0)], 0.0)
    z_best, z_on = prob.chains.solve(z_gain)
    y_gain = prob.value + prob.team * lam
    y = (y_gain > 0).astype(np.float64)
    if len(prob.r_items):
        y[prob.r_items] = _knapsack(prob.r_group, y_gain[prob.r_items], prob.r_weight,
                                    prob.r_cap)
    value = float(z_best.sum() + y @ y_gain + mu @ prob.caps + rho.sum())
    return value, z_best, z_on


def _knapsack(group: IntArray, gain: FloatArray, weight: FloatArray, cap: FloatArray
              ) -> FloatArray:
    """Fractional knapsacks, one per group: each item's share (0 to 1) in the best filling.

    The best ratio first, then the next, the one that crosses the capacity in part: the LP
    optimum of each knapsack, so an upper bound on the integer one.
    """
    ratio = np.where(gain > 0, gain / weight, -1.0)
    order = np.lexsort((-ratio, group))
    g, w = group[order], weight[order]
    good = ratio[order] > 0
    w_good = np.where(good, w, 0.0)
    cum = np.cumsum(w_good)
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    before = np.repeat(cum[first] - w_good[first], np.diff(np.r_[first, len(g)]))
    room = cap[g] - (cum - w_good - before)  # capacity left when the item comes
    share = np.where(good, np.clip(room / w, 0.0, 1.0), 0.0)
    out = np.empty(len(group))
    out[order] = share
    return out
