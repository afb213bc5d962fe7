"""A plan as an editable spreadsheet, and the edited sheet read back, cell by cell.

The coordinator's round trip (issue 13): export the plan to a workbook whose ``plan`` sheet
has one row per visit (need, date, start, helpers), move, add or remove visits in Excel, read
the sheet back, check it, and see what changed and what breaks a constraint, at the cell.

Columns of the ``plan`` sheet (Polish or English headers, any case, diacritics optional):

==================  ===============  =========================================================
Polish              English          read back as
==================  ===============  =========================================================
``potrzeba``        ``need``         the need's id
``data``            ``date``         ``24.03.2026``, ``2026-03-24`` or a date cell
``początek``        ``start``        ``9:30``, ``9.30`` or a time cell (local time)
``pomagający``      ``helpers``      ids or names, separated by ``,`` or ``;``
``# mieszkaniec``   ``# resident``   not read (shown for the coordinator)
``# kategoria``     ``# category``   not read
``# miejsce``       ``# place``      not read
``# koniec``        ``# end``        not read: the end is the start plus the need's minutes
==================  ===============  =========================================================

Nothing is applied silently: a cell that cannot be read, an unknown need or helper, a helper
name two helpers share, a row without helpers or a need with two rows on one date is a
:class:`~cus_match.io.sheets.SheetProblem` naming the sheet, row and column, and every problem
is reported at once (:class:`~cus_match.io.sheets.SheetInputError`); no plan is made from a
sheet with problems. A sheet that reads cleanly gives :class:`SheetVisit` rows;
:func:`plan_from_visits` turns them into a :class:`~cus_match.plan.result.Result` for the
independent checker, and :func:`plan_changes` says what moved, was added or removed.

Examples
--------
>>> import tempfile, pathlib
>>> from cus_match.generate import generate
>>> from cus_match.optimise.solve import solve
>>> inst = generate("tiny", seed=1)
>>> plan = solve(inst, method="greedy")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx"
>>> _ = write_plan_sheet(inst, plan, path, lang="pl")
>>> visits = read_plan_sheet(path, inst)
>>> [(v.need, v.row) for v in visits] == [(a.need, 2) for a in plan.assignments]
True
>>> plan_changes(plan_visits(plan), visits)
[]
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from attrs import field, frozen

from cus_match.errors import InvalidOptionError
from cus_match.io import cells
from cus_match.io.cells import CellError, Lang, NameIndex, fold
from cus_match.io.json_format import instance_digest
from cus_match.io.safe_cells import neutralise, restore
from cus_match.io.sheet_messages import location, row_words
from cus_match.io.sheets import SheetInputError, SheetProblem
from cus_match.lang import check_lang, day_date
from cus_match.model.instance import Instance
from cus_match.plan.check import Violation
from cus_match.plan.result import (
    Assignment,
    Covered,
    ReasonCount,
    Referral,
    Result,
    Status,
    Unmet,
)
from cus_match.problem_texts import ProblemCode
from cus_match.reasons import Reason

__all__ = [
    "PLAN_COLUMNS",
    "PLAN_SHEET",
    "CellProblem",
    "PlanChange",
    "SheetVisit",
    "ViolationAt",
    "add_plan_sheet",
    "format_changes",
    "format_violations",
    "helper_index",
    "plan_changes",
    "plan_from_visits",
    "plan_visits",
    "read_plan_sheet",
    "violations_at",
    "write_plan_sheet",
]

#: The sheet's name by language.
PLAN_SHEET: dict[str, str] = {"pl": "plan", "en": "plan"}
#: Column key -> (Polish header, English header); keys starting with ``#`` are not read.
PLAN_COLUMNS: dict[str, tuple[str, str]] = {
    "need": ("potrzeba", "need"),
    "date": ("data", "date"),
    "start": ("początek", "start"),
    "helpers": ("pomagający", "helpers"),
    "#resident": ("# mieszkaniec", "# resident"),
    "#category": ("# kategoria", "# category"),
    "#place": ("# miejsce", "# place"),
    "#end": ("# koniec", "# end"),
}
_READ = ("need", "date", "start", "helpers")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _letter(j: int) -> str:
    """The Excel name of the 0-based column ``j`` (A ... Z, AA ...)."""
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = _LETTERS[r] + name
    return name


def _lang(lang: str) -> Lang:
    checked = check_lang(lang)
    return "pl" if checked == "pl" else "en"


@frozen
class SheetVisit:
    """One visit as a row of the plan sheet says it.

    Attributes
    ----------
    need : str
        The need's id.
    date : date
        The visit's local date.
    start : time
        Its local start.
    helpers : tuple of str
        Helper ids, in the order typed.
    row : int or None
        The row as Excel shows it (``None`` for a visit of a plan, not of a sheet).
    columns : dict
        Column key (``need``, ``date``, ``start``, ``helpers``) -> the Excel letter, for the
        cell addresses of problems.
    headers : dict
        Column key -> the header as written in the sheet.
    sheet : str
        The sheet's name as written.
    """

    need: str
    date: dt.date  # not `date`: in the class body that name is this field
    start: time
    helpers: tuple[str, ...]
    row: int | None = None
    columns: Mapping[str, str] = field(factory=dict)
    headers: Mapping[str, str] = field(factory=dict)
    sheet: str = "plan"

    @property
    def key(self) -> tuple[str, dt.date]:
        """The occurrence: one visit per need and date."""
        return (self.need, self.date)

    def cell(self, column: str) -> str | None:
        """The Excel address of this visit's ``column`` (``D5``), if it came from a sheet."""
        letter = self.columns.get(column)
        return None if letter is None or self.row is None else f"{letter}{self.row}"


@frozen
class CellProblem(SheetProblem):
    """A :class:`~cus_match.io.sheets.SheetProblem` that also names the Excel cell (``C5``)."""

    cell: str | None = None

    def location(self, lang: str = "en") -> str:
        """Sheet, row and column in words of ``lang``, then the cell: ``..., kolumna 'x' (C5)``."""
        where = super().location(lang)
        return f"{where} ({self.cell})" if self.cell else where


# --- writing ----------------------------------------------------------------------------------


def plan_visits(result: Result) -> list[SheetVisit]:
    """The plan's visits: one per need and date, the helpers of a team together.

    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> [v.helpers for v in plan_visits(solve(inst, method="greedy"))]
    [('h-00001',)]
    """
    groups: dict[tuple[str, date], list[Assignment]] = defaultdict(list)
    for a in result.assignments:
        groups[(a.need, a.date)].append(a)
    out = []
    for (need, day), items in groups.items():
        first = min(items, key=lambda a: (a.start, a.helper))
        out.append(SheetVisit(need, day, first.start.timetz().replace(tzinfo=None),
                              tuple(sorted(a.helper for a in items))))
    return sorted(out, key=lambda v: (v.date, v.start, v.need))


def _plan_rows(inst: Instance, result: Result, lang: Lang,
               names: Mapping[str, str] | None) -> list[list[Any]]:
    rows = []
    by_need = {n.id: n for n in inst.needs}
    for v in plan_visits(result):
        need = by_need.get(v.need)
        end = ""
        resident = category = place = ""
        if need is not None:
            stop = datetime.combine(v.date, v.start) + timedelta(minutes=need.duration_minutes)
            end = f"{stop:%H:%M}"
            if need.resident is not None:
                resident = (names or {}).get(need.resident, need.resident)
            cat = inst.category(need.category)
            category = (cat.name_pl if lang == "pl" else cat.name_en) or cat.id
            p = inst.place(inst.need_place(need))
            place = p.name or p.id
        helpers = ", ".join(v.helpers)
        rows.append([v.need, v.date, v.start, helpers, resident, category, place, end])
    return rows


def add_plan_sheet(workbook: Any, inst: Instance, result: Result, lang: str = "pl", *,
                   names: Mapping[str, str] | None = None) -> Any:
    """Add the editable ``plan`` sheet to an openpyxl ``workbook``; return the sheet.

    For :func:`cus_match.report.tables.write_xlsx` (``export --xlsx``) to include the sheet
    beside the printable tables, so that one exported workbook is also the one to edit. Helper
    cells get a drop-down of the helpers' names (from a ``pomagający``/``helpers`` list sheet),
    as a hint: ids and several helpers separated by ``,`` are accepted too.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        Where to add the sheets.
    inst : Instance
        The round.
    result : Result
        The plan to write.
    lang : {"pl", "en"}
        Language of headers and dates.
    names : mapping, optional
        Residents' names (from a names file) for the ``# resident`` column.
    """
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    lg = _lang(lang)
    ws = workbook.create_sheet(PLAN_SHEET[lg])
    ws.append([PLAN_COLUMNS[k][0 if lg == "pl" else 1] for k in PLAN_COLUMNS])
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in _plan_rows(inst, result, lg, names):
        ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
    date_format = "DD.MM.YYYY" if lg == "pl" else "YYYY-MM-DD"
    for j, key in enumerate(PLAN_COLUMNS):
        letter = _letter(j)
        ws.column_dimensions[letter].width = 28 if key in ("helpers", "#category") else 14
        for c in ws[letter][1:]:
            if key == "date":
                c.number_format = date_format
            elif key == "start":
                c.number_format = "HH:MM"
            else:
                c.number_format = "@"
    ws.auto_filter.ref = f"A1:{_letter(len(PLAN_COLUMNS) - 1)}{max(ws.max_row, 1)}"
    people = workbook.create_sheet("# " + ("pomagający" if lg == "pl" else "helpers"))
    people.append(["id", "imię i nazwisko" if lg == "pl" else "name"])
    for h in inst.helpers:
        people.append([neutralise(h.id), neutralise(h.name or h.id)])
    dv = DataValidation(type="list", formula1=f"'{people.title}'!$B$2:$B$"
                                              f"{max(2, len(inst.helpers) + 1)}",
                        allow_blank=True, showErrorMessage=False)
    helpers_letter = _letter(list(PLAN_COLUMNS).index("helpers"))
    dv.add(f"{helpers_letter}2:{helpers_letter}2000")
    ws.add_data_validation(dv)
    return ws


def write_plan_sheet(inst: Instance, result: Result, path: str | Path, lang: str = "pl", *,
                     names: Mapping[str, str] | None = None) -> Path:
    """Write the plan as an editable workbook (the ``plan`` sheet and a list of helpers).

    Returns the path written. See :func:`add_plan_sheet`.
    """
    from openpyxl import Workbook

    wb = Workbook()
    default = wb.active
    add_plan_sheet(wb, inst, result, lang, names=names)
    if default is not None:
        wb.remove(default)
    p = Path(path)
    wb.save(p)
    return p


# --- reading ----------------------------------------------------------------------------------


def helper_index(inst: Instance) -> NameIndex:
    """The instance's helpers by id and name (a name two helpers share is ambiguous).

    >>> from cus_match.generate import generate
    >>> helper_index(generate("tiny", seed=1)).find("katarzyna h.")
    'h-00001'
    """
    return NameIndex(((h.id, (h.name,)) for h in inst.helpers), ("helper", "pomagający"),
                     ("unknown helper", "nieznany pomagający"))


def _rows(path: Path, lang: Lang) -> tuple[str, list[tuple[int, tuple[Any, ...]]]]:
    """The plan sheet's name and rows, from a workbook or a CSV file."""
    from cus_match.io.sheets import read_rows

    plan_names = {fold(n) for n in PLAN_SHEET.values()}
    for name, rows in read_rows(path, lang, sheets=lambda n: fold(n) in plan_names):
        stem = name[:-4] if name.lower().endswith(".csv") else name
        if fold(stem) in {fold(n) for n in PLAN_SHEET.values()} or path.suffix == ".csv":
            return name, rows
    raise SheetInputError([SheetProblem(
        location(lang, where=str(path)), ProblemCode.PLAN_SHEET_MISSING,
        {"sheet": PLAN_SHEET[lang]}, file=str(path), lang=lang)], str(path), lang)


def read_plan_sheet(path: str | Path, inst: Instance, lang: str = "pl") -> list[SheetVisit]:
    """Read an edited plan sheet: every row a visit, every problem at its cell.

    Parameters
    ----------
    path : str or Path
        The workbook (its ``plan`` sheet), or a CSV file of that sheet.
    inst : Instance
        The round the plan is for: needs and helpers are checked against it, helpers are
        found by id or by name.
    lang : {"pl", "en"}
        Language of the problem messages (headers are read in both).

    Returns
    -------
    list of SheetVisit
        In row order.

    Raises
    ------
    SheetInputError
        Every problem of the sheet at once (:class:`~cus_match.io.sheets.SheetProblem` with
        sheet, row and column); nothing is read half-way.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from openpyxl import load_workbook
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx"
    >>> _ = write_plan_sheet(inst, solve(inst, method="greedy"), path, lang="en")
    >>> wb = load_workbook(path)
    >>> wb["plan"]["C2"] = "25:00"
    >>> wb["plan"]["D2"] = "Katarzyna"
    >>> wb.save(path)
    >>> read_plan_sheet(path, inst, lang="en")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cus_match.io.sheets.SheetInputError: ...plan.xlsx: 2 problems
      sheet 'plan', row 2, column 'start' (C2): '25:00' is not a time of day (write e.g. 9:30)
      sheet 'plan', row 2, column 'helpers' (D2): unknown helper 'Katarzyna'; did you mean ...
    """
    lg = _lang(lang)
    p = Path(path)
    name, rows = _rows(p, lg)
    is_csv = name.lower().endswith(".csv")
    problems: list[SheetProblem] = []

    def problem(code: ProblemCode, args: Mapping[str, Any] | None = None,
                row: int | None = None, column: str | None = None,
                letter: str | None = None) -> None:
        cell = f"{letter}{row}" if letter is not None and row is not None else None
        where = location(lg, name, sheet_is_file=is_csv, row=row, column=column)
        problems.append(CellProblem(where + (f" ({cell})" if cell else ""), code, args or {},
                                    file=str(p), sheet=name, row=row, column=column, lang=lg,
                                    csv=is_csv, cell=cell))

    nonblank = [(n, r) for n, r in rows if any(not _blank(c) for c in r)]
    if not nonblank:
        problem(ProblemCode.PLAN_COLUMN_MISSING, {"column": PLAN_COLUMNS["need"][0 if lg ==
                                                                               "pl" else 1]})
        raise SheetInputError(problems, str(p), lg)
    head_no, head = nonblank[0]
    accepts = {fold(h): k for k, hs in PLAN_COLUMNS.items() for h in (*hs, k)}
    where: dict[str, int] = {}
    headers: dict[str, str] = {}
    for j, cell in enumerate(head):
        if _blank(cell):
            continue
        text = str(restore(cell)).strip() if isinstance(cell, str) else str(cell)
        key = accepts.get(fold(text))
        if text.startswith("#") or (key is not None and key.startswith("#")):
            continue
        if key is None:
            problem(ProblemCode.COLUMN_UNKNOWN, None, head_no, text, _letter(j))
        elif key in where:
            problem(ProblemCode.COLUMN_REPEATED, {"first": where[key] + 1}, head_no, text,
                    _letter(j))
        else:
            where[key], headers[key] = j, text
    for key in _READ:
        if key not in where:
            problem(ProblemCode.PLAN_COLUMN_MISSING,
                    {"column": PLAN_COLUMNS[key][0 if lg == "pl" else 1]}, head_no)
    if problems:
        raise SheetInputError(problems, str(p), lg)
    letters = {k: _letter(j) for k, j in where.items()}
    needs = {n.id: n for n in inst.needs}
    helpers = helper_index(inst)
    out: list[SheetVisit] = []
    first_row: dict[tuple[str, date], int] = {}
    for number, row in rows:
        if number <= head_no or all(_blank(c) for c in row):
            continue
        values: dict[str, Any] = {}
        bad = False
        for key in _READ:
            j = where[key]
            cell = row[j] if j < len(row) else None
            if isinstance(cell, str):
                cell = restore(cell.strip())
            try:
                values[key] = _read_cell(key, cell, needs, helpers)
            except CellError as e:
                problem(ProblemCode(str(e.code)), e.params, number, headers[key],
                        letters[key])
                bad = True
        if bad:
            continue
        visit = SheetVisit(values["need"], values["date"], values["start"],
                           values["helpers"], number, letters, headers, name)
        if visit.key in first_row:
            problem(ProblemCode.PLAN_ROW_REPEATED,
                    {"need": visit.need, "day": visit.date.isoformat(),
                     "first": row_words(first_row[visit.key])}, number, headers["date"],
                    letters["date"])
            continue
        first_row[visit.key] = number
        out.append(visit)
    if problems:
        raise SheetInputError(problems, str(p), lg)
    return out


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_cell(key: str, value: Any, needs: Mapping[str, Any], helpers: NameIndex) -> Any:
    if key == "helpers":
        if _blank(value):
            raise CellError(ProblemCode.PLAN_ROW_NO_HELPERS)
        found: list[str] = []
        for item in cells.read_list(value):
            h = helpers.find(item)
            if h in found:
                raise CellError(ProblemCode.PLAN_HELPER_REPEATED, id=h)
            found.append(h)
        return tuple(found)
    if _blank(value):
        raise CellError(ProblemCode.MISSING_FIELD, name=key)
    if key == "need":
        text = cells.read_text(value).strip()
        if text not in needs:
            raise CellError(ProblemCode.UNKNOWN_NEED, id=text)
        return text
    if key == "date":
        return date.fromisoformat(cells.read_date(value))
    hh, mm = cells.read_clock(value).split(":")
    return time(int(hh), int(mm))


# --- back to a plan ---------------------------------------------------------------------------


def plan_from_visits(inst: Instance, visits: Iterable[SheetVisit], *,
                     covered: Sequence[Covered] = (), referrals: Sequence[Referral] = (),
                     outside_ipus: Iterable[tuple[str, date]] = (),
                     method: str = "spreadsheet", rule: str = "edited") -> Result:
    """The plan the visits make, for :func:`cus_match.plan.check.check`.

    Each visit becomes one assignment per helper: the start is local wall-clock time in the
    instance's time zone, the end the start plus the need's minutes, travel the fastest mode
    the helper has (and the need allows); continuity and locality as the instance says. Every
    other occurrence of the needs is unmet (no reason: a person decided), except the
    ``covered`` ones and the needs in ``referrals`` (as
    :func:`cus_match.compat.build_compat` finds them); the ``outside_ipus`` occurrences are
    unmet for that reason.

    Raises
    ------
    InvalidOptionError
        When a visit names a need or helper the instance lacks
        (:func:`read_plan_sheet` never gives one).
    """
    from cus_match.model.occurrences import need_dates

    tz = ZoneInfo(inst.policy.timezone)
    by_need = {n.id: n for n in inst.needs}
    by_helper = {h.id: h for h in inst.helpers}
    residents = {r.id: r for r in inst.residents}
    assignments = []
    taken: set[tuple[str, date]] = set()
    for v in visits:
        need = by_need.get(v.need)
        if need is None:
            raise InvalidOptionError(f"unknown need {v.need!r}")
        place = inst.need_place(need)
        start = datetime.combine(v.date, v.start, tzinfo=tz)
        # Through UTC: wall-clock arithmetic is wrong on the days the clocks change.
        end = (start.astimezone(UTC) + timedelta(minutes=need.duration_minutes)).astimezone(tz)
        resident = residents.get(need.resident) if need.resident is not None else None
        taken.add(v.key)
        for hid in v.helpers:
            h = by_helper.get(hid)
            if h is None:
                raise InvalidOptionError(f"unknown helper {hid!r}")
            allowed = h.modes if need.required_mode is None else h.modes & {need.required_mode}
            best = inst.travel.best(h.home, place, allowed or h.modes)
            if best is None:  # no route: the checker says so (too far), not this reader
                minutes, mode = 0.0, min(allowed or h.modes, key=lambda m: m.value)
            else:
                minutes, mode = best
            assignments.append(Assignment(
                need=need.id, date=v.date, helper=h.id, start=start, end=end,
                travel_minutes=minutes, mode=mode,
                continuity=resident is not None and h.id in resident.previous_helpers,
                locality=h.home == place))
    skip = {c.need for c in referrals}
    covered_keys = {(c.need, c.date) for c in covered}
    outside = set(outside_ipus)
    why = (ReasonCount(Reason.OUTSIDE_IPUS, len(inst.helpers)),)
    unmet = [Unmet(n.id, d, why if (n.id, d) in outside else ()) for n in inst.needs
             if n.id not in skip
             for d in need_dates(inst, n)
             if (n.id, d) not in taken and (n.id, d) not in covered_keys]
    return Result(status=Status.FEASIBLE, method=method, rule=rule,
                  assignments=sorted(assignments, key=lambda a: (a.start, a.need, a.helper)),
                  unmet=sorted(unmet, key=lambda u: (u.date, u.need)),
                  referrals=list(referrals),
                  covered=[c for c in covered if (c.need, c.date) not in taken],
                  instance_name=inst.name, instance_digest=instance_digest(inst))


# --- what changed, what breaks ----------------------------------------------------------------


@frozen
class PlanChange:
    """One difference between the original plan and the edited sheet.

    ``kind`` is ``moved`` (another date or start: ``before`` and ``after`` differ in time),
    ``reassigned`` (same time, other helpers), ``added`` or ``removed``. ``before`` is the
    original visit (``None`` when added), ``after`` the sheet's (``None`` when removed).
    """

    kind: str
    need: str
    before: SheetVisit | None
    after: SheetVisit | None

    def text(self, lang: str = "en") -> str:
        """One line: ``row 5 (A5): moved need n-1 from Tue 24.03 09:00 to Wed 25.03 10:00``."""
        lg = _lang(lang)
        t = _TEXT[lg]

        def when(v: SheetVisit) -> str:
            return f"{day_date(v.date, lg)} {v.start:%H:%M} ({', '.join(v.helpers)})"

        at = self.after.cell("need") if self.after is not None else None
        head = (t["at"].format(row=self.after.row, cell=at)
                if self.after is not None and self.after.row is not None else t["gone"])
        before = when(self.before) if self.before is not None else ""
        after = when(self.after) if self.after is not None else ""
        return f"{head}: " + t[self.kind].format(need=self.need, before=before, after=after)


_TEXT = {
    "en": {"at": "row {row} ({cell})", "gone": "row deleted",
           "moved": "moved need {need}: {before} -> {after}",
           "reassigned": "other helpers for need {need}: {before} -> {after}",
           "added": "added a visit of need {need}: {after}",
           "removed": "removed the visit of need {need}: {before}",
           "changes": "Changes against the original plan: {n}",
           "none": "No changes against the original plan.",
           "violations": "Broken constraints: {n}", "ok": "Every constraint holds.",
           "not_in_sheet": "not in the sheet"},
    "pl": {"at": "wiersz {row} ({cell})", "gone": "usunięty wiersz",
           "moved": "przeniesiono potrzebę {need}: {before} -> {after}",
           "reassigned": "inni pomagający przy potrzebie {need}: {before} -> {after}",
           "added": "dodano wizytę potrzeby {need}: {after}",
           "removed": "usunięto wizytę potrzeby {need}: {before}",
           "changes": "Zmiany względem pierwotnego planu: {n}",
           "none": "Bez zmian względem pierwotnego planu.",
           "violations": "Naruszone wymogi: {n}", "ok": "Wszystkie wymogi są spełnione.",
           "not_in_sheet": "poza arkuszem"},
}


def plan_changes(before: Iterable[SheetVisit], after: Iterable[SheetVisit]) -> list[PlanChange]:
    """What the sheet changed: moved, reassigned, added and removed visits.

    A need whose visit left one date and arrived on another counts as moved (the earliest
    removed date paired with the earliest added one), not as one removal and one addition.

    Examples
    --------
    >>> a = SheetVisit("n1", date(2026, 3, 24), time(9), ("h1",))
    >>> b = SheetVisit("n1", date(2026, 3, 25), time(10), ("h1",), row=2, columns={"need": "A"})
    >>> [c.text("en") for c in plan_changes([a], [b])]
    ['row 2 (A2): moved need n1: Tue 24.03 09:00 (h1) -> Wed 25.03 10:00 (h1)']
    """
    old = {v.key: v for v in before}
    new = {v.key: v for v in after}
    out: list[PlanChange] = []
    gone: dict[str, list[SheetVisit]] = defaultdict(list)
    came: dict[str, list[SheetVisit]] = defaultdict(list)
    for key in sorted(old.keys() | new.keys()):
        o, n = old.get(key), new.get(key)
        if o is not None and n is not None:
            if o.start != n.start:
                out.append(PlanChange("moved", key[0], o, n))
            elif sorted(o.helpers) != sorted(n.helpers):
                out.append(PlanChange("reassigned", key[0], o, n))
        elif o is not None:
            gone[key[0]].append(o)
        elif n is not None:
            came[key[0]].append(n)
    for need in sorted(gone.keys() | came.keys()):
        g, c = gone.get(need, []), came.get(need, [])
        for o, n in zip(g, c, strict=False):
            out.append(PlanChange("moved", need, o, n))
        out += [PlanChange("removed", need, o, None) for o in g[len(c):]]
        out += [PlanChange("added", need, None, n) for n in c[len(g):]]

    def order(ch: PlanChange) -> tuple[int, date, str]:
        v = ch.after or ch.before
        assert v is not None
        return (ch.after.row if ch.after is not None and ch.after.row else 10**9, v.date,
                ch.need)

    return sorted(out, key=order)


@frozen
class ViolationAt:
    """A broken constraint at the sheet's cell it concerns (``cell`` ``None``: no row).

    ``sheet``, ``row`` and ``column`` (the header) locate it as the reader's problems do;
    ``cell`` is the Excel address (``D5``).
    """

    violation: Violation
    sheet: str | None
    row: int | None
    column: str | None
    cell: str | None

    def text(self, lang: str = "en") -> str:
        """``sheet 'plan', row 5, column 'start' (C5): [H4 busy] ...``."""
        lg = _lang(lang)
        where = (location(lg, self.sheet, row=self.row, column=self.column)
                 + (f" ({self.cell})" if self.cell else "")) if self.row else _TEXT[lg][
                     "not_in_sheet"]
        v = self.violation
        return f"{where}: [{v.constraint} {v.code}] {v.message}"


# Which column a violation belongs in: the time of the visit, its date, its need, or (the
# default when a helper is named) its helpers.
_START_CODES = frozenset({"no_common_time", "busy", "wrong_duration"})
_DATE_CODES = frozenset({"unknown_occurrence", "duplicate_occurrence", "outside_ipus"})
_NEED_CODES = frozenset({"unknown_need", "referred_need_listed", "duplicates_formal_service",
                         "required_unmet", "pus_limit"})


def violations_at(violations: Iterable[Violation], visits: Iterable[SheetVisit],
                  lang: str = "en") -> list[ViolationAt]:
    """Put each violation at the row and column of the sheet's visit it concerns.

    Examples
    --------
    >>> v = SheetVisit("n1", date(2026, 3, 24), time(9), ("h1",), row=4,
    ...                columns={"need": "A", "date": "B", "start": "C", "helpers": "D"})
    >>> bad = Violation("H4", "busy", "h1 has two visits at 09:00", need="n1", helper="h1",
    ...                 date=date(2026, 3, 24))
    >>> violations_at([bad], [v], "pl")[0].text("pl")
    "arkusz 'plan', wiersz 4, kolumna 'początek' (C4): [H4 busy] h1 has two visits at 09:00"
    """
    lg = _lang(lang)
    rows = {v.key: v for v in visits}
    out = []
    for x in violations:
        v = rows.get((x.need or "", x.date)) if x.date is not None else None
        if v is None and x.helper is not None:
            # A helper's week (hours cap, number of residents): the helper's first visit then.
            week = None if x.date is None else x.date.isocalendar()[:2]
            v = next((r for r in sorted(rows.values(), key=lambda r: r.row or 0)
                      if x.helper in r.helpers
                      and (week is None or r.date.isocalendar()[:2] == week)), None)
            if v is not None:
                header = v.headers.get("helpers", PLAN_COLUMNS["helpers"][0 if lg == "pl"
                                                                          else 1])
                out.append(ViolationAt(x, v.sheet, v.row, header, v.cell("helpers")))
                continue
        if v is None:
            out.append(ViolationAt(x, None, None, None, None))
            continue
        if x.code in _START_CODES:
            key = "start"
        elif x.code in _DATE_CODES:
            key = "date"
        elif x.code in _NEED_CODES or x.helper is None:
            key = "need"
        else:
            key = "helpers"
        header = v.headers.get(key, PLAN_COLUMNS[key][0 if lg == "pl" else 1])
        out.append(ViolationAt(x, v.sheet, v.row, header, v.cell(key)))
    return sorted(out, key=lambda a: (a.row or 10**9, a.cell or ""))


def format_changes(changes: Sequence[PlanChange], lang: str = "en") -> str:
    """The changes as lines of text, with a heading.

    >>> print(format_changes([], "pl"))
    Bez zmian względem pierwotnego planu.
    """
    lg = _lang(lang)
    t = _TEXT[lg]
    if not changes:
        return t["none"]
    return "\n".join([t["changes"].format(n=len(changes)),
                      *(f"  {c.text(lg)}" for c in changes)])


def format_violations(found: Sequence[ViolationAt], lang: str = "en") -> str:
    """The violations at their cells, with a heading.

    >>> print(format_violations([], "en"))
    Every constraint holds.
    """
    lg = _lang(lang)
    t = _TEXT[lg]
    if not found:
        return t["ok"]
    return "\n".join([t["violations"].format(n=len(found)),
                      *(f"  {f.text(lg)}" for f in found)])
