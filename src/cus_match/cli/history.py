"""Commands of the history store: ``history`` and ``certificate``.

:func:`register` adds them to the ``cus-match`` sub-command parser and returns their handlers.
Handlers return an exit code and let :class:`~cus_match.errors.CusMatchError` propagate to
:func:`cus_match.cli.main.main`, which prints it (the store's errors name the file).

Examples
--------
>>> import argparse, pathlib, tempfile
>>> parser = argparse.ArgumentParser(prog="cus-match")
>>> parser.add_argument("--lang", default="en")  # doctest: +ELLIPSIS
_StoreAction(...)
>>> handlers = register(parser.add_subparsers(dest="command"))
>>> sorted(handlers)
['certificate', 'history']
>>> path = pathlib.Path(tempfile.mkdtemp()) / "h.sqlite"
>>> from cus_match.store import HistoryStore
>>> HistoryStore(path).close()
>>> args = parser.parse_args(["history", str(path), "retention", "730"])
>>> handlers[args.command](args)
rounds are kept 730 days after their period
0
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cus_match.cli import paths
from cus_match.cli.common import (
    EXIT_OK,
    LANGS,
    Handler,
    UsageError,
    date_option,
    load_plan,
    read_names_file,
    write_text,
)
from cus_match.cli.words import count, noun, say, warsaw_time
from cus_match.lang import number, short_date
from cus_match.problem_texts import ProblemCode

if TYPE_CHECKING:
    from cus_match.model import DateRange
    from cus_match.store.history import HistoryStore

__all__ = ["register"]


def _date(text: str) -> date:
    return date_option(text)  # 01.01.2026 as in the sheets, or ISO


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--last", type=int)
    p.add_argument("--before", type=_date)
    _add_period(p, required=False)
    p.add_argument("--include-proposals", action="store_true")


def _add_period(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--from", dest="start", type=_date, required=required)
    p.add_argument("--to", dest="end", type=_date, required=required)


def register(sub: Any) -> dict[str, Handler]:
    """Add the ``history`` and ``certificate`` commands to ``sub`` (from ``add_subparsers``).

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The ``cus-match`` sub-command parsers.

    Returns
    -------
    dict
        Command name to handler.
    """
    h = sub.add_parser("history")
    h.add_argument("store", type=Path)
    hs = h.add_subparsers(dest="action", required=True, metavar="ACTION")

    ls = hs.add_parser("list")
    ls.add_argument("--approved", action="store_true")

    sv = hs.add_parser("save")
    sv.add_argument("round")
    sv.add_argument("instance", type=Path)
    sv.add_argument("result", type=Path)
    sv.add_argument("--approved-by")
    sv.add_argument("--approved-at")
    sv.add_argument("--replace", action="store_true")

    ap = hs.add_parser("approve")
    ap.add_argument("round")
    ap.add_argument("--by", required=True)
    ap.add_argument("--at")

    sh = hs.add_parser("show")
    sh.add_argument("round")
    sh.add_argument("--instance-out", type=Path)
    sh.add_argument("--result-out", type=Path)

    pr = hs.add_parser("pairs")
    _add_selection(pr)

    ld = hs.add_parser("load")
    _add_selection(ld)
    ld.add_argument("--names", type=Path, metavar="FILE")

    hr = hs.add_parser("hours")
    _add_period(hr, required=False)
    hr.add_argument("--helper")
    hr.add_argument("--names", type=Path, metavar="FILE")

    ex = hs.add_parser("export")
    ex.add_argument("person")
    ex.add_argument("--kind", choices=["helper", "resident"])
    ex.add_argument("-o", "--output", type=Path)

    er = hs.add_parser("erase")
    er.add_argument("person")
    er.add_argument("--mode", choices=["pseudonymise", "erase"], default="pseudonymise")
    er.add_argument("--kind", choices=["helper", "resident"])
    er.add_argument("--yes", action="store_true", required=True)

    pu = hs.add_parser("purge")
    group = pu.add_mutually_exclusive_group(required=True)
    group.add_argument("--before", type=_date)
    group.add_argument("--retention", action="store_true")
    pu.add_argument("--today", type=_date)

    rt = hs.add_parser("retention")
    rt.add_argument("days", nargs="?")

    c = sub.add_parser("certificate")
    c.add_argument("store", type=Path)
    c.add_argument("helper")
    c.add_argument("--organisation", required=True)
    _add_period(c, required=True)
    c.add_argument("--name")
    c.add_argument("--place", default="")
    c.add_argument("--issued-on", type=_date)
    c.add_argument("--no-hours", action="store_true")
    c.add_argument("--format", choices=["text", "html"], default="text")
    # --language is the option's old name, kept working; --lang is every command's.
    c.add_argument("--language", dest="lang", choices=LANGS, default=argparse.SUPPRESS,
                   help=argparse.SUPPRESS)
    c.add_argument("-o", "--output", type=Path)
    return {"history": _cmd_history, "certificate": _cmd_certificate}


def _period(args: argparse.Namespace) -> DateRange | None:
    from cus_match.model import DateRange

    if args.start is None and args.end is None:
        return None
    if args.start is None or args.end is None:
        raise UsageError(ProblemCode.OPTION_BOTH_DATES)
    if args.end < args.start:
        raise UsageError(ProblemCode.OPTION_TO_BEFORE_FROM, start=args.start.isoformat(),
                         end=args.end.isoformat())
    return DateRange(args.start, args.end)


def _hours(minutes: float, lang: str, digits: int = 1) -> str:
    return f"{number(minutes / 60, lang, digits, fixed=True)} h"


def _visits(n: int, lang: str) -> str:
    return count(n, lang, *noun("visit", lang))


def _warn_overlaps(store: HistoryStore, lang: str) -> None:
    # To stderr: the listing itself stays one record a line for whoever reads it with a script.
    for o in store.overlaps():
        print(say("overlap", lang, a=o.earlier, b=o.later, start=short_date(o.period.start, lang),
                  end=short_date(o.period.end, lang)), file=sys.stderr)


def _cmd_history(args: argparse.Namespace) -> int:
    from cus_match.io.json_format import dump_instance, dump_result
    from cus_match.limits import check_option
    from cus_match.store.history import HistoryStore

    paths.check(args, inputs=("instance", "result"),
                outputs=("instance_out", "result_out", "output"))
    lang = args.lang
    names = read_names_file(args.names) if getattr(args, "names", None) else {}
    # Only saving creates a store: a mistyped file name elsewhere is an error, not a new file.
    with HistoryStore(args.store, create=args.action == "save") as store:
        a = args.action
        if a == "list":
            infos = store.rounds(approved_only=args.approved)
            if not infos:
                print(say("no_rounds", lang))
            for r in infos:
                state = (say("approved_state", lang, by=r.approved_by,
                             at=warsaw_time(r.approved_at, lang))
                         if r.approved_at is not None else say("proposal", lang))
                print(say("round_line", lang, id=r.id, start=short_date(r.period.start, lang),
                          end=short_date(r.period.end, lang), visits=_visits(r.visits, lang),
                          hours=_hours(r.minutes, lang), state=state))
            _warn_overlaps(store, lang)
        elif a == "save":
            # The pair must belong together: a plan of another instance is refused here too.
            inst, res = load_plan(args.instance, args.result)
            info = store.save(args.round, inst, res,
                              approved_by=args.approved_by, approved_at=args.approved_at,
                              replace=args.replace)
            print(say("saved", lang, id=info.id, visits=_visits(info.visits, lang),
                      hours=_hours(info.minutes, lang),
                      state=say("approved_word" if info.approved else "proposal", lang)))
            _warn_overlaps(store, lang)
        elif a == "approve":
            info = store.approve(args.round, by=args.by, at=args.at)
            print(say("round_approved", lang, id=info.id, by=info.approved_by))
            _warn_overlaps(store, lang)
        elif a == "show":
            stored = store.load(args.round)
            print(stored.result.summary(lang))
            if args.instance_out:
                dump_instance(stored.instance, args.instance_out)
            if args.result_out:
                dump_result(stored.result, args.result_out)
        elif a == "pairs":
            for p in store.previous_pairs(last=args.last, before=args.before,
                                          period=_period(args),
                                          approved_only=not args.include_proposals):
                print(say("pair_line", lang, resident=p.resident or "-", helper=p.helper,
                          need=p.need))
        elif a == "load":
            for x in store.helper_load(last=args.last, before=args.before, period=_period(args),
                                       approved_only=not args.include_proposals):
                print(say("load_line", lang, round=x.round_id, helper=_named(x.helper, names),
                          visits=_visits(x.visits, lang), hours=_hours(x.minutes, lang, 2)))
        elif a == "hours":
            for s in store.hours_served(_period(args), helper=args.helper):
                print(say("hours_line", lang, helper=_named(s.helper, names),
                          visits=_visits(s.visits, lang), hours=_hours(s.minutes, lang, 2),
                          first=short_date(s.first_date, lang),
                          last=short_date(s.last_date, lang)))
            _warn_overlaps(store, lang)
        elif a == "export":
            out = store.export_person(args.person, kind=args.kind)
            write_text(json.dumps(out, ensure_ascii=False, indent=1), args.output)
        elif a == "erase":
            report = store.erase_person(args.person, args.mode, kind=args.kind)
            # The id given is the caller's; the pseudonym is printed so records can be found.
            print(say("erased", lang, mode=say(f"mode_{report.mode}", lang),
                      rounds=count(len(report.rounds), lang, *noun("round_acc", lang)))
                  + (say("pseudonym", lang, id=report.replacement) if report.replacement
                     else ""))
        elif a == "purge":
            ids = (store.apply_retention(args.today) if args.retention
                   else store.purge_older_than(args.before))
            print(say("purged", lang, rounds=count(len(ids), lang, *noun("round_acc", lang)))
                  + (": " + ", ".join(ids) if ids else ""))
        elif a == "retention":
            if args.days is not None:
                if args.days == "off":
                    store.set_retention_days(None)
                else:
                    try:
                        days = int(args.days)
                    except ValueError:
                        raise UsageError(ProblemCode.OPTION_RETENTION,
                                         value=repr(args.days)) from None
                    store.set_retention_days(int(check_option("retention", days)))
            days_set = store.retention_days
            print(say("kept_for_ever", lang) if days_set is None
                  else say("kept_days", lang, days=count(days_set, lang, *noun("day", lang))))
    return EXIT_OK


def _named(helper: str, names: dict[str, str]) -> str:
    return f"{names[helper]} ({helper})" if helper in names else helper


def _cmd_certificate(args: argparse.Namespace) -> int:
    from cus_match.store.history import HistoryStore

    paths.check(args, outputs=("output",))
    period = _period(args)
    assert period is not None  # both dates are required options
    with HistoryStore(args.store, create=False) as store:
        cert = store.certificate(args.helper, organisation=args.organisation, period=period,
                                 name=args.name, place=args.place, issued_on=args.issued_on,
                                 include_hours=not args.no_hours)
    lang = args.lang
    write_text(cert.html(lang) if args.format == "html" else cert.text(lang), args.output)
    return EXIT_OK
