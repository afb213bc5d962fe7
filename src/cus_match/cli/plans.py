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
    check_plan_source,
    load_plan,
    print_plan,
    report_violations,
)
from cus_match.cli.words import count, noun, say
from cus_match.lang import short_date

if TYPE_CHECKING:
    from cus_match.model.instance import Instance

__all__ = ["register"]


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
    s.add_argument("--history", type=Path, default=None, metavar="STORE")
    s.add_argument("--quiet", action="store_true")
    s.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)

    c = sub.add_parser("check")
    c.add_argument("file", type=Path)
    c.add_argument("result", type=Path)
    c.add_argument("--history", type=Path, default=None, metavar="STORE")
    return {"solve": _cmd_solve, "check": _cmd_check}


def _cmd_solve(args: argparse.Namespace) -> int:
    import signal
    import threading
    import time

    started = time.monotonic()  # the time limit is the command's: reading the files counts

    from cus_match.io.json_format import dump_result, load_instance, load_result
    from cus_match.optimise.rules import from_weights
    from cus_match.optimise.solve import solve
    from cus_match.plan.check import check
    from cus_match.plan.result import Status

    paths.check(args, inputs=("file", "pin", "baseline", "history"), outputs=("output",))
    inst = load_instance(args.file)
    planned = _with_history(inst, args.history)
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
            left = None
            if args.time_limit is not None and args.time_limit > 0 and not args.deterministic:
                # What loading the instance and plans took comes off the solve's share; the
                # deterministic budget is work, not seconds, so it is left whole.
                left = max(args.time_limit - (time.monotonic() - started),
                           min(args.time_limit, 0.1))
            result = solve(planned, rule=rule, method=args.method,
                           time_limit=args.time_limit if left is None else left,
                           seed=args.seed, workers=args.workers,
                           deterministic=args.deterministic, pinned=pins, baseline=baseline,
                           progress=progress, stop=stop)
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, previous)
    for d in result.dropped_pins:
        print(say("dropped_pin", args.lang, need=d.need, date=short_date(d.date, args.lang),
                  helper=d.helper, reason=d.reason.text(args.lang))
              + (f" ({d.detail})" if d.detail else ""))
    if result.changes is not None:
        print(say("changes", args.lang, n=result.changes))
    if planned is not inst:
        from cus_match.io.json_format import instance_digest

        # The plan is for the instance file; the history only lengthened the span of service.
        result = attrs.evolve(result, instance_digest=instance_digest(inst))
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
