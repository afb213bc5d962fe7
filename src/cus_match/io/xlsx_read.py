r"""Reading the cells of an ``.xlsx`` workbook safely and completely.

openpyxl's read-only mode trusts each sheet's ``<dimension>`` tag (a stale tag written by a
script silently drops rows), parses every sheet before the caller looks at the names, reads a
formula without a cached value as empty, and lets the XML parser's and zlib's exceptions
through. This module reads the workbook's XML itself, streaming, with :mod:`defusedxml`:

- the zip directory is checked first: member count and uncompressed sizes (each and in total,
  :mod:`cus_match.limits`), so a zip bomb is refused before one byte is inflated;
- only the sheets the caller wants are parsed; the others are never opened;
- every row present is read, whatever ``<dimension>`` says;
- a DTD or entity declaration (entity bombs, external entities) is refused;
- every failure while reading a cell is a :class:`CellProblem` with the sheet, the row, the
  column and the Excel address: a shared-string index out of range, a number cell holding
  ``abc``, a date cell ``2026-99-99``, an error value, a formula with no cached value; so are
  cells merged across rows and a sheet beyond the row limit;
- text is kept exactly as stored (a leading tab or carriage return stays).

Values come out as openpyxl gives them (``int``, ``float``, ``bool``, ``str``, ``datetime``,
``time``), so the cell parsers of :mod:`cus_match.io.cells` read them the same way.

Examples
--------
>>> import tempfile, pathlib
>>> from openpyxl import Workbook
>>> wb = Workbook(); ws = wb.active; ws.title = "a"
>>> ws.append(["x", 1, 2.5]); ws.append(["\ty", None, True])
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.xlsx"; wb.save(path)
>>> book = read_workbook(path)
>>> book.sheets[0].name, book.sheets[0].rows, book.problems
('a', [(1, ('x', 1, 2.5)), (2, ('\ty', None, True))], [])
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from attrs import field, frozen
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from cus_match.limits import (
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    MAX_XLSX_MEMBER_BYTES,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_TOTAL_BYTES,
)
from cus_match.problem_texts import ProblemCode

__all__ = ["CellProblem", "Workbook", "WorkbookSheet", "column_letter", "read_workbook"]

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)", re.ASCII)
_RANGE = re.compile(r"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?", re.ASCII)


@frozen
class CellProblem:
    """A problem met while reading a workbook: where (sheet, row, column), what (code, args).

    ``row`` and ``column`` (1-based) are ``None`` for a problem of the whole sheet or file.
    """

    sheet: str | None
    row: int | None
    column: int | None
    code: ProblemCode
    args: dict[str, Any] = field(factory=dict)


@frozen
class WorkbookSheet:
    """One sheet: its name and its non-empty rows ``(row number, values)`` (empty if skipped)."""

    name: str
    rows: list[tuple[int, tuple[Any, ...]]]
    parsed: bool


@frozen
class Workbook:
    """The sheets of a workbook in order, and every problem found reading them.

    When the file as a whole cannot be read (not a zip archive, beyond the size limits, damaged
    data, XML that is malformed or declares entities), ``sheets`` is empty and ``problems``
    holds that one problem, naming the sheet when it was met in one.
    """

    sheets: list[WorkbookSheet]
    problems: list[CellProblem]


def column_letter(j: int) -> str:
    """The Excel name of the 1-based column ``j``.

    >>> column_letter(1), column_letter(26), column_letter(28)
    ('A', 'Z', 'AB')
    """
    name = ""
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _FatalError(Exception):
    """A problem after which the workbook cannot be read further."""

    def __init__(self, problem: CellProblem) -> None:
        self.problem = problem


def _fail(code: ProblemCode, sheet: str | None = None, **args: Any) -> _FatalError:
    return _FatalError(CellProblem(sheet, None, None, code, args))


def _damaged(member: str, e: BaseException, sheet: str | None = None) -> _FatalError:
    if isinstance(e, DefusedXmlException):
        return _fail(ProblemCode.XLSX_FORBIDDEN_XML, sheet, member=member)
    if isinstance(e, ParseError):
        return _fail(ProblemCode.XLSX_BAD_XML, sheet, member=member, detail=str(e))
    return _fail(ProblemCode.XLSX_DAMAGED, sheet, member=member, detail=str(e) or type(e).__name__)


# Everything a damaged archive or hostile XML raises while a member is inflated and parsed.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                RuntimeError, ParseError, ValueError, KeyError)


def _iterparse(zf: zipfile.ZipFile, member: str, sheet: str | None = None
               ) -> Iterator[tuple[str, Element]]:
    try:
        with zf.open(member) as stream:
            # forbid_dtd: no workbook has one, and it is where entity bombs and external
            # entities are declared.
            yield from iterparse(stream, events=("start", "end"), forbid_dtd=True)
    except _READ_ERRORS as e:
        cause: BaseException = e
        if isinstance(e, ParseError):
            # Damaged deflate data usually shows as bad XML first: the CRC says which it is.
            cause = _unpack_error(zf, member) or e
        raise _damaged(member, cause, sheet) from None


def _unpack_error(zf: zipfile.ZipFile, member: str) -> BaseException | None:
    """The error unpacking ``member`` whole raises (its CRC is checked at the end), if any."""
    try:
        with zf.open(member) as stream:
            while stream.read(2**20):
                pass
    except _READ_ERRORS as e:
        return e
    return None


def _parse_whole(zf: zipfile.ZipFile, member: str) -> Element:
    root: Element | None = None
    for event, elem in _iterparse(zf, member):
        if event == "start" and root is None:
            root = elem
    assert root is not None  # iterparse raises on an empty document
    return root


def _check_directory(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_XLSX_MEMBERS:
        raise _fail(ProblemCode.XLSX_TOO_MANY_MEMBERS, count=len(infos), max=MAX_XLSX_MEMBERS)
    for info in infos:
        if info.file_size > MAX_XLSX_MEMBER_BYTES:
            raise _fail(ProblemCode.XLSX_MEMBER_TOO_LARGE, member=info.filename,
                        size=info.file_size, max=MAX_XLSX_MEMBER_BYTES)
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_TOTAL_BYTES:
        raise _fail(ProblemCode.XLSX_TOO_LARGE, size=total, max=MAX_XLSX_TOTAL_BYTES)


def _join(base: str, target: str) -> str:
    """A relationship's target, relative to the folder of ``base`` unless absolute."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for part in (*PurePosixPath(base).parent.parts, *PurePosixPath(target).parts):
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, member) of a part (``xl/workbook.xml``)."""
    p = PurePosixPath(part)
    rels = str(p.parent / "_rels" / f"{p.name}.rels") if str(p.parent) != "." \
        else f"_rels/{p.name}.rels"
    if rels not in zf.namelist():
        return {}
    out = {}
    for el in _parse_whole(zf, rels).iter():
        if _local(el.tag) == "Relationship":
            kind = el.get("Type", "").rsplit("/", 1)[-1]
            out[el.get("Id", "")] = (kind, _join(part, el.get("Target", "")))
    return out


class _Book:
    """The parts every sheet needs: shared strings (read on first use) and date styles."""

    def __init__(self, zf: zipfile.ZipFile, workbook: str) -> None:
        self.zf = zf
        self.rels = _rels(zf, workbook)
        self._strings: list[str] | None = None
        root = _parse_whole(zf, workbook)
        self.epoch = datetime(1899, 12, 30)
        for el in root.iter():
            if _local(el.tag) == "workbookPr" and el.get("date1904") in ("1", "true"):
                self.epoch = datetime(1904, 1, 1)
        self.sheets = [(el.get("name", ""), el.get(f"{{{_REL}}}id", ""))
                       for el in root.iter() if _local(el.tag) == "sheet"]
        self.date_styles, self.delta_styles = self._styles()

    def _member(self, kind: str) -> str | None:
        return next((m for k, m in self.rels.values() if k == kind and m in
                     self.zf.namelist()), None)

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            member = self._member("sharedStrings")
            self._strings = [] if member is None else _shared_strings(self.zf, member)
        return self._strings

    def _styles(self) -> tuple[set[int], set[int]]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        member = self._member("styles")
        if member is None:
            return set(), set()
        root = _parse_whole(self.zf, member)
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        dates, deltas = set(), set()
        for el in root.iter():
            if _local(el.tag) == "numFmt" and (el.get("numFmtId") or "").isdigit():
                formats[int(el.get("numFmtId", ""))] = el.get("formatCode", "")
        for xfs in root.iter():
            if _local(xfs.tag) != "cellXfs":
                continue
            for i, xf in enumerate(x for x in xfs if _local(x.tag) == "xf"):
                code = formats.get(int(xf.get("numFmtId", "0") or 0)
                                   if (xf.get("numFmtId", "0") or "0").isdigit() else 0, "")
                if is_date_format(code):
                    dates.add(i)
                if is_timedelta_format(code):
                    deltas.add(i)
        return dates, deltas


def _text_of(el: Element) -> str:
    """The text of a string item: its ``<t>``, or its rich-text runs' ``<t>`` (no phonetics)."""
    parts = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts += [t.text or "" for t in child if _local(t.tag) == "t"]
    return "".join(parts)


def _shared_strings(zf: zipfile.ZipFile, member: str) -> list[str]:
    out = []
    for event, el in _iterparse(zf, member):
        if event == "end" and _local(el.tag) == "si":
            out.append(_text_of(el))
            el.clear()
    return out


class _SheetReader:
    def __init__(self, book: _Book, name: str, problems: list[CellProblem]) -> None:
        self.book, self.name, self.problems = book, name, problems

    def problem(self, at_row: int | None, at_col: int | None, code: ProblemCode,
                **args: Any) -> None:
        self.problems.append(CellProblem(self.name, at_row, at_col, code, args))

    def read(self, member: str) -> list[tuple[int, tuple[Any, ...]]]:
        rows: list[tuple[int, tuple[Any, ...]]] = []
        parent: Element | None = None
        last_row = 0
        for event, el in _iterparse(self.book.zf, member, self.name):
            name = _local(el.tag)
            if event == "start":
                if name == "sheetData":
                    parent = el
                continue
            if name == "row":
                r = el.get("r")
                last_row = int(r) if r and r.isascii() and r.isdigit() else last_row + 1
                if last_row > MAX_SHEET_ROWS:
                    self.problem(None, None, ProblemCode.SHEET_TOO_MANY_ROWS, max=MAX_SHEET_ROWS)
                    return rows
                values = self.row(el, last_row)
                if values and any(v is not None for v in values):
                    rows.append((last_row, values))
                if parent is not None:
                    parent.clear()  # a sheet of a million rows keeps none in memory
            elif name == "mergeCell":
                self.merged(el.get("ref", ""))
        return rows

    def merged(self, ref: str) -> None:
        m = _RANGE.fullmatch(ref)
        if m and m[3] and int(m[4]) != int(m[2]):
            self.problem(int(m[2]), _column_number(m[1]), ProblemCode.CELL_MERGED, range=ref)

    def row(self, el: Element, number: int) -> tuple[Any, ...]:
        cells: dict[int, Any] = {}
        col = 0
        for c in el:
            if _local(c.tag) != "c":
                continue
            ref = _CELL_REF.fullmatch(c.get("r", ""))
            col = _column_number(ref[1]) if ref else col + 1
            if col > MAX_SHEET_COLUMNS:
                self.problem(number, None, ProblemCode.SHEET_TOO_MANY_COLUMNS, row=number,
                             max=MAX_SHEET_COLUMNS)
                break
            value = self.cell(c, number, col)
            if value is not None:
                cells[col] = value
        if not cells:
            return ()
        return tuple(cells.get(j) for j in range(1, max(cells) + 1))

    def cell(self, c: Element, row: int, col: int) -> Any:
        kind = c.get("t", "n")
        v = f = None
        inline = None
        for child in c:
            name = _local(child.tag)
            if name == "v":
                v = child.text
            elif name == "f":
                f = child
            elif name == "is":
                inline = child
        address = f"{column_letter(col)}{row}"
        if kind == "inlineStr":
            text = _text_of(inline) if inline is not None else None
            return self.text(text, row, col, address)
        if v is None:
            if f is not None:
                self.problem(row, col, ProblemCode.CELL_FORMULA_NO_VALUE, cell=address)
            return None
        if kind == "s":
            strings = self.book.strings
            if not (_INTEGER.fullmatch(v) and 0 <= int(v) < len(strings)):
                self.problem(row, col, ProblemCode.CELL_BAD_SHARED_STRING, cell=address,
                             index=v, count=len(strings))
                return None
            return self.text(strings[int(v)], row, col, address)
        if kind in ("str", "inlineStr"):
            return self.text(v, row, col, address)
        if kind == "e":
            self.problem(row, col, ProblemCode.CELL_ERROR_VALUE, cell=address, value=v)
            return None
        if kind == "b":
            if v in ("0", "1"):
                return v == "1"
            return self.bad(row, col, address, "b", v)
        if kind == "d":
            try:
                from openpyxl.utils.datetime import from_ISO8601

                return from_ISO8601(v)  # type: ignore[no-untyped-call]
            except ValueError:
                return self.bad(row, col, address, "d", v)
        return self.number(c, v, row, col, address)

    def text(self, text: str | None, row: int, col: int, address: str) -> str | None:
        if text is not None and len(text) > MAX_CELL_CHARS:
            self.problem(row, col, ProblemCode.CELL_TOO_LONG, cell=address, length=len(text),
                         max=MAX_CELL_CHARS)
            return None
        return text

    def bad(self, row: int, col: int, address: str, what: str, value: str) -> Any:
        """Report a cell whose value is not of its marked kind; its value is then ``None``."""
        self.problem(row, col, ProblemCode.CELL_BAD_VALUE, cell=address, what=what,
                     value=value[:40])
        return None

    def number(self, c: Element, v: str, row: int, col: int, address: str) -> Any:
        """A number cell: a number, or a date, time or duration when its style says so."""
        text = v.strip()
        if not _NUMBER.fullmatch(text):
            return self.bad(row, col, address, "n", v)
        value: int | float = int(text) if _INTEGER.fullmatch(text) else float(text)
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            return self.bad(row, col, address, "n", v)
        style = c.get("s", "0")
        style_id = int(style) if style.isascii() and style.isdigit() else 0
        if style_id in self.book.date_styles:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(value, self.book.epoch,
                                  timedelta=style_id in self.book.delta_styles)
            except (OverflowError, ValueError):
                return self.bad(row, col, address, "d", v)
        return value


def _workbook_part(zf: zipfile.ZipFile) -> str:
    for _, (kind, member) in _rels(zf, "").items():
        if kind == "officeDocument" and member in zf.namelist():
            return member
    return "xl/workbook.xml"


def _open(path: Path) -> zipfile.ZipFile:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _fail(ProblemCode.FILE_TOO_LARGE, size=size, max=MAX_FILE_BYTES)
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise _fail(ProblemCode.WORKBOOK_UNREADABLE, detail=str(e)) from None


def read_workbook(path: str | Path, wanted: Callable[[str], bool] = lambda name: True
                  ) -> Workbook:
    """Read the sheets of the workbook at ``path`` whose names ``wanted`` accepts.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx`` (or ``.xlsm``) file.
    wanted : callable
        Takes a sheet name; a sheet it refuses is listed with no rows and never parsed.

    Returns
    -------
    Workbook
        Every sheet in order, and the problems met (an empty list when all is well).
    """
    p = Path(path)
    try:
        zf = _open(p)
        with zf:
            _check_directory(zf)
            book = _Book(zf, _workbook_part(zf))
            problems: list[CellProblem] = []
            sheets = []
            for name, rid in book.sheets:
                kind, member = book.rels.get(rid, ("", ""))
                if kind != "worksheet" or not wanted(name) or member not in zf.namelist():
                    sheets.append(WorkbookSheet(name, [], parsed=False))
                    continue
                rows = _SheetReader(book, name, problems).read(member)
                sheets.append(WorkbookSheet(name, rows, parsed=True))
    except _FatalError as e:
        return Workbook([], [e.problem])
    return Workbook(sheets, problems)
