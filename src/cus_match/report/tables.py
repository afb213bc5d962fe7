"""A plan as tables for coordinators: XLSX workbook or CSV files, in Polish or English.

Six tables, each a sheet of the workbook or a CSV file named by its key:

``helpers``
    Each helper's schedule: one row per visit, by helper and time.
``residents``
    Each resident's plan: one row per visit of their needs, whatever its fate (planned, unmet,
    met by a formal service, referred), by resident and time. Group sessions have no resident
    and appear in ``helpers`` only.
``unmet``
    Visits left unmet, with the reasons in words and how many helpers each excluded.
``near_misses``
    Per unmet visit, the helpers blocked by a single reason: whom a coordinator could unblock.
``referrals``
    Needs referred to formal services, and why.
``covered``
    Visits already met by a formal service.

Residents appear by their pseudonymous id only, unless the caller passes ``names`` (a mapping
from resident id to name, kept outside the instance); then a name column is added.

Every file is safe to open in a spreadsheet: text cells pass through
:func:`cus_match.io.safe_cells.neutralise`; numbers stay numbers and, in XLSX, dates and times
are real date and time cells. CSV files are UTF-8 with a byte-order mark and ``;`` between
fields by default, with a decimal comma, which is what Polish Excel opens by double-click
(``delimiter=","`` writes a decimal point).

Examples
--------
>>> from cus_match.generate import generate
>>> from cus_match.optimise.solve import solve
>>> inst = generate("tiny", seed=1)
>>> tables = plan_tables(inst, solve(inst, method="greedy"), lang="pl")
>>> [t.key for t in tables]
['helpers', 'residents', 'unmet', 'near_misses', 'referrals', 'covered']
>>> tables[0].headers[:4]
('Pomagający (id)', 'Imię i nazwisko', 'Data', 'Dzień')
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from attrs import field, frozen

from cus_match.errors import InvalidInputError, InvalidOptionError, Problem
from cus_match.io.safe_cells import neutralise
from cus_match.lang import LANGS, MODE_WORDS, check_lang, day_abbr, local_name, pick
from cus_match.model.instance import Instance
from cus_match.model.validators import to_tuple
from cus_match.plan.references import check_result, result_problems
from cus_match.plan.result import Result
from cus_match.problem_texts import ProblemCode

__all__ = ["LANGS", "TABLE_KEYS", "Cell", "Table", "check_result", "plan_tables", "read_names",
           "result_problems", "write_csv", "write_xlsx"]

#: A table cell: text, a number, a date, a time of day, or empty.
Cell = str | int | float | date | time | None

TABLE_KEYS = ("helpers", "residents", "unmet", "near_misses", "referrals", "covered")

_TITLES = {
    "en": {"helpers": "Helpers' schedule", "residents": "Residents' plan",
           "unmet": "Unmet visits", "near_misses": "Near misses",
           "referrals": "Referred to formal services", "covered": "Met by formal services"},
    "pl": {"helpers": "Harmonogram pomagających", "residents": "Plan mieszkańców",
           "unmet": "Wizyty bez pomocy", "near_misses": "Prawie pasujący",
           "referrals": "Skierowane do usług form.", "covered": "Objęte usługami formalnymi"},
}

# Column headers by key; the same key means the same column in every table.
_H = {
    "en": {
        "helper": "Helper (id)", "helper_name": "Name", "date": "Date", "day": "Day",
        "start": "From", "end": "To", "minutes": "Minutes", "need": "Need (id)",
        "category": "Kind of help", "resident": "Resident (id)", "resident_name": "Resident",
        "place": "Place", "travel": "Travel (min)", "mode": "Travel by",
        "continuity": "Continuity", "locality": "Same place", "status": "Status",
        "helpers": "Helpers", "note": "Note", "priority": "Priority", "required": "Required",
        "main_reason": "Main reason", "excluded": "Helpers excluded by it",
        "reasons": "All reasons (helpers excluded)", "near": "Near misses",
        "reason": "Reason", "constraint": "Constraint", "qualifications": "Required qualifications",
        "detail": "Detail", "service": "Formal service (id)", "provider": "Provider",
        "service_category": "Service",
    },
    "pl": {
        "helper": "Pomagający (id)", "helper_name": "Imię i nazwisko", "date": "Data",
        "day": "Dzień", "start": "Od", "end": "Do", "minutes": "Minuty",
        "need": "Potrzeba (id)", "category": "Rodzaj pomocy", "resident": "Mieszkaniec (id)",
        "resident_name": "Mieszkaniec", "place": "Miejsce", "travel": "Dojazd (min)",
        "mode": "Środek transportu", "continuity": "Ciągłość", "locality": "Ta sama miejscowość",
        "status": "Stan", "helpers": "Pomagający", "note": "Uwagi", "priority": "Priorytet",
        "required": "Obowiązkowa", "main_reason": "Główna przyczyna",
        "excluded": "Wykluczeni z tej przyczyny",
        "reasons": "Wszystkie przyczyny (liczba wykluczonych)", "near": "Prawie pasujący",
        "reason": "Przyczyna", "constraint": "Wymóg", "qualifications": "Wymagane kwalifikacje",
        "detail": "Szczegóły", "service": "Usługa formalna (id)", "provider": "Realizator",
        "service_category": "Usługa",
    },
}

_WORDS = {
    "en": {"yes": "yes", "no": "no", "planned": "planned", "unmet": "unmet",
           "covered": "formal service", "referred": "referred to formal services"},
    "pl": {"yes": "tak", "no": "nie", "planned": "zaplanowana", "unmet": "bez pomocy",
           "covered": "usługa formalna", "referred": "skierowana do usług formalnych"},
}


@frozen
class Table:
    """One table of a plan: a sheet of the workbook or one CSV file.

    Parameters
    ----------
    key : str
        Stable name, one of :data:`TABLE_KEYS` (the CSV file's stem).
    title : str
        Title in the report's language (the sheet's name).
    headers : tuple of str
        Column headers in the report's language.
    rows : tuple of tuple
        The cells, as Python values (not yet neutralised).
    """

    key: str
    title: str
    headers: tuple[str, ...] = field(converter=to_tuple)
    rows: tuple[tuple[Cell, ...], ...] = field(converter=to_tuple)


class _Ctx:
    """Lookups and words shared by the tables."""

    def __init__(self, inst: Instance, lang: str, names: Mapping[str, str] | None) -> None:
        self.inst, self.lang, self.names = inst, lang, names
        self.h, self.w, self.modes = pick(_H, lang), pick(_WORDS, lang), pick(MODE_WORDS, lang)

    def category(self, cat_id: str) -> str:
        return local_name(self.inst.category(cat_id), self.lang)

    def place(self, need_id: str) -> str:
        p = self.inst.place(self.inst.need_place(self.inst.need(need_id)))
        return p.name or p.id

    def day(self, d: date) -> str:
        return day_abbr(d.weekday(), self.lang)

    def yes(self, flag: bool) -> str:
        return self.w["yes" if flag else "no"]

    def helper_label(self, helper_id: str) -> str:
        name = self.inst.helper(helper_id).name
        return f"{name} ({helper_id})" if name else helper_id

    def resident_cols(self, resident: str | None) -> list[Cell]:
        """The resident id, and the name when a names mapping is given."""
        cols: list[Cell] = [resident or ""]
        if self.names is not None:
            cols.append(self.names.get(resident, "") if resident else "")
        return cols

    def resident_heads(self) -> list[str]:
        heads = [self.h["resident"]]
        if self.names is not None:
            heads.append(self.h["resident_name"])
        return heads


def _local(dt: datetime, tz: str) -> datetime:
    from zoneinfo import ZoneInfo

    return dt.astimezone(ZoneInfo(tz))


def _wall(dt: datetime, tz: str) -> time:
    # Wall-clock time in the instance's zone (results written elsewhere may carry any offset).
    return _local(dt, tz).time().replace(tzinfo=None)


def plan_tables(inst: Instance, result: Result, *, lang: str = "en",
                names: Mapping[str, str] | None = None) -> tuple[Table, ...]:
    """The plan's tables, in the order of :data:`TABLE_KEYS`.

    Parameters
    ----------
    inst : Instance
        The instance the result belongs to.
    result : Result
        The plan.
    lang : {"en", "pl"}
        Language of headers, titles and words (reasons, statuses).
    names : mapping of str to str, optional
        Resident id to name; when given, tables with residents get a name column.

    Returns
    -------
    tuple of Table
        Cells as Python values; writers neutralise text on the way out.

    Raises
    ------
    InvalidInputError
        When the result names needs, helpers or services the instance lacks.
    InvalidOptionError
        For a language other than ``en`` or ``pl``.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> helpers = plan_tables(inst, solve(inst, method="greedy"))[0]
    >>> helpers.headers[4:7], type(helpers.rows[0][2]).__name__
    (('From', 'To', 'Minutes'), 'date')
    """
    check_lang(lang)
    check_result(inst, result)
    ctx = _Ctx(inst, lang, names)
    return (_helpers(ctx, result), _residents(ctx, result), _unmet(ctx, result),
            _near_misses(ctx, result), _referrals(ctx, result), _covered(ctx, result))


def _table(ctx: _Ctx, key: str, heads: Sequence[str], rows: list[list[Cell]]) -> Table:
    return Table(key, pick(_TITLES, ctx.lang)[key], tuple(heads), tuple(tuple(r) for r in rows))


def _helpers(ctx: _Ctx, result: Result) -> Table:
    inst, h, tz = ctx.inst, ctx.h, ctx.inst.policy.timezone
    heads = [h["helper"], h["helper_name"], h["date"], h["day"], h["start"], h["end"],
             h["minutes"], h["need"], h["category"], *ctx.resident_heads(), h["place"],
             h["travel"], h["mode"], h["continuity"], h["locality"]]
    rows = []
    for a in sorted(result.assignments, key=lambda a: (a.helper, a.start, a.need)):
        n = inst.need(a.need)
        rows.append([a.helper, inst.helper(a.helper).name, a.date, ctx.day(a.date),
                     _wall(a.start, tz), _wall(a.end, tz), a.minutes, a.need,
                     ctx.category(n.category), *ctx.resident_cols(n.resident),
                     ctx.place(a.need), round(a.travel_minutes, 1), ctx.modes[a.mode],
                     ctx.yes(a.continuity), ctx.yes(a.locality)])
    return _table(ctx, "helpers", heads, rows)


def _residents(ctx: _Ctx, result: Result) -> Table:
    inst, h, w, tz = ctx.inst, ctx.h, ctx.w, ctx.inst.policy.timezone
    heads = [*ctx.resident_heads(), h["date"], h["day"], h["start"], h["end"], h["need"],
             h["category"], h["status"], h["helpers"], h["place"], h["note"]]
    # Sort key: resident, date (referrals, having none, first), start, need.
    keyed: list[tuple[tuple[str, date, str, str], list[Cell]]] = []
    teams: dict[tuple[str, date], list[Any]] = defaultdict(list)
    for a in result.assignments:
        teams[(a.need, a.date)].append(a)
    for (need_id, d), team in teams.items():
        n = inst.need(need_id)
        if n.resident is None:
            continue
        first = min(team, key=lambda a: a.start)
        helpers = ", ".join(ctx.helper_label(a.helper) for a in sorted(team,
                                                                       key=lambda a: a.helper))
        keyed.append(((n.resident, d, first.start.isoformat(), need_id), [
            *ctx.resident_cols(n.resident), d, ctx.day(d), _wall(first.start, tz),
            _wall(first.end, tz), need_id, ctx.category(n.category), w["planned"], helpers,
            ctx.place(need_id), ""]))
    for u in result.unmet:
        n = inst.need(u.need)
        if n.resident is None:
            continue
        why = u.main_reason.text(ctx.lang) if u.main_reason is not None else ""
        keyed.append(((n.resident, u.date, "", u.need), [
            *ctx.resident_cols(n.resident), u.date, ctx.day(u.date), None, None, u.need,
            ctx.category(n.category), w["unmet"], "", ctx.place(u.need), why]))
    for c in result.covered:
        n = inst.need(c.need)
        if n.resident is None:
            continue
        s = inst.service(c.service)
        keyed.append(((n.resident, c.date, "", c.need), [
            *ctx.resident_cols(n.resident), c.date, ctx.day(c.date), None, None, c.need,
            ctx.category(n.category), w["covered"], "", ctx.place(c.need),
            f"{s.provider} ({s.id})" if s.provider else s.id]))
    for r in result.referrals:
        n = inst.need(r.need)
        if n.resident is None:
            continue
        keyed.append(((n.resident, date.min, "", r.need), [
            *ctx.resident_cols(n.resident), None, "", None, None, r.need,
            ctx.category(n.category), w["referred"], "", ctx.place(r.need),
            r.reason.text(ctx.lang)]))
    keyed.sort(key=lambda kv: kv[0])
    return _table(ctx, "residents", heads, [row for _, row in keyed])


def _unmet(ctx: _Ctx, result: Result) -> Table:
    inst, h = ctx.inst, ctx.h
    heads = [h["need"], h["date"], h["day"], h["category"], *ctx.resident_heads(), h["place"],
             h["priority"], h["required"], h["main_reason"], h["excluded"], h["reasons"],
             h["near"]]
    rows = []
    for u in sorted(result.unmet, key=lambda u: (u.date, u.need)):
        n = inst.need(u.need)
        # The most actionable reason (Unmet.main_reason), as explain names it.
        main = next((rc for rc in u.reasons if rc.reason is u.main_reason), None)
        rows.append([
            u.need, u.date, ctx.day(u.date), ctx.category(n.category),
            *ctx.resident_cols(n.resident), ctx.place(u.need), n.priority, ctx.yes(n.required),
            main.reason.text(ctx.lang) if main else "", main.helpers if main else None,
            "; ".join(f"{rc.reason.text(ctx.lang)} ({rc.helpers})" for rc in u.reasons),
            "; ".join(f"{ctx.helper_label(nm.helper)}: {nm.reason.text(ctx.lang)}"
                      for nm in u.near_misses)])
    return _table(ctx, "unmet", heads, rows)


def _near_misses(ctx: _Ctx, result: Result) -> Table:
    inst, h = ctx.inst, ctx.h
    heads = [h["need"], h["date"], h["day"], h["category"], *ctx.resident_heads(), h["helper"],
             h["helper_name"], h["reason"], h["constraint"]]
    rows = []
    for u in sorted(result.unmet, key=lambda u: (u.date, u.need)):
        n = inst.need(u.need)
        for nm in u.near_misses:
            rows.append([u.need, u.date, ctx.day(u.date), ctx.category(n.category),
                         *ctx.resident_cols(n.resident), nm.helper, inst.helper(nm.helper).name,
                         nm.reason.text(ctx.lang), nm.reason.constraint])
    return _table(ctx, "near_misses", heads, rows)


def _referrals(ctx: _Ctx, result: Result) -> Table:
    from cus_match.model.eligibility import required_qualifications

    inst, h = ctx.inst, ctx.h
    heads = [h["need"], h["category"], *ctx.resident_heads(), h["reason"], h["constraint"],
             h["qualifications"], h["detail"]]
    rows = []
    for r in sorted(result.referrals, key=lambda r: r.need):
        n = inst.need(r.need)
        # The solver's detail repeats the English reason; keep it only when it adds something.
        detail = "" if r.detail == r.reason.text("en") else r.detail
        rows.append([r.need, ctx.category(n.category), *ctx.resident_cols(n.resident),
                     r.reason.text(ctx.lang), r.reason.constraint,
                     ", ".join(sorted(required_qualifications(inst, n))), detail])
    return _table(ctx, "referrals", heads, rows)


def _covered(ctx: _Ctx, result: Result) -> Table:
    inst, h = ctx.inst, ctx.h
    heads = [h["need"], h["date"], h["day"], h["category"], *ctx.resident_heads(),
             h["service"], h["provider"], h["service_category"]]
    rows = []
    for c in sorted(result.covered, key=lambda c: (c.date, c.need)):
        n = inst.need(c.need)
        s = inst.service(c.service)
        rows.append([c.need, c.date, ctx.day(c.date), ctx.category(n.category),
                     *ctx.resident_cols(n.resident), s.id, s.provider, ctx.category(s.category)])
    return _table(ctx, "covered", heads, rows)


# Writers ---------------------------------------------------------------------------------------

_DATE_FORMAT = "yyyy-mm-dd"
_TIME_FORMAT = "hh:mm"


def write_xlsx(inst: Instance, result: Result, path: str | Path, *, lang: str = "en",
               names: Mapping[str, str] | None = None) -> Path:
    """Write the plan as an XLSX workbook, one sheet per table.

    Text cells are neutralised (:func:`~cus_match.io.safe_cells.neutralise`); numbers are
    numeric cells, dates and times real date and time cells.

    Parameters
    ----------
    inst, result
        The instance and its plan.
    path : str or Path
        The workbook to write.
    lang : {"en", "pl"}
        Language of titles, headers and words.
    names : mapping of str to str, optional
        Resident id to name (adds a name column).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_xlsx(inst, solve(inst, method="greedy"), f"{d}/plan.xlsx", lang="pl")
    ...     openpyxl.load_workbook(p).sheetnames[:2]
    ['Harmonogram pomagających', 'Plan mieszkańców']
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    tables = plan_tables(inst, result, lang=lang, names=names)
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    bold = Font(bold=True)
    for t in tables:
        ws = wb.create_sheet(_sheet_title(t.title))
        ws.append([neutralise(x) for x in t.headers])
        for c in ws[1]:
            c.font = bold
        widths = [len(x) for x in t.headers]
        for r, row in enumerate(t.rows, start=2):
            for k, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=k)
                # Set the value as a string cell explicitly: openpyxl would read a string
                # starting with "=" as a formula; neutralised text never does, but be explicit.
                v = neutralise(value)
                cell.value = v
                if isinstance(v, str):
                    cell.data_type = "s"
                elif isinstance(v, date) and not isinstance(v, datetime):
                    cell.number_format = _DATE_FORMAT
                elif isinstance(v, time):
                    cell.number_format = _TIME_FORMAT
                widths[k - 1] = max(widths[k - 1], min(len(_text(v, ".")), 60))
        ws.freeze_panes = "A2"
        for k, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(k)].width = width + 2
    out = Path(path)
    wb.save(out)
    return out


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\ .
    clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in title)
    return clean[:31]


def _text(value: object, decimal: str) -> str:
    """A cell as CSV text: ISO dates, HH:MM times, plain numbers with ``decimal``."""
    if value is None:
        return ""
    if isinstance(value, bool):  # never produced by the tables; spelt out for safety
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(round(value, 3))
        return text.replace(".", decimal)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    return str(value)


def write_csv(inst: Instance, result: Result, folder: str | Path, *, lang: str = "en",
              names: Mapping[str, str] | None = None, delimiter: str = ";",
              decimal: str | None = None) -> list[Path]:
    r"""Write the plan as CSV files, one per table (``helpers.csv``, ``unmet.csv``, ...).

    Parameters
    ----------
    inst, result
        The instance and its plan.
    folder : str or Path
        Folder to write into (created if missing).
    lang : {"en", "pl"}
        Language of headers and words.
    names : mapping of str to str, optional
        Resident id to name (adds a name column).
    delimiter : {";", ","}
        Field separator; ``;`` (default) is what Polish Excel expects.
    decimal : {",", "."}, optional
        Decimal separator of numbers; default ``,`` with ``;`` and ``.`` with ``,``.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`TABLE_KEYS`.

    Examples
    --------
    >>> import tempfile
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_csv(inst, solve(inst, method="greedy"), d, lang="pl")
    ...     head = paths[0].read_bytes()[:22]
    >>> [p.name for p in paths][:2], head.startswith(b"\xef\xbb\xbf")
    (['helpers.csv', 'residents.csv'], True)
    """
    if delimiter not in (";", ","):
        raise InvalidOptionError(f"delimiter must be ';' or ',', got {delimiter!r}")
    if decimal is None:
        decimal = "," if delimiter == ";" else "."
    if decimal not in (",", ".") or decimal == delimiter:
        raise InvalidOptionError(
            f"decimal must be ',' or '.' and differ from the delimiter, got {decimal!r}")
    tables = plan_tables(inst, result, lang=lang, names=names)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in tables:
        p = out / f"{t.key}.csv"
        # utf-8-sig writes the BOM Excel needs to read UTF-8; newline="" lets csv end lines.
        with p.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
            w.writerow([neutralise(x) for x in t.headers])
            for row in t.rows:
                w.writerow([_text(neutralise(v), decimal) for v in row])
        paths.append(p)
    return paths


def read_names(path: str | Path) -> dict[str, str]:
    r"""Read a names file: one ``id;name`` (or ``id,name``) per line, UTF-8 (BOM allowed).

    A first line ``id;name`` is a header and skipped. Every problem (missing name, bad id,
    duplicate id) is reported at once with its line number.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    dict of str to str
        Resident id to name.

    Raises
    ------
    InvalidInputError
        Naming the file and each bad line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "names.csv")
    ...     _ = p.write_text("id;name\nr-001;Jan Kowalski\n", encoding="utf-8")
    ...     read_names(p)
    {'r-001': 'Jan Kowalski'}
    """
    from cus_match.model.validators import check_id

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidInputError([Problem(f"byte {e.start}", ProblemCode.NAMES_NOT_UTF8)],
                                source=str(p)) from None
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    delim = ";" if ";" in first else ","
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for no, row in enumerate(csv.reader(lines, delimiter=delim), start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if no == 1 and [c.strip().lower() for c in row[:2]] == ["id", "name"]:
            continue
        where = f"line {no}"
        if len(row) != 2:
            problems.append(Problem(where, ProblemCode.NAMES_FIELD_COUNT,
                                    {"delimiter": delim, "count": len(row)}))
            continue
        rid, name = row[0].strip(), row[1].strip()
        try:
            check_id(None, None, rid)
        except ValueError:
            problems.append(Problem(f"{where}.id", ProblemCode.INVALID_ID, {"value": repr(rid)}))
            continue
        if not name:
            problems.append(Problem(f"{where}.name", ProblemCode.NAMES_NO_NAME, {"id": rid}))
        elif rid in seen:
            problems.append(Problem(f"{where}.id", ProblemCode.NAMES_DUPLICATE_ID,
                                    {"id": rid, "line": seen[rid]}))
        else:
            seen[rid] = no
            out[rid] = name
    if problems:
        raise InvalidInputError(problems, source=str(p))
    return out
