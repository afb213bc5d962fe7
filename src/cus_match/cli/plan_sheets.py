"""The plan round trip: ``export-plan`` (an editable sheet) and ``import-plan`` (read it back).

:func:`register` adds them to the ``cus-match`` sub-command parser and returns their handlers.
A coordinator exports the plan (``export-plan``, or ``export --xlsx``, whose workbook holds the
same ``plan`` sheet), moves, adds or removes visits in Excel, and ``import-plan`` reads the
sheet back: every unreadable cell is a problem at its cell (nothing is dropped), the plan is
checked independently, and what changed against ``--baseline`` and what breaks a constraint are
printed cell by cell. The plan JSON (``-o``) is written only when every constraint holds.
``check gmina.json plan.xlsx`` does the same without writing.

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
['export-plan', 'import-plan']
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> inst = generate("tiny", seed=1)
>>> dump_instance(inst, folder / "g.json")
>>> dump_result(solve(inst, method="greedy"), folder / "p.json")
>>> g, p, x = (str(folder / n) for n in ("g.json", "p.json", "p.xlsx"))
>>> handlers["export-plan"](parser.parse_args(["export-plan", g, p, "-o", x]))
... # doctest: +ELLIPSIS
/.../p.xlsx
0
>>> handlers["import-plan"](parser.parse_args(["import-plan", g, x, "--baseline", p]))
No changes against the original plan.
Every constraint holds.
0
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cus_match.cli.common import EXIT_INVALID, EXIT_OK, Handler, add_lang_option

if TYPE_CHECKING:
    from datetime import date

    from cus_match.model.instance import Instance
    from cus_match.plan.result import Covered, Referral, Result

__all__ = ["check_plan_sheet", "formal_entries", "register"]


def register(sub: Any) -> dict[str, Handler]:
    """Add ``export-plan`` and ``import-plan`` to ``sub`` (from ``add_subparsers``).

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The ``cus-match`` sub-command parsers.

    Returns
    -------
    dict
        Command name to handler.
    """
    ex = sub.add_parser("export-plan")
    ex.add_argument("file", type=Path)
    ex.add_argument("result", type=Path)
    ex.add_argument("-o", "--output", type=Path, required=True)
    ex.add_argument("--names", type=Path, metavar="FILE")
    add_lang_option(ex)

    im = sub.add_parser("import-plan")
    im.add_argument("file", type=Path)
    im.add_argument("sheet", type=Path)
    im.add_argument("--baseline", type=Path, metavar="RESULT", default=None)
    im.add_argument("-o", "--output", type=Path, default=None)
    add_lang_option(im)
    return {"export-plan": _cmd_export_plan, "import-plan": _cmd_import_plan}


def _cmd_export_plan(args: argparse.Namespace) -> int:
    from cus_match.cli.common import load_plan
    from cus_match.io.plan_sheet import write_plan_sheet

    inst, result = load_plan(args.file, args.result)
    names = None
    if args.names:
        from cus_match.store.people import read_names

        names = read_names(args.names, inst)
    print(write_plan_sheet(inst, result, args.output, args.lang, names=names))
    return EXIT_OK


def formal_entries(inst: Instance
                   ) -> tuple[list[Covered], list[Referral], list[tuple[str, date]]]:
    """Covered visits, referrals and visits outside their IPUS: the instance decides them.

    As :func:`cus_match.compat.build_compat` finds them, without building the candidates
    (which a plan typed by hand does not need: most of the time of a large round).
    """
    from collections import defaultdict

    from cus_match.compat import covering_service, referral_detail
    from cus_match.model.eligibility import outside_ipus, referral_reason
    from cus_match.model.occurrences import FormalVisit, expand, formal_visits
    from cus_match.plan.result import Covered, Referral

    formal_on: dict[tuple[str, date], list[FormalVisit]] = defaultdict(list)
    for r, vs in formal_visits(inst).items():
        for v in vs:
            formal_on[(r, v.date)].append(v)
    covered, referrals, outside = [], [], []
    for need in sorted(inst.needs, key=lambda n: n.id):
        why = referral_reason(inst, need)
        if why is not None:
            referrals.append(Referral(need.id, why, referral_detail(inst, need, why)))
            continue
        for occ in expand(inst, [need]):
            svc = covering_service(inst, need, occ, formal_on)
            if svc is not None:
                covered.append(Covered(need.id, occ.date, svc))
            elif outside_ipus(need, occ.date):
                outside.append((need.id, occ.date))
    return covered, referrals, outside


def check_plan_sheet(inst: Instance, sheet: Path, lang: str,
                     baseline: Result | None = None) -> tuple[Result, int]:
    """Read, check and report an edited plan sheet; the plan and the exit code.

    Prints the changes against ``baseline`` (when given) and every violation at its cell.
    Unreadable cells raise :class:`~cus_match.io.sheets.SheetInputError` first.
    """
    from cus_match.io.plan_sheet import (
        format_changes,
        format_violations,
        plan_changes,
        plan_from_visits,
        plan_visits,
        read_plan_sheet,
        violations_at,
    )
    from cus_match.plan.check import check

    visits = read_plan_sheet(sheet, inst, lang)
    covered, referrals, outside = formal_entries(inst)
    plan = plan_from_visits(inst, visits, covered=covered, referrals=referrals,
                            outside_ipus=outside)
    if baseline is not None:
        print(format_changes(plan_changes(plan_visits(baseline), visits), lang))
    found = violations_at(check(inst, plan), visits, lang)
    print(format_violations(found, lang))
    return plan, EXIT_INVALID if found else EXIT_OK


def _cmd_import_plan(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import dump_result, load_instance, load_result

    inst = load_instance(args.file)
    baseline = load_result(args.baseline) if args.baseline else None
    plan, code = check_plan_sheet(inst, args.sheet, args.lang, baseline)
    if args.output is not None:
        if code == EXIT_OK:
            dump_result(plan, args.output)
            print(_WROTE[args.lang].format(path=args.output))
        else:
            print(_NOT_WRITTEN[args.lang].format(path=args.output))
    return code


_WROTE = {"en": "Wrote the plan to {path}.", "pl": "Zapisano plan w {path}."}
_NOT_WRITTEN = {"en": "{path} not written: correct the cells above and import again.",
                "pl": "Nie zapisano {path}: popraw wskazane komórki i wczytaj arkusz ponownie."}
