"""Commands that study a plan: ``explain``, ``diagnose``, ``recommend`` and ``compare``.

:func:`register` adds them to the ``cus-match`` sub-command parser and returns their handlers.
``explain`` and ``diagnose`` take ``--lang`` after the command as well as before it.

Examples
--------
>>> import argparse, pathlib, tempfile
>>> from cus_match.generate import generate
>>> from cus_match.io.json_format import dump_instance, dump_result
>>> from cus_match.optimise.solve import solve
>>> parser = argparse.ArgumentParser(prog="cus-match")
>>> parser.add_argument("--lang", default="en")  # doctest: +ELLIPSIS
_StoreAction(...)
>>> handlers = register(parser.add_subparsers(dest="command"))
>>> sorted(handlers)
['compare', 'diagnose', 'explain', 'recommend']
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> inst = generate("tiny", seed=1)
>>> dump_instance(inst, folder / "tiny.json")
>>> dump_result(solve(inst, method="greedy"), folder / "plan.json")
>>> args = parser.parse_args(["explain", str(folder / "tiny.json"), str(folder / "plan.json"),
...                           inst.helpers[0].id])
>>> handlers[args.command](args)  # doctest: +ELLIPSIS
Katarzyna H. (h-00001): 1 visit, 1 hour.
...
0
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cus_match.cli.batch import add_run_options, executor_of, limits_of, seeds_of
from cus_match.cli.common import (
    EXIT_OK,
    Handler,
    add_lang_option,
    load_plan,
    write_text,
)
from cus_match.errors import InvalidOptionError

__all__ = ["register"]


def register(sub: Any) -> dict[str, Handler]:
    """Add ``explain``, ``diagnose``, ``recommend`` and ``compare`` to ``sub``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The ``cus-match`` sub-command parsers (from ``add_subparsers``).

    Returns
    -------
    dict
        Command name to handler.
    """
    x = sub.add_parser("explain", help="explain the plan for one need or helper")
    x.add_argument("file", type=Path, help="instance JSON")
    x.add_argument("result", type=Path, help="result JSON")
    x.add_argument("subject", help="a need id or a helper id")
    add_lang_option(x, "language of the explanation")

    dg = sub.add_parser("diagnose", help="where help is short and what is missing; optionally "
                                          "whom to recruit or train (what-if re-solves)")
    dg.add_argument("file", type=Path, help="instance JSON")
    dg.add_argument("result", type=Path, help="result JSON (the plan to diagnose)")
    add_lang_option(dg, "language of printed text (default: en)")
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

    cm = sub.add_parser("compare", help="research harness: rules x methods x seeds over "
                                         "generated profiles, instance files, library "
                                         "instances or a national sample; tidy CSV/JSON, "
                                         "table with confidence intervals, plots")
    cm.add_argument("--profiles", default=None,
                    help="comma-separated generator profiles (default: rural, when no "
                         "--instances, --library or --national is given)")
    cm.add_argument("--instances", nargs="+", type=Path, default=[], metavar="FILE",
                    help="instance JSON files")
    cm.add_argument("--library", nargs="+", default=[], metavar="NAME",
                    help="named library instances (cus_match.generate.library.LIBRARY: "
                         "cus-tiny-1, cus-rural-1, cus-rural-2x-1, cus-town-1, cus-city-1)")
    cm.add_argument("--national", type=int, default=0, metavar="N",
                    help="N gminas drawn in the national proportions of rural, urban-rural "
                         "and urban gminas (docs/generator.md)")
    cm.add_argument("--national-seed", type=int, default=0, help="seed of that draw")
    cm.add_argument("--scale", type=float, default=1.0,
                    help="generator scale of --profiles and --national (default: 1)")
    cm.add_argument("--rules", default="fifo,priority,utilitarian,equity,stable,nearest")
    cm.add_argument("--methods", default="greedy,auto")
    cm.add_argument("--spread", choices=("ci", "range"), default="ci",
                    help="table cells: mean ± 95%% confidence interval, or min / median / max")
    add_run_options(cm)
    cm.add_argument("--no-plots", action="store_true")
    cm.add_argument("-o", "--output", type=Path, required=True, help="folder to write")
    return {"explain": _cmd_explain, "diagnose": _cmd_diagnose, "recommend": _cmd_recommend,
            "compare": _cmd_compare}


def _cmd_explain(args: argparse.Namespace) -> int:
    from cus_match.analysis.explain import explain

    inst, result = load_plan(args.file, args.result)
    print(explain(inst, result, args.subject, lang=args.lang).text)
    return EXIT_OK


def _cmd_diagnose(args: argparse.Namespace) -> int:
    from cus_match.analysis.diagnosis import format_what_if, shortage, suggest_changes

    if args.top < 0 or args.max_cells < 0:
        raise InvalidOptionError("--top and --max-cells must be >= 0")
    inst, result = load_plan(args.file, args.result)
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
        write_text(json.dumps(doc, indent=2, ensure_ascii=False), args.output)
    return EXIT_OK


def _cmd_recommend(args: argparse.Namespace) -> int:
    from cus_match.analysis.recommend import Recommender, format_recommendations, load_need
    from cus_match.clock import parse_date
    from cus_match.io.json_format import dump_result

    inst, plan = load_plan(args.file, args.result)
    rec = Recommender(inst, plan)
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
    _inst2, updated = rec.accept(need, chosen[0])
    dump_result(updated, args.output)
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from cus_match.analysis.research import run_study, study_markdown, write_study

    study = run_study(profiles=args.profiles.split(",") if args.profiles else None,
                      instances=args.instances, library=args.library, national=args.national,
                      national_seed=args.national_seed, scale=args.scale,
                      rules=args.rules.split(","), methods=args.methods.split(","),
                      seeds=seeds_of(args, "1,2,3"), executor=executor_of(args),
                      log=args.log or args.output / "runs.jsonl",
                      ship="json" if args.scheduler else "path",
                      progress=lambda line: print(line, file=sys.stderr, flush=True),
                      **limits_of(args))
    write_study(study, args.output, plots=not args.no_plots)
    print(study_markdown(study, spread=args.spread))
    return EXIT_OK
