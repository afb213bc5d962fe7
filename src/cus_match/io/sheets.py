"""Instances in spreadsheets: an ``.xlsx`` workbook or a folder of CSV files, Polish or English.

A coordinator keeps volunteers and requests in Excel. This module reads such a workbook (one sheet
per entity, see :mod:`cus_match.io.sheet_layout` and ``docs/spreadsheets.md``) or a folder of CSV
files with the same columns, in the Polish Excel dialect (``;`` or ``,``, UTF-8 with or without
BOM or Windows-1250, decimal commas, ``23.03.2026``, ``8:00``, Polish weekday names, ``tak``/
``nie``), builds the same raw data the JSON reader structures and lets
:func:`cus_match.io.json_format.structure_instance` check it. Every problem is reported at once,
naming the file, sheet, row (as Excel shows it) and column, in Polish or English; nothing is
imported half-way. Problems of the structurer and the instance checks are put in their cells by
path and code (:mod:`cus_match.io.sheet_messages`), never by reading their text.

It also writes instances and templates back (:func:`write_instance`, :func:`write_template`),
with text that could run as a formula neutralised (:mod:`cus_match.io.safe_cells`).

Examples
--------
>>> import tempfile, pathlib
>>> from cus_match.generate import demo_instance
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "gmina"
>>> write_instance(demo_instance(), folder, lang="pl", fmt="csv")
>>> sorted(p.name for p in folder.iterdir())[:3]
['dojazdy.csv', 'instrukcja.txt', 'kategorie.csv']
>>> read_instance(folder) == demo_instance()
True
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

from attrs import field, frozen

from cus_match.errors import InvalidInputError, InvalidOptionError, Problem
from cus_match.io import cells
from cus_match.io.cells import EMPTY, CellError, Lang, fold
from cus_match.io.convert import unstructure
from cus_match.io.json_format import structure_instance
from cus_match.io.safe_cells import CsvWriter, neutralise, restore, restore_separators
from cus_match.io.sheet_layout import (
    INSTRUCTIONS,
    LABEL_WHAT,
    LABELS,
    NOTE_COLUMNS,
    SHEETS,
    Column,
    Sheet,
    label,
    label_lookup,
)
from cus_match.io.sheet_layout import sheet as layout_of
from cus_match.io.sheet_messages import (
    MISSING_SHEET_OF,
    MODE_COLUMN,
    PATH_ARGS,
    SHEET_CODES,
    location,
    row_words,
)
from cus_match.lang import check_lang
from cus_match.limits import MAX_FILE_BYTES, MAX_SHEET_ROWS
from cus_match.model import Need, TravelSettings
from cus_match.model.instance import Instance
from cus_match.problem_texts import ProblemCode

__all__ = [
    "NAME_COLUMNS",
    "SheetInputError",
    "SheetProblem",
    "decode_text",
    "name_indices",
    "read_instance",
    "read_need_row",
    "read_rows",
    "template_instance",
    "write_instance",
    "write_instance_csv",
    "write_instance_xlsx",
    "write_template",
]

_COLLECTIONS = ("places", "helpers", "residents", "needs", "services", "travel_edges")
_REQUIRED_SHEETS = ("settings", "places", "helpers", "residents", "needs")
_SHEET_ORDER = {s.key: i for i, s in enumerate(SHEETS)}
_NO = object()  # a speed cell saying "brak"/"none": the mode is not used


def _check_lang(lang: str) -> Lang:
    return cast(Lang, check_lang(lang))  # en or pl, as the check ensures


# --- problems -------------------------------------------------------------------------------

@frozen
class SheetProblem(Problem):
    """A :class:`~cus_match.errors.Problem` located in a spreadsheet.

    ``path`` is the location as a person reads it (``arkusz 'pomagający', wiersz 4, kolumna
    'dostępność'``); the parts are kept too, for programs. ``message`` and ``str()`` speak the
    reader's language, :meth:`~cus_match.errors.Problem.text` any language.

    Parameters
    ----------
    file : str
        The workbook, or the CSV file.
    sheet : str, optional
        The sheet name (for CSV: the file name).
    row : int, optional
        The row number as the spreadsheet shows it (the header is row 1).
    column : str, optional
        The column header, as written in the file when it was there.
    lang : {"en", "pl"}
        The language of ``path`` and ``message``.
    where : str, optional
        What the location starts with: a file name, or a structurer path the reader could not
        put in a cell.
    csv : bool
        Whether ``sheet`` is a CSV file (named as it is, not as "sheet 'x'").
    """

    file: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    lang: str = "en"
    where: str | None = None
    csv: bool = False

    @property
    def message(self) -> str:
        """The problem in the reader's language."""
        return self.text(self.lang)

    def location(self, lang: str = "en") -> str:
        """Sheet, row and column in words of ``lang``: ``arkusz 'x', wiersz 4, kolumna 'y'``."""
        return location(lang, self.sheet, sheet_is_file=self.csv, row=self.row,
                        column=self.column, where=self.where)


class SheetInputError(InvalidInputError):
    """:class:`~cus_match.errors.InvalidInputError` that speaks ``lang`` when printed."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None,
                 lang: str = "en") -> None:
        self.lang = lang
        super().__init__(problems, source)

    def __str__(self) -> str:
        return self.text(self.lang)


@frozen
class _Table:
    """The cells of one sheet or CSV file, with the spreadsheet's row numbers."""

    name: str  # sheet name, or CSV file name
    file: str
    is_csv: bool
    rows: list[tuple[int, tuple[Any, ...]]]


def _problem(lang: Lang, table: _Table | None, code: ProblemCode,
             args: Mapping[str, Any] | None = None, row: int | None = None,
             column: str | None = None, file: str = "", where: str | None = None) -> SheetProblem:
    csv = bool(table and table.is_csv)
    path = location(lang, table.name if table else None, sheet_is_file=csv, row=row,
                    column=column, where=where)
    return SheetProblem(path, code, args or {}, file=table.file if table else file,
                        sheet=table.name if table else None, row=row, column=column, lang=lang,
                        where=where, csv=csv)


# --- reading files --------------------------------------------------------------------------

def _wanted_sheet(name: str) -> bool:
    """Whether the reader uses a sheet of this name (others are never parsed)."""
    key = fold(name)
    return (not name.startswith("#") and key not in {fold(n) for n in INSTRUCTIONS.values()}
            and key in {n for s in SHEETS for n in s.accepts()})


def _read_xlsx(path: Path, lang: Lang,
               wanted: Callable[[str], bool] = _wanted_sheet) -> list[_Table]:
    try:
        import defusedxml  # noqa: F401 - the reader's XML parser, checked here for the message
        import openpyxl  # noqa: F401 - its number formats tell dates from numbers
    except ImportError:
        raise ImportError("reading .xlsx workbooks needs openpyxl and defusedxml: pip install "
                          "'cus-match[xlsx]', or save the sheets as CSV files") from None
    from cus_match.io.xlsx_read import column_letter, read_workbook

    book = read_workbook(path, wanted)
    if book.problems:
        # A cell that cannot be read is reported alone: what the rest of the reader would say
        # about its row would follow from a value it never saw.
        heads = {ws.name: ws.rows[0][1] if ws.rows else () for ws in book.sheets}

        def column(sheet: str | None, j: int | None) -> str | None:
            if j is None:
                return None
            head = heads.get(sheet or "", ())
            text = head[j - 1] if j <= len(head) else None
            return text.strip() if isinstance(text, str) and text.strip() else column_letter(j)

        raise SheetInputError(
            [_problem(lang, _Table(q.sheet, str(path), False, []) if q.sheet else None,
                      q.code, q.args, row=q.row, column=column(q.sheet, q.column),
                      file=str(path))
             for q in book.problems], str(path), lang)
    return [_Table(ws.name, str(path), False, ws.rows) for ws in book.sheets]


def decode_text(raw: bytes) -> str | None:
    """Text of a file as Polish Excel saves it: UTF-8 (BOM allowed), else Windows-1250.

    ``None`` for bytes that are neither (UTF-16 "Unicode text", binary files).

    >>> decode_text("Łódź".encode("cp1250")), decode_text("\ufeffŁódź".encode("utf-8"))
    ('Łódź', 'Łódź')
    """
    return _decode(raw)


def _decode(raw: bytes) -> str | None:
    """UTF-8 (with or without BOM), else Windows-1250 (Polish Excel's "CSV" on Windows)."""
    if b"\x00" in raw:  # UTF-16 ("Unicode text"): cp1250 would decode it to garbage
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1250")
    except UnicodeDecodeError:
        return None


def _delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of ``;``, ``,`` and tab."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ","


def _read_csv_folder(folder: Path, lang: Lang) -> tuple[list[_Table], list[SheetProblem]]:
    tables: list[_Table] = []
    problems: list[SheetProblem] = []
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    for p in files:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(_problem(lang, None, ProblemCode.FILE_TOO_LARGE,
                                     {"size": size, "max": MAX_FILE_BYTES}, file=str(p),
                                     where=p.name))
            continue
        raw = p.read_bytes()
        text = _decode(raw)
        if text is None:
            problems.append(_problem(lang, None, ProblemCode.FILE_NOT_TEXT, file=str(p),
                                     where=p.name))
            continue
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        try:
            rows = [(i, tuple(map(restore_separators, r))) for i, r in
                    zip(range(1, MAX_SHEET_ROWS + 2), reader, strict=False)]
        except csv.Error as e:
            problems.append(_problem(lang, None, ProblemCode.CSV_INVALID, {"detail": str(e)},
                                     file=str(p), where=p.name))
            continue
        if len(rows) > MAX_SHEET_ROWS:
            problems.append(_problem(lang, None, ProblemCode.SHEET_TOO_MANY_ROWS,
                                     {"max": MAX_SHEET_ROWS}, file=str(p), where=p.name))
            continue
        tables.append(_Table(p.name, str(p), True, rows))
    if not files:
        problems.append(_problem(lang, None, ProblemCode.NO_CSV_FILES, file=str(folder)))
    return tables, problems


# --- reading cells --------------------------------------------------------------------------

def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(value: Any) -> Any:
    # Spaces only: a leading tab or carriage return is the user's text, kept exactly (and
    # refused by validation where a name cannot hold it).
    return restore(value.strip(" ")) if isinstance(value, str) else value


def _parse(col: Column, value: Any) -> Any:
    kind = col.kind
    if kind in ("id", "text"):
        return cells.read_text(value)
    if kind == "number":
        return cells.read_number(value)
    if kind == "speed":
        if isinstance(value, str) and fold(value) in EMPTY.values():
            return _NO
        return cells.read_number(value)
    if kind == "bool":
        return cells.read_bool(value)
    if kind == "date":
        return cells.read_date(value)
    if kind == "weekly":
        return cells.read_weekly(value)
    if kind == "windows":
        return cells.read_windows(value)
    if kind == "days":
        return cells.read_days(value)
    if kind == "dates":
        return cells.read_date_ranges(value)
    if kind == "list":
        return cells.read_list(value)
    lookup = label_lookup(col.labels)
    shown = tuple([label(col.labels, v, lang) for v in LABELS[col.labels]] for lang in ("en", "pl"))
    if kind == "enum":
        return cells.read_enum(value, lookup, LABEL_WHAT[col.labels], shown)  # type: ignore[arg-type]
    if kind == "enums":
        return [cells.read_enum(v, lookup, LABEL_WHAT[col.labels], shown)  # type: ignore[arg-type]
                for v in cells.read_list(value)]
    raise AssertionError(kind)  # pragma: no cover


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for p in parents:
        target = target.setdefault(p, {})
    target[last] = value


@frozen
class _RowRef:
    """Where the raw entity at a structurer path came from."""

    sheet: Sheet
    table: _Table
    row: int | None
    headers: dict[str, str]  # column key -> header as written in the file


@frozen
class _Reader:
    lang: Lang
    csv: bool
    problems: list[SheetProblem] = field(factory=list)
    bad_cells: set[tuple[str, int | None, str | None]] = field(factory=set)
    refs: dict[str, _RowRef] = field(factory=dict)
    found: dict[str, _Table] = field(factory=dict)

    def add(self, table: _Table | None, code: ProblemCode,
            args: Mapping[str, Any] | None = None, row: int | None = None,
            column: str | None = None) -> None:
        self.problems.append(_problem(self.lang, table, code, args, row, column))

    # Sheets ---------------------------------------------------------------------------------
    def match_sheets(self, tables: Sequence[_Table]) -> None:
        names = {n: s for s in SHEETS for n in s.accepts()}
        skip = {fold(n) for n in INSTRUCTIONS.values()}
        for t in tables:
            stem = t.name[:-4] if t.is_csv else t.name
            key = fold(stem)
            if stem.startswith("#") or key in skip:
                continue
            sheet = names.get(key)
            if sheet is None:
                known = {lang: ", ".join(s.names[lang] for s in SHEETS) for lang in ("en", "pl")}
                self.add(t, ProblemCode.SHEET_UNKNOWN, {"known": known})
            elif sheet.key in self.found:
                self.add(t, ProblemCode.SHEET_REPEATED,
                         {"sheet": sheet.names, "first": self.found[sheet.key].name})
            else:
                self.found[sheet.key] = t

    # Headers --------------------------------------------------------------------------------
    def header(self, sheet: Sheet, table: _Table) -> tuple[int, dict[int, Column], list[int]]:
        """Row number of the header, the columns by position, and blank-header positions."""
        lookup = {name: c for c in sheet.columns for name in c.accepts()}
        head_no, head = next(((n, r) for n, r in table.rows if not all(map(_blank, r))),
                             (1, ()))
        columns: dict[int, Column] = {}
        seen: dict[str, int] = {}
        blank_heads = []
        for j, cell in enumerate(head):
            if _blank(cell):
                blank_heads.append(j)
                continue
            text = str(_clean(cell))
            key = fold(text)
            if text.startswith("#") or key in NOTE_COLUMNS:
                continue
            col = lookup.get(key)
            if col is None:
                self.add(table, ProblemCode.COLUMN_UNKNOWN, None, head_no, text)
            elif col.key in seen:
                self.add(table, ProblemCode.COLUMN_REPEATED, {"first": seen[col.key] + 1},
                         head_no, text)
            else:
                seen[col.key] = j
                columns[j] = col
        return head_no, columns, blank_heads

    # Rows -----------------------------------------------------------------------------------
    def rows(self, sheet: Sheet, table: _Table) -> list[tuple[int, dict[str, Any], _RowRef]]:
        head_no, columns, blank_heads = self.header(sheet, table)
        head = dict(table.rows).get(head_no, ())
        headers = {c.key: str(_clean(head[j])) for j, c in columns.items()}
        out = []
        for number, row in table.rows:
            if number <= head_no or all(map(_blank, row)):
                continue
            for j in [*blank_heads, *range(len(head), len(row))]:
                if j < len(row) and not _blank(row[j]):
                    self.add(table, ProblemCode.VALUE_WITHOUT_HEADER, None, number, _letter(j))
            raw: dict[str, Any] = {}
            for j, col in columns.items():
                value = row[j] if j < len(row) else None
                if _blank(value):
                    continue
                value = _clean(value)
                try:
                    parsed = _parse(col, value)
                except CellError as e:
                    self.add(table, ProblemCode(str(e.code)), e.params, number, headers[col.key])
                    self.bad_cells.add((table.name, number, col.key))
                    parsed = value  # the structurer rejects it too; that report is dropped
                _put(raw, col.key, parsed)
            out.append((number, raw, _RowRef(sheet, table, number, headers)))
        return out


def _letter(j: int) -> str:
    """The spreadsheet's name of the column at 0-based position ``j`` (``A``, ..., ``AA``)."""
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def _fill_speeds(settings: dict[str, Any]) -> None:
    speeds = settings.get("policy", {}).get("travel", {}).get("speeds_kmh")
    if speeds is None:
        return
    defaults = {m.value: v for m, v in TravelSettings().speeds_kmh.items()}
    # An empty speed cell means the default; "brak"/"none" leaves the mode out.
    for mode, kmh in defaults.items():
        speeds.setdefault(mode, kmh)
    for mode in [m for m, v in speeds.items() if v is _NO]:
        del speeds[mode]


def _raw_instance(reader: _Reader) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for sheet in SHEETS:
        table = reader.found.get(sheet.key)
        if table is None:
            continue
        rows = reader.rows(sheet, table)
        if sheet.key == "settings":
            for number, _raw, _ref in rows[1:]:
                reader.add(table, ProblemCode.SETTINGS_EXTRA_ROW, None, number)
            _first, raw, ref = rows[0] if rows else (0, {}, _RowRef(sheet, table, None, {}))
            _fill_speeds(raw)
            data.update(raw)
            data.setdefault("policy", {})
            reader.refs[""] = ref
        elif sheet.key == "categories":
            if rows:
                cats = []
                for i, (_n, raw, ref) in enumerate(rows):
                    cats.append(raw)
                    reader.refs[f"policy.categories[{i}]"] = ref
                data.setdefault("policy", {})["categories"] = cats
        else:
            items = []
            for i, (_n, raw, ref) in enumerate(rows):
                if sheet.key == "needs":
                    rec = raw.setdefault("recurrence", {})
                    rec["kind"] = "once" if "date" in rec else "weekly"
                if sheet.key == "travel_edges":
                    raw.setdefault("minutes", {})
                items.append(raw)
                reader.refs[f"{sheet.key}[{i}]"] = ref
            data[sheet.key] = items
    if "categories" in data.get("policy", {}) and "settings" not in reader.found:
        del data["policy"]  # no settings sheet: report that, not a policy without a period
    _resolve_names(reader, data)
    return data


# --- names where ids are meant --------------------------------------------------------------

#: Columns that name a category or a place: (sheet key, column key, index, is a list).
NAME_COLUMNS: tuple[tuple[str, str, str, bool], ...] = (
    ("needs", "category", "categories", False),
    ("needs", "place", "places", False),
    ("helpers", "home", "places", False),
    ("helpers", "agreement.categories", "categories", True),
    ("helpers", "vetoes_categories", "categories", True),
    ("residents", "home", "places", False),
    ("services", "category", "categories", False),
    ("services", "covers", "categories", True),
    ("travel_edges", "a", "places", False),
    ("travel_edges", "b", "places", False),
)


def name_indices(data: Mapping[str, Any]) -> dict[str, cells.NameIndex]:
    """Categories and places of a raw instance (as the sheets give it) by id and by name.

    Without a ``categories`` list the built-in categories are meant (an empty sheet).

    >>> idx = name_indices({"places": [{"id": "nowotaniec", "name": "Nowotaniec"}]})
    >>> idx["places"].find("NOWOTANIEC"), idx["categories"].find("Zakupy")
    ('nowotaniec', 'shopping')
    """
    from cus_match.model import DEFAULT_CATEGORIES

    raw_cats = data.get("policy", {}).get("categories") if isinstance(
        data.get("policy"), dict) else None
    if isinstance(raw_cats, list):
        cats = [(str(c.get("id")), (str(c.get("name_pl") or ""), str(c.get("name_en") or "")))
                for c in raw_cats if isinstance(c, dict) and isinstance(c.get("id"), str)]
    else:
        cats = [(c.id, (c.name_pl, c.name_en)) for c in DEFAULT_CATEGORIES]
    places = [(str(p.get("id")), (str(p.get("name") or ""),))
              for p in data.get("places", []) if isinstance(p, dict)
              and isinstance(p.get("id"), str)]
    return {"categories": cells.category_names(cats), "places": cells.place_names(places)}


def _resolve_names(reader: _Reader, data: dict[str, Any]) -> None:
    """Put ids for the category and place names typed in the sheets' reference columns.

    A name that matches nothing is a problem at its cell, with the closest names as "did you
    mean"; the structurer's "unknown category" for the same cell is then not repeated.
    """
    index = name_indices(data)
    usable = {"categories": True, "places": "places" in reader.found}
    for sheet_key, key, kind, many in NAME_COLUMNS:
        if not usable[kind]:
            continue  # the missing sheet is reported once instead
        for i, item in enumerate(data.get(sheet_key, [])):
            value = _get(item, key)
            if value is None:
                continue
            values = value if many and isinstance(value, list) else [value]
            out, bad = [], None
            for v in values:
                if not isinstance(v, str):
                    out.append(v)
                    continue
                try:
                    out.append(index[kind].find(v))
                except CellError as e:
                    bad = bad or e
                    out.append(v)
            if bad is not None:
                ref = reader.refs.get(f"{sheet_key}[{i}]")
                if ref is not None and (ref.table.name, ref.row, key) not in reader.bad_cells:
                    col = ref.sheet.column(key)
                    reader.add(ref.table, ProblemCode(str(bad.code)), bad.params, ref.row,
                               ref.headers.get(key, col.names[reader.lang]))
                    reader.bad_cells.add((ref.table.name, ref.row, key))
            _put(item, key, out if many and isinstance(value, list) else out[0])


# --- mapping structurer problems back to cells ----------------------------------------------

# The entity a structurer path starts with; a path is parsed, a message never.
_ENTITY = re.compile(r"(places|helpers|residents|needs|services|travel_edges|policy\.categories)"
                     r"\[(\d+)\]")


def _column_for(sheet: Sheet, rest: str, mode: str | None) -> tuple[Column | None, bool]:
    """The column of a field path within a row, and whether the travel ``mode`` chose it."""
    rest = re.sub(r"\[\d+\]|\['[^']*'\]", "", rest)
    keys = {c.key: c for c in sheet.columns}
    if mode is not None and f"{rest}.{mode}" in keys:
        return keys[f"{rest}.{mode}"], True
    probe = rest
    while True:
        if probe in keys:
            return keys[probe], False
        if probe in sheet.fallback:
            return keys[sheet.fallback[probe]], False
        if not probe:
            return None, False
        probe = probe.rpartition(".")[0]


def _sheet_label(reader: _Reader, key: str) -> str:
    """The name of a missing sheet, in the language the other sheets are named in."""
    votes = {"pl": 0, "en": 0}
    for k, t in reader.found.items():
        stem = fold(t.name[:-4] if t.is_csv else t.name)
        for lang in votes:
            votes[lang] += stem == fold(SHEETS[_SHEET_ORDER[k]].names[lang])
    lang = reader.lang if votes["pl"] == votes["en"] else max(votes, key=votes.__getitem__)
    return SHEETS[_SHEET_ORDER[key]].names[lang]


def _map(reader: _Reader, p: Problem, source: str) -> SheetProblem | None:
    """The structurer's problem ``p`` at its sheet, row and column (None: said already)."""
    lang, given, args = reader.lang, ProblemCode(str(p.code)), dict(p.args)
    code = SHEET_CODES.get(given, given)
    for name in PATH_ARGS.get(given, ()):
        ref = reader.refs.get(args[name])
        if ref is not None and ref.row:
            args[name] = row_words(ref.row)
    needed = MISSING_SHEET_OF.get(given)
    if needed is not None and needed not in reader.found:
        return None  # the missing sheet is reported once, not every reference to it
    path = p.path
    if path in (*_COLLECTIONS, "policy") and given is ProblemCode.MISSING_FIELD:
        name = _sheet_label(reader, "settings" if path == "policy" else path)
        return _problem(lang, None, ProblemCode.FILE_MISSING if reader.csv else
                        ProblemCode.SHEET_MISSING, {"sheet": name}, file=source)
    m = _ENTITY.match(path)
    if m and m[0] in reader.refs:
        ref, rest = reader.refs[m[0]], path[m.end():].lstrip(".")
    elif (path == "name" or path.startswith("policy")) and "" in reader.refs:
        ref, rest = reader.refs[""], path
    else:
        return _problem(lang, None, code, args, file=source, where=path or None)
    col, by_mode = _column_for(ref.sheet, rest, args.get(MODE_COLUMN))
    if by_mode:
        args[MODE_COLUMN] = None  # the column names the mode
    if (ref.table.name, ref.row, col.key if col else None) in reader.bad_cells:
        return None  # the cell's own reading problem says it already
    header = None if col is None else ref.headers.get(col.key, col.names[lang])
    return _problem(lang, ref.table, code, args, ref.row, header)


def _order(reader: _Reader) -> Any:
    """Sort key: sheet order, then row, then column order (file-level problems first)."""
    tables = {t.name: k for k, t in reader.found.items()}

    def key(p: SheetProblem) -> tuple[int, int, int]:
        sheet_key = tables.get(p.sheet or "")
        if sheet_key is None:
            return (-1, 0, 0)
        sheet = SHEETS[_SHEET_ORDER[sheet_key]]
        col = 999
        if p.column is not None:
            folded = fold(p.column)
            col = next((j for j, c in enumerate(sheet.columns) if folded in c.accepts()), 998)
        return (_SHEET_ORDER[sheet_key], p.row or 0, col if p.column is not None else -1)
    return key


def read_instance(path: str | Path, lang: str = "pl") -> Instance:
    """Read an instance from an ``.xlsx`` workbook or a folder of CSV files.

    Parameters
    ----------
    path : str or Path
        A workbook (``.xlsx``/``.xlsm``) or a folder with one CSV file per sheet.
    lang : {"pl", "en"}
        Language of the problem messages. Headers, sheet names, weekdays and yes/no are
        accepted in both languages whatever ``lang`` is.

    Returns
    -------
    Instance
        The validated instance.

    Raises
    ------
    SheetInputError
        An :class:`~cus_match.errors.InvalidInputError` with every problem, each a
        :class:`SheetProblem` naming file, sheet, row and column; no partial instance.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_template(folder / "szablon", lang="pl", fmt="csv")
    >>> inst = read_instance(folder / "szablon")
    >>> [h.name for h in inst.helpers]
    ['Anna Kowalska']
    >>> text = (folder / "szablon" / "pomagający.csv").read_text("utf-8-sig")
    >>> _ = (folder / "szablon" / "pomagający.csv").write_text(
    ...     text.replace(";bukowsko;", ";nigdzie;").replace("4;", "cztery;", 1), "utf-8")
    >>> read_instance(folder / "szablon", lang="en")  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    cus_match.io.sheets.SheetInputError: ...szablon: 2 problems
      pomagający.csv, row 2, column 'miejsce zamieszkania': unknown place 'nigdzie' ...
      pomagający.csv, row 2, column 'godzin tygodniowo': 'cztery' is not a number ...
    """
    lang = _check_lang(lang)
    p = Path(path)
    source = str(p)
    early: list[SheetProblem] = []
    if p.is_dir():
        tables, early = _read_csv_folder(p, lang)
    elif p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file():
        tables = _read_xlsx(p, lang)
    else:
        code = ProblemCode.NOT_A_WORKBOOK if p.exists() else ProblemCode.NO_SUCH_PATH
        raise SheetInputError([_problem(lang, None, code, file=source)], source, lang)
    reader = _Reader(lang, p.is_dir())
    reader.problems.extend(early)
    reader.match_sheets(tables)
    data = _raw_instance(reader)
    inst, found = structure_instance(data)
    mapped = [q for q in (_map(reader, f, source) for f in found) if q is not None]
    problems = sorted([*reader.problems, *mapped], key=_order(reader))
    if problems or inst is None:
        raise SheetInputError(problems, source, lang)
    return inst


def read_rows(path: str | Path, lang: str = "pl", *,
              sheets: Callable[[str], bool] = lambda name: True,
              ) -> list[tuple[str, list[tuple[int, tuple[Any, ...]]]]]:
    """The raw cells of a workbook's sheets, or of one CSV file: ``(name, [(row, cells)])``.

    Rows are numbered as the spreadsheet shows them; cells are as stored (typed in a workbook,
    text in CSV, decoded as :func:`read_instance` decodes it). For readers of other sheets than
    an instance's (:mod:`cus_match.io.plan_sheet`). ``sheets`` tells which sheets of a
    workbook to read by name; the others are never parsed.

    Raises
    ------
    SheetInputError
        The file is missing, not a workbook or CSV file, or unreadable.
    """
    lg = _check_lang(lang)
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file():
        return [(t.name, t.rows) for t in _read_xlsx(p, lg, sheets)]
    if p.suffix.lower() == ".csv" and p.is_file():
        tables, problems = _read_csv_folder(p.parent, lg)
        mine = [t for t in tables if t.file == str(p)]
        if mine:
            return [(mine[0].name, mine[0].rows)]
        raise SheetInputError([q for q in problems if q.file == str(p)] or [
            _problem(lg, None, ProblemCode.FILE_NOT_TEXT, file=str(p))], str(p), lg)
    code = ProblemCode.NOT_A_WORKBOOK if p.exists() else ProblemCode.NO_SUCH_PATH
    raise SheetInputError([_problem(lg, None, code, file=str(p))], str(p), lg)


def read_need_row(path: str | Path, row: int, instance: Instance, lang: str = "pl") -> Need:
    """One need from one row of the ``potrzeby`` (``needs``) sheet, for a new request.

    The row is read exactly as :func:`read_instance` reads it (Polish dates, weekdays, hours;
    category and place by id or name, checked against ``instance``); the other sheets are not
    read. Whether its resident, place and category exist is checked by the caller (the
    :class:`~cus_match.analysis.recommend.Recommender` does it).

    Parameters
    ----------
    path : str or Path
        A workbook, a folder of CSV files, or the needs CSV file itself.
    row : int
        The row number as the spreadsheet shows it (the header is row 1).
    instance : Instance
        The round the need is for: its categories and places give the names.
    lang : {"pl", "en"}
        Language of the problem messages.

    Raises
    ------
    SheetInputError
        Every problem of the row, each at its cell.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "szablon.xlsx"
    >>> write_template(path, lang="pl")
    >>> read_need_row(path, 2, template_instance()) == template_instance().needs[0]
    True
    >>> read_need_row(path, 7, template_instance(), lang="en")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cus_match.io.sheets.SheetInputError: ...szablon.xlsx: 1 problem
      sheet 'potrzeby', row 7: the row is empty or is the header (...)
    """
    from cus_match.io.structure import structure

    lang = _check_lang(lang)
    p = Path(path)
    source = str(p)
    if p.is_dir():
        tables, _early = _read_csv_folder(p, lang)
    elif p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file():
        tables = _read_xlsx(p, lang)
    elif p.suffix.lower() == ".csv" and p.is_file():
        tables, early = _read_csv_folder(p.parent, lang)
        tables = [t for t in tables if t.file == str(p)]
        if not tables:
            raise SheetInputError(early or [_problem(lang, None, ProblemCode.FILE_NOT_TEXT,
                                                     file=source)], source, lang)
        tables = [_Table(f"{layout_of('needs').names[lang]}.csv", source, True, tables[0].rows)]
    else:
        code = ProblemCode.NOT_A_WORKBOOK if p.exists() else ProblemCode.NO_SUCH_PATH
        raise SheetInputError([_problem(lang, None, code, file=source)], source, lang)
    reader = _Reader(lang, p.is_dir())
    reader.match_sheets(tables)
    reader.problems.clear()  # the other sheets are not this command's business
    table = reader.found.get("needs")
    if table is None:
        raise SheetInputError([_problem(lang, None, ProblemCode.SHEET_MISSING,
                                        {"sheet": layout_of("needs").names[lang]}, file=source)],
                              source, lang)
    layout = layout_of("needs")
    rows = reader.rows(layout, table)
    found = [(raw, ref) for number, raw, ref in rows if number == row]
    if not found:
        raise SheetInputError([_problem(lang, table, ProblemCode.SHEET_ROW_EMPTY, row=row)],
                              source, lang)
    # This row's cells, and the header's (an unknown column would drop a value silently).
    problems = [q for q in reader.problems if q.row == row or q.code in (
        ProblemCode.COLUMN_UNKNOWN, ProblemCode.COLUMN_REPEATED)]
    raw, ref = found[0]
    rec = raw.setdefault("recurrence", {})
    rec["kind"] = "once" if "date" in rec else "weekly"
    index = {"categories": cells.category_names(
                 (c.id, (c.name_pl, c.name_en)) for c in instance.policy.categories),
             "places": cells.place_names((q.id, (q.name,)) for q in instance.places)}
    for sheet_key, key, kind, _many in NAME_COLUMNS:
        value = _get(raw, key)
        if sheet_key != "needs" or not isinstance(value, str):
            continue
        try:
            _put(raw, key, index[kind].find(value))
        except CellError as e:
            problems.append(_problem(lang, table, ProblemCode(str(e.code)), e.params, row,
                                     ref.headers.get(key, layout.column(key).names[lang])))
            reader.bad_cells.add((table.name, row, key))
    need, structured = structure(raw, Need)
    reader.refs["needs[0]"] = ref
    for q in structured:
        moved = _map(reader, Problem(f"needs[0].{q.path}" if q.path else "needs[0]", q.code,
                                     q.args), source)
        if moved is not None:
            problems.append(moved)
    if problems or need is None:
        raise SheetInputError(sorted(problems, key=_order(reader)), source, lang)
    return need


# --- writing --------------------------------------------------------------------------------

def _get(data: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _bad_item(items: Sequence[str]) -> str | None:
    for item in items:
        if re.search(r"[;,\n]", item) or item != item.strip() or not item:
            return item
    if len(items) == 1 and fold(items[0]) in EMPTY.values():
        return items[0]
    return None


def _cell(col: Column, value: Any, lang: Lang, where: str) -> Any:
    """The cell for a JSON value: numbers and dates typed, the rest as text."""
    kind = col.kind
    if kind == "speed":
        return EMPTY[lang] if value is None else value
    if value is None:
        return None
    if kind == "bool":
        return cells.write_bool(value, lang)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "weekly":
        return cells.write_weekly(value, lang) or None
    if kind == "windows":
        return cells.write_windows(value) or None
    if kind == "days":
        return cells.write_days(value, lang) or None
    if kind == "dates":
        return cells.write_date_ranges(value, lang) or None
    if kind == "enum":
        return label(col.labels, value, lang)
    if kind in ("list", "enums"):
        items = [label(col.labels, v, lang) for v in value] if kind == "enums" else value
        bad = _bad_item(items)
        if bad is not None:
            raise InvalidInputError([Problem(f"{where}.{col.key}",
                                             ProblemCode.LIST_ITEM_UNWRITABLE, {"value": bad})])
        if not items:
            return EMPTY[lang] if col.empty_marker else None
        return ", ".join(items)
    return value


def _table_rows(inst: Instance, lang: Lang) -> dict[str, list[list[Any]]]:
    """Sheet key -> rows of cell values (without headers)."""
    if inst.policy.prior_service:
        # The dates of earlier service come from the history store (solve --history), not from
        # a coordinator's sheet: refused rather than silently left out of the file.
        raise InvalidOptionError(
            "the instance carries earlier service from the history store (policy.prior_service), "
            "which the sheets have no place for: write it as JSON, or give the store to solve "
            "with --history")
    doc = unstructure(inst)
    out: dict[str, list[list[Any]]] = {}
    for sheet in SHEETS:
        if sheet.key == "settings":
            items, where = [doc], ["settings"]
        elif sheet.key == "categories":
            items = doc["policy"]["categories"]
            where = [f"policy.categories[{i}]" for i in range(len(items))]
        else:
            items = doc[sheet.key]
            where = [f"{sheet.key}[{i}]" for i in range(len(items))]
        out[sheet.key] = [[_cell(c, _get(item, c.key), lang, w) for c in sheet.columns]
                          for item, w in zip(items, where, strict=True)]
    return out


def _as_text(value: Any, lang: Lang) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return cells.write_date(value.isoformat(), lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return cells.write_number(value, lang)
    return str(neutralise(value))


def _instructions(lang: Lang) -> list[list[str]]:
    """Rows of the instructions sheet (and of ``instrukcja.txt``)."""
    pl = lang == "pl"
    rows = [[("Instrukcja: dane do dobierania pomocy (cus_match)" if pl
              else "Instructions: data for matching help (cus_match)")], []]
    general = (
        ["Każdy arkusz to jeden rodzaj danych, każdy wiersz to jedna osoba, miejsce lub potrzeba.",
         "Pierwszy wiersz to nagłówki (po polsku lub angielsku, wielkość liter i ogonki bez "
         "znaczenia). Przykładowe wiersze zastąp własnymi danymi.",
         "Puste pole: wartość domyślna. Pusta lista: wpisz brak.",
         "Liczby: 2,5. Daty: 23.03.2026. Tak/nie: tak, nie. Listy: oddziel przecinkiem lub "
         "średnikiem.",
         "Dni tygodnia: pon, wt, śr, czw, pt, sob, nd (także pełne nazwy); zakres: pon-pt.",
         "Terminy tygodniowe: pon 8:00-12:00; śr 14:00-16:00 (pon, śr 8-12: oba dni; "
         "pon 8-10, 14-16: dwa przedziały w poniedziałek).",
         "Godziny w ciągu dnia: 8:00-12:00; 14:00-16:00. Okres: 01.04.2026-05.04.2026.",
         "Potrzeba jednorazowa: wypełnij kolumnę data; cotygodniowa: kolumnę dni tygodnia (i "
         "ewentualnie od dnia/do dnia).",
         "Kategoria i miejsce: identyfikator albo nazwa z arkusza kategorie lub miejsca "
         "(lista rozwijana; wielkość liter i ogonki bez znaczenia).",
         "Mieszkańcy mają tylko pseudonim (np. r-017): bez imion, PESEL ani diagnoz.",
         "Arkusze i kolumny zaczynające się od # oraz kolumna uwagi są pomijane."]
        if pl else
        ["Each sheet holds one kind of data; each row one person, place or need.",
         "The first row holds the headers (Polish or English; case and diacritics do not "
         "matter). Replace the example rows with your data.",
         "Empty cell: the default value. Empty list: write none.",
         "Numbers: 2.5 or 2,5. Dates: 2026-03-23 or 23.03.2026. Yes/no: yes, no. Lists: "
         "separate with , or ;.",
         "Weekdays: mon, tue, wed, thu, fri, sat, sun (or Polish); ranges: mon-fri.",
         "Weekly windows: mon 8:00-12:00; wed 14:00-16:00 (mon, wed 8-12: both days; "
         "mon 8-10, 14-16: two windows on Monday).",
         "Hours within a day: 8:00-12:00; 14:00-16:00. Date ranges: 2026-04-01 - 2026-04-05.",
         "One-off need: fill the date column; weekly need: the weekdays column (and, if needed, "
         "from date/to date).",
         "Category and place: the id or the name from the categories or places sheet "
         "(drop-down list; case and diacritics do not matter).",
         "Residents are pseudonymous ids only (e.g. r-017): no names, PESEL or diagnoses.",
         "Sheets and columns starting with #, and a notes column, are skipped."])
    rows += [[line] for line in general]
    for sheet in SHEETS:
        rows += [[], [(f"Arkusz: {sheet.pl}" if pl else f"Sheet: {sheet.en}")]]
        rows.append(["kolumna", "wymagana", "opis"] if pl else ["column", "required", "notes"])
        for c in sheet.columns:
            req = ("tak" if pl else "yes") if c.required else ""
            rows.append([c.names[lang], req, c.help_pl if pl else c.help_en])
    if pl:
        rows += [[], ["Ustawienia: jeden wiersz wartości. Kategorie: pusty arkusz = lista "
                      "wbudowana."]]
    else:
        rows += [[], ["Settings: a single row of values. Categories: empty sheet = the "
                      "built-in list."]]
    return rows


def write_instance_csv(inst: Instance, folder: str | Path, lang: str = "pl") -> None:
    """Write an instance as a folder of CSV files (UTF-8 with BOM, as Excel opens them).

    Polish files use ``;`` and decimal commas (Polish Excel's defaults), English ones ``,``.
    The folder is created; CSV files already in it that this would not overwrite are refused,
    so an old export cannot mix with the new one.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cus_match.generate import generate
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "en"
    >>> write_instance_csv(generate("tiny", seed=1), folder, lang="en")
    >>> (folder / "places.csv").read_text("utf-8-sig").splitlines()[0]
    'id,name,kind,latitude,longitude'
    """
    lang = _check_lang(lang)
    folder = Path(folder)
    names = {f"{s.names[lang]}.csv" for s in SHEETS}
    if folder.exists():
        other = sorted(p.name for p in folder.iterdir()
                       if p.suffix.lower() == ".csv" and p.name not in names)
        if other:
            raise InvalidOptionError(f"{folder} already holds other CSV files ({', '.join(other)})"
                                     "; write to an empty folder")
    rows = _table_rows(inst, lang)  # refuses before any file is made
    folder.mkdir(parents=True, exist_ok=True)
    delimiter = ";" if lang == "pl" else ","
    for sheet in SHEETS:
        buf = io.StringIO(newline="")
        w = CsvWriter(buf, delimiter=delimiter, lineterminator="\r\n")
        w.writerow([str(neutralise(c.names[lang])) for c in sheet.columns])
        for row in rows[sheet.key]:
            w.writerow([_as_text(v, lang) for v in row])
        (folder / f"{sheet.names[lang]}.csv").write_bytes(buf.getvalue().encode("utf-8-sig"))
    text = "\n".join("\t".join(r) for r in _instructions(lang)) + "\n"
    (folder / f"{INSTRUCTIONS[lang]}.txt").write_text(text, encoding="utf-8")


def write_instance_xlsx(inst: Instance, path: str | Path, lang: str = "pl", *,
                        validation: bool = True) -> None:
    """Write an instance as an ``.xlsx`` workbook: an instructions sheet, then one per entity.

    Dates are date cells, numbers number cells, the rest text; text that could run as a
    formula is neutralised. With ``validation``, enumerated and yes/no columns get drop-down
    lists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cus_match.generate import generate
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gmina.xlsx"
    >>> inst = generate("tiny", seed=3)
    >>> write_instance_xlsx(inst, path, lang="en")
    >>> read_instance(path, lang="en") == inst
    True
    """
    lang = _check_lang(lang)
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    rows = _table_rows(inst, lang)
    wb = Workbook()
    guide = wb.active
    assert isinstance(guide, Worksheet)  # a new workbook holds one worksheet
    guide.title = INSTRUCTIONS[lang]
    for r in _instructions(lang):
        guide.append([neutralise(v) for v in r])
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 45
    guide.column_dimensions["C"].width = 60
    date_format = "DD.MM.YYYY" if lang == "pl" else "YYYY-MM-DD"
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.names[lang])
        ws.append([neutralise(c.names[lang]) for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
        for row in rows[sheet.key]:
            ws.append([neutralise(v) for v in row])
        for j, col in enumerate(sheet.columns, 1):
            letter = get_column_letter(j)
            ws.column_dimensions[letter].width = max(12, min(40, len(col.names[lang]) + 2))
            if col.kind == "date":
                for cell in ws[letter][1:]:
                    cell.number_format = date_format
            else:  # keep "8:00-12:00", "1,5", ids like "007" as typed
                for cell in ws[letter][1:]:
                    if isinstance(cell.value, str):
                        cell.number_format = "@"
            choices: list[str] = []
            if col.kind == "bool":
                choices = list(cells.write_bool(b, lang) for b in (True, False))
            elif col.kind == "enum":
                choices = [label(col.labels, v, lang) for v in LABELS[col.labels]]
            if validation and choices:
                dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                    allow_blank=True)
                dv.add(f"{letter}2:{letter}1000")
                ws.add_data_validation(dv)
            source = _name_source(sheet.key, col.key, lang)
            if validation and source is not None:
                # A hint, not a fence: an id or a name in the other language is welcome too,
                # so Excel shows the list but does not refuse what is typed.
                dv = DataValidation(type="list", formula1=source, allow_blank=True,
                                    showErrorMessage=False)
                dv.add(f"{letter}2:{letter}1000")
                ws.add_data_validation(dv)
    wb.save(path)


def _name_source(sheet_key: str, col_key: str, lang: Lang) -> str | None:
    """The range of names a single-valued category or place column's drop-down lists."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    kind = next((k for s, c, k, many in NAME_COLUMNS
                 if s == sheet_key and c == col_key and not many), None)
    if kind is None:
        return None
    target = next(s for s in SHEETS if s.key == kind)
    name_key = "name" if kind == "places" else f"name_{lang}"
    j = next(i for i, c in enumerate(target.columns, 1) if c.key == name_key)
    letter = get_column_letter(j)
    return f"{quote_sheetname(target.names[lang])}!${letter}$2:${letter}$1000"


def write_instance(inst: Instance, path: str | Path, lang: str = "pl",
                   fmt: str | None = None) -> None:
    """Write an instance as an ``.xlsx`` workbook or a folder of CSV files.

    Parameters
    ----------
    inst : Instance
        What to write; :func:`read_instance` reads it back equal.
    path : str or Path
        The workbook, or the folder for CSV files.
    lang : {"pl", "en"}
        Language of sheet names, headers, weekdays, yes/no and (in CSV) number and date format.
    fmt : {"xlsx", "csv"}, optional
        Default: ``xlsx`` when ``path`` ends in ``.xlsx``, else ``csv``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cus_match.generate import generate
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gmina.xlsx"
    >>> write_instance(generate("tiny", seed=2), path)
    >>> read_instance(path) == generate("tiny", seed=2)
    True
    """
    if fmt is None:
        fmt = "xlsx" if Path(path).suffix.lower() == ".xlsx" else "csv"
    if fmt == "xlsx":
        write_instance_xlsx(inst, path, lang)
    elif fmt == "csv":
        write_instance_csv(inst, path, lang)
    else:
        raise InvalidOptionError(f"fmt must be 'xlsx' or 'csv', got {fmt!r}")


def template_instance() -> Instance:
    """The example data of the templates: one row per sheet (two places, so a road joins them).

    Examples
    --------
    >>> inst = template_instance()
    >>> len(inst.helpers), len(inst.needs), len(inst.travel_edges)
    (1, 1, 1)
    """
    from cus_match.model import (
        Agreement,
        Credentials,
        DateRange,
        FormalService,
        Helper,
        Need,
        Place,
        Policy,
        Recurrence,
        Resident,
        TimeWindow,
        TravelEdge,
        WeeklyWindow,
    )

    return Instance(
        name="Gmina Bukowsko",
        policy=Policy(period=DateRange("2026-03-23", "2026-03-29")),
        places=[Place("bukowsko", "Bukowsko", "village", lat=49.482, lon=22.066),
                Place("nowotaniec", "Nowotaniec", "village", lat=49.442, lon=22.118)],
        helpers=[Helper(
            "h-001", home="bukowsko", name="Anna Kowalska", weekly_hours_cap=4,
            availability=[WeeklyWindow("tue", "09:00", "13:00"),
                          WeeklyWindow("thu", "14:00", "18:00")],
            modes=["walk", "car"], languages=["pl", "uk"], skills=["prawo jazdy"],
            agreement=Agreement("2026-01-01", "2026-12-31", written=True,
                                categories=["shopping", "companionship", "transport"]),
            credentials=Credentials(bhp_briefed_on="2026-01-05", nnw_valid_from="2026-01-01",
                                    nnw_valid_to="2026-12-31"),
        )],
        residents=[Resident("r-001", home="nowotaniec", languages=["pl"])],
        needs=[Need("n-001", resident="r-001", category="shopping", duration_minutes=90,
                    windows=[TimeWindow("09:00", "12:00")], recurrence=Recurrence.weekly("tue"),
                    applied_on="2026-03-02", priority=2)],
        services=[FormalService("care-1", provider="CUS: usługi opiekuńcze",
                                category="personal_care", recipients=["r-001"],
                                schedule=[WeeklyWindow(d, "08:00", "10:00")
                                          for d in ("mon", "wed", "fri")])],
        travel_edges=[TravelEdge("bukowsko", "nowotaniec", {"walk": 75, "bike": 25, "car": 9})],
    )


def write_template(path: str | Path, lang: str = "pl", fmt: str = "xlsx") -> None:
    """Write an empty-to-fill template: headers in ``lang``, instructions, one example per sheet.

    Reading the template back (example rows included) gives :func:`template_instance`.

    Parameters
    ----------
    path : str or Path
        The workbook (``fmt="xlsx"``) or the folder (``fmt="csv"``).
    lang : {"pl", "en"}
        Language of sheet names, headers and instructions.
    fmt : {"xlsx", "csv"}
        Workbook with drop-down lists, or a folder of CSV files plus ``instrukcja.txt``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "szablon.xlsx"
    >>> write_template(path, lang="pl")
    >>> read_instance(path) == template_instance()
    True
    """
    if fmt not in ("xlsx", "csv"):
        raise InvalidOptionError(f"fmt must be 'xlsx' or 'csv', got {fmt!r}")
    write_instance(template_instance(), path, lang, fmt)
