#!/usr/bin/env python3
"""The MIP peer: a whole instance as one time-indexed MIP, solved by HiGHS in a subprocess.

This is the model a researcher would otherwise write by hand, and the scale benchmark's peer
(``benchmarks/scale.py --peers``). It has no components, no greedy hint, no LNS: one MIP.

Columns (all binary), over the occurrences that can be met at all (enough candidates, a start):

* ``y_i`` — occurrence ``i`` is met; objective ``sum_i value_minutes(i) * y_i`` (maximise), the
  primary value our solvers maximise (priority-weighted minutes; our table shows it in hours);
* ``w_it`` — ``i`` starts at ``t``, over the grid starts of ``i`` that at least ``k_i`` of its
  candidates can take;
* ``z_iht`` — helper ``h`` serves ``i`` starting at ``t``, over the candidate's own starts;
* ``u_hr`` — helper ``h`` serves resident ``r`` (only for helpers whose ``max_residents`` binds).

Rows, one group per constraint of ``docs/constraints.md`` (as
``cus_match.optimise.solvers.cpsat._Model``):

* ``sum_t w_it = y_i``; ``sum_h z_iht = k_i w_it`` (k helpers or none, same start: constraint
  16; starts inside the helper's availability: constraint 15 by the choice of columns);
  ``y_i = 1`` for ``required`` needs (constraint 25);
* an adult among the helpers of personal-care visits with minors among the candidates
  (constraint 6);
* helper, one place at a time (constraint 17): per helper and date, *clique rows* — at every start
  time ``p``, the visits ``[t, t + d + g)`` containing ``p`` hold at most one, where ``g`` is the
  least travel between two of that day's visits — and, for pairs whose own travel ``g_ij``
  exceeds ``g``, *conflict rows*: a visit ``(j, u)`` excludes every ``(i, t)`` ending in
  ``(u - g_ij, u - g]``. These are aggregated into one row per ``(j, u)`` when the excluded
  visits provably clash among themselves (they all end within less than the shortest visit),
  else one row per ``(j, u, i)``. Overlaps across dates (never on generated data) get
  clique rows without travel;
* resident's day (constraint 18): clique rows over the ``w_it`` of the resident's occurrences;
* weekly hours (constraint 19), distinct residents (constraint 20, through ``u_hr``), PUS hours
  (constraint 21) as knapsack rows, written only where they can bind.

The model is written as a ``.npz`` of plain arrays (row-wise sparse matrix, bounds, costs; no
pickle), read by a child process that imports only numpy and highspy (OR-Tools bundles its
own libhighs: the two never share a process). HiGHS gets the time limit; it can overshoot it
(presolve, the root LP), so the child is killed on a wall clock of ``limit + grace``. Each
improving solution is saved by a callback as it is found, so a killed run still reports its
incumbent. The plan is decoded back into a :class:`cus_match.plan.result.Result` and verified with
:func:`cus_match.plan.check.check`: a plan that fails is reported ``invalid``.

    python benchmarks/mip_peer.py rural --time-limit 60     # one generated instance
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

Y, W, Z, U = 0, 1, 2, 3  # column kinds
_INF = float("inf")


# --------------------------------------------------------------------------------------------
# The model


@dataclass
class Mip:
    """A maximisation MIP over binary columns, with what is needed to decode a solution."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    kind: np.ndarray  # Y, W, Z or U per column
    occ: np.ndarray  # occurrence index (-1 for U)
    start: np.ndarray  # start minute (W, Z; 0 otherwise)
    cand: np.ndarray  # index in compat.candidates[occ] (Z; -1 otherwise)
    row_lower: np.ndarray
    row_upper: np.ndarray
    a_start: np.ndarray  # row-wise (CSR) matrix
    a_index: np.ndarray
    a_value: np.ndarray
    rows_per_rule: dict[str, int] = field(default_factory=dict)
    build_seconds: float = 0.0

    @property
    def num_col(self) -> int:
        return len(self.cost)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    @property
    def nnz(self) -> int:
        return len(self.a_index)

    def save(self, path: Path) -> None:
        """The arrays HiGHS needs, as an uncompressed ``.npz`` (numpy only, no pickle)."""
        np.savez(path, cost=self.cost, lower=self.lower, upper=self.upper,
                 row_lower=self.row_lower, row_upper=self.row_upper, a_start=self.a_start,
                 a_index=self.a_index, a_value=self.a_value)

    def size(self) -> dict[str, Any]:
        return {"cols": self.num_col, "rows": self.num_row, "nnz": self.nnz,
                "z_cols": int((self.kind == Z).sum()), "rows_per_rule": self.rows_per_rule,
                "build_s": round(self.build_seconds, 3)}


class _Builder:
    """Columns and rows accumulated in compact arrays (a city has millions of entries)."""

    def __init__(self) -> None:
        self.cost = array("d")
        self.upper = array("d")
        self.lower = array("d")
        self.kind = array("b")
        self.occ = array("i")
        self.start = array("q")
        self.cand = array("i")
        self.row_lower = array("d")
        self.row_upper = array("d")
        self.r: list[np.ndarray] = []  # COO chunks
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.rows_per_rule: dict[str, int] = defaultdict(int)
        # Single rows are gathered here and flushed as one chunk.
        self._r, self._c, self._v = array("q"), array("q"), array("d")

    def col(self, kind: int, cost: float = 0.0, lower: float = 0.0, upper: float = 1.0,
            occ: int = -1, start: int = 0, cand: int = -1) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.kind.append(kind)
        self.occ.append(occ)
        self.start.append(start)
        self.cand.append(cand)
        return len(self.cost) - 1

    def row(self, rule: str, cols: Any, vals: Any, lo: float, hi: float) -> None:
        k = len(self.row_lower)
        self.row_lower.append(lo)
        self.row_upper.append(hi)
        cols = list(cols)
        self._r.extend([k] * len(cols))
        self._c.extend(cols)
        self._v.extend(vals)
        self.rows_per_rule[rule] += 1

    def rows_at_most_one(self, rule: str, member: np.ndarray, cols: np.ndarray) -> None:
        """One ``sum <= 1`` row per row of the boolean matrix ``member`` (over ``cols``)."""
        if not len(member):
            return
        first = len(self.row_lower)
        self.row_lower.extend([-_INF] * len(member))
        self.row_upper.extend([1.0] * len(member))
        rr, cc = np.nonzero(member)
        self.r.append(rr.astype(np.int64) + first)
        self.c.append(cols[cc].astype(np.int64))
        self.v.append(np.ones(len(rr)))
        self.rows_per_rule[rule] += len(member)

    def finish(self) -> Mip:
        self.r.append(np.frombuffer(self._r, dtype=np.int64))
        self.c.append(np.frombuffer(self._c, dtype=np.int64))
        self.v.append(np.frombuffer(self._v, dtype=np.float64))
        r = np.concatenate(self.r)
        c = np.concatenate(self.c)
        v = np.concatenate(self.v)
        self.r = self.c = self.v = []
        order = np.lexsort((c, r))
        r, c, v = r[order], c[order], v[order]
        nrow = len(self.row_lower)
        start = np.zeros(nrow + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=nrow), out=start[1:])
        return Mip(
            cost=np.array(self.cost, dtype=np.float64), lower=np.array(self.lower),
            upper=np.array(self.upper), kind=np.array(self.kind, dtype=np.int8),
            occ=np.array(self.occ, dtype=np.int32), start=np.array(self.start, dtype=np.int64),
            cand=np.array(self.cand, dtype=np.int32),
            row_lower=np.array(self.row_lower), row_upper=np.array(self.row_upper),
            a_start=start, a_index=c.astype(np.int32), a_value=v,
            rows_per_rule=dict(self.rows_per_rule))


def _cliques(t: np.ndarray, end: np.ndarray, occ: np.ndarray) -> np.ndarray:
    """Maximal cliques of the intervals ``[t, end)`` meeting two occurrences or more.

    Returns a boolean matrix, one row per clique. In an interval graph every maximal clique is
    the set of intervals containing some start point; the one at a point is not maximal when
    it is contained in the one at the next point.
    """
    points = np.unique(t)
    member = (t[None, :] <= points[:, None]) & (points[:, None] < end[None, :])
    keep = np.ones(len(points), dtype=bool)
    if len(points) > 1:
        keep[:-1] = (member[:-1] & ~member[1:]).any(axis=1)
    member = member[keep]
    # Rows within one occurrence are implied (it has one start).
    lo = np.where(member, occ[None, :], np.iinfo(np.int64).max).min(axis=1)
    hi = np.where(member, occ[None, :], -1).max(axis=1)
    return member[lo < hi]


class ModelTooLargeError(Exception):
    """The MIP would have more helper-start columns than allowed (it is not built)."""

    def __init__(self, z_cols: int, max_z: int) -> None:
        super().__init__(f"{z_cols} helper-start columns, more than {max_z}")
        self.z_cols = z_cols


def count_z(compat: Any) -> int:
    """Helper-start columns of the MIP, at most (cheap: no model is built)."""
    n = 0
    for i, cands in enumerate(compat.candidates):
        grid = set(compat.starts[i])
        n += sum(len(grid.intersection(c.starts)) for c in cands)
    return n


def build_mip(compat: Any, max_z: int | None = None) -> Mip:
    """The whole instance of ``compat`` (a :class:`cus_match.compat.Compat`) as one MIP.

    Raises :class:`ModelTooLargeError` before building when it would have more than ``max_z``
    helper-start columns: the rows grow faster than the columns (the generated city, 6 million
    columns, took 10 minutes and 19 GB to build, 228 million nonzeros).
    """
    from cus_match.clock import iso_week
    from cus_match.optimise.solvers.components import value_minutes

    t0 = time.perf_counter()
    if max_z is not None:
        nz = count_z(compat)
        if nz > max_z:
            raise ModelTooLargeError(nz, max_z)
    inst = compat.inst
    b = _Builder()
    helper_ids = sorted(h.id for h in inst.helpers)
    hpos = {h: k for k, h in enumerate(helper_ids)}
    place_ids = sorted(p.id for p in inst.places)
    ppos = {p: k for k, p in enumerate(place_ids)}
    travel = inst.travel.matrix(place_ids)  # (mode, from, to), inf: unreachable
    from cus_match.model import TravelMode
    modes = list(TravelMode)
    dates = sorted({o.date for o in compat.occurrences})
    dpos = {d: k for k, d in enumerate(dates)}
    weeks = sorted({iso_week(d) for d in dates})
    wpos = {w: k for k, w in enumerate(weeks)}
    occ_week = {d: wpos[iso_week(d)] for d in dates}
    # Per Z column (filled in the first pass): helper, occurrence, date, week, start, duration.
    zc, zh, zi, zd, zw, zt, zdur = (array("q") for _ in range(7))
    w_items: dict[str, tuple[array, array, array, array]] = {}  # resident -> cols, i, t, end
    minor = {h.id: h.is_minor for h in inst.helpers}
    policy = inst.policy
    for i, o in enumerate(compat.occurrences):
        need = inst.need(o.need)
        k = need.helpers_needed
        cands = compat.candidates[i]
        grid = compat.starts[i]
        if not grid or len(cands) < k:
            continue  # cannot be met at all: not in the model (as in our solvers)
        y = b.col(Y, cost=float(value_minutes(compat, i)), lower=1.0 if need.required else 0.0,
                  occ=i)
        gridset = set(grid)
        per_cand = [sorted(gridset.intersection(c.starts)) for c in cands]
        count: dict[int, int] = defaultdict(int)
        for ts in per_cand:
            for t in ts:
                count[t] += 1
        starts = sorted(t for t, n in count.items() if n >= k)
        if not starts:
            b.upper[y] = 0.0
            continue
        wcol = {t: b.col(W, occ=i, start=t) for t in starts}
        b.row("start", [*wcol.values(), y], [1.0] * len(wcol) + [-1.0], 0.0, 0.0)
        team: dict[int, list[int]] = defaultdict(list)
        adults: list[int] = []
        d = o.duration
        for ci, (c, ts) in enumerate(zip(cands, per_cand, strict=True)):
            h = hpos[c.helper]
            for t in ts:
                if t not in wcol:
                    continue
                z = b.col(Z, occ=i, start=t, cand=ci)
                team[t].append(z)
                if not minor[c.helper]:
                    adults.append(z)
                zc.append(z)
                zh.append(h)
                zi.append(i)
                zd.append(dpos[o.date])
                zw.append(occ_week[o.date])
                zt.append(t)
                zdur.append(d)
        for t, zs in team.items():
            b.row("team", [*zs, wcol[t]], [1.0] * len(zs) + [-float(k)], 0.0, 0.0)
        cat = inst.category(need.category)
        if (cat.personal_care and k > 1 and not policy.minors_solo_personal_care
                and any(minor[c.helper] for c in cands)):
            b.row("adult", [*adults, y], [1.0] * len(adults) + [-1.0], 0.0, _INF)
        if need.resident is not None:
            cols, ii, tt, ee = w_items.setdefault(
                need.resident, (array("q"), array("q"), array("q"), array("q")))
            cols.extend(wcol.values())
            ii.extend([i] * len(wcol))
            tt.extend(starts)
            ee.extend(t + d for t in starts)
    zc_, zh_, zi_, zd_, zw_, zt_, zdur_ = (np.frombuffer(a, dtype=np.int64)
                                           for a in (zc, zh, zi, zd, zw, zt, zdur))
    place_of = np.array([ppos[inst.need_place(inst.need(o.need))]
                         for o in compat.occurrences], dtype=np.intp)
    mode_mask = np.array([[m in inst.helper(h).modes for m in modes] for h in helper_ids],
                         dtype=bool).reshape(len(helper_ids), len(modes))
    _helper_rows(b, travel, mode_mask, place_of, zc_, zh_, zi_, zd_, zt_, zdur_)
    for r in sorted(w_items):
        cols, ii, tt, ee = (np.frombuffer(a, dtype=np.int64) for a in w_items[r])
        if len(np.unique(ii)) > 1:
            b.rows_at_most_one("resident", _cliques(tt, ee, ii), cols)
    _capacity_rows(b, compat, helper_ids, zc_, zh_, zi_, zw_, zdur_)
    mip = b.finish()
    mip.build_seconds = time.perf_counter() - t0
    return mip


def _helper_rows(b: _Builder, travel: np.ndarray, mode_mask: np.ndarray, place_of: np.ndarray,
                 zc: np.ndarray, zh: np.ndarray, zi: np.ndarray, zd: np.ndarray,
                 zt: np.ndarray, zdur: np.ndarray) -> None:
    """Constraint 17 for every helper: clique rows per date, conflict rows for longer travel."""
    if not len(zc):
        return
    order = np.lexsort((zt, zd, zh))
    zc, zh, zi, zd, zt, zdur = (a[order] for a in (zc, zh, zi, zd, zt, zdur))
    cut = np.flatnonzero((np.diff(zh) != 0) | (np.diff(zd) != 0)) + 1
    bounds = np.concatenate([[0], cut, [len(zc)]])
    for a, e in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        occs = np.unique(zi[a:e])
        if len(occs) < 2:
            continue
        cols, ii, t, d = zc[a:e], zi[a:e], zt[a:e], zdur[a:e]
        local = np.searchsorted(occs, ii)
        pl = place_of[occs]
        tm = travel[mode_mask[zh[a]]][:, pl][:, :, pl].min(axis=0)
        # The checker's test is ``end + travel > next start + 1e-6``: with whole-minute starts,
        # a gap of ceil(travel - 1e-6) minutes is exactly enough.
        gap = np.where(np.isfinite(tm), np.ceil(tm - 1e-6), _INF)
        off = ~np.eye(len(occs), dtype=bool)
        finite = gap[off][np.isfinite(gap[off])]
        gmin = float(finite.min()) if len(finite) else 0.0
        b.rows_at_most_one("helper_clique", _cliques(t, t + d + int(gmin), ii), cols)
        if not (gap[off] > gmin).any():
            continue
        # Visit X = (i, t) before visit Y = (j, u), both of this helper: the cliques exclude
        # them when u < t + d_i + gmin; they clash as long as u < t + d_i + gap[i, j].
        end = t + d
        g = gap[local[None, :], local[:, None]]  # [Y, X]: gap from X's place to Y's
        missed = ((end[None, :] + gmin <= t[:, None]) & (t[:, None] < end[None, :] + g)
                  & (ii[None, :] != ii[:, None]))
        rows = np.flatnonzero(missed.any(axis=1))
        if not len(rows):
            continue
        # Aggregate per Y when the excluded visits clash among themselves: they all end within
        # (u - gmax, u - gmin], a span shorter than any visit, so any two of them overlap.
        gmax = np.where(off, gap, -_INF).max(axis=0)  # per Y's occurrence, over X's
        agg = (gmax[local] - gmin) <= d.min()
        for y in rows.tolist():
            xs = np.flatnonzero(missed[y])
            if agg[y]:
                b.row("helper_travel", [cols[y], *cols[xs].tolist()], [1.0] * (len(xs) + 1),
                      -_INF, 1.0)
            else:
                for occ in np.unique(ii[xs]).tolist():
                    sel = xs[ii[xs] == occ]
                    b.row("helper_travel", [cols[y], *cols[sel].tolist()],
                          [1.0] * (len(sel) + 1), -_INF, 1.0)
    # Constraint 17 also forbids overlaps of visits on different dates (no travel constraint
    # between them): impossible when every visit lies within its own day, as on generated
    # instances.
    hcut = np.flatnonzero(np.diff(zh) != 0) + 1
    hb = np.concatenate([[0], hcut, [len(zc)]])
    for a, e in zip(hb[:-1].tolist(), hb[1:].tolist(), strict=True):
        t, end, dd = zt[a:e], zt[a:e] + zdur[a:e], zd[a:e]
        late = np.maximum.accumulate(end)  # sorted by date, then start
        if len(t) > 1 and ((late[:-1] > t[1:]) & (dd[:-1] != dd[1:])).any():
            order2 = np.argsort(t, kind="stable")
            member = _cliques(t[order2], end[order2], dd[order2])
            b.rows_at_most_one("helper_dates", member, zc[a:e][order2])


def _capacity_rows(b: _Builder, compat: Any, helper_ids: list[str],
                   zc: np.ndarray, zh: np.ndarray, zi: np.ndarray, zw: np.ndarray,
                   zdur: np.ndarray) -> None:
    """Constraints 19-21: weekly hours, distinct residents, PUS hours (only where they can bind)."""
    inst = compat.inst
    if not len(zc):
        return
    order = np.lexsort((zi, zw, zh))
    zc, zh, zi, zw, zdur = (a[order] for a in (zc, zh, zi, zw, zdur))
    cut = np.flatnonzero((np.diff(zh) != 0) | (np.diff(zw) != 0)) + 1
    for a, e in zip(np.concatenate([[0], cut]).tolist(),
                    np.concatenate([cut, [len(zc)]]).tolist(), strict=True):
        _, first = np.unique(zi[a:e], return_index=True)
        cap = inst.helper(helper_ids[zh[a]]).effective_weekly_minutes
        if zdur[a:e][first].sum() > cap:
            b.row("weekly_hours", zc[a:e].tolist(), zdur[a:e].astype(float).tolist(), -_INF,
                  float(cap))
    hcut = np.flatnonzero(np.diff(zh) != 0) + 1
    for a, e in zip(np.concatenate([[0], hcut]).tolist(),
                    np.concatenate([hcut, [len(zc)]]).tolist(), strict=True):
        h = inst.helper(helper_ids[zh[a]])
        if h.max_residents is None:
            continue
        by_res: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for col, i in zip(zc[a:e].tolist(), zi[a:e].tolist(), strict=True):
            r = inst.need(compat.occurrences[i].need).resident
            if r is not None:
                by_res[r][i].append(col)
        if len(by_res) <= h.max_residents:
            continue
        us = []
        for r in sorted(by_res):
            u = b.col(U)
            us.append(u)
            for _i, cols in sorted(by_res[r].items()):
                b.row("max_residents_link", [*cols, u], [1.0] * len(cols) + [-1.0], -_INF, 0.0)
        b.row("max_residents", us, [1.0] * len(us), -_INF, float(h.max_residents))
    per_cat: dict[str, tuple[list[int], list[float], set[int]]] = {}
    for col, i, d in zip(zc.tolist(), zi.tolist(), zdur.tolist(), strict=True):
        cat = inst.need(compat.occurrences[i].need).category
        if inst.category(cat).pus_hours_limit is None:
            continue
        cols, vals, seen = per_cat.setdefault(cat, ([], [], set()))
        cols.append(col)
        vals.append(float(d))
        seen.add(i)
    for cat, (cols, vals, seen) in sorted(per_cat.items()):
        limit = inst.category(cat).pus_hours_limit
        cap = math.floor(limit * 60 + 1e-9)
        most = sum(compat.occurrences[i].duration * inst.need(compat.occurrences[i].need)
                   .helpers_needed for i in seen)
        if most > cap:
            b.row("pus_hours", cols, vals, -_INF, float(cap))


# --------------------------------------------------------------------------------------------
# Solving in a child process


@dataclass
class PeerRun:
    """What HiGHS returned (objective and bound in weighted minutes)."""

    status: str  # optimal, feasible, no solution, infeasible, killed, error: ...
    objective: float | None
    bound: float | None
    seconds: float  # wall clock of the child process
    highs_seconds: float | None  # HiGHS's own run time (None when killed)
    x: np.ndarray | None
    peak_mb: float | None
    nodes: int | None = None
    highs_status: str = ""
    # What a researcher running HiGHS in their own process would pay besides HiGHS's run:
    # ``import highspy`` and setting the model up (not the child's start-up, numpy's import or
    # the model's round trip through files: ``scale.py`` times the peer without those).
    import_seconds: float | None = None
    setup_seconds: float | None = None


def _worker(folder: str, time_limit: float, seed: int) -> None:
    """Load ``model.npz``, run HiGHS, save the incumbent as found and the final answer."""
    t_import = time.perf_counter()
    import highspy

    t_import = time.perf_counter() - t_import
    out = Path(folder)
    m = np.load(out / "model.npz", allow_pickle=False)
    t_setup = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("random_seed", int(seed))
    # Objective coefficients are whole (weighted minutes): a gap below 1 proves optimality, and
    # HiGHS's default relative gap (1e-4) would stop short of it.
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.99)
    lp = highspy.HighsLp()
    lp.num_col_ = len(m["cost"])
    lp.num_row_ = len(m["row_lower"])
    lp.col_cost_ = m["cost"]
    lp.col_lower_ = m["lower"]
    lp.col_upper_ = m["upper"]
    lp.row_lower_ = np.where(np.isinf(m["row_lower"]), -highspy.kHighsInf, m["row_lower"])
    lp.row_upper_ = np.where(np.isinf(m["row_upper"]), highspy.kHighsInf, m["row_upper"])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = m["a_start"].astype(np.int32)
    lp.a_matrix_.index_ = m["a_index"]
    lp.a_matrix_.value_ = m["a_value"]
    lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    lp.sense_ = highspy.ObjSense.kMaximize
    del m
    last = {"t": 0.0}

    def save_json(name: str, data: dict[str, Any]) -> None:
        tmp = out / (name + ".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, out / name)

    def improving(e: Any) -> None:
        np.save(out / "incumbent.tmp.npy", np.asarray(e.data_out.mip_solution))
        os.replace(out / "incumbent.tmp.npy", out / "incumbent.npy")
        save_json("incumbent.json", {"objective": e.data_out.objective_function_value,
                                     "bound": e.data_out.mip_dual_bound})

    def progress(e: Any) -> None:  # the dual bound, for a run that gets killed
        now = time.perf_counter()
        if now - last["t"] > 0.5:
            last["t"] = now
            save_json("progress.json", {"bound": e.data_out.mip_dual_bound,
                                        "nodes": e.data_out.mip_node_count})

    if lp.num_col_ == 0:  # nothing can be met: HiGHS would call the model empty, not solved
        np.save(out / "solution.npy", np.zeros(0))
        save_json("result.json", {"status": "Optimal", "seconds": 0.0, "objective": 0.0,
                                  "bound": 0.0, "nodes": 0, "has_x": True})
        return
    h.cbMipImprovingSolution.subscribe(improving)
    h.cbMipInterrupt.subscribe(progress)
    t0 = time.perf_counter()
    t_setup = t0 - t_setup
    h.passModel(lp)
    h.run()
    seconds = time.perf_counter() - t0
    info = h.getInfo()
    has_x = info.primal_solution_status == 2  # a feasible point
    if has_x:
        np.save(out / "solution.npy", np.asarray(h.getSolution().col_value))
    save_json("result.json", {
        "status": h.modelStatusToString(h.getModelStatus()), "seconds": seconds,
        "objective": info.objective_function_value if has_x else None,
        "bound": info.mip_dual_bound, "nodes": info.mip_node_count, "has_x": has_x,
        "import_seconds": t_import, "setup_seconds": t_setup})


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def solve_mip(mip: Mip, *, time_limit: float, seed: int = 0, grace: float | None = None,
              memory_gb: float | None = None, python: str = sys.executable) -> PeerRun:
    """Solve ``mip`` with HiGHS in a child process, killed at ``time_limit + grace`` seconds.

    ``grace`` defaults to half the limit plus 10 s (reading the model, presolve). With
    ``memory_gb`` the child's address space is capped (a run over it fails as ``error``).
    """
    grace = 0.5 * time_limit + 10.0 if grace is None else grace
    folder = Path(tempfile.mkdtemp(prefix="cus-mip-"))
    try:
        mip.save(folder / "model.npz")

        def limit_memory() -> None:  # runs in the child before exec
            if memory_gb is not None:
                cap = int(memory_gb * 2**30)
                resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

        t0 = time.perf_counter()
        with open(folder / "stderr.txt", "wb") as err:
            proc = subprocess.Popen(
                [python, str(Path(__file__).resolve()), "--worker", str(folder),
                 str(time_limit), str(seed)],
                stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limit_memory)
            killed = False
            try:
                proc.wait(timeout=time_limit + grace)
            except subprocess.TimeoutExpired:
                proc.kill()  # our own child, by its handle
                proc.wait()
                killed = True
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        res = _read_json(folder / "result.json")
        if res is not None and not killed:
            x = np.load(folder / "solution.npy") if res["has_x"] else None
            status = {"Optimal": "optimal", "Infeasible": "infeasible"}.get(
                res["status"], "feasible" if x is not None else "no solution")
            return PeerRun(status, res["objective"], res["bound"], wall, res["seconds"], x,
                           peak, res["nodes"], res["status"], res.get("import_seconds"),
                           res.get("setup_seconds"))
        inc = _read_json(folder / "incumbent.json")
        prog = _read_json(folder / "progress.json") or {}
        x = np.load(folder / "incumbent.npy") if inc is not None else None
        bound = prog.get("bound", inc["bound"] if inc else None)
        if not killed:
            tail = (folder / "stderr.txt").read_text(errors="replace").strip().splitlines()
            why = (tail[-1] if tail else f"exit code {proc.returncode}")[:80]
            return PeerRun(f"error: {why}", inc["objective"] if inc else None, bound, wall,
                           None, x, peak, prog.get("nodes"))
        return PeerRun("killed", inc["objective"] if inc else None, bound, wall, None, x, peak,
                       prog.get("nodes"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Back to a plan


def decode(compat: Any, mip: Mip, x: np.ndarray) -> Any:
    """The plan of solution ``x`` as a :class:`cus_match.optimise.solvers.state.PlanState`."""
    from cus_match.optimise.solvers.state import PlanState

    on = x > 0.5
    state = PlanState(compat)
    met = mip.occ[on & (mip.kind == Y)]
    ws = on & (mip.kind == W)
    start = dict(zip(mip.occ[ws].tolist(), mip.start[ws].tolist(), strict=True))
    zs = on & (mip.kind == Z)
    team: dict[int, list[int]] = defaultdict(list)
    for i, t, ci in zip(mip.occ[zs].tolist(), mip.start[zs].tolist(), mip.cand[zs].tolist(),
                        strict=True):
        if t == start.get(i):
            team[i].append(ci)
    for i in sorted(met.tolist()):
        state.add(i, start[i], [compat.candidates[i][ci] for ci in sorted(team[i])])
    return state


def run_peer(inst: Any, compat: Any, *, time_limit: float, seed: int = 0,
             grace: float | None = None, memory_gb: float | None = None,
             max_z: int | None = None) -> dict[str, Any]:
    """Build, solve, decode and check; a record in the units of ``scale.py`` (hours).

    ``objective`` is the checked plan's value; ``status`` is ``invalid`` when the checker finds
    violations (``partial`` when the only ones are required visits no helper can take, which
    no plan meets), ``too large`` when the model would have more than ``max_z`` helper-start
    columns (not built, not solved). ``solve_s`` covers building, HiGHS and decoding, not the
    check.
    """
    from cus_match.optimise.solvers.state import assemble
    from cus_match.plan.check import check
    from cus_match.plan.result import Status

    t0 = time.perf_counter()
    rec: dict[str, Any] = {"objective": None, "bound": None, "gap_pct": None,
                           "violations": None, "highs_s": None}
    try:
        mip = build_mip(compat, max_z=max_z)
    except ModelTooLargeError as e:
        rec.update(status="too large", mip={"z_cols": e.z_cols},
                   solve_s=round(time.perf_counter() - t0, 3))
        return rec
    rec["mip"] = mip.size()
    run = solve_mip(mip, time_limit=time_limit, seed=seed, grace=grace, memory_gb=memory_gb)
    rec.update(status=run.status, highs_status=run.highs_status, nodes=run.nodes,
               highs_s=None if run.highs_seconds is None else round(run.highs_seconds, 3),
               highs_wall_s=round(run.seconds, 3),
               highs_import_s=None if run.import_seconds is None
               else round(run.import_seconds, 3),
               highs_setup_s=None if run.setup_seconds is None
               else round(run.setup_seconds, 3),
               highs_peak_mb=None if run.peak_mb is None else round(run.peak_mb, 1))
    if run.bound is not None and math.isfinite(run.bound):
        rec["bound"] = round(run.bound / 60, 6)
    if run.x is not None:
        state = decode(compat, mip, run.x)
        status = Status.OPTIMAL if run.status == "optimal" else Status.FEASIBLE
        result = assemble(state, method="highs-mip", rule="fifo", seed=seed,
                          runtime=time.perf_counter() - t0, status=status,
                          bound=rec["bound"])
        rec["solve_s"] = round(time.perf_counter() - t0, 3)
        violations = check(inst, result)
        rec["violations"] = len(violations)
        rec["objective"] = result.objective
        rec["highs_objective"] = None if run.objective is None else round(run.objective / 60, 6)
        # A required visit no helper can take at all breaks the checker's completeness rule
        # in every plan: the instance's fault, not the peer's. Such a plan is "partial", as
        # ours is (solve()'s status), and anything else the checker finds makes it invalid.
        meetable = {(o.need, o.date) for k, o in enumerate(compat.occurrences)
                    if compat.starts[k] and len(compat.candidates[k])
                    >= inst.need(o.need).helpers_needed}
        real = [v for v in violations if v.code != "required_unmet"
                or (v.need, v.date) in meetable]
        if real:
            rec["status"] = "invalid"
            rec["first_violation"] = str(real[0])[:200]
        elif violations and rec["status"] in ("optimal", "feasible"):
            rec["status"] = "partial"
            rec["optimal"] = run.status == "optimal"
        if result.gap is not None:
            rec["gap_pct"] = round(100 * result.gap, 3)
    else:
        rec["solve_s"] = round(time.perf_counter() - t0, 3)
    return rec


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("profile", help="generated profile: tiny, rural, town, city")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--memory-gb", type=float, default=None)
    ap.add_argument("--max-z", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    from cus_match.compat import build_compat
    from cus_match.generate import generate

    inst = generate(args.profile, seed=args.seed, scale=args.scale)
    rec = run_peer(inst, build_compat(inst), time_limit=args.time_limit, seed=args.seed,
                   memory_gb=args.memory_gb, max_z=args.max_z)
    print(json.dumps(rec, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
