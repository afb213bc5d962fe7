"""Why an occurrence stays unmet: the reason counts and the near misses, by definition.

:func:`unmet_of` explains one unmet occurrence of a plan. Its counts and near misses mean
exactly this (``docs/constraints.md``, "Unmet visits: reasons and near misses"):

* every helper of the instance is evaluated on every constraint of one assignment (1-15, and the
  resident's formal visits of 18) and counted under each one it fails
  (:meth:`~cus_match.compat.tables.NeedExclusions.on`);
* the helpers passing all of them (the candidates) are evaluated against the rest of the plan:
  weekly hours, ``max_residents``, the helper's and the resident's other visits (``busy``: no
  start at which both are free) and the category's PUS hours, and counted under each one they
  fail; candidates failing none count as ``not_enough_helpers``. The helpers that fail a
  constraint of one assignment are not evaluated against the plan (those constraints need a
  time the helper could come at), except the near misses below;
* a *near miss* fails exactly one constraint, the plan included: a candidate failing exactly one
  plan constraint, or a helper failing exactly one constraint of one assignment who passes every
  plan constraint at a start that fix would allow (for ``no_common_time``: a start of the need
  at which the helper is free; for ``formal_clash``: a start at which only the formal visit is
  in the way). At most three are listed, easiest fix first (:attr:`Reason.fix_rank
  <cus_match.reasons.Reason.fix_rank>`), then nearest, then by id.

The plan is read through :class:`PlanQueries`, which the solvers' plan state provides.

Examples
--------
>>> from cus_match.generate import generate
>>> from cus_match.optimise.solve import solve
>>> inst = generate("rural", seed=1)
>>> result = solve(inst, method="greedy")
>>> all(len(u.near_misses) <= 3 for u in result.unmet)
True
"""

from __future__ import annotations

from collections import Counter
from typing import Protocol

from cus_match.compat.graph import Compat
from cus_match.plan.result import NearMiss, ReasonCount, Unmet
from cus_match.reasons import Reason

__all__ = ["MAX_NEAR_MISSES", "PlanQueries", "plan_failures", "unmet_of"]

#: Near misses listed per unmet occurrence.
MAX_NEAR_MISSES = 3


class PlanQueries(Protocol):
    """What :func:`unmet_of` asks of a plan (``optimise.solvers.state.PlanState`` has it)."""

    resident_busy: dict[str, list[tuple[int, int]]]

    def hours_ok(self, helper: str, i: int) -> bool:
        """Whether the helper's weekly cap leaves room for occurrence ``i``."""

    def residents_ok(self, helper: str, i: int) -> bool:
        """Whether the helper may take occurrence ``i``'s resident (``max_residents``)."""

    def helper_free(self, helper: str, i: int, s: int) -> bool:
        """Whether the helper is free at ``s`` for ``i``, travel to and from included."""

    def resident_free(self, i: int, s: int) -> bool:
        """Whether ``i``'s resident is free at ``s`` (formal and planned visits)."""

    def pus_ok(self, i: int, k: int) -> bool:
        """Whether the category's PUS hours leave room for ``k`` helpers at ``i``."""


def _planned_free(compat: Compat, plan: PlanQueries, i: int, s: int) -> bool:
    """Whether the resident of ``i`` has no *planned* visit at ``s`` (formal visits aside)."""
    occ = compat.occurrences[i]
    need = compat.inst.need(occ.need)
    if need.resident is None:
        return True
    formal = compat.need_exclusions(i).busy
    left = Counter(plan.resident_busy.get(need.resident, ()))
    if formal is not None:
        left -= Counter(zip(formal[0].tolist(), formal[1].tolist(), strict=True))
    e = s + occ.duration
    return not any(bs < e and s < be for bs, be in left)


def plan_failures(compat: Compat, plan: PlanQueries, i: int, helper: str,
                  starts: tuple[int, ...], *, formal_aside: bool = False) -> list[Reason]:
    """The plan constraints ``helper`` fails at occurrence ``i``, trying ``starts``.

    ``pus_limit``, ``hours_cap``, ``max_residents`` and ``busy`` (no start of ``starts`` at
    which the helper and the resident are both free; with ``formal_aside`` the resident's formal
    visits are set aside, for a helper whose one obstacle is such a visit).
    """
    need = compat.inst.need(compat.occurrences[i].need)
    out: list[Reason] = []
    if not plan.pus_ok(i, need.helpers_needed):
        out.append(Reason.PUS_LIMIT)
    if not plan.hours_ok(helper, i):
        out.append(Reason.HOURS_CAP)
    if not plan.residents_ok(helper, i):
        out.append(Reason.MAX_RESIDENTS)
    def free(s: int) -> bool:
        return _planned_free(compat, plan, i, s) if formal_aside else plan.resident_free(i, s)

    if not any(free(s) and plan.helper_free(helper, i, s) for s in starts):
        out.append(Reason.BUSY)
    return out


def unmet_of(compat: Compat, plan: PlanQueries, i: int) -> Unmet:
    """The :class:`~cus_match.plan.result.Unmet` entry of occurrence ``i``, left out of ``plan``.

    Parameters
    ----------
    compat : Compat
        The compatibility structure the plan was made on.
    plan : PlanQueries
        The plan (without occurrence ``i``).
    i : int
        The occurrence's index in ``compat.occurrences``.

    Returns
    -------
    Unmet
        Reasons with the helpers each excludes (most first, then by code) and up to
        :data:`MAX_NEAR_MISSES` near misses (see the module docstring).
    """
    occ = compat.occurrences[i]
    if not compat.inst.helpers:
        return Unmet(occ.need, occ.date, (ReasonCount(Reason.NO_HELPERS, 0),))
    counts, singles = compat.exclusions(i)
    near: list[tuple[int, float, str, Reason]] = []
    available = 0
    for c in compat.candidates[i]:
        fails = plan_failures(compat, plan, i, c.helper, c.starts)
        counts.update(fails)
        if not fails:
            available += 1
        elif len(fails) == 1:
            near.append((fails[0].fix_rank, c.travel, c.helper, fails[0]))
    if available:
        counts[Reason.NOT_ENOUGH_HELPERS] += available
    # The singles come easiest first: once MAX_NEAR_MISSES of them pass the plan, no later one
    # can rank before them.
    ex = compat.need_exclusions(i)
    confirmed = 0
    for t, hid, reason in singles:
        if confirmed == MAX_NEAR_MISSES:
            break
        starts = ex.starts_for(occ.date, hid, reason)
        if not plan_failures(compat, plan, i, hid, starts,
                             formal_aside=reason is Reason.FORMAL_CLASH):
            near.append((reason.fix_rank, t, hid, reason))
            confirmed += 1
    reasons = tuple(ReasonCount(r, n) for r, n in
                    sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].value)) if n > 0)
    if not reasons:
        reasons = (ReasonCount(Reason.NO_HELPERS, 0),)
    near.sort(key=lambda x: (x[0], x[1], x[2]))
    return Unmet(occ.need, occ.date, reasons,
                 tuple(NearMiss(h, r) for _, _, h, r in near[:MAX_NEAR_MISSES]))
