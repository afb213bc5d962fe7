"""The time-indexed model of one component, as plain arrays.

Columns (all binary), over the occurrences of the component that can be met at all:

* ``y_i`` — occurrence ``i`` is met;
* ``w_it`` — ``i`` starts at ``t``, over the grid starts of ``i`` that at least ``k_i`` of its
  candidates can take;
* ``z_ict`` — candidate ``c`` (a helper) serves ``i`` starting at ``t``, over the candidate's own
  starts;
* ``u_hr`` — helper ``h`` serves resident ``r`` (only for helpers whose ``max_residents`` binds).

Rows, one group per constraint of ``docs/constraints.md``:

* ``sum_t w_it = y_i`` and ``sum_c z_ict = k_i w_it``: k helpers or none, one start
  (constraint 16; starts inside each helper's availability by the choice of columns,
  constraint 15); ``y_i = 1`` for ``required`` needs (constraint 25); an adult among the helpers
  of a personal-care team when minors are candidates (constraint 6);
* one place at a time, travel included (constraint 17), per helper and date: *clique rows* — at
  every start ``p``, the visits ``[t, t + d + g)`` containing ``p`` hold at most one, where ``g``
  is the least travel between two of that day's places — and, where a pair's own travel exceeds
  ``g``, *travel rows*: a visit ``(j, u)`` excludes every ``(i, t)`` that ends too late before
  it (one row per ``(j, u)`` when those visits clash among themselves anyway, else one per
  ``(j, u, i)``); overlaps across dates get clique rows without travel;
* the resident's day (constraint 18): clique rows over the ``w_it`` of the resident's visits;
* weekly hours (19), distinct residents (20, through ``u_hr``), PUS hours (21) as knapsack
  rows, written only where they can bind.

The clique rows are what makes the LP relaxation strong (an interval graph's maximal cliques
describe its stable sets), and they are few: one per helper, date and start point, where
pairwise conflict rows grow with the square of the visits. ``benchmarks/mip_peer.py`` writes
the same model for the whole instance, for HiGHS in a separate process.

With ``fixed`` (a plan state holding visits outside the model: pinned visits, or in large-
neighbourhood search the rest of the plan), every start the fixed visits block (the resident's
time, a helper's time and travel) has no column, and capacities are what the fixed visits leave.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import frozen

from cus_match.clock import iso_week
from cus_match.compat import Candidate, Compat
from cus_match.optimise.rules import Linear
from cus_match.optimise.solvers.state import PlanState

__all__ = ["COLUMN_KINDS", "TimeIndexedModel", "build_model", "count_z", "decode", "stage_costs"]

#: Column kinds, in :attr:`TimeIndexedModel.kind`.
COLUMN_KINDS = {"y": 0, "w": 1, "z": 2, "u": 3}
_Y, _W, _Z, _U = 0, 1, 2, 3
_INF = math.inf
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@frozen
class TimeIndexedModel:
    """A maximisation model over binary columns, with what decodes a solution.

    Attributes
    ----------
    comp : tuple of int
        The occurrences modelled (a component, or the free part of one).
    kind : ndarray of int8
        Per column: 0 ``y``, 1 ``w``, 2 ``z``, 3 ``u`` (:data:`COLUMN_KINDS`).
    occ : ndarray of int64
        Per column, the occurrence (-1 for ``u``).
    start : ndarray of int64
        Per ``w`` and ``z`` column, the start minute (0 otherwise).
    cand : ndarray of int64
        Per ``z`` column, the index of its candidate in ``compat.candidates[occ]`` (-1
        otherwise).
    lower, upper : ndarray of float64
        Column bounds (``lower`` is 1 for the ``y`` of required visits).
    row_lower, row_upper : ndarray of float64
        Row bounds (``-inf`` / ``inf`` for one-sided rows).
    a_start, a_index, a_value : ndarray
        The row-wise (CSR) constraint matrix.
    rows_per_rule : dict of str to int
        How many rows each constraint group wrote (``start``, ``team``, ``helper_clique``, ...).
    unmeetable_required : tuple of int
        Required occurrences of the component with no column (no start, or too few helpers,
        left): the model cannot meet them, so the required needs cannot all be met.
    """

    comp: tuple[int, ...]
    kind: npt.NDArray[np.int8]
    occ: IntArray
    start: IntArray
    cand: IntArray
    lower: FloatArray
    upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    a_start: IntArray
    a_index: IntArray
    a_value: FloatArray
    rows_per_rule: dict[str, int]
    unmeetable_required: tuple[int, ...]

    @property
    def num_cols(self) -> int:
        """Number of columns."""
        return len(self.kind)

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return len(self.row_lower)


class _Builder:
    """Columns and rows accumulated in compact arrays."""

    def __init__(self) -> None:
        self.lower, self.upper = array("d"), array("d")
        self.kind, self.occ, self.start, self.cand = array("b"), array("q"), array("q"), array("q")
        self.row_lower, self.row_upper = array("d"), array("d")
        self.chunks: list[tuple[IntArray, IntArray, FloatArray]] = []
        self.rows_per_rule: dict[str, int] = defaultdict(int)
        self._r, self._c, self._v = array("q"), array("q"), array("d")

    def col(self, kind: int, occ: int = -1, start: int = 0, cand: int = -1,
            lower: float = 0.0) -> int:
        self.lower.append(lower)
        self.upper.append(1.0)
        self.kind.append(kind)
        self.occ.append(occ)
        self.start.append(start)
        self.cand.append(cand)
        return len(self.kind) - 1

    def row(self, rule: str, cols: Sequence[int], vals: Sequence[float], lo: float,
            hi: float) -> None:
        k = len(self.row_lower)
        self.row_lower.append(lo)
        self.row_upper.append(hi)
        self._r.extend([k] * len(cols))
        self._c.extend(cols)
        self._v.extend(vals)
        self.rows_per_rule[rule] += 1

    def rows_at_most_one(self, rule: str, member: npt.NDArray[np.bool_], cols: IntArray) -> None:
        """One ``sum <= 1`` row per row of the boolean matrix ``member`` (over ``cols``)."""
        if not len(member):
            return
        first = len(self.row_lower)
        self.row_lower.extend([-_INF] * len(member))
        self.row_upper.extend([1.0] * len(member))
        rr, cc = np.nonzero(member)
        self.chunks.append((rr.astype(np.int64) + first, cols[cc].astype(np.int64),
                            np.ones(len(rr))))
        self.rows_per_rule[rule] += len(member)

    def finish(self, comp: Sequence[int], unmeetable: Sequence[int]) -> TimeIndexedModel:
        self.chunks.append((np.frombuffer(self._r, dtype=np.int64),
                            np.frombuffer(self._c, dtype=np.int64),
                            np.frombuffer(self._v, dtype=np.float64)))
        r = np.concatenate([ch[0] for ch in self.chunks])
        c = np.concatenate([ch[1] for ch in self.chunks])
        v = np.concatenate([ch[2] for ch in self.chunks])
        order = np.lexsort((c, r))
        nrow = len(self.row_lower)
        starts = np.zeros(nrow + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=nrow), out=starts[1:])
        return TimeIndexedModel(
            comp=tuple(comp), kind=np.array(self.kind, dtype=np.int8),
            occ=np.array(self.occ, dtype=np.int64), start=np.array(self.start, dtype=np.int64),
            cand=np.array(self.cand, dtype=np.int64), lower=np.array(self.lower),
            upper=np.array(self.upper), row_lower=np.array(self.row_lower),
            row_upper=np.array(self.row_upper), a_start=starts, a_index=c[order],
            a_value=v[order], rows_per_rule=dict(self.rows_per_rule),
            unmeetable_required=tuple(unmeetable))


def _cliques(t: IntArray, end: IntArray, occ: IntArray) -> npt.NDArray[np.bool_]:
    """Maximal cliques of the intervals ``[t, end)`` that meet two occurrences or more.

    One boolean row per clique. In an interval graph every maximal clique is the set of
    intervals containing some start point; the one at a point is not maximal when it is
    contained in the one at the next point.
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
    out: npt.NDArray[np.bool_] = member[lo < hi]
    return out


def count_z(compat: Compat, comp: Sequence[int], *, limit: int | None = None) -> int:
    """Helper-start columns the model of ``comp`` would have, at most (nothing is built).

    With ``limit``, counting stops once past it (the city's component has 6 million: a
    caller asking whether a component fits needs no exact count).

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> comp = range(len(c.occurrences))
    >>> count_z(c, comp) >= int((build_model(c, comp).kind == 2).sum())
    True
    >>> count_z(c, comp, limit=0) > 0
    True
    """
    n = 0
    for i in comp:
        grid = set(compat.starts[i])
        n += sum(len(grid.intersection(c.starts)) for c in compat.candidates[i])
        if limit is not None and n > limit:
            break
    return n


def build_model(compat: Compat, comp: Sequence[int], *, fixed: PlanState | None = None,
                helpers: Collection[str] | None = None,
                travel_rows: bool = True) -> TimeIndexedModel:
    """The time-indexed model of the occurrences ``comp`` of ``compat``.

    Parameters
    ----------
    compat : Compat
        The compatibility structure.
    comp : sequence of int
        Occurrence indices: a component (``active_components``), or the free part of one.
    fixed : PlanState, optional
        Visits kept as they are (they must not be in ``comp``): the model plans around them.
    helpers : collection of str, optional
        Only these helpers may serve (large-neighbourhood search frees a group of helpers).
    travel_rows : bool, default True
        Whether to write the travel rows (a pair's travel beyond the least of its day). Without
        them the model is a relaxation: its LP is still a proven bound, its MIP's plans may
        not be (measured on town seed 1 in ``benchmarks/README.md``, 2026-12-03).

    Returns
    -------
    TimeIndexedModel
        Columns and rows; objective coefficients come from :func:`stage_costs`.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> m = build_model(c, range(len(c.occurrences)))
    >>> m.num_cols > 0, sorted(m.rows_per_rule)[:2]
    (True, ['start', 'team'])
    """
    inst = compat.inst
    b = _Builder()
    comp = sorted(comp)
    helper_ids = sorted(h.id for h in inst.helpers)
    hpos = {h: k for k, h in enumerate(helper_ids)}
    place_ids = sorted(p.id for p in inst.places)
    ppos = {p: k for k, p in enumerate(place_ids)}
    minor = {h.id: h.is_minor for h in inst.helpers}
    policy = inst.policy
    # Per z column: helper, occurrence, date ordinal, week key, start, duration.
    zc, zh, zi, zd, zw, zt, zdur = (array("q") for _ in range(7))
    w_items: dict[str, tuple[array[int], array[int], array[int], array[int]]] = {}
    unmeetable: list[int] = []
    allowed = None if helpers is None else set(helpers)
    for i in comp:
        o = compat.occurrences[i]
        need = inst.need(o.need)
        k = need.helpers_needed
        grid = compat.starts[i]
        if fixed is not None:
            grid = [s for s in grid if fixed.resident_free(i, s)]
        gridset = set(grid)
        per_cand: list[list[int]] = []
        for c in compat.candidates[i]:
            if allowed is not None and c.helper not in allowed:
                per_cand.append([])
                continue
            ts = sorted(gridset.intersection(c.starts))
            if fixed is not None:
                ts = [s for s in ts if fixed.helper_free(c.helper, i, s)]
            per_cand.append(ts)
        count: dict[int, int] = defaultdict(int)
        for ts in per_cand:
            for t in ts:
                count[t] += 1
        starts = sorted(t for t, n in count.items() if n >= k)
        if not starts:
            if need.required:
                unmeetable.append(i)
            continue
        y = b.col(_Y, occ=i, lower=1.0 if need.required else 0.0)
        wcol = {t: b.col(_W, occ=i, start=t) for t in starts}
        b.row("start", [*wcol.values(), y], [1.0] * len(wcol) + [-1.0], 0.0, 0.0)
        team: dict[int, list[int]] = defaultdict(list)
        adults: list[int] = []
        week = iso_week(o.date)
        wkey = week[0] * 100 + week[1]
        for ci, (c, ts) in enumerate(zip(compat.candidates[i], per_cand, strict=True)):
            for t in ts:
                if t not in wcol:
                    continue
                z = b.col(_Z, occ=i, start=t, cand=ci)
                team[t].append(z)
                if not minor[c.helper]:
                    adults.append(z)
                zc.append(z)
                zh.append(hpos[c.helper])
                zi.append(i)
                zd.append(o.date.toordinal())
                zw.append(wkey)
                zt.append(t)
                zdur.append(o.duration)
        for t, zs in team.items():
            b.row("team", [*zs, wcol[t]], [1.0] * len(zs) + [-float(k)], 0.0, 0.0)
        cat = inst.category(need.category)
        if (cat.personal_care and k > 1 and not policy.minors_solo_personal_care
                and any(minor[c.helper] for c in compat.candidates[i])):
            b.row("adult", [*adults, y], [1.0] * len(adults) + [-1.0], 0.0, _INF)
        if need.resident is not None:
            cols, ii, tt, ee = w_items.setdefault(
                need.resident, (array("q"), array("q"), array("q"), array("q")))
            cols.extend(wcol.values())
            ii.extend([i] * len(wcol))
            tt.extend(starts)
            ee.extend(t + o.duration for t in starts)
    zcols: dict[str, IntArray] = {
        name: np.frombuffer(a, dtype=np.int64) if len(a) else np.zeros(0, dtype=np.int64)
        for name, a in zip(("c", "h", "i", "d", "w", "t", "dur"),
                           (zc, zh, zi, zd, zw, zt, zdur), strict=True)}
    place_of = np.array([ppos[inst.need_place(inst.need(o.need))] for o in compat.occurrences],
                        dtype=np.intp)
    _helper_rows(b, compat, helper_ids, place_of, zcols, travel_rows)
    for r in sorted(w_items):
        cols_, ii_, tt_, ee_ = (np.frombuffer(a, dtype=np.int64) for a in w_items[r])
        if len(np.unique(ii_)) > 1:
            b.rows_at_most_one("resident", _cliques(tt_, ee_, ii_), cols_)
    _capacity_rows(b, compat, helper_ids, zcols, fixed)
    return b.finish(comp, unmeetable)


def _helper_rows(b: _Builder, compat: Compat, helper_ids: list[str], place_of: npt.NDArray[Any],
                 z: dict[str, IntArray], travel_rows: bool = True) -> None:
    """Constraint 17 for every helper: clique rows per date, travel rows for longer travel."""
    zc, zh, zi, zd, zt, zdur = (z[k] for k in ("c", "h", "i", "d", "t", "dur"))
    if not len(zc):
        return
    inst = compat.inst
    place_ids = sorted(p.id for p in inst.places)
    from cus_match.model import TravelMode

    modes = list(TravelMode)
    travel = inst.travel.matrix(place_ids)  # (mode, from, to); inf: unreachable
    mode_mask = np.array([[m in inst.helper(h).modes for m in modes] for h in helper_ids],
                         dtype=bool).reshape(len(helper_ids), len(modes))
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
        if not travel_rows or not (gap[off] > gmin).any():
            continue
        # Visit X = (i, t) before visit Y = (j, u), both of this helper: the cliques exclude
        # them when u < t + d_i + gmin; they clash as long as u < t + d_i + gap[i, j].
        end = t + d
        g = gap[local[None, :], local[:, None]]  # [Y, X]: the gap from X's place to Y's
        missed = ((end[None, :] + gmin <= t[:, None]) & (t[:, None] < end[None, :] + g)
                  & (ii[None, :] != ii[:, None]))
        rows = np.flatnonzero(missed.any(axis=1))
        if not len(rows):
            continue
        # One row per Y when the excluded visits clash among themselves: they all end within
        # (u - gmax, u - gmin], a span shorter than any visit, so any two of them overlap.
        gmax = np.where(off, gap, -_INF).max(axis=0)  # per Y's occurrence, over X's
        agg = (gmax[local] - gmin) <= d.min()
        for y in rows.tolist():
            xs = np.flatnonzero(missed[y])
            if agg[y]:
                b.row("helper_travel", [int(cols[y]), *cols[xs].tolist()],
                      [1.0] * (len(xs) + 1), -_INF, 1.0)
            else:
                for o in np.unique(ii[xs]).tolist():
                    sel = xs[ii[xs] == o]
                    b.row("helper_travel", [int(cols[y]), *cols[sel].tolist()],
                          [1.0] * (len(sel) + 1), -_INF, 1.0)
    # Constraint 17 also forbids overlaps of one helper's visits on different dates (no travel
    # between them): impossible when every visit lies within its own day, as on generated data.
    hcut = np.flatnonzero(np.diff(zh) != 0) + 1
    hb = np.concatenate([[0], hcut, [len(zc)]])
    for a, e in zip(hb[:-1].tolist(), hb[1:].tolist(), strict=True):
        t, end, dd = zt[a:e], zt[a:e] + zdur[a:e], zd[a:e]
        late = np.maximum.accumulate(end)  # sorted by date, then start
        if len(t) > 1 and ((late[:-1] > t[1:]) & (dd[:-1] != dd[1:])).any():
            order2 = np.argsort(t, kind="stable")
            member = _cliques(t[order2], end[order2], dd[order2])
            b.rows_at_most_one("helper_dates", member, zc[a:e][order2])


def _capacity_rows(b: _Builder, compat: Compat, helper_ids: list[str], z: dict[str, IntArray],
                   fixed: PlanState | None) -> None:
    """Constraints 19-21: weekly hours, distinct residents, PUS hours (only where they bind)."""
    zc, zh, zi, zw, zdur = (z[k] for k in ("c", "h", "i", "w", "dur"))
    if not len(zc):
        return
    inst = compat.inst
    order = np.lexsort((zi, zw, zh))
    zc, zh, zi, zw, zdur = (a[order] for a in (zc, zh, zi, zw, zdur))
    cut = np.flatnonzero((np.diff(zh) != 0) | (np.diff(zw) != 0)) + 1
    for a, e in zip(np.concatenate([[0], cut]).tolist(),
                    np.concatenate([cut, [len(zc)]]).tolist(), strict=True):
        _, first = np.unique(zi[a:e], return_index=True)
        hid = helper_ids[zh[a]]
        cap = inst.helper(hid).effective_weekly_minutes
        if fixed is not None:
            week = (int(zw[a]) // 100, int(zw[a]) % 100)
            cap -= fixed.week_minutes[(hid, week)]
        if zdur[a:e][first].sum() > cap:
            b.row("weekly_hours", zc[a:e].tolist(), zdur[a:e].astype(float).tolist(), -_INF,
                  float(cap))
    hcut = np.flatnonzero(np.diff(zh) != 0) + 1
    for a, e in zip(np.concatenate([[0], hcut]).tolist(),
                    np.concatenate([hcut, [len(zc)]]).tolist(), strict=True):
        h = inst.helper(helper_ids[zh[a]])
        if h.max_residents is None:
            continue
        known = ({r for r, n in fixed.resident_count[h.id].items() if n > 0}
                 if fixed is not None else set())
        by_res: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for col, i in zip(zc[a:e].tolist(), zi[a:e].tolist(), strict=True):
            r = inst.need(compat.occurrences[i].need).resident
            if r is not None and r not in known:
                by_res[r][i].append(col)
        room = h.max_residents - len(known)
        if len(by_res) <= room:
            continue
        us = []
        for r in sorted(by_res):
            u = b.col(_U)
            us.append(u)
            for _i, cols in sorted(by_res[r].items()):
                b.row("max_residents_link", [*cols, u], [1.0] * len(cols) + [-1.0], -_INF, 0.0)
        b.row("max_residents", us, [1.0] * len(us), -_INF, float(max(room, 0)))
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
        assert limit is not None  # only limited categories were gathered
        cap = math.floor(limit * 60 + 1e-9) - (fixed.pus_minutes[cat] if fixed else 0)
        most = sum(compat.occurrences[i].duration
                   * inst.need(compat.occurrences[i].need).helpers_needed for i in seen)
        if most > cap:
            b.row("pus_hours", cols, vals, -_INF, float(cap))


def stage_costs(compat: Compat, model: TimeIndexedModel, stage: Linear) -> FloatArray:
    """Objective coefficients of ``stage`` (integers, as floats) on the columns of ``model``.

    ``y_i`` gets the stage's visit coefficient, each ``z`` its candidate's pair coefficient.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> c = build_compat(generate("tiny", seed=1))
    >>> m = build_model(c, range(len(c.occurrences)))
    >>> cost = stage_costs(c, m, RULES["fifo"].stages[0])
    >>> bool((cost[m.kind == 0] > 0).all()), bool((cost[m.kind == 2] == 0).all())
    (True, True)
    """
    cost = np.zeros(model.num_cols)
    ys = np.flatnonzero(model.kind == _Y)
    cost[ys] = [stage.visit_coef(compat, i) for i in model.occ[ys].tolist()]
    if stage.has_pairs:
        zs = np.flatnonzero(model.kind == _Z)
        memo: dict[tuple[int, int], int] = {}
        vals = []
        for i, ci in zip(model.occ[zs].tolist(), model.cand[zs].tolist(), strict=True):
            got = memo.get((i, ci))
            if got is None:
                got = memo[(i, ci)] = stage.pair_coef(compat, compat.candidates[i][ci])
            vals.append(got)
        cost[zs] = vals
    return cost


def decode(compat: Compat, model: TimeIndexedModel, x: npt.NDArray[Any]
           ) -> dict[int, tuple[int, list[Candidate]]]:
    """The plan of a 0-1 solution ``x``: occurrence -> (start, team), teams in candidate order.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> m = build_model(c, range(len(c.occurrences)))
    >>> decode(c, m, np.zeros(m.num_cols))
    {}
    """
    on = np.asarray(x) > 0.5
    ws = on & (model.kind == _W)
    start = dict(zip(model.occ[ws].tolist(), model.start[ws].tolist(), strict=True))
    zs = on & (model.kind == _Z)
    team: dict[int, list[int]] = defaultdict(list)
    for i, t, ci in zip(model.occ[zs].tolist(), model.start[zs].tolist(),
                        model.cand[zs].tolist(), strict=True):
        if t == start.get(i):
            team[i].append(ci)
    met = model.occ[on & (model.kind == _Y)].tolist()
    return {i: (start[i], [compat.candidates[i][ci] for ci in sorted(team[i])])
            for i in sorted(met)}
