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
from cus_match.result import Status

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
    s.add_argument("--rule", default="fifo", help="matching rule (default: fifo)")
    s.add_argument("--method", default="auto",
                   help="greedy (FIFO by hand), flow, cpsat or auto (default: auto)")
    s.add_argument("--time-limit", type=float, default=None, help="seconds (default 30)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--workers", type=int, default=1, help="CP-SAT workers per model")
    s.add_argument("--deterministic", action="store_true",
                   help="reproducible search (same input and seed, same plan)")
    s.add_argument("--quiet", action="store_true", help="print only the summary")

    c = sub.add_parser("check", help="verify a result against its instance (every hard rule)")
    c.add_argument("file", type=Path, help="instance JSON")
    c.add_argument("result", type=Path, help="result JSON")

    sc = sub.add_parser("schema", help="print the JSON Schema of instance or result files")
    sc.add_argument("--kind", choices=["instance", "result"], default="instance")

    g = sub.add_parser("generate", help="write a synthetic instance")
    g.add_argument("--profile", default="rural", help="tiny, rural, town or city")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--weeks", type=int, default=None)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")

    from cus_match.io.sheet_commands import register as register_sheet_commands

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
    from cus_match.textplan import format_plan

    print(result.summary(lang) if quiet else format_plan(inst, result, lang=lang))


def _report_violations(violations: list) -> int:  # type: ignore[type-arg]
    for v in violations:
        print(f"VIOLATION [{v.rule} {v.code}] {v.message}", file=sys.stderr)
    return EXIT_INVALID if violations else EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from cus_match.check import check
    from cus_match.generate import demo_instance
    from cus_match.io.json_format import dump_result
    from cus_match.solve import solve

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
    from cus_match.occurrences import expand

    inst = load_instance(args.file)
    print(f"{args.file}: valid — {len(inst.places)} places, {len(inst.helpers)} helpers, "
          f"{len(inst.residents)} residents, {len(inst.needs)} needs "
          f"({len(expand(inst))} visits), {len(inst.services)} formal services")
    return EXIT_OK


def _cmd_solve(args: argparse.Namespace) -> int:
    from cus_match.check import check
    from cus_match.io.json_format import dump_result, load_instance
    from cus_match.solve import solve

    inst = load_instance(args.file)
    result = solve(inst, rule=args.rule, method=args.method, time_limit=args.time_limit,
                   seed=args.seed, workers=args.workers, deterministic=args.deterministic)
    dump_result(result, args.output)
    _print_plan(inst, result, args.lang, quiet=args.quiet)
    code = _report_violations(check(inst, result))
    if result.status in (Status.INFEASIBLE, Status.PARTIAL, Status.NO_SOLUTION):
        return EXIT_INVALID
    return code


def _cmd_check(args: argparse.Namespace) -> int:
    from cus_match.check import check
    from cus_match.io.json_format import load_instance, load_result

    inst = load_instance(args.file)
    result = load_result(args.result)
    violations = check(inst, result)
    if not violations:
        print(f"{args.result}: all hard rules hold ({len(result.assignments)} assignments)")
    return _report_violations(violations)


def _cmd_schema(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import schema

    print(json.dumps(schema(args.kind), indent=2, ensure_ascii=False))
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


_COMMANDS = {
    "demo": _cmd_demo, "validate": _cmd_validate, "solve": _cmd_solve, "check": _cmd_check,
    "schema": _cmd_schema, "generate": _cmd_generate,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
