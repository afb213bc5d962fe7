"""Command-line commands for spreadsheets: ``template`` and ``import``.

:func:`register` adds them to the ``cus-match`` sub-command parser and returns their handlers,
so ``cus_match.cli.main`` wires them with ``_COMMANDS.update(register(sub))``. Handlers return an
exit code and let :class:`~cus_match.errors.CusMatchError` propagate to ``cli.main``, which
prints every problem (exit 1) or a usage error (exit 2).

Both take ``--lang`` after the command as well as before it (``cus-match --lang pl import ...``).

Examples
--------
>>> import argparse, pathlib, tempfile
>>> parser = argparse.ArgumentParser(prog="cus-match")
>>> parser.add_argument("--lang", default="en")  # doctest: +ELLIPSIS
_StoreAction(...)
>>> handlers = register(parser.add_subparsers(dest="command"))
>>> sorted(handlers)
['import', 'template']
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> args = parser.parse_args(["template", str(folder / "t.xlsx"), "--lang", "pl"])
>>> handlers[args.command](args)
0
>>> args = parser.parse_args(["import", str(folder / "t.xlsx"), "-o", str(folder / "t.json")])
>>> handlers[args.command](args)
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["register"]

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    """Add ``template`` and ``import`` to the sub-command parser ``sub``; return the handlers."""
    t = sub.add_parser("template", help="write a spreadsheet template to fill in (.xlsx or CSV)")
    t.add_argument("output", type=Path, help="workbook (.xlsx) or folder (CSV) to write")
    t.add_argument("--format", choices=["xlsx", "csv"], default=None,
                   help="default: xlsx when OUTPUT ends in .xlsx, else csv")
    # SUPPRESS keeps the global --lang when the command's own is not given.
    t.add_argument("--lang", choices=["en", "pl"], default=argparse.SUPPRESS,
                   help="language of sheets, headers and instructions")
    t.add_argument("--demo", action="store_true",
                   help="fill it with the bundled demo instance instead of one example row")

    i = sub.add_parser("import", help="read an instance from a spreadsheet (.xlsx or a CSV "
                                      "folder), report every problem, write instance JSON")
    i.add_argument("source", type=Path, help="workbook (.xlsx) or folder of CSV files")
    i.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    i.add_argument("--lang", choices=["en", "pl"], default=argparse.SUPPRESS,
                   help="language of the problem messages")
    return {"template": _cmd_template, "import": _cmd_import}


def _cmd_template(args: argparse.Namespace) -> int:
    from cus_match.generate import demo_instance
    from cus_match.io.sheets import write_instance, write_template

    fmt = args.format or ("xlsx" if args.output.suffix.lower() == ".xlsx" else "csv")
    if args.demo:
        write_instance(demo_instance(), args.output, args.lang, fmt)
    else:
        write_template(args.output, args.lang, fmt)
    print(f"{args.output}: " + ("szablon zapisany" if args.lang == "pl" else "template written"),
          file=sys.stderr)
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import dump_instance, dumps_instance
    from cus_match.io.sheets import read_instance

    inst = read_instance(args.source, lang=args.lang)
    if args.output:
        dump_instance(inst, args.output)
    else:
        print(dumps_instance(inst))
    counts = (len(inst.places), len(inst.helpers), len(inst.residents), len(inst.needs))
    print(f"{args.source}: " + (
        "poprawne — miejsca: {}, pomagający: {}, mieszkańcy: {}, potrzeby: {}" if args.lang == "pl"
        else "valid — {} places, {} helpers, {} residents, {} needs").format(*counts),
        file=sys.stderr)
    return 0
