"""The ``batch`` command: plan every instance file of a folder, on one machine or a cluster.

``cus-match batch FOLDER -o OUT`` solves each ``*.json`` instance in ``FOLDER`` (for each rule,
method and seed asked for), checks every plan with the independent checker, writes the plans
to ``OUT/plans/`` and a summary to ``OUT/summary.csv``, and keeps a JSON-lines log of finished
solves in ``OUT/runs.jsonl``: run it again and only what is missing is solved. ``--jobs N``
runs N local worker processes, ``--scheduler ADDRESS`` a running Dask scheduler (the ``dask``
extra). The same options, shared here, serve ``compare``.

With ``--lang pl`` the printed table, the progress lines and the errors are Polish; the files
keep stable English ids (``summary.csv``'s header, the statuses, ``runs.jsonl``), so that a
researcher's scripts read the same columns whatever language the command was run in.

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
>>> args.lang = "en"  # the main parser's --lang, which this bare parser lacks
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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cus_match.cli.common import EXIT_INVALID, EXIT_OK, Handler, UsageError
from cus_match.cli.words import error_text, say
from cus_match.problem_texts import ProblemCode

__all__ = ["SUMMARY", "add_run_options", "choices_of", "executor_of", "limits_of", "register",
           "scheduler_reached", "seeds_of"]

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
    UsageError
        When it is not comma-separated integers.
    """
    text = args.seeds if args.seeds is not None else default
    try:
        return [int(x) for x in text.split(",")]
    except ValueError:
        raise UsageError(ProblemCode.OPTION_SEEDS, value=text) from None


def choices_of(text: str, option: str, known: Sequence[str]) -> list[str]:
    """The comma-separated names of ``option``, each one of ``known``.

    The library checks them too, in its parameters' words (``rule``); checked here first, the
    error names the option the coordinator typed (``--rules``).

    Raises
    ------
    UsageError
        Naming every unknown name and the known ones.

    Examples
    --------
    >>> choices_of("fifo,equity", "--rules", ["fifo", "equity"])
    ['fifo', 'equity']
    >>> choices_of("fifo,fast", "--rules", ["fifo", "equity"])
    Traceback (most recent call last):
    ...
    cus_match.cli.common.UsageError: --rules: unknown 'fast'; choose from 'fifo', 'equity'
    """
    names = text.split(",")
    bad = [n for n in names if n not in known]
    if bad:
        raise UsageError(ProblemCode.OPTION_UNKNOWN_CHOICE, option=option, bad=bad,
                         known=list(known))
    return names


def limits_of(args: argparse.Namespace) -> dict[str, Any]:
    """``time_limit``, ``work_limit`` and ``deterministic`` from ``--time-limit``/``--work-limit``.

    Raises
    ------
    UsageError
        When both are given, or one is not positive.
    """
    if args.time_limit is not None and args.work_limit is not None:
        raise UsageError(ProblemCode.OPTION_BOTH_LIMITS)
    for name, value in (("--time-limit", args.time_limit), ("--work-limit", args.work_limit)):
        if value is not None and not value > 0:
            raise UsageError(ProblemCode.OPTION_NOT_POSITIVE, option=name, value=value)
    if args.time_limit is not None:
        return {"time_limit": args.time_limit, "work_limit": args.work_default,
                "deterministic": False}
    return {"time_limit": None, "deterministic": True,
            "work_limit": args.work_limit if args.work_limit is not None
            else args.work_default}


def executor_of(args: argparse.Namespace) -> Callable[[], Executor] | None:
    """The executor factory ``--jobs``/``--scheduler`` ask for (None: in this process).

    Raises
    ------
    UsageError
        When ``--jobs`` is below 1.
    """
    from cus_match.analysis.batch import executor_from

    if args.jobs < 1:
        raise UsageError(ProblemCode.OPTION_AT_LEAST_ONE, option="--jobs", value=args.jobs)
    return executor_from(args.jobs, args.scheduler)


@contextmanager
def scheduler_reached(args: argparse.Namespace) -> Iterator[None]:
    """Tell a Dask scheduler that cannot be reached as such, not as a file system error.

    Dask raises a bare :class:`OSError` (no file name) when it cannot connect; an
    :class:`OSError` naming a file (the log, a plan) is left to the command line's handler.

    Raises
    ------
    UsageError
        When ``--scheduler`` was given and connecting to it failed.
    """
    try:
        yield
    except OSError as e:
        if args.scheduler is None or e.filename is not None:
            raise
        raise UsageError(ProblemCode.SCHEDULER_UNREACHABLE, address=args.scheduler) from e


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


def _run_line(r: dict[str, Any], lang: str) -> str:
    run = {k: r[k] for k in ("label", "rule", "method", "seed")}
    if "error" in r:
        return say("batch_run_failed", lang, **run, error=error_text(r["error"], lang))
    return say("batch_done", lang, **run, met=r["visits_met"], visits=r["visits"])


def _status(value: str, lang: str) -> str:
    # A status the words do not know yet is shown as its id rather than hidden.
    try:
        return say(f"status_{value}", lang)
    except KeyError:
        return value


def _cmd_batch(args: argparse.Namespace) -> int:
    from cus_match.analysis.batch import solve_many
    from cus_match.cli.common import write_text
    from cus_match.optimise.rules import RULES
    from cus_match.optimise.solve import METHODS

    lang = args.lang
    if not args.folder.is_dir():
        raise UsageError(ProblemCode.BATCH_NOT_A_FOLDER, path=str(args.folder))
    files = sorted(args.folder.glob("*.json"))
    if not files:
        raise UsageError(ProblemCode.BATCH_NO_INSTANCES, path=str(args.folder))
    limits = limits_of(args)
    rules = choices_of(args.rules, "--rules", list(RULES))
    methods = choices_of(args.methods, "--methods", list(METHODS))
    log = args.log or args.output / "runs.jsonl"
    seeds, executor = seeds_of(args, "0"), executor_of(args)
    with scheduler_reached(args):
        batch = solve_many(files, rules=rules, methods=methods, seeds=seeds, blocking=False,
                           plans=True, executor=executor, log=log,
                           ship="json" if args.scheduler else "path",
                           progress=lambda r: print(_run_line(r, lang), file=sys.stderr,
                                                    flush=True),
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
    # The printed table is for people (Polish with --lang pl); summary.csv keeps the ids.
    lines = [say("batch_header", lang), "|---" * len(SUMMARY) + "|"]
    lines += ["| " + " | ".join(_status(row[k], lang) if k == "status" else str(row[k])
                                for k in SUMMARY) + " |" for row in rows]
    print("\n".join(lines))
    for r in batch.failed:
        print(say("batch_failed", lang, label=r["label"], rule=r["rule"], method=r["method"],
                  seed=r["seed"], error=error_text(r["error"], lang)), file=sys.stderr)
    broken = batch.failed or any(r["violations"] for r in batch.records)
    return EXIT_INVALID if broken else EXIT_OK
