"""Spreadsheet cells that are safe to open: no text a spreadsheet would run as a formula.

Excel, LibreOffice and Google Sheets treat a cell whose text starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and a leading tab or carriage return can smuggle one past a first look
(OWASP "CSV injection"). Free text in an instance (helpers' and places' names, category labels,
providers) comes from people and forms, so every text cell written to a CSV or XLSX file passes
through :func:`neutralise` first: such text gets a leading ``'`` and is shown as text. Numbers,
dates, booleans and ``None`` pass unchanged, so numeric cells stay numeric. :func:`restore`
undoes it when cus_match reads its own files back (:mod:`cus_match.io.sheets`).

Examples
--------
>>> neutralise("=1+2")
"'=1+2"
>>> neutralise("-3"), neutralise(-3), neutralise("Nowotaniec")
("'-3", -3, 'Nowotaniec')
"""

from __future__ import annotations

__all__ = ["neutralise", "restore"]

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
