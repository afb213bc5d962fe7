"""Commands that render a plan for people: ``report`` (one HTML page) and ``export``.

:func:`register` adds them to the ``cus-match`` sub-command parser and returns their handlers.
Both take ``--lang`` after the command as well as before it, and ``--names``: instance files
hold no residents' names, so they come from a separate file, checked against the instance.

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
['export', 'report']
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> inst = generate("tiny", seed=1)
>>> dump_instance(inst, folder / "tiny.json")
>>> dump_result(solve(inst, method="greedy"), folder / "plan.json")
>>> args = parser.parse_args(["export", str(folder / "tiny.json"), str(folder / "plan.json")])
>>> handlers[args.command](args)  # nothing asked for: a usage error
Traceback (most recent call last):
...
cus_match.cli.common.UsageError: export needs at least one of --xlsx, --csv, --ics
>>> args = parser.parse_args(["export", str(folder / "tiny.json"), str(folder / "plan.json"),
...                           "--csv", str(folder / "csv"), "--lang", "pl"])
>>> handlers[args.command](args)  # doctest: +ELLIPSIS
/.../csv/...csv
...
0
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cus_match.cli import paths
from cus_match.cli.common import (
    EXIT_OK,
    Handler,
    UsageError,
    add_lang_option,
    load_plan,
)
from cus_match.problem_texts import ProblemCode

if TYPE_CHECKING:
    from cus_match.model.instance import Instance

__all__ = ["register"]


def register(sub: Any) -> dict[str, Handler]:
    """Add ``report`` and ``export`` to ``sub`` (from ``add_subparsers``).

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The ``cus-match`` sub-command parsers.

    Returns
    -------
    dict
        Command name to handler.
    """
    rp = sub.add_parser("report")
    rp.add_argument("file", type=Path)
    rp.add_argument("result", type=Path)
    rp.add_argument("-o", "--output", type=Path, required=True)
    _add_names_option(rp)
    rp.add_argument("--previous", type=Path, metavar="RESULT", default=None)
    rp.add_argument("--title", default=None)
    rp.add_argument("--basemap", type=Path, metavar="FILE.geojson", default=None)
    add_lang_option(rp)

    e = sub.add_parser("export")
    e.add_argument("file", type=Path)
    e.add_argument("result", type=Path)
    e.add_argument("--xlsx", type=Path)
    e.add_argument("--csv", type=Path, metavar="FOLDER")
    e.add_argument("--ics", type=Path, metavar="FOLDER")
    _add_names_option(e)
    e.add_argument("--sheet-per-helper", action="store_true")
    e.add_argument("--delimiter", choices=[";", ","], default=";")
    add_lang_option(e)
    return {"report": _cmd_report, "export": _cmd_export}


def _add_names_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--names", type=Path, metavar="FILE")


def _read_names(path: Path, inst: Instance) -> dict[str, str]:
    from cus_match.store.people import read_names

    return read_names(path, inst)  # cp1250 or UTF-8, every id checked against the instance


def _cmd_report(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import load_result
    from cus_match.report import write_report

    # The names file is not checked as UTF-8 here: store.people reads Windows-1250 too.
    paths.check(args, inputs=("file", "result", "previous", "names"), outputs=("output",),
                extras=((None, "report", "report"),))
    inst, result = load_plan(args.file, args.result)
    names = _read_names(args.names, inst) if args.names else None
    previous = load_result(args.previous) if args.previous else None
    basemap = None
    if args.basemap:
        from cus_match.io.geojson import read_basemap

        basemap = read_basemap(args.basemap)
    print(write_report(inst, result, args.output, lang=args.lang, names=names,
                       previous=previous, title=args.title, basemap=basemap))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    if not (args.xlsx or args.csv or args.ics):
        raise UsageError(ProblemCode.OPTION_EXPORT_NOTHING)
    if args.sheet_per_helper and not args.xlsx:
        raise UsageError(ProblemCode.OPTION_REQUIRES, option="--sheet-per-helper", other="--xlsx")
    paths.check(args, inputs=("file", "result", "names"), outputs=("xlsx",),
                folders=("csv", "ics"), extras=(("xlsx", "xlsx", "export --xlsx"),
                                                ("ics", "ical", "export --ics")))
    inst, result = load_plan(args.file, args.result)
    names = _read_names(args.names, inst) if args.names else None
    if args.xlsx:
        from cus_match.report.tables import write_xlsx

        print(write_xlsx(inst, result, args.xlsx, lang=args.lang, names=names,
                         sheet_per_helper=args.sheet_per_helper))
    if args.csv:
        from cus_match.report.tables import write_csv

        for p in write_csv(inst, result, args.csv, lang=args.lang, names=names,
                           delimiter=args.delimiter):
            print(p)
    if args.ics:
        from cus_match.report.calendar import write_ics

        for p in write_ics(inst, result, args.ics, lang=args.lang, names=names):
            print(p)
    return EXIT_OK
