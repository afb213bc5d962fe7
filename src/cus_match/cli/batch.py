"""The ``batch`` command: plan every instance file of a folder, on one machine or a cluster.

``cus-match batch FOLDER -o OUT`` solves each ``*.json`` instance in ``FOLDER`` (for each rule,
method and seed asked for), checks every plan with the independent checker, writes the plans
to ``OUT/plans/`` and a summary to ``OUT/summary.csv``, and keeps a JSON-lines log of finished
solves in ``OUT/runs.jsonl``: run it again and only what is missing is solved. ``--jobs N``
runs N local worker processes, ``--scheduler ADDRESS`` a running Dask scheduler (the ``dask``
extra). The same options, shared here, serve ``compare``.

Examples
--------
>>> import argparse, pathlib, tempfile
>>> from cus_match.generate import generate
>>> from cus_match.io.json_format import dump_instance
>>> parser = argparse.ArgumentParser(prog="cus-match")
>>> handlers = register(parser.add_subparsers(dest="command"))
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> dump_instance(generate("tiny", seed=1), folder / "gmina-a.json")
>>> args = parser.parse_args(["batch", str(folder), "--methods", "greedy", "-o",
...                           str(folder / "out")])
>>> handlers["batch"](args)  # doctest: +ELLIPSIS
| instance | rule | method | seed | status | visits_met | visits | violations |
|---|---|---|---|---|---|---|---|
| gmina-a | fifo | greedy | 0 | feasible | ... | ... | 0 |
0
>>> sorted(p.name for p in (folder / "out" / "plans").iterdir())
['gmina-a.fifo.greedy.s0.json']
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from cus_match.cli.common import EXIT_INVALID, EXIT_OK, Handler
from cus_match.errors import InvalidOptionError

__all__ = ["SUMMARY", "add_run_options", "executor_of", "limits_of", "register", "seeds_of"]

#: Columns of ``summary.csv`` and of the printed table.
SUMMARY = ("instance", "rule", "method", "seed", "status", "visits_met", "visits",
           "violations")


def add_run_options(p: argparse.ArgumentParser, *, work_default: float = 10.0) -> None:
    """Add the options of how solves run: limits, seeds and where (``--jobs``/``--scheduler``).

    ``--time-limit`` is seconds, as in every command; it makes the solves wall-clock limited
    (not reproducible). ``--work-limit`` is CP-SAT's deterministic work units: the default
    mode, in which the same command gives the same plans and tables anywhere.
    """
    p.add_argument("--seeds", default=None)
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS")
    p.add_argument("--work-limit", type=float, default=None, metavar="UNITS")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=int, default=1, metavar="N")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS")
    p.add_argument("--log", type=Path, default=None)
    p.set_defaults(work_default=work_default)


def seeds_of(args: argparse.Namespace, default: str) -> list[int]:
    """The ``--seeds`` list (``default`` when not given).

    Raises
    ------
    InvalidOptionError
        When it is not comma-separated integers.
    """
    text = args.seeds if args.seeds is not None else default
    try:
        return [int(x) for x in text.split(",")]
    except ValueError:
        raise InvalidOptionError(f"--seeds must be comma-separated integers, got {text!r}"
                                 ) from None


def limits_of(args: argparse.Namespace) -> dict[str, Any]:
    """``time_limit``, ``work_limit`` and ``deterministic`` from ``--time-limit``/``--work-limit``.

    Raises
    ------
    InvalidOptionError
        When both are given, or one is not positive.
    """
    if args.time_limit is not None and args.work_limit is not None:
        raise InvalidOptionError("give --time-limit (seconds) or --work-limit (deterministic "
                                 "work units), not both")
    for name, value in (("--time-limit", args.time_limit), ("--work-limit", args.work_limit)):
        if value is not None and not value > 0:
            raise InvalidOptionError(f"{name} must be positive, got {value!r}")
    if args.time_limit is not None:
        return {"time_limit": args.time_limit, "work_limit": args.work_default,
                "deterministic": False}
    return {"time_limit": None, "deterministic": True,
            "work_limit": args.work_limit if args.work_limit is not None
            else args.work_default}


def executor_of(args: argparse.Namespace) -> Callable[[], Executor] | None:
    """The executor factory ``--jobs``/``--scheduler`` ask for (None: in this process)."""
    from cus_match.analysis.batch import executor_from

    return executor_from(args.jobs, args.scheduler)


def register(sub: Any) -> dict[str, Handler]:
    """Add ``batch`` to ``sub`` (the ``cus-match`` sub-command parsers); return its handler."""
    b = sub.add_parser("batch")
    b.add_argument("folder", type=Path)
    b.add_argument("--rules", default="fifo")
    b.add_argument("--methods", default="auto")
    add_run_options(b, work_default=30.0)
    b.add_argument("-o", "--output", type=Path, required=True)
    return {"batch": _cmd_batch}


def _summary_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"instance": r["label"], **{k: r[k] for k in SUMMARY[1:]}} for r in records]


def _cmd_batch(args: argparse.Namespace) -> int:
    from cus_match.analysis.batch import solve_many
    from cus_match.cli.common import write_text

    if not args.folder.is_dir():
        raise InvalidOptionError(f"{args.folder} is not a folder")
    files = sorted(args.folder.glob("*.json"))
    if not files:
        raise InvalidOptionError(f"no instance files (*.json) in {args.folder}")
    limits = limits_of(args)
    log = args.log or args.output / "runs.jsonl"
    batch = solve_many(files, rules=args.rules.split(","), methods=args.methods.split(","),
                       seeds=seeds_of(args, "0"), blocking=False, plans=True,
                       executor=executor_of(args), log=log,
                       ship="json" if args.scheduler else "path",
                       progress=lambda r: print(
                           f"{r['label']} {r['rule']}/{r['method']} seed {r['seed']}: "
                           + (f"failed: {r['error']}" if "error" in r else
                              f"{r['visits_met']}/{r['visits']} visits"),
                           file=sys.stderr, flush=True),
                       **limits)
    plans = args.output / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    for r in batch.records:
        write_text(r["plan"], plans / f"{r['label']}.{r['rule']}.{r['method']}.s{r['seed']}.json")
    rows = _summary_rows(batch.records)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(SUMMARY), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (args.output / "summary.csv").write_text(buf.getvalue(), encoding="utf-8")
    lines = ["| " + " | ".join(SUMMARY) + " |", "|---" * len(SUMMARY) + "|"]
    lines += ["| " + " | ".join(str(row[k]) for k in SUMMARY) + " |" for row in rows]
    print("\n".join(lines))
    for r in batch.failed:
        print(f"failed: {r['label']} {r['rule']}/{r['method']} seed {r['seed']}: {r['error']}",
              file=sys.stderr)
    broken = batch.failed or any(r["violations"] for r in batch.records)
    return EXIT_INVALID if broken else EXIT_OK
