"""The bounds of every number and size cus_match accepts: the one home of its limits.

Input comes from people, forms, scripts and, now and then, from someone trying to break things. A
value far outside what a Social Services Centre can mean (a priority of 10^400, weekly hours of
1e308, a period ending in 9999, a seed of 2^70) validates as a number and then overflows a solver
or runs for hours. Each such value is refused where it enters, naming the path and the bound:

- :data:`FIELD_BOUNDS` -- the numbers of the instance, checked by the JSON and spreadsheet
  readers (:mod:`cus_match.io.structure`) next to each field's own validator;
- :data:`YEAR_MIN` .. :data:`YEAR_MAX` -- the years of every date
  (:func:`cus_match.model.validators.to_date`);
- :data:`OPTION_BOUNDS` -- the numbers given on the command line (seeds, weights, counts,
  retention), checked by :func:`check_option`;
- the sizes -- file bytes, workbook members and their uncompressed bytes, rows per sheet,
  entities per collection, characters per text -- checked by the readers before the work.

``docs/limits.md`` lists them all; ``tests/test_limits.py`` keeps that page and this module equal.

Examples
--------
>>> str(FIELD_BOUNDS["Need", "priority"]), FIELD_BOUNDS["Need", "priority"].holds(10**400)
('0..1000', False)
>>> check_option("seed", 2**70)
Traceback (most recent call last):
...
cus_match.errors.InvalidOptionError: --seed: 1180591620717411303424 is outside 0..2147483647
"""

from __future__ import annotations

import re
from typing import Any, Final

from attrs import frozen

from cus_match.errors import InvalidOptionError
from cus_match.problem_texts import ProblemCode

__all__ = [
    "FIELD_BOUNDS",
    "MAX_CELL_CHARS",
    "MAX_ENTITIES",
    "MAX_FILE_BYTES",
    "MAX_SHEET_COLUMNS",
    "MAX_SHEET_ROWS",
    "MAX_TEXT_CHARS",
    "MAX_XLSX_MEMBERS",
    "MAX_XLSX_MEMBER_BYTES",
    "MAX_XLSX_TOTAL_BYTES",
    "OPTION_BOUNDS",
    "SIZE_LIMITS",
    "YEAR_MAX",
    "YEAR_MIN",
    "Bound",
    "check_option",
    "text_problem",
]


@frozen
class Bound:
    """An inclusive range ``low <= x <= high`` (``low`` excluded when ``open_low``).

    Parameters
    ----------
    low, high : int or float
        The ends of the range.
    open_low : bool
        ``low`` itself is refused (``0 < hours``).

    Examples
    --------
    >>> b = Bound(0, 168, open_low=True)
    >>> b.holds(0), b.holds(40), b.holds(1e308), str(b)
    (False, True, False, '0 < x <= 168')
    """

    low: int | float
    high: int | float
    open_low: bool = False

    def holds(self, value: int | float) -> bool:
        """Whether ``value`` lies in the range."""
        above = value > self.low if self.open_low else value >= self.low
        return bool(above and value <= self.high)

    def __str__(self) -> str:
        return f"{self.low} < x <= {self.high}" if self.open_low else f"{self.low}..{self.high}"


#: Years every date must lie in: a planning period, an agreement, a credential. The Excel serial
#: -5 (1899) and a period ending in 9999 are typing slips, and the latter expands to millions of
#: days of visits.
YEAR_MIN: Final = 2000
YEAR_MAX: Final = 2100

_DAY_MINUTES = 24 * 60
_WEEK_HOURS = 7 * 24

#: (entity class, field) -> the range of its number; for a mapping (travel minutes by mode) the
#: range of each value. Every int or float field of the instance's entities is here
#: (``tests/test_limits.py`` checks it).
FIELD_BOUNDS: Final[dict[tuple[str, str], Bound]] = {
    ("Need", "duration_minutes"): Bound(1, _DAY_MINUTES),
    ("Need", "helpers_needed"): Bound(1, 20),
    ("Need", "priority"): Bound(0, 1000),
    ("Helper", "weekly_hours_cap"): Bound(0, _WEEK_HOURS, open_low=True),
    ("Helper", "max_travel_minutes"): Bound(0, _DAY_MINUTES),
    ("Helper", "max_residents"): Bound(1, 10_000),
    ("Agreement", "weekly_hours_cap"): Bound(0, _WEEK_HOURS, open_low=True),
    ("Place", "lat"): Bound(-90, 90),
    ("Place", "lon"): Bound(-180, 180),
    ("TravelEdge", "minutes"): Bound(0, _DAY_MINUTES),
    ("TravelSettings", "speeds_kmh"): Bound(0, 1000, open_low=True),
    ("TravelSettings", "detour_factor"): Bound(0, 10, open_low=True),
    ("TravelSettings", "within_place_minutes"): Bound(0, _DAY_MINUTES),
    ("Category", "pus_hours_limit"): Bound(0, 1_000_000),
    ("Policy", "neighbour_max_walk_minutes"): Bound(0, _DAY_MINUTES),
    ("Policy", "time_step_minutes"): Bound(1, _DAY_MINUTES),
}

#: Command-line option -> the range of its number.
OPTION_BOUNDS: Final[dict[str, Bound]] = {
    # OR-Tools takes a 32-bit seed; numpy and random take any, so the narrower one is the rule.
    "seed": Bound(0, 2**31 - 1),
    "weights": Bound(-1_000_000, 1_000_000),
    "time-limit": Bound(0, 7 * 24 * 3600, open_low=True),
    "workers": Bound(1, 256),
    "weeks": Bound(1, 53),
    "scale": Bound(0, 1000, open_low=True),
    "last": Bound(1, 1_000_000),
    "retention": Bound(1, 36_500),  # days: a hundred years
    "top": Bound(1, 100_000),
    "max-cells": Bound(1, 100_000),
    "k": Bound(1, 1000),
    "accept": Bound(1, 1000),
}

#: Bytes of one input file (JSON, CSV, workbook) read whole into memory.
MAX_FILE_BYTES: Final = 512 * 2**20
#: Members of a workbook's zip archive (a real one has a few dozen).
MAX_XLSX_MEMBERS: Final = 10_000
#: Uncompressed bytes of one member, and of all members, from the zip directory, before any
#: inflating: a 3 MB zip of zeros can claim gigabytes.
MAX_XLSX_MEMBER_BYTES: Final = 512 * 2**20
MAX_XLSX_TOTAL_BYTES: Final = 1024 * 2**20
#: Rows read from one sheet or CSV file (a header and :data:`MAX_ENTITIES` records fit).
MAX_SHEET_ROWS: Final = 300_001
#: Columns read from one row (the widest sheet has a few dozen).
MAX_SHEET_COLUMNS: Final = 1_000
#: Characters of one spreadsheet cell (Excel's own limit is 32,767).
MAX_CELL_CHARS: Final = 32_767
#: Entities of one collection of an instance (places, helpers, residents, needs, ...).
MAX_ENTITIES: Final = 300_000
#: Characters of one text field of an instance (a name, a label).
MAX_TEXT_CHARS: Final = 1_000

#: The size limits by name, as ``docs/limits.md`` lists them.
SIZE_LIMITS: Final[dict[str, int]] = {
    "MAX_FILE_BYTES": MAX_FILE_BYTES,
    "MAX_XLSX_MEMBERS": MAX_XLSX_MEMBERS,
    "MAX_XLSX_MEMBER_BYTES": MAX_XLSX_MEMBER_BYTES,
    "MAX_XLSX_TOTAL_BYTES": MAX_XLSX_TOTAL_BYTES,
    "MAX_SHEET_ROWS": MAX_SHEET_ROWS,
    "MAX_SHEET_COLUMNS": MAX_SHEET_COLUMNS,
    "MAX_CELL_CHARS": MAX_CELL_CHARS,
    "MAX_ENTITIES": MAX_ENTITIES,
    "MAX_TEXT_CHARS": MAX_TEXT_CHARS,
    "YEAR_MIN": YEAR_MIN,
    "YEAR_MAX": YEAR_MAX,
}


def check_option(name: str, value: int | float) -> int | float:
    """Return ``value`` if it lies in the bound of the option ``--name``, else raise.

    Parameters
    ----------
    name : str
        A key of :data:`OPTION_BOUNDS` (the option without its dashes).
    value : int or float
        The value given.

    Returns
    -------
    int or float
        ``value`` unchanged.

    Raises
    ------
    InvalidOptionError
        Naming the option, the value and the bound (the command line exits 2).

    Examples
    --------
    >>> check_option("last", 3)
    3
    >>> check_option("retention", 10**20)
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidOptionError: --retention: 100000000000000000000 is outside 1..36500
    """
    bound = OPTION_BOUNDS[name]
    if value != value or not bound.holds(value):  # NaN holds nothing
        raise InvalidOptionError(f"--{name}: {value} is outside {bound}")
    return value


# C0 controls but tab, DEL and C1 controls: no name or label holds them, XML 1.0 (XLSX) and
# iCalendar cannot, and a NUL or ESC in a report or a terminal is at best noise.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\n\r\u0085\u2028\u2029]")
_ANY_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def text_problem(value: str) -> tuple[ProblemCode, dict[str, Any]] | None:
    r"""The problem of a one-line text (an id, a name, a label), or ``None`` if it is fine.

    Refused: lone surrogates, more than :data:`MAX_TEXT_CHARS` characters, control characters
    (all C0 but tab, DEL, C1) and line breaks -- a line break would split a CSV record or an
    iCalendar line for any reader less careful than ours.

    Examples
    --------
    >>> text_problem("Anna Kowalska") is None, text_problem("\tAnna") is None
    (True, True)
    >>> text_problem("a\x1b[2J")
    (<ProblemCode.CONTROL_CHARACTER: 'control_character'>, {'char': 'U+001B', 'position': 2})
    """
    if len(value) <= MAX_TEXT_CHARS and value.isascii() and not _ANY_BAD.search(value):
        return None  # nearly every text: one scan
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ProblemCode.INVALID_TEXT, {"value": repr(value)}
    if len(value) > MAX_TEXT_CHARS:
        return ProblemCode.TEXT_TOO_LONG, {"length": len(value), "max": MAX_TEXT_CHARS}
    bad = _CONTROL.search(value)
    if bad:
        return ProblemCode.CONTROL_CHARACTER, {"char": f"U+{ord(bad.group()):04X}",
                                               "position": bad.start() + 1}
    brk = _LINE_BREAK.search(value)
    if brk:
        return ProblemCode.LINE_BREAK_IN_TEXT, {"position": brk.start() + 1}
    return None
