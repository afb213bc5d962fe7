r"""Spreadsheet cells that are safe to open: no text a spreadsheet would run as a formula.

Excel, LibreOffice and Google Sheets treat a cell whose text starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and a leading tab or carriage return can smuggle one past a first look
(OWASP "CSV injection"). Free text in an instance (helpers' and places' names, category labels,
providers) comes from people and forms, so every text cell written to a CSV or XLSX file passes
through :func:`neutralise` first: such text gets a leading ``'`` and is shown as text. Numbers,
dates, booleans and ``None`` pass unchanged, so numeric cells stay numeric. :func:`restore`
undoes it when cus_match reads its own files back (:mod:`cus_match.io.sheets`).

The prefix is not enough in a CSV file: a cell ``x,=3+3`` written bare into a ``;`` file is two
cells, the second a formula, for an Excel whose list separator is ``,`` (and ``x;=2+2`` the
other way round, in Polish Excel). :class:`CsvWriter` therefore quotes every cell holding any
delimiter Excel may use (``,``, ``;``, tab), a quote or a line break, whatever the file's own
delimiter is; every CSV writer of cus_match writes through it. Quoting protects the cell from
an Excel splitting on the file's delimiter, but not from one splitting on another (a quote
inside a field is just a character to it), so a formula start right after any of those
separators inside a cell gets the ``'`` too (``x,'=3+3``); :func:`restore_csv` undoes both.

Examples
--------
>>> neutralise("=1+2")
"'=1+2"
>>> neutralise("-3"), neutralise(-3), neutralise("Nowotaniec")
("'-3", -3, 'Nowotaniec')
>>> csv_line(["x,=3+3", "Anna", 2.5], ";")
'"x,\'=3+3";Anna;2.5\r\n'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

__all__ = ["CsvWriter", "csv_line", "neutralise", "restore", "restore_csv", "restore_separators"]

# Every list separator Excel may be set to, the quote itself, and line breaks.
_QUOTE_IF = frozenset(',;\t"\r\n')
# A formula start after a separator inside a cell: the start of a cell for another locale.
_INNER = re.compile(r"([,;\t] *)(?=[=+\-@])")
_INNER_DONE = re.compile(r"([,;\t] *)'(?=[=+\-@])")

# OWASP's list: formula starts, and tab / carriage return that hide one.
_DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Return ``value`` safe for a spreadsheet cell.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        A string starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return, prefixed with
        ``'``; any other value unchanged (numbers stay numbers).

    Examples
    --------
    >>> neutralise("@SUM(A1:A3)")
    "'@SUM(A1:A3)"
    >>> neutralise(2.5), neutralise(None), neutralise("")
    (2.5, None, '')
    """
    if isinstance(value, str) and value.startswith(_DANGEROUS_FIRST):
        return "'" + value
    return value


def restore(value: object) -> object:
    """Undo :func:`neutralise`: drop the ``'`` before text that starts like a formula.

    Only that exact prefix is removed, so an apostrophe a user typed elsewhere stays.

    Examples
    --------
    >>> restore(neutralise("=1+1")), restore("'Anna'"), restore(7)
    ('=1+1', "'Anna'", 7)
    """
    if (isinstance(value, str) and len(value) > 1 and value[0] == "'"
            and value[1:].startswith(_DANGEROUS_FIRST)):
        return value[1:]
    return value


def _field(value: object) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, str):
        text = _INNER.sub(r"\1'", text)
    if _QUOTE_IF.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def csv_line(cells: Iterable[object], delimiter: str, lineterminator: str = "\r\n") -> str:
    r"""One CSV record: cells holding ``,``, ``;``, tab, ``"`` or a line break are quoted.

    Parameters
    ----------
    cells : iterable
        The cells, already neutralised where they are text (``None`` is an empty cell).
    delimiter : str
        The file's delimiter.
    lineterminator : str
        What ends the record.

    Returns
    -------
    str
        The record, as :mod:`csv` reads it back with any of the delimiters.

    Examples
    --------
    >>> csv_line(["x;=2+2", 'a "b" c', None, "a\tb"], ",")
    '"x;\'=2+2","a ""b"" c",,"a\tb"\r\n'
    """
    return delimiter.join(_field(c) for c in cells) + lineterminator


class _Text(Protocol):
    def write(self, text: str, /) -> int: ...


class CsvWriter:
    r"""A :func:`csv.writer` look-alike writing records with :func:`csv_line`.

    Parameters
    ----------
    f : text stream
        Where to write (opened with ``newline=""``).
    delimiter : str
        The file's delimiter.
    lineterminator : str
        What ends each record.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> CsvWriter(buf, delimiter=";").writerow(["a,b", 1])
    >>> buf.getvalue()
    '"a,b";1\r\n'
    """

    def __init__(self, f: _Text, delimiter: str = ",", lineterminator: str = "\r\n") -> None:
        self.f, self.delimiter, self.lineterminator = f, delimiter, lineterminator

    def writerow(self, row: Iterable[object]) -> None:
        """Write one record."""
        self.f.write(csv_line(row, self.delimiter, self.lineterminator))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write records."""
        for row in rows:
            self.writerow(row)


def restore_separators(value: object) -> object:
    """Undo the ``'`` :class:`CsvWriter` put after a separator inside a text cell.

    >>> restore_separators("x,'=3+3"), restore_separators("'=1")
    ('x,=3+3', "'=1")
    """
    return _INNER_DONE.sub(r"\1", value) if isinstance(value, str) else value


def restore_csv(value: object) -> object:
    """Undo what :class:`CsvWriter` and :func:`neutralise` did to a text cell of a CSV file.

    Examples
    --------
    >>> restore_csv("x,'=3+3"), restore_csv("'=1"), restore_csv(3)
    ('x,=3+3', '=1', 3)
    """
    return restore(restore_separators(value))
