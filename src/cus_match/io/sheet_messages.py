"""What the spreadsheet reader knows about problem codes, and the words of a cell's location.

The structurer and the instance checks report problems by path and code
(:class:`~cus_match.problem_texts.ProblemCode`); the reader of :mod:`cus_match.io.sheets` turns
each into a problem at a file, sheet, row and column. Everything it needs beyond the path is
here, decided by code and arguments, never by reading a message: which references a missing
sheet explains, which arguments name a row, which argument names a column, and which checks a
workbook words differently. The words themselves stay in :mod:`cus_match.problem_texts`.

Examples
--------
>>> location("pl", "pomagający", sheet_is_file=False, row=4, column="dostępność")
"arkusz 'pomagający', wiersz 4, kolumna 'dostępność'"
>>> row_words(2)
{'en': 'row 2', 'pl': 'wiersz 2'}
"""

from __future__ import annotations

from typing import Final

from cus_match.lang import check_lang
from cus_match.problem_texts import ProblemCode

__all__ = ["MISSING_SHEET_OF", "MODE_COLUMN", "PATH_ARGS", "SHEET_CODES", "location",
           "row_words"]

#: A reference to an unknown place, resident or helper is no news when that whole sheet is
#: missing: the missing sheet is reported once instead.
MISSING_SHEET_OF: Final[dict[ProblemCode, str]] = {
    ProblemCode.UNKNOWN_PLACE: "places",
    ProblemCode.UNKNOWN_RESIDENT: "residents",
    ProblemCode.UNKNOWN_HELPER: "helpers",
}

#: Arguments that hold a path of the instance (``helpers[0]``): a workbook shows the row.
PATH_ARGS: Final[dict[ProblemCode, tuple[str, ...]]] = {
    ProblemCode.DUPLICATE_ID: ("first",),
}

#: The argument naming a travel mode, which a workbook has a column for (``speed by car``);
#: the problem is put in that column and the text no longer names the mode.
MODE_COLUMN: Final = "mode"

#: Checks a workbook words its own way: a need there has no ``kind``, only a date or weekdays.
SHEET_CODES: Final[dict[ProblemCode, ProblemCode]] = {
    ProblemCode.WEEKLY_WITHOUT_DAYS: ProblemCode.NEED_WITHOUT_DATE_OR_DAYS,
}

_WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {"sheet": "sheet", "row": "row", "column": "column"},
    "pl": {"sheet": "arkusz", "row": "wiersz", "column": "kolumna"},
}


def row_words(row: int) -> dict[str, str]:
    """``row 4`` in each language, as a problem argument.

    >>> row_words(4)["pl"]
    'wiersz 4'
    """
    return {lang: f"{words['row']} {row}" for lang, words in _WORDS.items()}


def location(lang: str, sheet: str | None = None, *, sheet_is_file: bool = False,
             row: int | None = None, column: str | None = None, where: str | None = None) -> str:
    """Where a problem is, as a person reads it: ``arkusz 'x', wiersz 4, kolumna 'y'``.

    ``sheet`` is a sheet's name, or a CSV file's (``sheet_is_file``), shown as it is; ``where``
    comes first (a file name, or a path the reader could not place in a sheet).

    >>> location("en", "helpers.csv", sheet_is_file=True, row=3)
    'helpers.csv, row 3'
    """
    w = _WORDS[check_lang(lang)]
    parts = [where] if where else []
    if sheet is not None:
        parts.append(sheet if sheet_is_file else f"{w['sheet']} {sheet!r}")
    if row is not None:
        parts.append(f"{w['row']} {row}")
    if column is not None:
        parts.append(f"{w['column']} {column!r}")
    return ", ".join(parts)
