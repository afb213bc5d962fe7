"""Insertion with ejection: place unmet visits by moving a helper's visits out of their way.

On the city's large component the LP's rounding leaves visits unmet whose candidate helpers
are blocked by their weekly cap, their day (another visit, or travel to it) or their
``max_residents``, while other helpers could take the blocking visits. This local search takes
each unmet visit in order of value and, for each candidate helper and start, the visits of that
helper that block it (the ones it clashes with that day, and one more of that week where the
cap still does not leave room); it takes them out, places the visit, and places them again
with any helper (:meth:`PlanState.choose`). A move is kept when the rule's first stage gains:
all ejected visits placed again, or, failing that, the visit worth more than those left out
(never a required one); with ``chains``, an ejected visit no helper has room for may be placed
by a move of its own. Every change goes through :class:`PlanState`, whose tests are the
greedy's, so each plan keeps the hard constraints; a move that is not kept is undone from a
log of its changes. Measurements: ``benchmarks/README.md``, "The city's plan, caps repaired".
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from cus_match.clock import iso_week
from cus_match.compat import Candidate, Compat
from cus_match.optimise.options import Deadline
from cus_match.optimise.rules import Linear, Rule
from cus_match.optimise.solvers.state import PlanState

__all__ = ["insert_with_ejection"]

#: Ejection moves tried per unmet visit, cheapest first (city seed 1, one pass from the flow
#: start, quiet machine: 4 tries 14,682.5 h in 2.6 s, 12 14,726.5 h 3.4 s, 40 14,779.5 h 5.7 s,
#: 100 14,817.0 h 8.9 s, 300 14,827.25 h 11.6 s; LNS gains about 0.5 h a second there).
_TRIES = 100
#: With chains of two links: moves tried per unmet visit, and per ejected visit no helper has
#: room for (the second link; each looks at every move of that visit).
_CHAIN_TRIES, _SUB_TRIES = 40, 4
#: Unmet visits between two looks at the deadline.
_CHECK = 8


class _Search:
    """The indexes one search keeps beside its :class:`PlanState`."""

    def __init__(self, compat: Compat, comp: Sequence[int], state: PlanState,
                 first: Linear, depth: int) -> None:
        self.compat, self.state, self.first = compat, state, first
        inst = compat.inst
        self.movable = set(comp)
        self.cap = {h.id: h.effective_weekly_minutes for h in inst.helpers}
        self.modes = {h.id: h.modes for h in inst.helpers}
        self.required = [inst.need(o.need).required for o in compat.occurrences]
        self.on_day: dict[tuple[str, date], set[int]] = defaultdict(set)
        self.on_week: dict[tuple[str, tuple[int, int]], set[int]] = defaultdict(set)
        self.of_resident: dict[tuple[str, str], set[int]] = defaultdict(set)
        for i, (_s, team) in state.chosen.items():
            self._index(i, team, add=True)
        # Coefficients are read a million times a pass on the city: computed once each.
        self._visit: dict[int, int] = {}
        self._pairs = first.has_pairs
        #: Visits a kept move left unmet (worth less than the one placed), to try again.
        self.dropped: list[int] = []
        #: Changes since the search began, (added, visit, start, team), to undo a move.
        self.log: list[tuple[bool, int, int, list[Candidate]]] = []
        self.depth = depth

    def worth(self, i: int, team: Sequence[Candidate]) -> int:
        """The first stage's value of ``i`` met by ``team``."""
        v = self._visit.get(i)
        if v is None:
            v = self._visit[i] = self.first.visit_coef(self.compat, i)
        if self._pairs:
            v += sum(self.first.pair_coef(self.compat, c) for c in team)
        return v

    def best_worth(self, i: int) -> int:
        """An upper bound on what placing ``i`` can gain (its best candidate's worth)."""
        k = self.state.needs[i].helpers_needed
        if not self._pairs:
            return self.worth(i, ())
        pairs = sorted((self.first.pair_coef(self.compat, c) for c in self.compat.candidates[i]),
                       reverse=True)
        return self.worth(i, ()) + sum(pairs[:k])

    def _index(self, i: int, team: Sequence[Candidate], *, add: bool) -> None:
        o = self.compat.occurrences[i]
        week = iso_week(o.date)
        r = self.state.needs[i].resident
        for c in team:
            books = [self.on_day[(c.helper, o.date)], self.on_week[(c.helper, week)]]
            if r is not None:
                books.append(self.of_resident[(c.helper, r)])
            for book in books:
                if add:
                    book.add(i)
                else:
                    book.discard(i)

    def add(self, i: int, s: int, team: list[Candidate]) -> None:
        self.state.add(i, s, team)
        self._index(i, team, add=True)
        self.log.append((True, i, s, team))

    def remove(self, i: int) -> tuple[int, list[Candidate]]:
        got = self.state.chosen[i]
        self.state.remove(i)
        self._index(i, got[1], add=False)
        self.log.append((False, i, *got))
        return got

    def rollback(self, mark: int) -> None:
        """Undo every change since the log had ``mark`` entries."""
        while len(self.log) > mark:
            added, i, s, team = self.log.pop()
            if added:
                self.state.remove(i)
                self._index(i, team, add=False)
            else:
                self.state.add(i, s, team)
                self._index(i, team, add=True)

    def clashes(self, helper: str, i: int, s: int, j: int) -> bool:
        """Whether ``helper``'s visit ``j`` keeps it from starting ``i`` at ``s``."""
        occ, st = self.compat.occurrences, self.state
        sj = st.chosen[j][0]
        ej, e = sj + occ[j].duration, s + occ[i].duration
        tt = st.inst.travel
        if ej <= s:
            t = tt.best(st.places[j], st.places[i], self.modes[helper])
            return t is None or ej + t[0] > s
        if e <= sj:
            t = tt.best(st.places[i], st.places[j], self.modes[helper])
            return t is None or e + t[0] > sj
        return True

    def moves(self, i: int, c: Candidate, starts: Sequence[int]
              ) -> list[tuple[int, tuple[int, ...], tuple[int, ...]]]:
        """(cost, ejected visits, starts) for placing ``i`` with ``c`` at one of ``starts``.

        The visits ejected: where ``max_residents`` blocks, all of the helper's visits to one
        of its residents (one with at most two); then those ``i`` clashes with that day (at
        most two), and one more of that week where the cap still leaves no room.
        """
        st, o = self.state, self.compat.occurrences[i]
        h, week = c.helper, iso_week(o.date)
        bases: list[tuple[int, ...]] = [()]
        if not st.residents_ok(h, i):
            bases = sorted((tuple(sorted(js)) for r, n in st.resident_count[h].items()
                            if 0 < n <= 2
                            and (js := self.of_resident.get((h, r), set())) <= self.movable),
                           key=lambda js: (self.cost(js), js))[:2]
        excess = st.week_minutes[(h, week)] + o.duration - self.cap[h]
        found: dict[tuple[int, ...], list[int]] = {}
        for base in bases:
            day = [j for j in sorted(self.on_day.get((h, o.date), ())) if j not in base]
            left = excess - sum(self.compat.occurrences[j].duration for j in base)
            week_sorted: list[tuple[int, int]] | None = None
            for s in starts:
                clash = tuple(j for j in day if self.clashes(h, i, s, j))
                if len(clash) > 2 or any(j not in self.movable for j in clash):
                    continue
                rem = left - sum(self.compat.occurrences[j].duration for j in clash)
                if rem <= 0:
                    found.setdefault(tuple(sorted((*base, *clash))), []).append(s)
                    continue
                if len(clash) + len(base) >= 3:
                    continue
                # One more visit of the week, the least worth among those long enough.
                if week_sorted is None:
                    week_sorted = sorted((self.worth(j, st.chosen[j][1]), j)
                                         for j in self.on_week.get((h, week), ())
                                         if j in self.movable and j not in base)
                more = [j for _w, j in week_sorted
                        if j not in clash and self.compat.occurrences[j].duration >= rem][:2]
                for j in more:
                    found.setdefault(tuple(sorted((*base, *clash, j))), []).append(s)
        return [(self.cost(out), out, tuple(ss)) for out, ss in found.items()]

    def may_move(self, j: int, helper: str) -> bool:
        """Whether another helper than ``helper`` has room in its week for ``j``.

        A quick test before :meth:`attempt`, which tries the day too.
        """
        st = self.state
        return any(c.helper != helper and st.hours_ok(c.helper, j)
                   and st.residents_ok(c.helper, j) for c in self.compat.candidates[j])

    def cost(self, out: Sequence[int]) -> int:
        """What the first stage loses if ``out`` are left unmet."""
        return sum(self.worth(j, self.state.chosen[j][1]) for j in out)

    def attempt(self, i: int, c: Candidate, out: tuple[int, ...], starts: tuple[int, ...],
                *, partial: bool, depth: int = 1) -> tuple[int, bool, list[int]] | None:
        """Eject ``out``, place ``i`` with ``c``, place ``out`` again: (gain, kept, left out).

        None if ``i`` does not fit even with ``out`` ejected. An ejected visit no helper has
        room for is moved, with ``depth`` left, by a move of its own (:meth:`relocate`). The
        move is kept if it gains and every ejected visit was placed again, or, with
        ``partial``, if it gains at all; otherwise the plan is put back as it was.
        """
        st = self.state
        mark = len(self.log)
        before = {j: self.remove(j) for j in out}
        s = next((s for s in starts if st.resident_free(i, s) and st.fits(c, s)), None)
        if s is None:
            self.rollback(mark)
            return None
        self.add(i, s, [c])
        gain = self.worth(i, [c])
        lost: list[int] = []
        for j in sorted(out, key=lambda j: (-self.worth(j, before[j][1]), j)):
            old = self.worth(j, before[j][1])
            got = st.choose(j)
            if got is not None:
                self.add(j, *got)
                gain += self.worth(j, got[1]) - old
                continue
            sub = self.relocate(j, {i, *out}) if depth > 0 else None
            if sub is not None:
                gain += sub[0] - old
                lost.extend(sub[1])
                continue
            if self.required[j]:
                self.rollback(mark)
                return -1, False, []
            gain -= old
            lost.append(j)
        if gain > 0 and (partial or not lost):
            return gain, True, lost
        self.rollback(mark)
        return gain, False, []

    def options(self, i: int, banned: set[int] | frozenset[int] = frozenset()
                ) -> list[tuple[int, str, tuple[int, ...], tuple[int, ...], Candidate]]:
        """Every ejection move for unmet ``i``, cheapest first, none ejecting ``banned``."""
        st = self.state
        starts_ok = {s: st.resident_free(i, s) for s in self.compat.starts[i]}
        found: list[tuple[int, str, tuple[int, ...], tuple[int, ...], Candidate]] = []
        for c in self.compat.candidates[i]:
            starts = [s for s in c.starts if starts_ok.get(s, False)]
            if starts:
                found.extend((cost, c.helper, out, ss, c)
                             for cost, out, ss in self.moves(i, c, starts)
                             if not banned.intersection(out))
        found.sort(key=lambda m: (m[0], m[1], m[2]))
        return found

    def relocate(self, j: int, banned: set[int]) -> tuple[int, list[int]] | None:
        """Place ejected ``j`` by one move that loses less than ``j`` is worth, or None.

        Returns what the move gains with ``j`` placed (``j``'s worth less what it left out)
        and the visits it left out.
        """
        if self.state.needs[j].helpers_needed != 1 or not self.state.pus_ok(j, 1):
            return None
        for cost, _h, out, ss, c in self.options(j, banned)[:_SUB_TRIES]:
            if cost >= self.worth(j, [c]) and not all(self.may_move(k, c.helper) for k in out):
                continue
            got = self.attempt(j, c, out, ss, partial=True, depth=0)
            if got is not None and got[1]:
                return got[0], got[2]
        return None

    def place(self, i: int) -> int:
        """Place unmet ``i`` directly or by one ejection move: the gain (0 if none)."""
        st = self.state
        got = st.choose(i)
        if got is not None:
            self.add(i, *got)
            return self.worth(i, got[1])
        if st.needs[i].helpers_needed != 1 or not st.pus_ok(i, 1):
            return 0
        best: tuple[int, Candidate, tuple[int, ...], tuple[int, ...]] | None = None
        for cost, _h, out, ss, c in self.options(i)[:_CHAIN_TRIES if self.depth else _TRIES]:
            if (cost >= self.worth(i, [c]) and self.depth == 0
                    and not all(self.may_move(j, c.helper) for j in out)):
                continue  # it can gain only if every ejected visit is placed again
            got_move = self.attempt(i, c, out, ss, partial=False, depth=self.depth)
            if got_move is None:
                continue
            gain, kept, _lost = got_move
            if kept:
                return gain
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, c, out, ss)
        if best is None:
            return 0
        again = self.attempt(i, best[1], best[2], best[3], partial=True, depth=self.depth)
        if again is None or not again[1]:
            return 0
        self.dropped.extend(again[2])
        return again[0]


def insert_with_ejection(compat: Compat, comp: Sequence[int], state: PlanState, rule: Rule,
                         deadline: Deadline | None = None, passes: int = 2,
                         targets: Iterable[int] | None = None, chains: bool = False) -> int:
    """Improve ``state``'s plan of ``comp`` in place by insertion with ejection; the gain.

    Parameters
    ----------
    compat : Compat
        The compatibility structure.
    comp : sequence of int
        The component's visits; only these are placed or moved (others in ``state``, such as
        pinned visits, stay as they are).
    state : PlanState
        The plan, changed in place; every change keeps the hard constraints.
    rule : Rule
        Its first stage is what a move must raise; a rule whose first stage is not linear
        (equity) leaves the plan as it is.
    deadline : Deadline, optional
        When to stop (between two unmet visits); without one, ``passes`` passes run.
    passes : int
        Passes over the unmet visits (each in order of worth, highest first).
    targets : iterable of int, optional
        The unmet visits to try (default: every unmet visit of ``comp``); visits a move
        leaves unmet are tried too.
    chains : bool
        Whether an ejected visit no helper has room for may be placed by a move of its own
        (chains of two links; fewer moves are tried per unmet visit, each costs more: city
        seed 1, one pass from the flow start, 40 moves and 4 second links: +141 h over one
        link's 100 moves, but in 160 s against 9-15 s).

    Returns
    -------
    int
        What the first stage gained (scaled units, never negative).

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> from cus_match.optimise.solvers.greedy import greedy_state
    >>> from cus_match.plan.check import check
    >>> from cus_match.optimise.solvers.state import assemble
    >>> from cus_match.plan.result import Status
    >>> c = build_compat(generate("town", seed=1))
    >>> comp = range(len(c.occurrences))
    >>> st = greedy_state(c)
    >>> before = RULES["fifo"].stages[0].value(c, st.chosen)
    >>> gain = insert_with_ejection(c, comp, st, RULES["fifo"])
    >>> gain > 0 and RULES["fifo"].stages[0].value(c, st.chosen) == before + gain
    True
    >>> r = assemble(st, method="greedy", rule="fifo", seed=1, runtime=0.0,
    ...              status=Status.FEASIBLE, bound=None)
    >>> check(c.inst, r)
    []
    """
    first = rule.stages[0] if rule.stages else None
    if not isinstance(first, Linear):
        return 0
    search = _Search(compat, comp, state, first, 1 if chains else 0)
    wanted = None if targets is None else sorted(set(targets) & search.movable)
    # A visit placed by chains may take a tenth of a second (city, loaded): look every time.
    check_every = 1 if chains else _CHECK
    total = 0
    for _ in range(passes):
        # Highest worth first; a visit a move leaves unmet joins the queue at its worth, so
        # that a chain of swaps (each gaining) runs within one pass.
        queue = [(-search.best_worth(i), i) for i in (comp if wanted is None else wanted)
                 if i not in state.chosen and compat.candidates[i]]
        heapq.heapify(queue)
        gained, n = 0, 0
        while queue:
            worth, i = heapq.heappop(queue)
            if deadline is not None and n % check_every == 0 and deadline.expired():
                return total + gained
            n += 1
            if i in state.chosen or worth >= 0:
                continue
            gained += search.place(i)
            for j in search.dropped:
                heapq.heappush(queue, (-search.best_worth(j), j))
            search.dropped.clear()
            search.log.clear()  # what is kept is not undone
        total += gained
        if not gained:
            break
    return total
