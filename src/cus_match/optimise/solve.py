"""The one entry point: ``solve(instance, rule=..., method=...) -> Result``.

Examples
--------
>>> from cus_match.generate import generate
>>> result = solve(generate("tiny", seed=1))
>>> result.status.value in {"feasible", "optimal", "partial"}
True
>>> solve(generate("tiny", seed=1), method="magic")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cus_match.errors.InvalidOptionError: unknown method 'magic'; choose one of: auto, cpsat, ...
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

import attrs
from attrs import field, frozen

from cus_match.errors import InvalidOptionError
from cus_match.io.json_format import instance_digest
from cus_match.model.instance import Instance
from cus_match.optimise.rules import RULES as _RULES
from cus_match.optimise.rules import Equity, Rule, get_rule
from cus_match.plan.result import Assignment, Result

__all__ = ["METHODS", "REGISTRY", "RULES", "MethodRegistry", "solve"]

RULES: tuple[str, ...] = tuple(_RULES)

#: A solver as :func:`solve` calls it: ``fn(instance, **options) -> Result``.
Solver = Callable[..., Result]


@frozen(eq=False)
class MethodRegistry:
    """The solvers :func:`solve` dispatches to, by name.

    Two kinds share one registry: the *methods* a caller names with ``method=`` (``greedy``,
    ``cpsat``, ...), and the *algorithms* of the algorithmic rules (``stable``, ``nearest``:
    :attr:`cus_match.optimise.rules.Rule.algorithm`), which decide the plan themselves.
    :meth:`wrapped` puts a decorator around every solver of both kinds for the length of a
    ``with`` block, which is how tests check every plan ``solve()`` returns.

    Examples
    --------
    >>> registry = MethodRegistry()
    >>> registry.register("none", lambda inst, **kw: "no plan")
    >>> registry.names(), registry.get("none")(None)
    (('none',), 'no plan')
    >>> def shout(fn):
    ...     return lambda inst, **kw: fn(inst, **kw).upper()
    >>> with registry.wrapped(shout):
    ...     registry.get("none")(None)
    'NO PLAN'
    >>> registry.get("none")(None)
    'no plan'
    >>> registry.get("magic")
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidOptionError: unknown method 'magic'; choose one of: none
    """

    _solvers: dict[tuple[bool, str], Solver] = field(factory=dict, init=False)
    _decorators: list[Callable[[Solver], Solver]] = field(factory=list, init=False)

    def names(self, *, algorithm: bool = False) -> tuple[str, ...]:
        """The registered names of one kind, sorted.

        Parameters
        ----------
        algorithm : bool
            ``True`` for the algorithmic rules' solvers, ``False`` for the methods.

        Returns
        -------
        tuple of str
        """
        return tuple(sorted(name for kind, name in self._solvers if kind == algorithm))

    def get(self, name: str, *, algorithm: bool = False) -> Solver:
        """The solver registered as ``name``, wrapped by every active :meth:`wrapped` decorator.

        Parameters
        ----------
        name : str
            A method name, or with ``algorithm=True`` an algorithmic rule's algorithm name.
        algorithm : bool
            Which kind ``name`` is.

        Returns
        -------
        callable
            ``fn(instance, **options) -> Result``.

        Raises
        ------
        InvalidOptionError
            For a name not registered as that kind.
        """
        try:
            fn = self._solvers[algorithm, name]
        except KeyError:
            kind = "algorithm" if algorithm else "method"
            raise InvalidOptionError(
                f"unknown {kind} {name!r}; choose one of: "
                f"{', '.join(self.names(algorithm=algorithm))}") from None
        # Applied on each lookup, not stored: a decorator that leaves ``wrapped`` is gone for
        # every solver, including ones registered while it was active.
        for decorate in self._decorators:
            fn = decorate(fn)
        return fn

    def register(self, name: str, fn: Solver, *, algorithm: bool = False) -> None:
        """Add ``fn`` as ``name``, replacing any solver of that kind and name.

        Parameters
        ----------
        name : str
            The name ``solve(method=name)`` (or the rule's algorithm) selects it by.
        fn : callable
            ``fn(instance, **options) -> Result``; see :func:`solve` for the options a method
            receives (an algorithm gets ``seed`` and ``rule``).
        algorithm : bool
            Register an algorithmic rule's solver rather than a method.

        Raises
        ------
        InvalidOptionError
            For an empty or non-string name, or a ``fn`` that is not callable.
        """
        if not isinstance(name, str) or not name:
            raise InvalidOptionError(f"a solver name must be a non-empty string, got {name!r}")
        if not callable(fn):
            raise InvalidOptionError(f"solver {name!r} must be callable, got {type(fn).__name__}")
        self._solvers[algorithm, name] = fn

    @contextmanager
    def registered(self, name: str, fn: Solver, *, algorithm: bool = False) -> Iterator[None]:
        """Register ``fn`` as ``name`` inside a ``with`` block; what was there before returns.

        Examples
        --------
        >>> registry = MethodRegistry()
        >>> with registry.registered("stub", lambda inst, **kw: None):
        ...     registry.names()
        ('stub',)
        >>> registry.names()
        ()
        """
        key = (algorithm, name)
        before = self._solvers.get(key)
        self.register(name, fn, algorithm=algorithm)
        try:
            yield
        finally:
            if before is None:
                del self._solvers[key]
            else:
                self._solvers[key] = before

    @contextmanager
    def wrapped(self, decorator: Callable[[Solver], Solver]) -> Iterator[None]:
        """Wrap every solver, methods and algorithms, in ``decorator`` inside a ``with`` block.

        Parameters
        ----------
        decorator : callable
            Takes a solver, returns the solver to call instead. Nested blocks stack: the
            decorator of the innermost block is the outermost wrapper.
        """
        self._decorators.append(decorator)
        try:
            yield
        finally:
            # By identity from the end: nested blocks may share one decorator.
            at = max(i for i, d in enumerate(self._decorators) if d is decorator)
            del self._decorators[at]

    def view(self) -> Mapping[str, Solver]:
        """The methods as a read-only mapping, each looked up by :meth:`get` when read."""
        return _MethodsView(self)


# eq=False keeps Mapping's equality (by items), so ``METHODS == {...}`` compares solvers.
@frozen(eq=False)
class _MethodsView(Mapping[str, Solver]):
    registry: MethodRegistry

    def __getitem__(self, name: str) -> Solver:
        if name not in self.registry.names():
            raise KeyError(name)
        return self.registry.get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.registry.names())

    def __len__(self) -> int:
        return len(self.registry.names())


# The solvers are imported on first call: cpsat pulls in OR-Tools (and with it pandas), which
# ``import cus_match`` and ``from cus_match import solve`` should not pay for.
def _greedy(inst: Instance, **options: Any) -> Result:
    from cus_match.optimise.solvers.greedy import solve_greedy

    return solve_greedy(inst, **options)


def _cpsat(inst: Instance, **options: Any) -> Result:
    from cus_match.optimise.solvers.cpsat import solve_cpsat

    return solve_cpsat(inst, **options)


def _flow(inst: Instance, **options: Any) -> Result:
    from cus_match.optimise.solvers.components import solve_by_components

    return solve_by_components(inst, method="flow", **options)


def _auto(inst: Instance, **options: Any) -> Result:
    from cus_match.optimise.solvers.components import solve_by_components

    return solve_by_components(inst, method="auto", **options)


def _stable(inst: Instance, **options: Any) -> Result:
    from cus_match.optimise.solvers.stable import solve_stable

    return solve_stable(inst, proposing="residents", **options)


def _stable_helpers(inst: Instance, **options: Any) -> Result:
    from cus_match.optimise.solvers.stable import solve_stable

    return solve_stable(inst, proposing="helpers", **options)


def _nearest(inst: Instance, **options: Any) -> Result:
    from cus_match.optimise.solvers.nearest import solve_nearest

    return solve_nearest(inst, **options)


#: The registry :func:`solve` dispatches through.
REGISTRY = MethodRegistry()
for _name, _fn in {"greedy": _greedy, "cpsat": _cpsat, "flow": _flow, "auto": _auto}.items():
    REGISTRY.register(_name, _fn)
for _name, _fn in {"stable": _stable, "stable-helpers": _stable_helpers,
                   "nearest": _nearest}.items():
    REGISTRY.register(_name, _fn, algorithm=True)
del _name, _fn

#: The methods by name, read-only and live: ``METHODS[name]`` is ``REGISTRY.get(name)``.
METHODS: Mapping[str, Solver] = REGISTRY.view()


def solve(
    instance: Instance,
    *,
    rule: str | Rule = "fifo",
    method: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    workers: int = 1,
    deterministic: bool = False,
    executor: Executor | None = None,
    pinned: Sequence[Assignment] = (),
    baseline: Result | None = None,
) -> Result:
    """Propose a plan for ``instance``.

    Parameters
    ----------
    instance : Instance
        A validated instance.
    rule : str or Rule
        What is optimised: a name from :data:`cus_match.optimise.rules.RULES` (``"fifo"``, the legal
        default; ``"priority"``, ``"utilitarian"``, ``"equity"``) or a :class:`Rule` built
        with :func:`cus_match.optimise.rules.from_weights` /
        :func:`~cus_match.optimise.rules.lexicographic`.
        The algorithmic rules ``"stable"``, ``"stable-helpers"`` and ``"nearest"`` are their
        own method: ``method`` is then not used. With ``method="greedy"`` the rule only scores
        the FIFO plan.
    method : str
        How: ``"greedy"`` (the FIFO baseline, what coordinators do by hand); ``"cpsat"`` (the
        full model on CP-SAT per connected component, LNS on large ones, hinted by the
        greedy); ``"flow"`` (the capacity core on min-cost flow: exact where no visits can
        clash in time, elsewhere a bound and a repaired plan); ``"auto"`` (``flow`` where it is
        exact, ``cpsat`` elsewhere).
    time_limit : float, optional
        Seconds for the whole solve; must be positive. The greedy does not need it.
    seed : int
        Random seed (same input and seed give the same result in ``deterministic`` mode).
    workers : int
        Search workers per CP-SAT model (at least 1; 1 is fastest on these models).
    deterministic : bool
        Reproducible search: one worker and a work-based time limit.
    executor : concurrent.futures.Executor, optional
        Solve independent components in parallel on it; results merge deterministically.
    pinned : sequence of Assignment
        Confirmed helper visits to keep exactly (need, date, start, helper). One the instance
        no longer allows is dropped and listed in ``Result.dropped_pins`` with its reason.
    baseline : Result, optional
        The plan being re-planned: the result reports ``changes`` (its helper visits not
        kept), and the rule's ``kept`` term (e.g. ``rule="repair"``) counts the kept ones.

    Returns
    -------
    Result
        The plan, never ``None``.

    Raises
    ------
    InvalidOptionError
        For an unknown rule or method, a non-positive time limit or a non-integer seed, before
        any work is done.
    """
    if not isinstance(instance, Instance):
        raise InvalidOptionError(f"expected an Instance, got {type(instance).__name__}")
    rule_ = get_rule(rule)
    method_fn = REGISTRY.get(method)  # an unknown method fails here, before any work
    if method == "flow" and rule_.stages and isinstance(rule_.stages[0], Equity):
        raise InvalidOptionError(f"method 'flow' cannot optimise rule {rule_.name!r} (max-min "
                                 f"is not a flow objective); use 'cpsat' or 'auto'")
    if time_limit is not None and (
            isinstance(time_limit, bool) or not isinstance(time_limit, numbers.Real)
            or not time_limit > 0):
        raise InvalidOptionError(f"time_limit must be a positive number of seconds, "
                                 f"got {time_limit!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise InvalidOptionError(f"seed must be an integer, got {seed!r}")
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
        raise InvalidOptionError(f"workers must be an integer >= 1, got {workers!r}")
    if executor is not None and not isinstance(executor, Executor):
        raise InvalidOptionError(f"executor must be a concurrent.futures.Executor, "
                                 f"got {type(executor).__name__}")
    pins = tuple(pinned)
    if any(not isinstance(a, Assignment) for a in pins):
        raise InvalidOptionError("pinned must be a sequence of cus_match.plan.result.Assignment")
    if baseline is not None and not isinstance(baseline, Result):
        raise InvalidOptionError(f"baseline must be a Result, got {type(baseline).__name__}")
    if rule_.algorithm is not None:
        if pins:
            raise InvalidOptionError(f"rule {rule_.name!r} is a matching procedure and cannot "
                                     f"keep pinned visits; use an optimising rule")
        result = REGISTRY.get(rule_.algorithm, algorithm=True)(instance, seed=int(seed),
                                                               rule=rule_.name)
    else:
        if baseline is not None:
            rule_ = rule_.with_baseline((a.need, a.date, a.helper)
                                        for a in baseline.assignments)
        result = method_fn(instance, seed=int(seed), rule=rule_, time_limit=time_limit,
                           workers=int(workers), deterministic=bool(deterministic),
                           executor=executor, pinned=pins)
    if baseline is not None:
        now = {(a.need, a.date, a.helper) for a in result.assignments}
        result = attrs.evolve(result, changes=sum(
            (a.need, a.date, a.helper) not in now for a in baseline.assignments))
    # The plan names its instance, so a plan given later with another instance is refused.
    return attrs.evolve(result, instance_digest=instance_digest(instance))

