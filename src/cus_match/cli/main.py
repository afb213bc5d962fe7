"""The ``cus-match`` command line.

Exit codes: 0 success; 1 invalid input, an infeasible or partial plan, or violations found;
2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from cus_match.errors import CusMatchError, InvalidInputError, InvalidOptionError
from cus_match.plan.result import Status

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cus-match",
        description="Match volunteers and neighbours to residents' needs for a Social Services "
                    "Centre (CUS). Proposals are decision support: people approve them.",
    )
    p.add_argument("--lang", choices=["en", "pl"], default="en",
                   help="language of printed text (default: en)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    d = sub.add_parser("demo", help="solve the bundled rural demo instance and print the plan")
    d.add_argument("-o", "--output", type=Path, help="also write the result JSON here")

    v = sub.add_parser("validate", help="check an instance file and report every problem")
    v.add_argument("file", type=Path)

    s = sub.add_parser("solve", help="solve an instance file")
    s.add_argument("file", type=Path)
    s.add_argument("-o", "--output", type=Path, required=True, help="result JSON to write")
    s.add_argument("--rule", default="fifo",
                   help="matching rule: fifo (default), priority, utilitarian, equity, repair, "
                        "stable, stable-helpers or nearest")
    s.add_argument("--weights", default=None, metavar="TERM=W,...",
                   help="a custom one-stage rule instead of --rule, e.g. "
                        "'weighted_coverage=1,travel=2,continuity=30'")
    s.add_argument("--pin", type=Path, default=None, metavar="RESULT",
                   help="keep every visit of this result JSON (confirmed visits); those the "
                        "instance no longer allows are dropped and listed with reasons")
    s.add_argument("--baseline", type=Path, default=None, metavar="RESULT",
                   help="the plan being re-planned: report how many visits changed (use "
                        "--rule repair to change as few as possible)")
    s.add_argument("--method", default="auto",
                   help="greedy (FIFO by hand), flow, cpsat or auto (default: auto)")
    s.add_argument("--time-limit", type=float, default=None, help="seconds (default 30)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--workers", type=int, default=1, help="CP-SAT workers per model")
    s.add_argument("--deterministic", action="store_true",
                   help="reproducible search (same input and seed, same plan)")
    s.add_argument("--quiet", action="store_true", help="print only the summary")
    s.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show elapsed time while solving (default: when stderr is a terminal)")

    c = sub.add_parser("check", help="verify a result against its instance (every hard rule)")
    c.add_argument("file", type=Path, help="instance JSON")
    c.add_argument("result", type=Path, help="result JSON")

    dg = sub.add_parser("diagnose", help="where help is short and what is missing; optionally "
                                          "whom to recruit or train (what-if re-solves)")
    dg.add_argument("file", type=Path, help="instance JSON")
    dg.add_argument("result", type=Path, help="result JSON (the plan to diagnose)")
    # Also after the command; SUPPRESS keeps the global --lang when this one is not given.
    dg.add_argument("--lang", choices=["en", "pl"], default=argparse.SUPPRESS,
                    help="language of printed text (default: en)")
    dg.add_argument("--what-if", action="store_true",
                    help="propose recruits, training and extra hours, and re-solve with each")
    dg.add_argument("--top", type=int, default=5, help="suggestions to show (default: 5)")
    dg.add_argument("--max-cells", type=int, default=20,
                    help="shortage cells to print (default: 20)")
    dg.add_argument("--method", default=None,
                    help="method for the what-if re-solves (default: the result's own)")
    dg.add_argument("--time-limit", type=float, default=None, help="seconds per re-solve")
    dg.add_argument("-o", "--output", type=Path,
                    help="also write the shortage cells, gaps and suggestions as JSON here")

    rc = sub.add_parser("recommend", help="the k best helpers and times for one new need, "
                                           "fitted into the current plan without moving others")
    rc.add_argument("file", type=Path, help="instance JSON")
    rc.add_argument("result", type=Path, help="the current plan (result JSON)")
    rc.add_argument("need", type=Path, help="the new need (JSON object of one need)")
    rc.add_argument("--k", type=int, default=5, help="options per visit (default: 5)")
    rc.add_argument("--accept", type=int, default=None, metavar="RANK",
                    help="add the option of this rank (on --date) to the plan")
    rc.add_argument("--date", default=None, help="the visit date of --accept (YYYY-MM-DD)")
    rc.add_argument("-o", "--output", type=Path, default=None,
                    help="with --accept: where to write the updated plan")

    cm = sub.add_parser("compare", help="research harness: rules x methods x seeds x "
                                         "generated profiles; tidy CSV/JSON, table and plots")
    cm.add_argument("--profiles", default="rural", help="comma-separated (default: rural)")
    cm.add_argument("--rules", default="fifo,priority,utilitarian,equity,stable,nearest")
    cm.add_argument("--methods", default="greedy,auto")
    cm.add_argument("--seeds", default="1,2,3")
    cm.add_argument("--time-limit", type=float, default=10.0, help="per solve (work units)")
    cm.add_argument("--no-plots", action="store_true")
    cm.add_argument("-o", "--output", type=Path, required=True, help="folder to write")

    from cus_match.cli.history import register as register_store_commands

    _COMMANDS.update(register_store_commands(sub))

    sc = sub.add_parser("schema", help="print the JSON Schema of instance or result files")
    sc.add_argument("--kind", choices=["instance", "result"], default="instance")

    e = sub.add_parser("export", help="write a plan as XLSX, CSV files and/or calendars (.ics)")
    e.add_argument("file", type=Path, help="instance JSON")
    e.add_argument("result", type=Path, help="result JSON")
    e.add_argument("--xlsx", type=Path, help="workbook to write")
    e.add_argument("--csv", type=Path, metavar="FOLDER", help="folder for the CSV files")
    e.add_argument("--ics", type=Path, metavar="FOLDER",
                   help="folder for one calendar per helper")
    e.add_argument("--names", type=Path, metavar="FILE",
                   help="residents' names, one 'id;name' per line (default: ids only)")
    e.add_argument("--delimiter", choices=[";", ","], default=";",
                   help="CSV field separator (default ';', for Polish Excel)")
    # SUPPRESS: without --lang here, the global --lang (before the command) stays in force.
    e.add_argument("--lang", choices=["en", "pl"], default=argparse.SUPPRESS,
                   help="language of headers and words")

    rp = sub.add_parser("report", help="write a plan as one self-contained HTML page "
                                        "(charts, map, unmet needs explained)")
    rp.add_argument("file", type=Path, help="instance JSON")
    rp.add_argument("result", type=Path, help="result JSON")
    rp.add_argument("-o", "--output", type=Path, required=True, help="HTML file to write")
    rp.add_argument("--names", type=Path, metavar="FILE",
                    help="residents' names, one 'id;name' per line (default: ids only)")
    rp.add_argument("--previous", type=Path, metavar="RESULT", default=None,
                    help="the previous round's plan (result JSON): pairs kept from it")
    rp.add_argument("--title", default=None, help="page title")
    # SUPPRESS: without --lang here, the global --lang (before the command) stays in force.
    rp.add_argument("--lang", choices=["en", "pl"], default=argparse.SUPPRESS,
                    help="language of the report")

    x = sub.add_parser("explain", help="explain the plan for one need or helper")
    x.add_argument("file", type=Path, help="instance JSON")
    x.add_argument("result", type=Path, help="result JSON")
    x.add_argument("subject", help="a need id or a helper id")
    x.add_argument("--lang", choices=["en", "pl"], default=argparse.SUPPRESS,
                   help="language of the explanation")

    g = sub.add_parser("generate", help="write a synthetic instance")
    g.add_argument("--profile", default="rural", help="tiny, rural, town or city")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--weeks", type=int, default=None)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")

    from cus_match.cli.sheets import register as register_sheet_commands

    _COMMANDS.update(register_sheet_commands(sub))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args))
    except InvalidInputError as e:
        print(str(e), file=sys.stderr)
        return EXIT_INVALID
    except CusMatchError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE if isinstance(e, InvalidOptionError) else EXIT_INVALID


def _print_plan(inst, result, lang: str, quiet: bool = False) -> None:  # type: ignore[no-untyped-def]
    from cus_match.report.text import format_plan

    print(result.summary(lang) if quiet else format_plan(inst, result, lang=lang))


def _report_violations(violations: list) -> int:  # type: ignore[type-arg]
    for v in violations:
        print(f"VIOLATION [{v.rule} {v.code}] {v.message}", file=sys.stderr)
    return EXIT_INVALID if violations else EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from cus_match.generate import demo_instance
    from cus_match.io.json_format import dump_result
    from cus_match.optimise.solve import solve
    from cus_match.plan.check import check

    inst = demo_instance()
    result = solve(inst, method="auto", time_limit=20, deterministic=True)
    baseline = solve(inst, method="greedy")
    _print_plan(inst, result, args.lang)
    violations = check(inst, result) + check(inst, baseline)
    print()
    met = len({(a.need, a.date) for a in result.assignments})
    met_fifo = len({(a.need, a.date) for a in baseline.assignments})
    print(("By hand (FIFO greedy): {b} visits met, objective {bo:.2f}; optimised: {r} visits, "
           "objective {ro:.2f}" if args.lang == "en" else
           "Ręcznie (kolejność zgłoszeń): {b} wizyt, wartość {bo:.2f}; po optymalizacji: {r} "
           "wizyt, wartość {ro:.2f}").format(b=met_fifo, bo=baseline.objective or 0, r=met,
                                             ro=result.objective or 0))
    print(("Checked independently: " if args.lang == "en" else "Sprawdzono niezależnie: ")
          + (f"{len(violations)} violations" if violations else "all hard rules hold"))
    if args.output:
        dump_result(result, args.output)
    return _report_violations(violations)


def _cmd_validate(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import load_instance
    from cus_match.model.occurrences import expand

    inst = load_instance(args.file)
    print(f"{args.file}: valid — {len(inst.places)} places, {len(inst.helpers)} helpers, "
          f"{len(inst.residents)} residents, {len(inst.needs)} needs "
          f"({len(expand(inst))} visits), {len(inst.services)} formal services")
    return EXIT_OK


def _cmd_solve(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import dump_result, load_instance, load_result
    from cus_match.optimise.rules import from_weights
    from cus_match.optimise.solve import solve
    from cus_match.plan.check import check

    inst = load_instance(args.file)
    rule = args.rule
    if args.weights is not None:
        weights: dict[str, object] = {}
        for part in args.weights.split(","):
            term, _, value = part.partition("=")
            try:
                weights[term.strip()] = float(value)
            except ValueError:
                weights[term.strip()] = value
        rule = from_weights("custom", weights)
    pins = load_result(args.pin).assignments if args.pin else ()
    baseline = load_result(args.baseline) if args.baseline else None
    show = sys.stderr.isatty() if args.progress is None else args.progress
    with _Progress(args.time_limit or 30.0, args.lang, enabled=show):
        result = solve(inst, rule=rule, method=args.method, time_limit=args.time_limit,
                       seed=args.seed, workers=args.workers, deterministic=args.deterministic,
                       pinned=pins, baseline=baseline)
    for d in result.dropped_pins:
        print(f"dropped pin: {d.need} {d.date} {d.helper}: {d.reason.text(args.lang)}"
              + (f" ({d.detail})" if d.detail else ""))
    if result.changes is not None:
        print(("zmienione wizyty względem planu bazowego: " if args.lang == "pl"
               else "visits changed from the baseline: ") + str(result.changes))
    dump_result(result, args.output)
    _print_plan(inst, result, args.lang, quiet=args.quiet)
    if inst.services and not args.quiet:
        from cus_match.analysis.complement import formal_gaps

        print(formal_gaps(inst, result).text(args.lang))
    code = _report_violations(check(inst, result))
    if result.status in (Status.INFEASIBLE, Status.PARTIAL, Status.NO_SOLUTION):
        return EXIT_INVALID
    return code


class _Progress:
    """Elapsed time on stderr while a long solve runs (a coordinator should see it working)."""

    def __init__(self, limit: float, lang: str, *, enabled: bool) -> None:
        import threading

        self.limit, self.lang, self.enabled = limit, lang, enabled
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import time

        t0 = time.monotonic()
        word = "szukam planu" if self.lang == "pl" else "solving"
        while not self.stop.wait(1.0):
            print(f"\r{word}... {time.monotonic() - t0:4.0f} s / {self.limit:.0f} s",
                  end="", file=sys.stderr, flush=True)
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr, flush=True)

    def __enter__(self) -> _Progress:
        if self.enabled:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.stop.set()
            self.thread.join()


def _cmd_check(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import load_instance, load_result
    from cus_match.plan.check import check

    inst = load_instance(args.file)
    result = load_result(args.result)
    violations = check(inst, result)
    if not violations:
        print(f"{args.result}: all hard rules hold ({len(result.assignments)} assignments)")
    return _report_violations(violations)


def _cmd_diagnose(args: argparse.Namespace) -> int:
    from cus_match.analysis.diagnosis import format_what_if, shortage, suggest_changes
    from cus_match.io.json_format import load_instance, load_result

    if args.top < 0 or args.max_cells < 0:
        raise InvalidOptionError("--top and --max-cells must be >= 0")
    inst = load_instance(args.file)
    result = load_result(args.result)
    diag = shortage(inst, result)
    print(diag.text(args.lang, max_cells=args.max_cells))
    suggestions = []
    if args.what_if:
        suggestions = suggest_changes(inst, result, top=args.top, method=args.method,
                                      time_limit=args.time_limit)
        print()
        print(format_what_if(inst, suggestions, args.lang))
    if args.output:
        doc = {"cells": diag.to_records(), "gaps": diag.gap_records(),
               "what_if": [w.to_record(inst, args.lang) for w in suggestions]}
        args.output.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import schema

    print(json.dumps(schema(args.kind), indent=2, ensure_ascii=False))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import load_instance, load_result

    if not (args.xlsx or args.csv or args.ics):
        print("error: export needs at least one of --xlsx, --csv, --ics", file=sys.stderr)
        return EXIT_USAGE
    inst = load_instance(args.file)
    result = load_result(args.result)
    names = _read_names(args.names, inst) if args.names else None
    if args.xlsx:
        from cus_match.report.tables import write_xlsx

        print(write_xlsx(inst, result, args.xlsx, lang=args.lang, names=names))
    if args.csv:
        from cus_match.report.tables import write_csv

        for p in write_csv(inst, result, args.csv, lang=args.lang, names=names,
                           delimiter=args.delimiter):
            print(p)
    if args.ics:
        from cus_match.report.calendar import write_ics

        for p in write_ics(inst, result, args.ics, lang=args.lang):
            print(p)
    return EXIT_OK


def _read_names(path: Path, inst) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from cus_match.errors import Problem
    from cus_match.problem_texts import ProblemCode
    from cus_match.report.tables import read_names

    names = read_names(path)
    known = {r.id for r in inst.residents}
    # A name for an id the instance lacks is most likely a typo: say so rather than drop it.
    unknown = [Problem(rid, ProblemCode.NOT_A_RESIDENT) for rid in sorted(names)
               if rid not in known]
    if unknown:
        raise InvalidInputError(unknown, source=str(path))
    return names


def _cmd_report(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import load_instance, load_result
    from cus_match.report import write_report

    inst = load_instance(args.file)
    result = load_result(args.result)
    names = _read_names(args.names, inst) if args.names else None
    previous = load_result(args.previous) if args.previous else None
    print(write_report(inst, result, args.output, lang=args.lang, names=names,
                       previous=previous, title=args.title))
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    from cus_match.analysis.explain import explain
    from cus_match.io.json_format import load_instance, load_result

    inst = load_instance(args.file)
    result = load_result(args.result)
    print(explain(inst, result, args.subject, lang=args.lang).text)
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    from cus_match.generate import generate
    from cus_match.io.json_format import dump_instance, dumps_instance

    inst = generate(args.profile, seed=args.seed, weeks=args.weeks, scale=args.scale)
    if args.output:
        dump_instance(inst, args.output)
    else:
        print(dumps_instance(inst))
    return EXIT_OK


def _cmd_recommend(args: argparse.Namespace) -> int:
    from cus_match.analysis.recommend import Recommender, format_recommendations, load_need
    from cus_match.clock import parse_date
    from cus_match.io.json_format import dump_result, load_instance, load_result

    inst = load_instance(args.file)
    rec = Recommender(inst, load_result(args.result))
    need = load_need(args.need)
    options = rec.recommend(need, k=args.k, lang=args.lang)
    print(format_recommendations(rec.visits(need), options, need.id, lang=args.lang))
    if args.accept is None:
        return EXIT_OK
    if args.date is None or args.output is None:
        raise InvalidOptionError("--accept needs --date and --output")
    day = parse_date(args.date)
    chosen = [o for o in options if o.rank == args.accept and o.date == day]
    if not chosen:
        raise InvalidOptionError(f"no option of rank {args.accept} on {day}")
    _inst2, plan = rec.accept(need, chosen[0])
    dump_result(plan, args.output)
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from cus_match.analysis.research import run_study, study_markdown, write_study

    try:
        seeds = [int(x) for x in args.seeds.split(",")]
    except ValueError:
        print(f"error: --seeds must be comma-separated integers, got {args.seeds!r}",
              file=sys.stderr)
        return EXIT_USAGE
    study = run_study(profiles=args.profiles.split(","), rules=args.rules.split(","),
                      methods=args.methods.split(","), seeds=seeds,
                      time_limit=args.time_limit,
                      progress=lambda line: print(line, file=sys.stderr, flush=True))
    write_study(study, args.output, plots=not args.no_plots)
    print(study_markdown(study))
    return EXIT_OK


_COMMANDS = {
    "demo": _cmd_demo, "validate": _cmd_validate, "solve": _cmd_solve, "check": _cmd_check,
    "schema": _cmd_schema, "generate": _cmd_generate, "export": _cmd_export,
    "explain": _cmd_explain, "diagnose": _cmd_diagnose, "compare": _cmd_compare,
    "recommend": _cmd_recommend, "report": _cmd_report,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
