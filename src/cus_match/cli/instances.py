"""Commands about instances: demo, generate, validate, schema, template and import.

:func:`register` adds them to the ``cus-match`` sub-command parser and returns their handlers.
Handlers return an exit code and let :class:`~cus_match.errors.CusMatchError` propagate to
:func:`cus_match.cli.main.main`, which prints every problem (exit 1) or a usage error (exit 2).

``template`` and ``import`` take ``--lang`` after the command as well as before it
(``cus-match --lang pl import ...``).

Examples
--------
>>> import argparse, pathlib, tempfile
>>> parser = argparse.ArgumentParser(prog="cus-match")
>>> parser.add_argument("--lang", default="en")  # doctest: +ELLIPSIS
_StoreAction(...)
>>> handlers = register(parser.add_subparsers(dest="command"))
>>> sorted(handlers)
['demo', 'generate', 'import', 'schema', 'template', 'validate']
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> args = parser.parse_args(["generate", "--profile", "tiny", "-o", str(folder / "t.json")])
>>> handlers[args.command](args)
0
>>> args = parser.parse_args(["validate", str(folder / "t.json")])
>>> handlers[args.command](args)  # doctest: +ELLIPSIS
/.../t.json: valid — 2 places, 4 helpers, 3 residents, 5 needs (11 visits), 0 formal services
0
>>> args = parser.parse_args(["template", str(folder / "t.xlsx"), "--lang", "pl"])
>>> handlers[args.command](args)
0
>>> args = parser.parse_args(["import", str(folder / "t.xlsx"), "-o", str(folder / "i.json")])
>>> handlers[args.command](args)
0
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cus_match.cli import paths
from cus_match.cli.common import (
    EXIT_OK,
    Handler,
    UsageError,
    add_lang_option,
    print_plan,
    report_violations,
)
from cus_match.cli.words import count, noun, say
from cus_match.problem_texts import ProblemCode

if TYPE_CHECKING:
    from cus_match.model.instance import Instance

__all__ = ["register"]


def register(sub: Any) -> dict[str, Handler]:
    """Add the instance commands to ``sub`` (from ``add_subparsers``).

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The ``cus-match`` sub-command parsers.

    Returns
    -------
    dict
        Command name to handler.
    """
    d = sub.add_parser("demo")
    d.add_argument("-o", "--output", type=Path)

    g = sub.add_parser("generate")
    # None marks "not given", so that --demo can refuse them; the defaults are in _cmd_generate.
    g.add_argument("--profile", default=None)
    g.add_argument("--seed", type=int, default=None)
    g.add_argument("--weeks", type=int, default=None)
    g.add_argument("--scale", type=float, default=None)
    g.add_argument("--demo", action="store_true")
    g.add_argument("--library", default=None, metavar="NAME")
    g.add_argument("-o", "--output", type=Path)

    v = sub.add_parser("validate")
    v.add_argument("file", type=Path)

    sc = sub.add_parser("schema")
    sc.add_argument("--kind", choices=["instance", "result"], default="instance")

    t = sub.add_parser("template")
    t.add_argument("output", type=Path)
    t.add_argument("--format", choices=["xlsx", "csv"], default=None)
    add_lang_option(t)
    t.add_argument("--demo", action="store_true")

    i = sub.add_parser("import")
    i.add_argument("source", type=Path)
    i.add_argument("-o", "--output", type=Path)
    add_lang_option(i)
    return {"demo": _cmd_demo, "generate": _cmd_generate, "validate": _cmd_validate,
            "schema": _cmd_schema, "template": _cmd_template, "import": _cmd_import}


def _cmd_demo(args: argparse.Namespace) -> int:
    from cus_match.generate import demo_instance
    from cus_match.io.json_format import dump_result
    from cus_match.lang import number
    from cus_match.optimise.solve import solve
    from cus_match.plan.check import check

    lang = args.lang
    paths.check(args, outputs=("output",))
    inst = demo_instance()
    result = solve(inst, method="auto", time_limit=20, deterministic=True)
    baseline = solve(inst, method="greedy")
    print_plan(inst, result, args.lang)
    violations = check(inst, result) + check(inst, baseline)
    print()
    met = len({(a.need, a.date) for a in result.assignments})
    met_fifo = len({(a.need, a.date) for a in baseline.assignments})
    visits = noun("visit", lang)
    print(say("demo_compare", lang, b=count(met_fifo, lang, *visits),
              bo=number(baseline.objective or 0, lang, 2, fixed=True),
              r=count(met, lang, *visits), ro=number(result.objective or 0, lang, 2, fixed=True)))
    verdict = (say("demo_bad", lang, n=len(violations)) if violations
               else say("demo_ok", lang))
    print(say("demo_checked", lang, verdict=verdict))
    if args.output:
        dump_result(result, args.output)
    return report_violations(violations, lang)


def _cmd_generate(args: argparse.Namespace) -> int:
    paths.check(args, outputs=("output",))
    given = [f"--{name}" for name in ("profile", "seed", "weeks", "scale")
             if getattr(args, name) is not None]
    if args.demo and args.library is not None:
        raise UsageError(ProblemCode.OPTION_DEMO_FIXED, options="--library")
    if args.library is not None:
        from cus_match.generate.library import LIBRARY, load

        if args.library not in LIBRARY:
            raise UsageError(ProblemCode.OPTION_UNKNOWN_CHOICE, option="--library",
                             bad=[args.library], known=sorted(LIBRARY))
        if given:
            raise UsageError(ProblemCode.OPTION_LIBRARY_FIXED, options=", ".join(given))
        # load() checks the digest, so the file written is the one the name is cited with.
        inst = load(args.library)
    elif args.demo:
        from cus_match.generate import build_demo

        if given:
            raise UsageError(ProblemCode.OPTION_DEMO_FIXED, options=", ".join(given))
        inst = build_demo()
    else:
        from cus_match.generate import generate

        inst = generate(args.profile or "rural", seed=0 if args.seed is None else args.seed,
                        weeks=args.weeks, scale=1.0 if args.scale is None else args.scale)
    _write_instance(inst, args.output)
    return EXIT_OK


def _write_instance(inst: Instance, output: Path | None) -> None:
    from cus_match.io.json_format import dump_instance, dumps_instance

    if output:
        dump_instance(inst, output)
    else:
        print(dumps_instance(inst))


def _cmd_validate(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import load_instance
    from cus_match.model.occurrences import expand

    paths.check(args, inputs=("file",))
    inst = load_instance(args.file)
    print(say("valid", args.lang, file=args.file, **_counts(inst, args.lang),
              visits=_counted(len(expand(inst)), "visit", args.lang),
              services=_counted(len(inst.services), "service", args.lang)))
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import schema

    print(json.dumps(schema(args.kind), indent=2, ensure_ascii=False))
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from cus_match.generate import demo_instance
    from cus_match.io.sheets import write_instance as write_sheets
    from cus_match.io.sheets import write_template

    fmt = args.format or ("xlsx" if args.output.suffix.lower() == ".xlsx" else "csv")
    paths.check(args, **({"outputs": ("output",), "extras": ((None, "xlsx", "template .xlsx"),)}
                   if fmt == "xlsx" else {"folders": ("output",)}))
    if args.demo:
        write_sheets(demo_instance(), args.output, args.lang, fmt)
    else:
        write_template(args.output, args.lang, fmt)
    print(say("template_written", args.lang, file=args.output), file=sys.stderr)
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from cus_match.io.sheets import read_instance

    xlsx = args.source.suffix.lower() in (".xlsx", ".xlsm")
    paths.check(args, paths=("source",), outputs=("output",),
          extras=((None, "xlsx", "import .xlsx"),) if xlsx else ())
    inst = read_instance(args.source, lang=args.lang)
    _write_instance(inst, args.output)
    print(say("imported", args.lang, file=args.source, **_counts(inst, args.lang)),
          file=sys.stderr)
    return EXIT_OK


def _counted(n: int, key: str, lang: str) -> str:
    # Polish lists "miejsca: 2" (the noun never follows the number, so it never changes form);
    # English counts "2 places".
    return str(n) if lang == "pl" else count(n, lang, *noun(key, lang))


def _counts(inst: Instance, lang: str) -> dict[str, str]:
    return {f"{key}s": _counted(len(getattr(inst, f"{key}s")), key, lang)
            for key in ("place", "helper", "resident", "need")}
