"""A plan as tables for coordinators: XLSX workbook or CSV files, in Polish or English.

Six tables, each a sheet of the workbook or a CSV file (named by its key in English, in
Polish as :data:`CSV_NAMES` says):

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
(``delimiter=","`` writes a decimal point); dates are written as the language writes them
(``24.03.2026`` in Polish, ISO ``2026-03-24`` in English).

Every sheet of the workbook is set up for print: landscape A4 fitted to the page's width, the
header row repeated on each page and frozen on screen, an autofilter over the table, the
sheet's title and page numbers in the page header and footer. ``sheet_per_helper`` adds one such
sheet per helper, to print and hand over.

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

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from attrs import field, frozen

from cus_match.errors import InvalidOptionError
from cus_match.io.safe_cells import CsvWriter, neutralise
from cus_match.lang import LANGS, MODE_WORDS, check_lang, day_abbr, local_name, pick, short_date
from cus_match.model.instance import Instance
from cus_match.model.validators import to_tuple
from cus_match.plan.references import check_result, result_problems
from cus_match.plan.result import Result

__all__ = ["CSV_NAMES", "LANGS", "TABLE_KEYS", "Cell", "Table", "check_result", "plan_tables",
           "result_problems", "write_csv", "write_xlsx"]

#: A table cell: text, a number, a date, a time of day, or empty.
Cell = str | int | float | date | time | None

TABLE_KEYS = ("helpers", "residents", "unmet", "near_misses", "referrals", "covered")

#: The CSV file's stem of each table, by language (English keeps the keys).
CSV_NAMES: dict[str, dict[str, str]] = {
    "en": {k: k for k in TABLE_KEYS},
    "pl": {"helpers": "wizyty", "residents": "mieszkańcy", "unmet": "bez_pomocy",
           "near_misses": "prawie_pasujący", "referrals": "skierowania",
           "covered": "usługi_formalne"},
}

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
           "covered": "formal service", "referred": "referred to formal services",
           "page": "page &P of &N", "schedule": "Schedule of {helper}",
           "period": "{start} – {end}"},
    "pl": {"yes": "tak", "no": "nie", "planned": "zaplanowana", "unmet": "bez pomocy",
           "covered": "usługa formalna", "referred": "skierowana do usług formalnych",
           "page": "strona &P z &N", "schedule": "Harmonogram: {helper}",
           "period": "{start} – {end}"},
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
        # The plan's own pick of the main reason (Unmet.main_reason), with its count.
        main = next((rc for rc in u.reasons if rc.reason == u.main_reason), None)
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

_DATE_FORMATS = {"en": "yyyy-mm-dd", "pl": "dd.mm.yyyy"}
_TIME_FORMAT = "hh:mm"


def write_xlsx(inst: Instance, result: Result, path: str | Path, *, lang: str = "en",
               names: Mapping[str, str] | None = None, sheet_per_helper: bool = False) -> Path:
    """Write the plan as an XLSX workbook, one sheet per table, each set up for print.

    Text cells are neutralised (:func:`~cus_match.io.safe_cells.neutralise`); numbers are
    numeric cells, dates and times real date and time cells. Every printable sheet prints
    landscape on A4, fitted to the page's width, with its header row repeated on each page
    (and frozen on screen), an autofilter, and its title and page numbers in the page's header
    and footer. After them come the editable ``plan`` sheet and its list of helpers
    (:func:`~cus_match.io.plan_sheet.add_plan_sheet`), to import back.

    Parameters
    ----------
    inst, result
        The instance and its plan.
    path : str or Path
        The workbook to write.
    lang : {"en", "pl"}
        Language of titles, headers, words and the dates' format.
    names : mapping of str to str, optional
        Resident id to name (adds a name column).
    sheet_per_helper : bool
        Also one sheet per helper with visits (by name), their schedule alone: the page to
        print and hand over.

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
    ...     p = write_xlsx(inst, solve(inst, method="greedy"), f"{d}/plan.xlsx", lang="pl",
    ...                    sheet_per_helper=True)
    ...     wb = openpyxl.load_workbook(p)
    >>> wb.sheetnames[:2], wb.worksheets[0].print_title_rows
    (['Harmonogram pomagających', 'Plan mieszkańców'], '$1:$1')
    >>> helper_sheet = wb.worksheets[len(TABLE_KEYS)]  # after the tables, one per helper
    >>> helper_sheet.title, helper_sheet.page_setup.orientation
    ('Katarzyna H.', 'landscape')
    >>> wb.sheetnames[-2:]  # last, the plan to edit and import back, and its list of helpers
    ['plan', '# pomagający']
    """
    from openpyxl import Workbook

    tables = plan_tables(inst, result, lang=lang, names=names)
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    period = inst.policy.period
    words = pick(_WORDS, lang)
    span = words["period"].format(start=short_date(period.start, lang),
                                  end=short_date(period.end, lang))
    used: set[str] = set()
    for t in tables:
        _sheet(wb, _unique_title(t.title, used), t.title, span, t.headers, t.rows, lang)
    if sheet_per_helper:
        helpers = tables[0]
        by_helper: dict[str, list[tuple[Cell, ...]]] = defaultdict(list)
        for row in helpers.rows:  # sorted by helper, then time
            by_helper[str(row[0])].append(row[2:])
        order = sorted(by_helper, key=lambda h: ((inst.helper(h).name or h).casefold(), h))
        for hid in order:
            label = _Ctx(inst, lang, names).helper_label(hid)
            _sheet(wb, _unique_title(inst.helper(hid).name or hid, used, fallback=hid),
                   words["schedule"].format(helper=label), span, helpers.headers[2:],
                   by_helper[hid], lang)
    from cus_match.io.plan_sheet import add_plan_sheet

    add_plan_sheet(wb, inst, result, lang, names=names)  # the sheet to edit and import back
    out = Path(path)
    wb.save(out)
    return out


def _sheet(wb: Any, name: str, title: str, span: str, headers: Sequence[str],
           rows: Sequence[Sequence[Cell]], lang: str) -> None:
    """One sheet: the header row, the cells, and the print setup."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    ws.append([neutralise(x) for x in headers])
    bold = Font(bold=True)
    for c in ws[1]:
        c.font = bold
    widths = [len(x) for x in headers]
    for r, row in enumerate(rows, start=2):
        for k, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=k)
            # Set the value as a string cell explicitly: openpyxl would read a string
            # starting with "=" as a formula; neutralised text never does, but be explicit.
            v = neutralise(value)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"
            elif isinstance(v, date) and not isinstance(v, datetime):
                cell.number_format = pick(_DATE_FORMATS, lang)
            elif isinstance(v, time):
                cell.number_format = _TIME_FORMAT
            widths[k - 1] = max(widths[k - 1], min(len(_text(v, ".", lang)), 60))
    for k, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width + 2
    last = get_column_letter(max(len(headers), 1))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.print_options.gridLines = True
    # "&" starts a code in Excel's header and footer: a name's own ampersand is doubled.
    ws.oddHeader.left.text = title.replace("&", "&&")
    ws.oddHeader.right.text = span
    ws.oddFooter.right.text = pick(_WORDS, lang)["page"]


def _unique_title(title: str, used: set[str], fallback: str | None = None) -> str:
    """A sheet name Excel accepts, unlike (case-insensitively) every name in ``used``."""
    name = _sheet_title(title).strip().strip("'") or "-"
    if name.casefold() in used and fallback is not None:
        name = _sheet_title(f"{title} ({fallback})").strip().strip("'")
    base, k = name, 2
    while name.casefold() in used:
        suffix = f" ~{k}"
        name = base[:31 - len(suffix)] + suffix
        k += 1
    used.add(name.casefold())
    return name


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\ .
    clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in title)
    return clean[:31]


def _text(value: object, decimal: str, lang: str = "en") -> str:
    """A cell as CSV text: dates in ``lang``'s way, HH:MM times, numbers with ``decimal``."""
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
        return short_date(value, lang)
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    return str(value)


def write_csv(inst: Instance, result: Result, folder: str | Path, *, lang: str = "en",
              names: Mapping[str, str] | None = None, delimiter: str = ";",
              decimal: str | None = None) -> list[Path]:
    r"""Write the plan as CSV files, one per table (``helpers.csv``, ``unmet.csv``, ...).

    The files are named in the chosen language (:data:`CSV_NAMES`: ``wizyty.csv``,
    ``bez_pomocy.csv``, ... in Polish) and their dates written as it writes them
    (``24.03.2026`` in Polish, ``2026-03-24`` in English).

    Parameters
    ----------
    inst, result
        The instance and its plan.
    folder : str or Path
        Folder to write into (created if missing).
    lang : {"en", "pl"}
        Language of file names, headers, words and dates.
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
    >>> [p.name for p in paths][:3], head.startswith(b"\xef\xbb\xbf")
    (['wizyty.csv', 'mieszkańcy.csv', 'bez_pomocy.csv'], True)
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
    stems = pick(CSV_NAMES, lang)
    for t in tables:
        p = out / f"{stems[t.key]}.csv"
        # utf-8-sig writes the BOM Excel needs to read UTF-8; newline="" lets csv end lines.
        with p.open("w", encoding="utf-8-sig", newline="") as f:
            w = CsvWriter(f, delimiter=delimiter)  # quotes every separator Excel may use
            w.writerow([neutralise(x) for x in t.headers])
            for row in t.rows:
                w.writerow([_text(neutralise(v), decimal, lang) for v in row])
        paths.append(p)
    return paths
