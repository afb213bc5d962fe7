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

Every option is validated once, into a :class:`~cus_match.optimise.options.SolveOptions` passed
whole to every layer; progress comes back through a callback, and a stop ends the search early:

>>> events = []
>>> r = solve(generate("tiny", seed=1), progress=events.append, time_limit=5)
>>> events[0].phase, events[-1].phase, [m.method for m in r.methods]
('build', 'done', ['timeindexed'])
>>> solve(generate("tiny", seed=1), stop=lambda: True).status.value
'stopped'
"""

from __future__ import annotations

import importlib
import logging
import math
import numbers
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import TYPE_CHECKING

import attrs
from attrs import field, frozen

from cus_match.errors import InvalidOptionError
from cus_match.io.json_format import instance_digest
from cus_match.model.instance import Instance
from cus_match.optimise.options import Deadline, ProgressEvent, SolveOptions
from cus_match.optimise.rules import RULES as _RULES
from cus_match.optimise.rules import Equity, Rule, get_rule
from cus_match.plan.result import Assignment, Result

if TYPE_CHECKING:
    from cus_match.compat import Compat
    from cus_match.optimise.solvers.method import ComponentMethod

__all__ = ["METHODS", "REGISTRY", "RULES", "ByComponents", "MethodRegistry", "SolveOptions",
           "solve"]

_LOG = logging.getLogger("cus_match")

RULES: tuple[str, ...] = tuple(_RULES)

#: A method as :func:`solve` calls it: ``fn(instance, *, rule, options, pinned, deadline)
#: -> Result`` (``rule`` a :class:`Rule`, ``options`` a :class:`SolveOptions`, ``pinned`` a
#: tuple of :class:`Assignment`, ``deadline`` a :class:`~cus_match.optimise.options.Deadline`;
#: the built-in ones also take ``compat=``). An algorithm is called the same way.
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
            ``fn(instance, *, rule, options, pinned, deadline) -> Result`` (see :data:`Solver`).

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
            ``fn(instance, *, rule, options, pinned, deadline) -> Result`` (see
            :data:`Solver`; a per-component method is simpler: :meth:`register_component`).
            An algorithm is called the same way.
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

    def register_component(self, name: str, method: ComponentMethod) -> None:
        """Add a component method as the method ``name``: each component planned by it.

        Parameters
        ----------
        name : str
            The name ``solve(method=name)`` selects it by.
        method : ComponentMethod
            See :mod:`cus_match.optimise.solvers.method`; a picklable module-level object,
            so that process pools can run it.

        Raises
        ------
        InvalidOptionError
            For an empty name or a ``method`` that is not a component method.

        Examples
        --------
        >>> from cus_match.optimise.solvers.method import GREEDY
        >>> registry = MethodRegistry()
        >>> registry.register_component("baseline", GREEDY)
        >>> registry.names()
        ('baseline',)
        """
        from cus_match.optimise.solvers.method import ComponentMethod

        if not isinstance(method, ComponentMethod):
            raise InvalidOptionError(f"component method {name!r} must have a name and be "
                                     f"callable (see cus_match.optimise.solvers.method), got "
                                     f"{type(method).__name__}")
        self.register(name, ByComponents(name, method=method))

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


@frozen
class ByComponents:
    """A method that plans each component of the instance with one component method.

    ``cpsat``, ``flow`` and ``auto`` are such methods, as is any method registered with
    :meth:`MethodRegistry.register_component`. The component method is named by module and
    attribute and imported on first call: it pulls in OR-Tools, which ``import cus_match``
    should not pay for.

    Examples
    --------
    >>> ByComponents("auto", "cus_match.optimise.solvers.auto", "AUTO").component().name
    'auto'
    """

    name: str
    module: str = ""
    attribute: str = ""
    method: ComponentMethod | None = None

    def component(self) -> ComponentMethod:
        """The component method itself."""
        if self.method is not None:
            return self.method
        got: ComponentMethod = getattr(importlib.import_module(self.module), self.attribute)
        return got

    def __call__(self, instance: Instance, *, rule: str | Rule = "fifo",
                 options: SolveOptions | None = None, pinned: Sequence[Assignment] = (),
                 deadline: Deadline | None = None, compat: Compat | None = None) -> Result:
        """Plan ``instance`` (see :func:`solve`; ``compat`` may be given already built)."""
        from cus_match.optimise.solvers.components import solve_by_components

        options = options if options is not None else SolveOptions()
        return solve_by_components(
            instance, self.component(), rule=get_rule(rule), options=options,
            deadline=deadline if deadline is not None else Deadline.after(options.budget),
            pinned=pinned, compat=compat, name=self.name)


def _greedy(instance: Instance, *, rule: str | Rule = "fifo", options: SolveOptions | None = None,
            pinned: Sequence[Assignment] = (), deadline: Deadline | None = None,
            compat: Compat | None = None) -> Result:
    from cus_match.optimise.solvers.greedy import solve_greedy

    return solve_greedy(instance, rule=rule, options=options, pinned=pinned, compat=compat,
                        deadline=deadline)


def _stable(instance: Instance, *, rule: str | Rule = "stable",
            options: SolveOptions | None = None, pinned: Sequence[Assignment] = (),
            deadline: Deadline | None = None, compat: Compat | None = None) -> Result:
    from cus_match.optimise.solvers.stable import solve_stable

    name = get_rule(rule).name
    return solve_stable(instance, proposing="helpers" if name == "stable-helpers"
                        else "residents", rule=name, seed=(options or SolveOptions()).seed,
                        compat=compat)


def _nearest(instance: Instance, *, rule: str | Rule = "nearest",
             options: SolveOptions | None = None, pinned: Sequence[Assignment] = (),
             deadline: Deadline | None = None, compat: Compat | None = None) -> Result:
    from cus_match.optimise.solvers.nearest import solve_nearest

    return solve_nearest(instance, seed=(options or SolveOptions()).seed,
                         rule=get_rule(rule).name, compat=compat)


#: The registry :func:`solve` dispatches through.
REGISTRY = MethodRegistry()
REGISTRY.register("greedy", _greedy)
for _name in ("cpsat", "flow", "auto"):
    REGISTRY.register(_name, ByComponents(_name, f"cus_match.optimise.solvers.{_name}",
                                          _name.upper()))
REGISTRY.register("timeindexed", ByComponents(
    "timeindexed", "cus_match.optimise.timeindexed.solve", "TIMEINDEXED"))
for _name, _fn in {"stable": _stable, "stable-helpers": _stable, "nearest": _nearest}.items():
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
    work_limit: float | None = None,
    executor: Executor | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
    stop: threading.Event | Callable[[], bool] | None = None,
    pinned: Sequence[Assignment] | None = (),
    baseline: Result | None = None,
    **unknown: object,
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
        own method: ``method`` must then be left at ``"auto"``. With ``method="greedy"`` the
        rule only scores the FIFO plan.
    method : str
        How: ``"greedy"`` (the FIFO baseline, what coordinators do by hand); ``"cpsat"`` (the
        full model on CP-SAT per connected component, LNS on large ones, hinted by the
        greedy); ``"flow"`` (the capacity core on min-cost flow: exact where no visits can
        clash in time, elsewhere a bound and a repaired plan); ``"auto"`` (``flow`` where it is
        exact, ``timeindexed`` on components it fits, ``cpsat`` elsewhere and in
        ``deterministic`` mode, with the least proven bound); ``"timeindexed"`` (a binary per
        visit, helper and start per component: one HiGHS MIP where it fits, else the model's
        LP bound and LNS on sub-MIPs; rules with an equity stage are refused); or a method
        registered in :data:`REGISTRY`.
    time_limit : float, optional
        Seconds for the whole solve, finite and > 0 (default 30): building the compatibility
        graph, searching, assembling the plan and explaining unmet visits; kept within 5 %
        and a second, in ``deterministic`` mode too (there a cap on the work).
    seed : int
        Random seed, in ``0..2**31-1`` (what every backend accepts).
    workers : int
        Search workers per CP-SAT model (at least 1; 1 is fastest on these models).
    deterministic : bool
        Reproducible search: one worker and work-based limits (same input and seed, same
        plan, on any machine): ``work_limit`` units, or
        :data:`~cus_match.optimise.options.WORK_PER_SECOND` per second of the time limit.
        The time limit stays a hard wall-clock cap; a run it cuts short keeps its best plan
        and is marked ``Result.cut_by_clock`` (not reproducible).
    work_limit : float, optional
        Deterministic work units of the whole solve (CP-SAT's deterministic time); only with
        ``deterministic``. Without ``time_limit``, the cap is
        :data:`~cus_match.optimise.options.WORK_CAP_FACTOR` times its calibrated seconds.
    executor : concurrent.futures.Executor, optional
        Solve independent components in parallel on it (threads or processes); the plan is
        the one a serial solve gives.
    progress : callable, optional
        Called with a :class:`~cus_match.optimise.options.ProgressEvent` at each phase and
        after each component.
    stop : threading.Event or callable, optional
        Set (or returning ``True``) to stop early: the best plan so far comes back with status
        ``stopped``.
    pinned : sequence of Assignment, optional
        Confirmed helper visits to keep exactly (need, date, start, helper). One the instance
        no longer allows is dropped and listed in ``Result.dropped_pins`` with its reason.
        ``None`` is no pins.
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
        For an unknown option, rule or method, or a bad value of any option (naming it),
        before any work is done.
    """
    # The clock starts on entry: validating and building the graph spend from the budget.
    deadline = Deadline.after(float(time_limit) if _is_finite_positive(time_limit)
                              and time_limit is not None else 0.0)
    if unknown:
        raise InvalidOptionError(
            f"unknown option(s) {', '.join(sorted(map(repr, unknown)))} of solve(); the options "
            f"are: {', '.join(_OPTIONS)}")
    if not isinstance(instance, Instance):
        raise InvalidOptionError(f"expected an Instance, got {type(instance).__name__}")
    rule_ = get_rule(rule)
    if not isinstance(method, str):
        raise InvalidOptionError(f"method must be a method name, got {method!r}")
    method_fn = REGISTRY.get(method)  # an unknown method fails here, before any work
    if rule_.algorithm is not None and method != "auto":
        raise InvalidOptionError(f"rule {rule_.name!r} is its own matching procedure and "
                                 f"takes no method; leave method at 'auto' (got {method!r})")
    if method == "flow" and rule_.stages and isinstance(rule_.stages[0], Equity):
        raise InvalidOptionError(f"method 'flow' cannot optimise rule {rule_.name!r} (max-min "
                                 f"is not a flow objective); use 'cpsat' or 'auto'")
    if method == "timeindexed" and any(isinstance(s, Equity) for s in rule_.stages):
        raise InvalidOptionError(f"method 'timeindexed' cannot optimise rule {rule_.name!r} "
                                 f"(max-min is not a linear objective); use 'cpsat' or 'auto'")
    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers,
                           deterministic=deterministic, work_limit=work_limit,
                           executor=executor, progress=progress, stop=stop)
    if time_limit is None:
        deadline = Deadline(deadline.start, deadline.start + options.budget)
    if pinned is None:
        pinned = ()
    if isinstance(pinned, (str, bytes)) or not isinstance(pinned, Iterable):
        raise InvalidOptionError(f"pinned must be a sequence of Assignment, "
                                 f"got {type(pinned).__name__}")
    pins = tuple(pinned)
    if any(not isinstance(a, Assignment) for a in pins):
        raise InvalidOptionError("pinned must be a sequence of cus_match.plan.result.Assignment")
    if baseline is not None and not isinstance(baseline, Result):
        raise InvalidOptionError(f"baseline must be a Result, got {type(baseline).__name__}")
    # The plan names its instance, so a plan given later with another instance is refused.
    # Worked out first, inside the budget: it serialises the whole instance (a second on a
    # loaded machine for the city), which after the search would overrun the limit.
    digest = instance_digest(instance)
    _LOG.info("solve: method %s, rule %s, time limit %.1f s%s", method, rule_.name,
              options.budget, f", deterministic, {options.work:g} work units"
              if options.deterministic else "")
    if rule_.algorithm is not None:
        if pins:
            raise InvalidOptionError(f"rule {rule_.name!r} is a matching procedure and cannot "
                                     f"keep pinned visits; use an optimising rule")
        result = REGISTRY.get(rule_.algorithm, algorithm=True)(
            instance, rule=rule_, options=options, pinned=(), deadline=deadline)
    else:
        if baseline is not None:
            rule_ = rule_.with_baseline((a.need, a.date, a.helper)
                                        for a in baseline.assignments)
        result = method_fn(instance, rule=rule_, options=options, pinned=pins,
                           deadline=deadline)
    if baseline is not None:
        now = {(a.need, a.date, a.helper) for a in result.assignments}
        result = attrs.evolve(result, changes=sum(
            (a.need, a.date, a.helper) not in now for a in baseline.assignments))
    result = attrs.evolve(result, instance_digest=digest)
    options.report(ProgressEvent("done", incumbent=result.objective, bound=result.bound,
                                 elapsed=deadline.elapsed()))
    _LOG.info("solve done: %s in %.2f s", result.status.value, deadline.elapsed())
    return result


#: The keywords of :func:`solve`, for the message naming an unknown one.
_OPTIONS = ("rule", "method", "time_limit", "seed", "workers", "deterministic", "work_limit",
            "executor", "progress", "stop", "pinned", "baseline")


def _is_finite_positive(value: object) -> bool:
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(float(value)) and float(value) > 0)
