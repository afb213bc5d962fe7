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
from typing import TYPE_CHECKING, Any, Literal

from cus_match.cli import paths
from cus_match.cli.batch import (
    add_run_options,
    choices_of,
    executor_of,
    limits_of,
    scheduler_reached,
    seeds_of,
)
from cus_match.cli.common import (
    EXIT_OK,
    Handler,
    UsageError,
    add_lang_option,
    check_plan_source,
    date_option,
    load_plan,
    write_text,
)
from cus_match.errors import InvalidOptionError
from cus_match.problem_texts import ProblemCode

if TYPE_CHECKING:
    from cus_match.model import Need
    from cus_match.model.instance import Instance

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
    x = sub.add_parser("explain")
    x.add_argument("file", type=Path)
    x.add_argument("result", type=Path)
    x.add_argument("subject")
    x.add_argument("--names", type=Path, metavar="FILE")
    x.add_argument("--baseline", type=Path, default=None, metavar="RESULT")
    add_lang_option(x)

    dg = sub.add_parser("diagnose")
    dg.add_argument("file", type=Path)
    dg.add_argument("result", type=Path)
    add_lang_option(dg)
    dg.add_argument("--what-if", action="store_true")
    dg.add_argument("--top", type=int, default=5)
    dg.add_argument("--max-cells", type=int, default=20)
    dg.add_argument("--method", default=None)
    dg.add_argument("--time-limit", type=float, default=None)
    dg.add_argument("-o", "--output", type=Path)

    rc = sub.add_parser("recommend")
    rc.add_argument("file", type=Path)
    rc.add_argument("result", type=Path)
    rc.add_argument("need", type=Path, nargs="?", default=None)
    req = rc.add_argument_group("request")  # its title: cli/help_words.py
    req.add_argument("--resident")
    req.add_argument("--names", type=Path, metavar="FILE")
    req.add_argument("--category")
    req.add_argument("--date", default=None)
    req.add_argument("--days")
    req.add_argument("--hours")
    req.add_argument("--minutes")
    req.add_argument("--place")
    req.add_argument("--helpers")
    req.add_argument("--priority")
    req.add_argument("--applied-on")
    req.add_argument("--id", dest="need_id")
    req.add_argument("--from-sheet", type=Path, metavar="WORKBOOK")
    req.add_argument("--row", type=int)
    rc.add_argument("--k", type=int, default=5)
    rc.add_argument("--accept", type=int, default=None, metavar="RANK")
    rc.add_argument("--visit", type=date_option, default=None, metavar="DATE")
    rc.add_argument("--series", action="store_true")
    rc.add_argument("--at", default=None, metavar="HH:MM")
    rc.add_argument("-o", "--output", type=Path, default=None)
    rc.add_argument("--instance-out", type=Path, default=None)
    add_lang_option(rc)

    cm = sub.add_parser("compare")
    cm.add_argument("--profiles", default=None)
    cm.add_argument("--instances", nargs="+", type=Path, default=[], metavar="FILE")
    cm.add_argument("--library", nargs="+", default=[], metavar="NAME")
    cm.add_argument("--national", type=int, default=0, metavar="N")
    cm.add_argument("--national-seed", type=int, default=0)
    cm.add_argument("--scale", type=float, default=1.0)
    cm.add_argument("--rules", default="fifo,priority,utilitarian,equity,stable,nearest")
    cm.add_argument("--methods", default="greedy,auto")
    cm.add_argument("--spread", choices=("ci", "range"), default="ci")
    add_run_options(cm)
    cm.add_argument("--no-plots", action="store_true")
    cm.add_argument("-o", "--output", type=Path, required=True)
    return {"explain": _cmd_explain, "diagnose": _cmd_diagnose, "recommend": _cmd_recommend,
            "compare": _cmd_compare}


def _subjects(inst: Instance, subject: str, names: dict[str, str], lang: str
              ) -> tuple[str | None, list[tuple[Literal["need", "helper"] | None, str]]]:
    """What ``subject`` names: a heading (for a resident) and the (kind, id) to explain.

    Ids first (need, helper, resident), then names (helpers' stored names, residents' names
    from the names file; any case, diacritics optional). A name several people share is
    refused with their ids; nothing found is left to ``explain``, which lists close ids.
    """
    from cus_match.io.cells import NameIndex

    t = _T[lang]
    needs = {n.id for n in inst.needs}
    helpers = {h.id for h in inst.helpers}
    residents = {r.id for r in inst.residents}
    if subject in needs or subject in helpers:
        return None, [(None, subject)]
    if subject not in residents:
        people = NameIndex([*((h.id, (h.name,)) for h in inst.helpers),
                            *((r, (n,)) for r, n in names.items())], ("person", "osoba"),
                           ("unknown person", "nieznana osoba"))
        found = people.matches(subject)
        if len(found) > 1:
            shown = ", ".join(f"{i} ({names.get(i) or inst.helper(i).name})" for i in found)
            raise InvalidOptionError(t["ambiguous"].format(name=subject, ids=shown))
        if not found:
            return None, [(None, subject)]
        subject = found[0]
        if subject in helpers:
            return None, [("helper", subject)]
    own = sorted(n.id for n in inst.needs if n.resident == subject)
    label = f"{subject} ({names[subject]})" if subject in names else subject
    head = t["resident"].format(who=label, n=len(own)) if own else t["no_needs"].format(
        who=label)
    return head, [("need", n) for n in own]


def _cmd_explain(args: argparse.Namespace) -> int:
    from cus_match.analysis.explain import explain

    paths.check(args, inputs=("file", "result", "baseline"))
    inst, result = load_plan(args.file, args.result)
    baseline = None
    if args.baseline is not None:
        from cus_match.io.json_format import load_result

        baseline = load_result(args.baseline)
        check_plan_source("--baseline", baseline, args.baseline, inst, args.file)
    names: dict[str, str] = {}
    if args.names:
        from cus_match.store.people import read_names

        names = read_names(args.names, inst)
    head, subjects = _subjects(inst, args.subject, names, args.lang)
    if head is not None:
        print(head)
    for k, (kind, ident) in enumerate(subjects):
        if k:
            print()
        print(explain(inst, result, ident, lang=args.lang, kind=kind, baseline=baseline).text)
    return EXIT_OK


def _cmd_diagnose(args: argparse.Namespace) -> int:
    from cus_match.analysis.diagnosis import format_what_if, shortage, suggest_changes

    if args.top < 0 or args.max_cells < 0:
        option, value = ("--top", args.top) if args.top < 0 else ("--max-cells", args.max_cells)
        raise UsageError(ProblemCode.OPTION_NOT_NEGATIVE, option=option, value=value)
    paths.check(args, inputs=("file", "result"), outputs=("output",))
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


def _request(args: argparse.Namespace, inst: Instance) -> Need:
    """The new need: from a JSON file, one row of a sheet, or the flags (exactly one)."""
    from cus_match.analysis.recommend import load_need, need_from_request

    flags = [f"--{n.replace('_', '-')}" for n in ("resident", "category", "date", "days",
                                                  "hours", "minutes", "place", "helpers",
                                                  "priority", "applied_on")
             if getattr(args, n) is not None]
    sources = [bool(args.need), args.from_sheet is not None, bool(flags)]
    if sum(sources) != 1:
        raise InvalidOptionError(_T[args.lang]["one_source"])
    if args.need:
        return load_need(args.need)
    if args.from_sheet is not None:
        from cus_match.io.sheets import read_need_row

        if args.row is None:
            raise InvalidOptionError(_T[args.lang]["row"])
        return read_need_row(args.from_sheet, args.row, inst, lang=args.lang)
    missing = [f for f, v in (("--category", args.category), ("--hours", args.hours),
                              ("--minutes", args.minutes)) if v is None]
    if missing:
        raise InvalidOptionError(_T[args.lang]["missing"].format(opts=", ".join(missing)))
    resident = args.resident
    if resident is not None and args.names and resident not in {r.id for r in inst.residents}:
        resident = _resident_by_name(inst, resident, args.names, args.lang)
    return need_from_request(inst, resident=resident, category=args.category,
                             date=args.date, days=args.days, hours=args.hours,
                             minutes=args.minutes, place=args.place, helpers=args.helpers,
                             priority=args.priority, applied_on=args.applied_on,
                             need_id=args.need_id)


def _resident_by_name(inst: Instance, name: str, names_file: Path, lang: str) -> str:
    """The id of the resident the names file gives ``name`` (any case, diacritics optional)."""
    from cus_match.io.cells import NameIndex
    from cus_match.store.people import read_names

    names = read_names(names_file, inst)
    found = NameIndex(((r, (n,)) for r, n in names.items()), ("resident", "mieszkaniec"),
                      ("unknown resident", "nieznany mieszkaniec")).matches(name)
    if len(found) > 1:
        raise InvalidOptionError(_T[lang]["ambiguous"].format(
            name=name, ids=", ".join(f"{i} ({names[i]})" for i in found)))
    return found[0] if found else name  # unknown: the request's check names it


def _cmd_recommend(args: argparse.Namespace) -> int:
    from cus_match.analysis.recommend import Recommender, format_recommendations
    from cus_match.io.json_format import dump_instance, dump_result
    from cus_match.lang import day_date

    paths.check(args, inputs=("file", "result"), text=("need",), outputs=("output",))
    inst, plan = load_plan(args.file, args.result)
    t = _T[args.lang]
    rec = Recommender(inst, plan)
    need = _request(args, inst)
    options = rec.recommend(need, k=args.k, lang=args.lang)
    print(format_recommendations(rec.visits(need), options, need.id, lang=args.lang))
    if args.accept is None:
        return EXIT_OK
    if args.output is None:
        raise InvalidOptionError(t["output"])
    chosen = [o for o in options if o.rank == args.accept
              and (args.visit is None or o.date == args.visit)]
    if not chosen:
        raise InvalidOptionError(t["no_option"].format(
            rank=args.accept, on="" if args.visit is None else t["on"].format(
                day=day_date(args.visit, args.lang))))
    option = min(chosen, key=lambda o: o.date)
    start = None
    if args.at is not None:
        from cus_match.io.cells import CellError, read_clock

        try:
            at = read_clock(args.at)
        except CellError as e:
            raise InvalidOptionError(f"--at: {e.text(args.lang)}") from None
        start = next((s for s in option.starts if f"{s:%H:%M}" == at), None)
        if start is None:
            raise InvalidOptionError(t["no_start"].format(
                at=at, starts=", ".join(f"{s:%H:%M}" for s in option.starts)))
    if args.series and start is not None:
        raise InvalidOptionError(t["series_at"])
    inst2, updated = (rec.accept_series(need, option) if args.series
                      else rec.accept(need, option, start))
    out_inst = args.instance_out or args.output.with_name(f"{args.output.stem}-instance.json")
    if out_inst.resolve() in (args.output.resolve(), args.file.resolve()):
        raise InvalidOptionError(t["same_file"].format(path=out_inst))
    dump_instance(inst2, out_inst)
    dump_result(updated, args.output)
    who = ", ".join(f"{m.name} ({m.helper})" if m.name else m.helper for m in option.members)
    for a in updated.assignments:
        if a.need == need.id and a.helper == option.helpers[0]:
            print(t["accepted"].format(need=need.id, day=day_date(a.date, args.lang),
                                       at=f"{a.start:%H:%M}", who=who))
    print(t["wrote"].format(plan=args.output, inst=out_inst))
    print(t["next"].format(plan=args.output, inst=out_inst))
    return EXIT_OK


_T = {
    "en": {
        "one_source": "give the new need one way: a JSON file, --from-sheet with --row, or "
                      "the flags (--resident, --category, --date or --days, --hours, "
                      "--minutes)",
        "row": "--from-sheet needs --row (the row number as Excel shows it)",
        "missing": "the new need needs {opts}",
        "output": "--accept needs -o (where to write the updated plan)",
        "no_option": "no option of rank {rank}{on}",
        "on": " on {day}",
        "no_start": "the option cannot start at {at}; its starts: {starts}",
        "same_file": "--instance-out {path} would overwrite the plan or the instance; choose "
                     "another file",
        "accepted": "Accepted: need {need} on {day} at {at}, {who}.",
        "series_at": "--series takes each visit at its earliest start; leave out --at",
        "wrote": "Wrote the plan to {plan} and the instance with the new need to {inst}.",
        "next": "Use them together from now on, e.g. cus-match check {inst} {plan}",
        "ambiguous": "{name!r} names more than one person: give one of the ids {ids}",
        "resident": "Resident {who}: needs {n}",
        "no_needs": "Resident {who} has no needs in this round.",
    },
    "pl": {
        "one_source": "podaj nową potrzebę w jeden sposób: plik JSON, --from-sheet z --row "
                      "albo opcje (--resident, --category, --date lub --days, --hours, "
                      "--minutes)",
        "row": "--from-sheet wymaga --row (numeru wiersza, jak pokazuje go Excel)",
        "missing": "nowa potrzeba wymaga: {opts}",
        "output": "--accept wymaga -o (gdzie zapisać zmieniony plan)",
        "no_option": "brak propozycji nr {rank}{on}",
        "on": " na {day}",
        "no_start": "ta propozycja nie może zacząć się o {at}; możliwe godziny: {starts}",
        "same_file": "--instance-out {path} nadpisałby plan albo dane gminy; wybierz inny plik",
        "accepted": "Przyjęto: potrzeba {need}, {day}, godz. {at}, {who}.",
        "series_at": "--series przyjmuje każdą wizytę o najwcześniejszej godzinie; pomiń --at",
        "wrote": "Zapisano plan w {plan}, a dane z nową potrzebą w {inst}.",
        "next": "Od teraz używaj ich razem, np. cus-match check {inst} {plan}",
        "ambiguous": "{name!r} pasuje do kilku osób: podaj jeden z identyfikatorów {ids}",
        "resident": "Mieszkaniec {who}: potrzeby: {n}",
        "no_needs": "Mieszkaniec {who} nie ma potrzeb w tej turze planowania.",
    },
}


def _cmd_compare(args: argparse.Namespace) -> int:
    from cus_match.analysis.research import run_study, study_markdown, write_study
    from cus_match.generate import PROFILES
    from cus_match.generate.library import LIBRARY
    from cus_match.optimise.rules import RULES
    from cus_match.optimise.solve import METHODS

    paths.check(args, folders=("output",), extras=((None, "report", "compare"),)
          if not args.no_plots else ())
    # Checked here, before any work, so that the error names the option typed (--rules).
    limits = limits_of(args)
    profiles = choices_of(args.profiles, "--profiles", list(PROFILES)) if args.profiles \
        else None
    rules = choices_of(args.rules, "--rules", list(RULES))
    methods = choices_of(args.methods, "--methods", list(METHODS))
    unknown = [name for name in args.library if name not in LIBRARY]
    if unknown:
        raise UsageError(ProblemCode.OPTION_UNKNOWN_CHOICE, option="--library", bad=unknown,
                         known=sorted(LIBRARY))
    if args.national < 0:
        raise UsageError(ProblemCode.OPTION_NOT_NEGATIVE, option="--national",
                         value=args.national)
    seeds, executor = seeds_of(args, "1,2,3"), executor_of(args)
    with scheduler_reached(args):
        study = run_study(profiles=profiles, instances=args.instances, library=args.library,
                          national=args.national, national_seed=args.national_seed,
                          scale=args.scale, rules=rules, methods=methods, seeds=seeds,
                          executor=executor, log=args.log or args.output / "runs.jsonl",
                          ship="json" if args.scheduler else "path",
                          progress=lambda line: print(line, file=sys.stderr, flush=True),
                          lang=args.lang, **limits)
    write_study(study, args.output, plots=not args.no_plots)
    print(study_markdown(study, spread=args.spread, lang=args.lang))
    return EXIT_OK
