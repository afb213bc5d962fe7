r"""Spreadsheet cells that cannot run as formulas (CSV/formula injection).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel and LibreOffice as a formula, which can fetch URLs or run commands when a coordinator opens
the file. Everything cus_match writes to a workbook or CSV goes through :func:`neutralise`, which
prefixes such text with an apostrophe (OWASP's advice); numbers, dates and booleans are left
alone. :func:`restore` undoes it when cus_match reads its own files back.

Examples
--------
>>> print(neutralise('=HYPERLINK("http://x")'))
'=HYPERLINK("http://x")
>>> neutralise(-3.5), neutralise("Anna")
(-3.5, 'Anna')
>>> restore(neutralise("+48 600 000 000"))
'+48 600 000 000'
"""

from __future__ import annotations

__all__ = ["DANGEROUS_PREFIXES", "neutralise", "restore"]

#: First characters that make a spreadsheet treat text as a formula.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Make a cell value safe to write: text that would start a formula gets a ``'`` prefix.

    Parameters
    ----------
    value : object
        A cell value. Only ``str`` is ever changed; numbers, booleans, dates and ``None`` are
        returned unchanged (a negative number is a number, not a formula).

    Returns
    -------
    object
        ``value``, or ``"'" + value`` for text starting with ``= + - @``, a tab or a CR.

    Examples
    --------
    >>> neutralise("@SUM(A1)"), neutralise("-1+1"), neutralise(""), neutralise(None)
    ("'@SUM(A1)", "'-1+1", '', None)
    """
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def restore(value: object) -> object:
    """Undo :func:`neutralise`: drop the ``'`` before text that starts like a formula.

    Only that exact prefix is removed, so an apostrophe a user typed elsewhere stays.

    Examples
    --------
    >>> restore("'=1+1"), restore("'Anna'"), restore(7)
    ('=1+1', "'Anna'", 7)
    """
    if (isinstance(value, str) and len(value) > 1 and value[0] == "'"
            and value[1:].startswith(DANGEROUS_PREFIXES)):
        return value[1:]
    return value
