"""Commands that make and verify plans: ``solve`` and ``check``.

:func:`register` adds them to the ``cus-match`` sub-command parser and returns their handlers.
Both exit 1 when the independent checker finds a violation; ``solve`` also when the plan is
infeasible, partial or missing.

Examples
--------
>>> import argparse, pathlib, tempfile
>>> from cus_match.generate import generate
>>> from cus_match.io.json_format import dump_instance
>>> parser = argparse.ArgumentParser(prog="cus-match")
>>> parser.add_argument("--lang", default="en")  # doctest: +ELLIPSIS
_StoreAction(...)
>>> handlers = register(parser.add_subparsers(dest="command"))
>>> sorted(handlers)
['check', 'solve']
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> dump_instance(generate("tiny", seed=1), folder / "tiny.json")
>>> args = parser.parse_args(["solve", str(folder / "tiny.json"), "-o", str(folder / "plan.json"),
...                           "--method", "greedy", "--quiet"])
>>> handlers[args.command](args)  # doctest: +ELLIPSIS
Plan: feasible (greedy, rule fifo, ... s)
...
0
>>> args = parser.parse_args(["check", str(folder / "tiny.json"), str(folder / "plan.json")])
>>> handlers[args.command](args)  # doctest: +ELLIPSIS
/.../plan.json: all constraints hold (...)
0
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from cus_match.cli import paths
from cus_match.cli.common import (
    EXIT_INVALID,
    Handler,
    Progress,
    UsageError,
    check_plan_source,
    load_plan,
    print_plan,
    report_violations,
)
from cus_match.cli.words import count, noun, say
from cus_match.lang import short_date
from cus_match.problem_texts import ProblemCode

if TYPE_CHECKING:
    from cus_match.model.instance import Instance

__all__ = ["register", "solve_share"]

#: Seconds that writing, printing and checking the plan take per second that reading the
#: instance took: both grow with the instance and slow down alike on a loaded machine
#: (measured 2026-12-03: 0.8-0.9 on the city, 1.0-1.3 on the town; the larger is kept).
AFTER_PER_LOAD = 1.3
#: The least reserve for what follows the solve, and the largest share of the limit it takes.
AFTER_MIN, AFTER_MAX_SHARE = 0.05, 0.25
#: The least time the solve is given, whatever was spent before it (a share of the limit).
SOLVE_MIN_SHARE = 0.02


def register(sub: Any) -> dict[str, Handler]:
    """Add ``solve`` and ``check`` to ``sub`` (from ``add_subparsers``).

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The ``cus-match`` sub-command parsers.

    Returns
    -------
    dict
        Command name to handler.
    """
    s = sub.add_parser("solve")
    s.add_argument("file", type=Path)
    s.add_argument("-o", "--output", type=Path, required=True)
    s.add_argument("--rule", default="fifo")
    s.add_argument("--weights", default=None, metavar="TERM=W,...")
    s.add_argument("--pin", type=Path, default=None, metavar="RESULT")
    s.add_argument("--baseline", type=Path, default=None, metavar="RESULT")
    s.add_argument("--method", default="auto")
    s.add_argument("--time-limit", type=float, default=None)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--deterministic", action="store_true")
    s.add_argument("--work-limit", type=float, default=None, metavar="UNITS")
    s.add_argument("--history", type=Path, default=None, metavar="STORE")
    s.add_argument("--quiet", action="store_true")
    s.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)

    c = sub.add_parser("check")
    c.add_argument("file", type=Path)
    c.add_argument("result", type=Path)
    c.add_argument("--history", type=Path, default=None, metavar="STORE")
    return {"solve": _cmd_solve, "check": _cmd_check}


def solve_share(limit: float, spent: float, loading: float) -> float:
    """Seconds of the command's time ``limit`` that are left for :func:`solve`.

    The limit is the whole command's (after the interpreter has started): what reading the
    files took (``spent`` seconds so far) comes off, and so does a reserve for what follows
    the solve -- writing the plan, printing it and the independent ``check()`` -- estimated
    as :data:`AFTER_PER_LOAD` times the ``loading`` seconds reading the instance took (at
    least :data:`AFTER_MIN`, at most :data:`AFTER_MAX_SHARE` of the limit). The solve always
    gets at least :data:`SOLVE_MIN_SHARE` of the limit.

    Parameters
    ----------
    limit : float
        The command's ``--time-limit`` (seconds, > 0).
    spent : float
        Seconds since the command started.
    loading : float
        Seconds reading the instance took (part of ``spent``).

    Returns
    -------
    float
        Seconds for ``solve(time_limit=...)``.

    Examples
    --------
    >>> solve_share(20.0, 1.0, 0.8)  # the city: 1 s spent, reading it took 0.8 s
    17.96
    >>> solve_share(20.0, 1.0, 100.0)  # the reserve is at most a quarter of the limit
    14.0
    >>> solve_share(1.0, 5.0, 4.0)  # reading took longer than the limit
    0.02
    """
    reserve = min(max(AFTER_PER_LOAD * loading, AFTER_MIN), AFTER_MAX_SHARE * limit)
    return round(max(limit - spent - reserve, SOLVE_MIN_SHARE * limit), 6)


def _cmd_solve(args: argparse.Namespace) -> int:
    import signal
    import threading
    import time

    started = time.monotonic()  # the time limit is the command's: reading the files counts

    from cus_match.io.json_format import dump_result, instance_digest, load_instance, load_result
    from cus_match.optimise.options import DEFAULT_TIME_LIMIT, default_work
    from cus_match.optimise.rules import from_weights
    from cus_match.optimise.solve import solve
    from cus_match.plan.check import check
    from cus_match.plan.result import Status

    paths.check(args, inputs=("file", "pin", "baseline", "history"), outputs=("output",))
    for option, value in (("--time-limit", args.time_limit), ("--work-limit", args.work_limit)):
        if value is not None and not value > 0:
            raise UsageError(ProblemCode.OPTION_NOT_POSITIVE, option=option, value=value)
    # Work units are the deterministic mode's measure: asking for them asks for that mode.
    deterministic = args.deterministic or args.work_limit is not None
    loading = time.monotonic()
    inst = load_instance(args.file)
    loading = time.monotonic() - loading
    planned = _with_history(inst, args.history)
    # The plan names the instance file's digest; taken now, inside the budget (it serialises
    # the whole instance).
    digest = instance_digest(inst) if planned is not inst else None
    rule = args.rule
    if args.weights is not None:
        weights: dict[str, object] = {}
        for part in args.weights.split(","):
            term, _, value = part.partition("=")
            try:
                weights[term.strip()] = float(value)
            except ValueError:
                # Kept as text: from_weights names the term and the bad value.
                weights[term.strip()] = value
        rule = from_weights("custom", weights)
    pinned = load_result(args.pin) if args.pin else None
    baseline = load_result(args.baseline) if args.baseline else None
    for option, path, plan in (("--pin", args.pin, pinned), ("--baseline", args.baseline,
                                                              baseline)):
        if plan is not None:
            check_plan_source(option, plan, path, inst, args.file)
    pins = pinned.assignments if pinned is not None else ()
    show = sys.stderr.isatty() if args.progress is None else args.progress
    # Ctrl-C stops the search and keeps the best plan found so far (status "stopped").
    stop = threading.Event()
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set()) if main_thread else None
    try:
        with Progress(args.time_limit or 30.0, args.lang, enabled=show) as progress:
            limit = DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
            left = solve_share(limit, time.monotonic() - started, loading)
            # In deterministic mode the work comes from --work-limit or the limit asked for,
            # never from the clock (the same plan on any machine); the seconds left only cap it.
            work = (args.work_limit if args.work_limit is not None
                    else default_work(limit) if deterministic else None)
            result = solve(planned, rule=rule, method=args.method, time_limit=left,
                           seed=args.seed, workers=args.workers,
                           deterministic=deterministic, work_limit=work, pinned=pins,
                           baseline=baseline, progress=progress, stop=stop)
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, previous)
    for d in result.dropped_pins:
        print(say("dropped_pin", args.lang, need=d.need, date=short_date(d.date, args.lang),
                  helper=d.helper, reason=d.reason.text(args.lang))
              + (f" ({d.detail})" if d.detail else ""))
    if result.changes is not None:
        print(say("changes", args.lang, n=result.changes))
    if digest is not None:
        # The plan is for the instance file; the history only lengthened the span of service.
        result = attrs.evolve(result, instance_digest=digest)
    dump_result(result, args.output)
    print_plan(inst, result, args.lang, quiet=args.quiet)
    if inst.services and not args.quiet:
        from cus_match.analysis.complement import formal_gaps

        print(formal_gaps(inst, result).text(args.lang))
    code = report_violations(check(planned, result), args.lang)
    if result.status in (Status.INFEASIBLE, Status.PARTIAL, Status.NO_SOLUTION):
        return EXIT_INVALID
    return code


def _with_history(inst: Instance, store: Path | None) -> Instance:
    """``inst`` with the approved visits of the history ``store`` as its prior service."""
    if store is None:
        return inst
    from cus_match.store import HistoryStore

    with HistoryStore(store) as h:
        prior = h.prior_service(inst.policy.period.start)
    return attrs.evolve(inst, policy=attrs.evolve(inst.policy, prior_service=prior))


def _cmd_check(args: argparse.Namespace) -> int:
    from cus_match.plan.check import check

    paths.check(args, inputs=("file", "result", "history"))
    if args.result.suffix.lower() in (".xlsx", ".xlsm", ".csv"):  # an edited plan sheet
        from cus_match.cli.plan_sheets import check_plan_sheet
        from cus_match.io.json_format import load_instance

        return check_plan_sheet(load_instance(args.file), args.result, args.lang)[1]
    inst, result = load_plan(args.file, args.result)
    violations = check(_with_history(inst, args.history), result)
    if not violations:
        print(say("check_ok", args.lang, result=args.result,
                  n=count(len(result.assignments), args.lang, *noun("assignment", args.lang))))
    return report_violations(violations, args.lang)
