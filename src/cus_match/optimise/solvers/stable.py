"""Stable matching: deferred acceptance between visits and helpers, under every constraint.

The two sides and their preferences (strict, from the soft terms of the compatibility graph):

* a **visit** (one occurrence of a need) ranks its eligible helpers as
  :attr:`cus_match.compat.Compat.candidates` does: the resident's previous helper first
  (continuity), then a helper living in the need's place (locality), then shorter travel, then
  helper id;
* a **helper** ranks the visits it is eligible for by: ``required`` needs first, higher
  priority, continuity (the helper helped the resident before), shorter travel, earlier
  application (``applied_on``), need id, date. ``required`` first is the FIFO key's own first
  term (:func:`cus_match.optimise.solvers.state.fifo_key`): a required need outranks any priority.

A helper's preference over *sets* of visits is lexicographic (it would give up any number of visits
it likes less for one it likes more), and a set is acceptable when it keeps every constraint
(``docs/constraints.md``): no overlaps, travel gaps, weekly hours, ``max_residents``, PUS hours, the
resident's own day. So a helper *would take* a visit when the visit fits into the plan after
dropping only visits the helper likes less.

**Blocking pair.** For a plan ``P``, a visit ``v`` and a helper ``h`` eligible for ``v`` (a
candidate of ``v``) with ``h`` not serving ``v`` form a blocking pair when

1. ``v`` wants ``h``: ``v`` is unmet, or (one helper needed) ``v`` ranks ``h`` above its
   helper; and
2. ``h`` would take ``v``: let ``P'`` be ``P`` without ``v`` and without every visit ``h``
   ranks below ``v`` (a team visit leaves as a whole when one member drops it). Then ``v``, with
   ``h``, fits into ``P'`` at some start in ``h``'s and the need's common times: ``h``'s weekly
   hours and ``max_residents``, ``h`` free with travel to and from its other visits that day,
   the resident free of their other visits and formal services, the category's PUS hours.

Every other helper's visits stay where they are in ``P'``.

**Teams** (``helpers_needed = k > 1``): a team visit counts only when complete, so it is matched
to a whole team at one start. For a start ``s``, the *willing* helpers are the candidates that
would take ``v`` at ``s`` (condition 2, at that start); the best team at ``s`` is the first
``k`` of them in ``v``'s ranking (with an adult swapped in where a personal-care visit must not
have minors only, constraint 6). Teams compare by their members' ranks, sorted (lexicographically).
``(v, h)`` blocks when ``h`` is in the best team at some start and that team is better than
``v``'s current one (any complete team is better than none).

**Algorithm.** Deferred acceptance for the one-helper visits, then stabilisation:

* ``proposing="residents"``: visits propose, in FIFO order, down their rankings; a helper takes
  a proposal when it would take the visit (above), drops the visits it likes less that no longer
  fit at their starts, and those propose on. Each visit proposes to each helper at most once.
* ``proposing="helpers"``: helpers propose, in id order, down their rankings to visits that
  would take them (unmet, or ranking them above their current helper) and that they would take;
  a displaced helper proposes again. Each helper proposes to each visit at most once.
* Stabilisation then resolves the blocking pairs that remain (a visit rejected earlier may fit
  later, because the constraints make a helper's choices interdependent — the choice is not
  *substitutable* — and team visits are placed here): each sweep gives every visit, in FIFO
  order, its best blocking team (residents), or every helper, in id order, its best blocking
  visits (helpers), until a sweep finds none.

When every visit needs one helper and a helper's only limit is how many visits it takes (equal
durations, no clashes), this is the textbook algorithm (Gale-Shapley with capacities), and the
two directions give the visit-optimal and the helper-optimal stable plans. Under the constraints
a stable plan need not exist at all (interval and knapsack constraints make complements, as
couples do in the hospitals/residents problem); should a sweep return to a plan seen before,
the solver stops, keeps that plan (it passes :func:`cus_match.plan.check.check`) and warns with
:class:`StabilityWarning`. On small instances (thousands of Hypothesis-generated ones) and the
``rural`` and ``town`` profiles the sweeps end stable; on ``city`` they can cycle (weekly hours
of visits of different lengths, clashes on one day), leaving a few hundred blocking pairs among
about 7,000 visits.

Examples
--------
>>> from cus_match.generate import generate
>>> from cus_match.plan.check import check
>>> inst = generate("tiny", seed=1)
>>> result = solve_stable(inst)
>>> result.method, result.rule, check(inst, result), blocking_pairs(inst, result)
('stable', 'stable', [], [])
"""

from __future__ import annotations

import time as _time
import warnings
from collections import defaultdict
from datetime import date, datetime

from attrs import frozen

from cus_match.clock import datetime_to_minutes, from_minutes
from cus_match.compat import Candidate, Compat, build_compat
from cus_match.errors import CusMatchWarning, InvalidInputError, InvalidOptionError, Problem
from cus_match.model.instance import Instance
from cus_match.optimise.solvers.greedy import fifo_order
from cus_match.optimise.solvers.state import PlanState, assemble
from cus_match.plan.result import Result, Status
from cus_match.problem_texts import ProblemCode

__all__ = ["PROPOSING", "BlockingPair", "StabilityWarning", "blocking_pairs", "solve_stable"]

PROPOSING = ("residents", "helpers")
# Sweeps of the stabilisation before giving up (a cycle is caught earlier by repeated plans).
_MAX_SWEEPS = 1000


class StabilityWarning(CusMatchWarning):
    """The stable solver stopped with blocking pairs left (no stable plan was reached)."""


@frozen
class BlockingPair:
    """A visit and a helper who would both rather be matched to each other.

    Parameters
    ----------
    need : str
        The need's id.
    date : date
        The visit's local date.
    helper : str
        The helper who would take the visit.
    current : tuple of str
        The visit's current helpers, sorted (empty when the visit is unmet).
    start : datetime
        The earliest start at which the helper would take it.
    """

    need: str
    date: date
    helper: str
    current: tuple[str, ...]
    start: datetime


Team = list[Candidate]


class _Market:
    """The two sides' rankings over a :class:`PlanState`, and the moves of the algorithm."""

    def __init__(self, state: PlanState) -> None:
        self.state = state
        compat = state.compat
        self.compat = compat
        inst = compat.inst
        self.k = [n.helpers_needed for n in state.needs]
        self.cand: list[dict[str, Candidate]] = [
            {c.helper: c for c in cs} for cs in compat.candidates]
        self.rank: list[dict[str, int]] = [
            {c.helper: r for r, c in enumerate(cs)} for cs in compat.candidates]
        self.order = fifo_order(compat)
        self.master = {i: n for n, i in enumerate(self.order)}
        prefs: dict[str, list[tuple[tuple[object, ...], int]]] = defaultdict(list)
        for i, cs in enumerate(compat.candidates):
            need, day = state.needs[i], compat.occurrences[i].date
            for c in cs:
                prefs[c.helper].append(((not need.required, -need.priority, not c.continuity,
                                         c.travel, need.applied_on, need.id, day), i))
        self.prefs: dict[str, list[int]] = {h: [i for _, i in sorted(v)]
                                            for h, v in sorted(prefs.items())}
        self.hpos: dict[str, dict[int, int]] = {
            h: {i: p for p, i in enumerate(v)} for h, v in self.prefs.items()}
        self.held: dict[str, set[int]] = defaultdict(set)
        for i, (_s, team) in state.chosen.items():
            for c in team:
                self.held[c.helper].add(i)
        cat = inst.category
        self.adult_needed = [cat(n.category).personal_care
                             and not inst.policy.minors_solo_personal_care for n in state.needs]
        self.minor = {h.id: h.is_minor for h in inst.helpers}

    # State changes that keep ``held`` in step ------------------------------------------------
    def add(self, i: int, s: int, team: Team) -> None:
        self.state.add(i, s, team)
        for c in team:
            self.held[c.helper].add(i)

    def remove(self, i: int) -> tuple[int, Team]:
        s, team = self.state.chosen[i]
        self.state.remove(i)
        for c in team:
            self.held[c.helper].discard(i)
        return s, team

    # Queries ---------------------------------------------------------------------------------
    def worse(self, h: str, i: int) -> set[int]:
        """The visits ``h`` holds and ranks below ``i``."""
        pos = self.hpos[h]
        p = pos[i]
        return {j for j in self.held[h] if pos[j] > p}

    def willing_starts(self, h: str, i: int, first_only: bool = False) -> list[int]:
        """Starts at which ``h`` would take ``i`` (condition 2 of a blocking pair)."""
        st = self.state
        gone = self.worse(h, i)
        if i in st.chosen:
            gone.add(i)
        saved = {j: self.remove(j) for j in sorted(gone)}
        try:
            c = self.cand[i][h]
            out: list[int] = []
            if st.pus_ok(i, self.k[i]) and st.hours_ok(h, i) and st.residents_ok(h, i):
                for s in c.starts:
                    if st.resident_free(i, s) and st.helper_free(h, i, s):
                        out.append(s)
                        if first_only:
                            break
            return out
        finally:
            for j, (s, team) in saved.items():
                self.add(j, s, team)

    def current_key(self, i: int) -> tuple[int, ...] | None:
        """``i``'s current team as sorted ranks (``None``: unmet)."""
        got = self.state.chosen.get(i)
        if got is None:
            return None
        return tuple(sorted(self.rank[i][c.helper] for c in got[1]))

    def teams(self, i: int, must: str | None = None) -> list[tuple[tuple[int, ...], int, Team]]:
        """Per start, the best team of willing helpers better than ``i``'s current one.

        Sorted best first (then earliest start); with ``must``, only teams containing it.
        """
        cands = self.compat.candidates[i]
        k = self.k[i]
        current = self.current_key(i)
        # One helper: only those ranked above the current one. A team: anyone, since a team
        # with a better first member is better whatever its last.
        pool = cands[:current[0]] if k == 1 and current is not None else cands
        if k == 1 and must is not None:
            pool = [c for c in pool if c.helper == must]
        willing = {c.helper: set(self.willing_starts(c.helper, i, first_only=k == 1))
                   for c in pool}
        out: list[tuple[tuple[int, ...], int, Team]] = []
        if k == 1:
            for c in pool:
                if willing[c.helper] and (must is None or c.helper == must):
                    out.append(((self.rank[i][c.helper],), min(willing[c.helper]), [c]))
            return sorted(out, key=lambda t: (t[0], t[1]))
        for s in self.compat.starts[i]:
            free = [c for c in pool if s in willing[c.helper]]
            if len(free) < k:
                continue
            team = free[:k]
            if self.adult_needed[i] and all(self.minor[c.helper] for c in team):
                adult = next((c for c in free[k:] if not self.minor[c.helper]), None)
                if adult is None:
                    continue
                team = [*team[:-1], adult]
            key = tuple(self.rank[i][c.helper] for c in team)  # ``free`` is in rank order
            if (current is None or key < current) and (
                    must is None or any(c.helper == must for c in team)):
                out.append((key, s, team))
        return sorted(out, key=lambda t: (t[0], t[1]))

    def fits(self, i: int, s: int, team: Team) -> bool:
        """Whether ``i`` fits at ``s`` with ``team`` into the plan as it is."""
        st = self.state
        return st.pus_ok(i, len(team)) and st.resident_free(i, s) and all(
            st.hours_ok(c.helper, i) and st.residents_ok(c.helper, i)
            and st.helper_free(c.helper, i, s) for c in team)

    def apply(self, i: int, s: int, team: Team) -> list[int]:
        """Match ``i`` to ``team`` at ``s``.

        The members drop the visits they like less; those that no longer fit at their starts
        are released (returned).
        """
        if i in self.state.chosen:
            self.remove(i)
        gone: set[int] = set()
        for c in team:
            gone |= self.worse(c.helper, i)
        saved = {j: self.remove(j) for j in sorted(gone)}
        self.add(i, s, team)
        released = []
        # The members keep what still fits, the visits they like best first (a helper's choice).
        for j in sorted(gone, key=lambda j: (min(self.hpos[c.helper].get(j, len(self.order))
                                                 for c in team), self.master[j])):
            sj, tj = saved[j]
            if self.fits(j, sj, tj):
                self.add(j, sj, tj)
            else:
                released.append(j)
        return released

    def signature(self) -> frozenset[tuple[int, int, tuple[str, ...]]]:
        return frozenset((i, s, tuple(c.helper for c in t))
                         for i, (s, t) in self.state.chosen.items())

    # Algorithms ------------------------------------------------------------------------------
    def singles(self) -> list[int]:
        """One-helper visits that can be met at all, in FIFO order."""
        return [i for i in self.order
                if self.k[i] == 1 and self.compat.candidates[i] and self.compat.starts[i]]

    def residents_propose(self) -> None:
        cands = self.compat.candidates
        nxt = dict.fromkeys(self.singles(), 0)
        free = list(reversed(nxt))  # a stack: FIFO order first
        while free:
            i = free.pop()
            while i not in self.state.chosen and nxt[i] < len(cands[i]):
                c = cands[i][nxt[i]]
                nxt[i] += 1
                got = self.willing_starts(c.helper, i, first_only=True)
                if got:
                    released = self.apply(i, got[0], [c])
                    free.extend(reversed(released))

    def helpers_propose(self) -> None:
        singles = set(self.singles())
        proposed: dict[str, set[int]] = defaultdict(set)
        active = list(reversed(self.prefs))  # a stack: helper id order first
        while active:
            h = active.pop()
            for i in self.prefs[h]:
                if i not in singles or i in proposed[h] or i in self.held[h]:
                    continue
                current = self.current_key(i)
                if current is not None and current[0] < self.rank[i][h]:
                    continue  # ``i`` would refuse
                got = self.willing_starts(h, i, first_only=True)
                if not got:
                    continue  # it may fit once ``h`` loses a visit: no mark
                proposed[h].add(i)
                old = self.state.chosen.get(i)
                self.apply(i, got[0], [self.cand[i][h]])
                if old is not None:
                    active.append(old[1][0].helper)

    def stabilise(self, proposing: str) -> bool:
        """Resolve blocking pairs until none is left; ``False`` if the plans cycle."""
        seen = {self.signature()}
        for _ in range(_MAX_SWEEPS):
            changed = False
            if proposing == "residents":
                for i in self.order:
                    best = self.teams(i)
                    if best:
                        _, s, team = best[0]
                        self.apply(i, s, team)
                        changed = True
            else:
                for h in self.prefs:
                    for i in self.prefs[h]:
                        if i in self.held[h]:
                            continue
                        best = self.teams(i, must=h)
                        if best:
                            _, s, team = best[0]
                            self.apply(i, s, team)
                            changed = True
            if not changed:
                return True
            sig = self.signature()
            if sig in seen:
                return False
            seen.add(sig)
        return False

    def pairs(self) -> list[tuple[int, str, int]]:
        """Every blocking pair as (occurrence, helper, start)."""
        out: list[tuple[int, str, int]] = []
        for i in range(len(self.compat.occurrences)):
            found: dict[str, int] = {}
            for _key, s, team in self.teams(i):
                for c in team:
                    if c.helper not in found and (
                            i not in self.state.chosen
                            or all(c.helper != t.helper for t in self.state.chosen[i][1])):
                        found[c.helper] = s
            out.extend((i, h, s) for h, s in sorted(found.items()))
        return out


def solve_stable(instance: Instance, *, proposing: str | None = None, rule: str | None = None,
                 seed: int = 0, compat: Compat | None = None) -> Result:
    """Plan ``instance`` by deferred acceptance: a stable plan under every constraint.

    Parameters
    ----------
    instance : Instance
        The instance.
    proposing : {"residents", "helpers"}, optional
        Which side proposes: ``"residents"`` (the visits; the plan best for residents among
        the stable ones, in the textbook case) or ``"helpers"``. Default: ``"helpers"`` when
        ``rule`` is ``"stable-helpers"``, else ``"residents"``.
    rule : str, optional
        Recorded in the result; default ``"stable"`` (residents propose) or
        ``"stable-helpers"``.
    seed : int
        Recorded; the algorithm is deterministic.
    compat : Compat, optional
        A compatibility structure already built for ``instance``.

    Returns
    -------
    Result
        Method ``"stable"``, status ``feasible`` (``partial`` when a required need is left
        unmet). Without :class:`StabilityWarning`, :func:`blocking_pairs` of it is empty.

    Raises
    ------
    InvalidOptionError
        For an unknown ``proposing``.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=2)
    >>> r = solve_stable(inst, proposing="helpers")
    >>> r.rule, r.status.value in ("feasible", "partial"), blocking_pairs(inst, r)
    ('stable-helpers', True, [])
    """
    t0 = _time.perf_counter()
    if proposing is None:
        proposing = "helpers" if rule == "stable-helpers" else "residents"
    if proposing not in PROPOSING:
        raise InvalidOptionError(f"unknown proposing side {proposing!r}; choose one of: "
                                 f"{', '.join(PROPOSING)}")
    if rule is None:
        rule = "stable" if proposing == "residents" else "stable-helpers"
    compat = compat if compat is not None else build_compat(instance)
    market = _Market(PlanState(compat))
    if proposing == "residents":
        market.residents_propose()
    else:
        market.helpers_propose()
    left = 0 if market.stabilise(proposing) else len(market.pairs())
    if left:
        warnings.warn(f"no stable plan reached: {left} blocking pair(s) remain (the constraints "
                      "make helpers' choices interdependent)", StabilityWarning, stacklevel=2)
    return assemble(market.state, method="stable", rule=rule, seed=seed,
                    runtime=_time.perf_counter() - t0, status=Status.FEASIBLE, bound=None,
                    methods={"stable": 1})


def state_of(compat: Compat, result: Result) -> PlanState:
    """A :class:`PlanState` holding ``result``'s assignments (not re-checked).

    Raises
    ------
    InvalidInputError
        Naming every assignment that is not an eligible (visit, helper) pair of ``compat``, and
        every visit whose helpers disagree on the time.
    """
    index = {o.key: i for i, o in enumerate(compat.occurrences)}
    cand = [{c.helper: c for c in cs} for cs in compat.candidates]
    groups: dict[int, list[tuple[int, Candidate, int]]] = defaultdict(list)
    problems = []
    for k, a in enumerate(result.assignments):
        i = index.get((a.need, a.date))
        if i is None:
            problems.append(Problem(f"assignments[{k}]", ProblemCode.NOT_A_VISIT_FOR_HELPERS,
                                    {"need": a.need, "date": a.date.isoformat()}))
            continue
        c = cand[i].get(a.helper)
        if c is None:
            problems.append(Problem(f"assignments[{k}].helper", ProblemCode.HELPER_NOT_ELIGIBLE,
                                    {"helper": a.helper, "need": a.need,
                                     "date": a.date.isoformat()}))
            continue
        groups[i].append((k, c, datetime_to_minutes(a.start)))
    state = PlanState(compat)
    for i, members in sorted(groups.items()):
        starts = {s for _, _, s in members}
        if len(starts) > 1:
            problems.append(Problem(f"assignments[{members[0][0]}]",
                                    ProblemCode.TEAM_START_DIFFERS,
                                    {"need": compat.occurrences[i].need,
                                     "date": compat.occurrences[i].date.isoformat()}))
            continue
        state.add(i, starts.pop(), [c for _, c, _ in members])
    if problems:
        raise InvalidInputError(problems, source="result")
    return state


def blocking_pairs(instance: Instance, result: Result, *,
                   compat: Compat | None = None) -> list[BlockingPair]:
    """Every blocking pair of a plan (module docstring: the exact definition).

    Parameters
    ----------
    instance : Instance
        The instance.
    result : Result
        Any plan for it, from any method (check it first: constraint violations are not
        reported here).
    compat : Compat, optional
        A compatibility structure already built for ``instance``.

    Returns
    -------
    list of BlockingPair
        Sorted by date, need, helper; empty for a stable plan.

    Raises
    ------
    InvalidInputError
        When an assignment is not an eligible pair of the instance.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> isinstance(blocking_pairs(inst, solve(inst, method="greedy")), list)
    True
    """
    compat = compat if compat is not None else build_compat(instance)
    market = _Market(state_of(compat, result))
    tz = instance.policy.timezone
    out = []
    for i, h, s in market.pairs():
        o = compat.occurrences[i]
        got = market.state.chosen.get(i)
        current = () if got is None else tuple(sorted(c.helper for c in got[1]))
        out.append(BlockingPair(o.need, o.date, h, current, from_minutes(s, tz)))
    return sorted(out, key=lambda b: (b.date, b.need, b.helper))
