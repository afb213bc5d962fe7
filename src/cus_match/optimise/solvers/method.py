"""What a per-component method is: the :class:`ComponentMethod` protocol and what it returns.

The compatibility graph splits into components that share no helper, resident or PUS-limited
category (:func:`cus_match.optimise.solvers.components.active_components`). The driver
(:func:`~cus_match.optimise.solvers.components.solve_by_components`) hands each component to a
*component method*, which decides that part of the plan and says how good it is. ``cpsat``,
``flow``, ``auto`` and ``greedy`` are component methods; a new formulation plugs in as one::

    from cus_match.optimise.solve import REGISTRY
    REGISTRY.register_component("mine", MyMethod())   # solve(..., method="mine")

A method receives

- ``compat`` — the instance's :class:`~cus_match.compat.Compat` (occurrences, candidates,
  starts), shared read-only by all components;
- ``component`` — the occurrence indices to plan, sorted;
- ``hint`` — the FIFO greedy plan of the whole instance (a :class:`PlanState`: a start, and the
  floor a method must not fall below; never change it);
- ``rule`` — what is optimised (:class:`~cus_match.optimise.rules.Rule`, stages and weights);
- ``fixed`` — pinned visits outside the component, planned around (or ``None``);
- ``options`` — the whole :class:`~cus_match.optimise.options.SolveOptions` (seed, workers,
  deterministic; its executor, callback and stop are not passed to another process);
- ``deadline`` — the :class:`~cus_match.optimise.options.Deadline` this component must be done
  by (its share of the solve's budget; in ``deterministic`` mode use ``work`` instead of the
  clock);
- ``work`` — the component's share of the time limit in seconds, for deterministic budgets.

and returns a :class:`ComponentSolution`: the plan part, its status, a proven upper bound on the
rule's first stage over the component, and the name of what ran. A method must be a picklable
module-level object (a frozen attrs instance is) so that process pools can run it.

Examples
--------
>>> from cus_match.optimise.solvers.method import ComponentMethod, GREEDY
>>> isinstance(GREEDY, ComponentMethod), GREEDY.name
(True, 'greedy')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from attrs import frozen

from cus_match.compat import Candidate, Compat
from cus_match.optimise.options import Deadline, SolveOptions
from cus_match.optimise.rules import Linear, Rule
from cus_match.optimise.solvers.state import PlanState
from cus_match.plan.result import Status

__all__ = ["GREEDY", "ComponentMethod", "ComponentSolution", "Greedy", "drop_unprofitable",
           "value_minutes"]

#: A plan part: occurrence index -> (start minute, team of candidates).
Chosen = dict[int, tuple[int, list[Candidate]]]


@frozen
class ComponentSolution:
    """What a method decided for one component.

    Parameters
    ----------
    chosen : dict
        Occurrence index to (start minute, team) for the component's planned visits.
    status : Status
        ``optimal`` (proven for the rule's first stage), ``feasible``, ``infeasible`` (the
        component's required visits cannot all be met), ``no_solution`` or ``stopped``.
    bound_minutes : float
        A proven upper bound on the rule's first-stage value over the component (its scaled
        units, as :meth:`Rule.score <cus_match.optimise.rules.Rule.score>` counts them).
    seconds : float
        Wall time spent.
    method : str
        What ran (``cpsat``, ``cpsat-lns``, ``flow``, ``flow+repair``, ``greedy``, ...).
    """

    chosen: Chosen
    status: Status
    bound_minutes: float
    seconds: float
    method: str = ""


@runtime_checkable
class ComponentMethod(Protocol):
    """A way to plan one component (see the module docstring for what it receives)."""

    @property
    def name(self) -> str:
        """The method's name, as ``solve(method=...)`` selects it."""
        ...

    def __call__(self, compat: Compat, component: Sequence[int], hint: PlanState, *,
                 rule: Rule, fixed: PlanState | None, options: SolveOptions,
                 deadline: Deadline, work: float) -> ComponentSolution:
        """Plan ``component``; see the module docstring."""
        ...


def value_minutes(compat: Compat, i: int) -> int:
    """Primary value of occurrence ``i`` in weighted minutes: ``(1 + priority) * duration``."""
    need = compat.inst.need(compat.occurrences[i].need)
    return (1 + need.priority) * compat.occurrences[i].duration


def drop_unprofitable(compat: Compat, rule: Rule, chosen: Chosen) -> Chosen:
    """Leave out visits whose first-stage value is negative, unless required.

    A rule may price travel above a visit's coverage; greedy starts would then start below
    the empty plan.
    """
    first = rule.stages[0]
    if not (isinstance(first, Linear) and first.has_pairs):
        return chosen
    inst = compat.inst
    return {i: (s, team) for i, (s, team) in chosen.items()
            if inst.need(compat.occurrences[i].need).required
            or first.visit_coef(compat, i) + sum(first.pair_coef(compat, c) for c in team) >= 0}


def trivial_bound(compat: Compat, component: Sequence[int], rule: Rule) -> float:
    """An upper bound on the first stage that needs no solver: every visit met at its best."""
    from cus_match.optimise.rules import EQUITY_RESOLUTION

    first = rule.stages[0]
    if not isinstance(first, Linear):
        return float(EQUITY_RESOLUTION)
    if not first.has_pairs:
        # Every helper's coefficient is 0 (fifo's coverage stage): no need to price the city's
        # 800,000 candidates (0.35 s of its build phase on a quiet machine, 1.2 s loaded).
        return float(sum(max(first.visit_coef(compat, i), 0) for i in component))
    return float(sum(max(first.visit_coef(compat, i)
                         + sum(sorted((first.pair_coef(compat, c) for c in compat.candidates[i]),
                                      reverse=True)[:compat.inst.need(
                                          compat.occurrences[i].need).helpers_needed]), 0)
                     for i in component))


@frozen
class Greedy:
    """The FIFO greedy's plan of the component, as it is (the baseline every method keeps)."""

    name: str = "greedy"

    def __call__(self, compat: Compat, component: Sequence[int], hint: PlanState, *,
                 rule: Rule, fixed: PlanState | None, options: SolveOptions,
                 deadline: Deadline, work: float) -> ComponentSolution:
        """The hint restricted to ``component``, with the trivial bound."""
        chosen = drop_unprofitable(compat, rule, {i: hint.chosen[i] for i in component
                                                  if i in hint.chosen})
        value = rule.score(compat, chosen)[0]
        bound = max(trivial_bound(compat, component, rule), float(value))
        status = Status.OPTIMAL if value >= bound - 1e-6 else Status.FEASIBLE
        return ComponentSolution(chosen, status, bound, 0.0, self.name)


#: The greedy component method.
GREEDY = Greedy()
