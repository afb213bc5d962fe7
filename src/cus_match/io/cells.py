"""Reading and writing single spreadsheet cells the way a Polish coordinator types them.

Every reader takes what a cell holds (text from a CSV file, or a typed value from an ``.xlsx``
workbook: number, date, time, boolean) and returns the value of the JSON instance format
(:mod:`cus_match.io.json_format`), so the project's structurer does all the checking of values.
Readers only check *syntax* and raise :class:`CellError` with a problem code, worded in English
and Polish by :mod:`cus_match.problem_texts`.

Cell syntax (documented for users in ``docs/spreadsheets.md``):

- numbers: ``2,5`` or ``2.5``;
- dates: ``23.03.2026`` or ``2026-03-23`` (or a date cell);
- yes/no: ``tak``/``nie``, ``yes``/``no``, ``1``/``0``, ``prawda``/``fałsz``, ``true``/``false``;
- lists: items separated by ``,`` or ``;`` (``brak``/``none`` for an empty list);
- weekdays: Polish or English, full or short, with or without diacritics (``śr``, ``sr``,
  ``środa``, ``wed``), ranges ``pon-pt``;
- weekly windows: ``pon 8:00-12:00; śr 14:00-16:00``; ``pon-pt 8-12``;
  ``pon, śr 8:00-12:00`` (both days); ``pon 8-10, 14-16`` (two windows on Monday);
- windows within a day: ``8:00-12:00; 14:00-16:00``;
- date ranges: ``01.04.2026-05.04.2026; 10.04.2026``.

Examples
--------
>>> read_weekly("pon-śr 8:00-12:00; pt 14.30-16")[0]
{'day': 'mon', 'start': '8:00', 'end': '12:00'}
>>> [w["day"] for w in read_weekly("pon-śr 8:00-12:00; pt 14.30-16")]
['mon', 'tue', 'wed', 'fri']
>>> read_number("2,5"), read_date("23.03.2026"), read_bool("Tak")
(2.5, '2026-03-23', True)
>>> write_weekly([{"day": "wed", "start": "14:00", "end": "16:00"}], "pl")
'śr 14:00-16:00'
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from functools import lru_cache
from typing import Literal

from cus_match.clock import Weekday
from cus_match.errors import FieldValueError
from cus_match.lang import DAY_ABBR, exact_number
from cus_match.problem_texts import ProblemCode

__all__ = [
    "EMPTY",
    "CellError",
    "Lang",
    "NameIndex",
    "category_names",
    "fold",
    "place_names",
    "read_bool",
    "read_clock",
    "read_date",
    "read_date_ranges",
    "read_days",
    "read_enum",
    "read_list",
    "read_number",
    "read_text",
    "read_weekly",
    "read_windows",
    "write_bool",
    "write_date",
    "write_date_ranges",
    "write_days",
    "write_number",
    "write_weekly",
    "write_windows",
]

Lang = Literal["pl", "en"]

#: The word for an explicitly empty list (an empty cell means "the default").
EMPTY: dict[str, str] = {"pl": "brak", "en": "none"}


class CellError(FieldValueError):
    """A cell whose text cannot be read; carries the problem's code and arguments.

    >>> try:
    ...     read_bool("może")
    ... except CellError as e:
    ...     print(e.code, e.text("pl"))
    cell_not_yes_no 'może' to nie tak/nie (wpisz tak, nie, 1 lub 0)
    """


@lru_cache(maxsize=4096)  # the same headers, labels and day names come back in every row
def fold(text: str) -> str:
    """Case- and diacritic-insensitive form of a header, label or day name.

    Letters lose their diacritics (``ł`` too, which Unicode does not decompose), everything that
    is not a letter or digit becomes one space.

    >>> fold("  Środa "), fold("Miejsce_zamieszkania"), fold("Łódź (KRK)")
    ('sroda', 'miejsce zamieszkania', 'lodz krk')
    """
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.split(r"[^0-9a-z]+", bare)).strip()


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


# --- text, numbers, booleans, dates -----------------------------------------------------------

def read_text(value: object) -> str:
    """Text of a cell (an id typed as a number, ``17``, is the text ``"17"``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | date | time):
        raise CellError(ProblemCode.CELL_NOT_TEXT, value=_show(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _ascii_digits(value: object) -> None:
    """Refuse digits other than 0-9: Python reads ``٣`` as 3, a person may not have meant it."""
    if isinstance(value, str):
        for ch in value:
            if not ch.isascii() and unicodedata.category(ch) == "Nd":
                raise CellError(ProblemCode.CELL_NON_ASCII_DIGIT, value=_show(value),
                                char=f"{ch} (U+{ord(ch):04X})")


def read_number(value: object) -> int | float:
    """A number: ``2,5`` (decimal comma), ``2.5``, ``1 200`` or a number cell."""
    _ascii_digits(value)
    if isinstance(value, bool):
        raise CellError(ProblemCode.CELL_BOOL_FOR_NUMBER, value=str(value))
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(ProblemCode.CELL_NOT_FINITE, value=str(value))
        return value
    text = read_text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise CellError(ProblemCode.CELL_NOT_A_NUMBER, value=_show(value))
    number = float(text)
    if not math.isfinite(number):
        raise CellError(ProblemCode.CELL_NUMBER_TOO_LARGE, value=_show(value))
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


_TRUE = {"tak", "t", "yes", "y", "1", "true", "prawda", "x"}
_FALSE = {"nie", "n", "no", "0", "false", "falsz"}


def read_bool(value: object) -> bool:
    """Yes or no: ``tak``/``nie``, ``yes``/``no``, ``1``/``0``, ``prawda``/``fałsz``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = fold(read_text(value))
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(ProblemCode.CELL_NOT_YES_NO, value=_show(value))


_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_DATE_TEXT = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2}"


def read_date(value: object) -> str:
    """A date as ISO text: ``23.03.2026``, ``2026-03-23`` or a date cell."""
    _ascii_digits(value)
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            raise CellError(ProblemCode.CELL_DATE_WITH_TIME, day=value.date().isoformat(),
                            at=f"{value:%H:%M}")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    # Some exports write a date cell as "2026-03-23 00:00:00": midnight is just a date.
    text = re.sub(r"\s+0?0:00(:00)?$", "", read_text(value).strip())
    dmy, iso = _DMY.fullmatch(text), _ISO.fullmatch(text)
    try:
        if dmy:
            return date(int(dmy[3]), int(dmy[2]), int(dmy[1])).isoformat()
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
    except ValueError:
        raise CellError(ProblemCode.CELL_NO_SUCH_DAY, value=_show(value)) from None
    raise CellError(ProblemCode.CELL_NOT_A_DATE, value=_show(value))


def write_date(iso: str, lang: Lang) -> str:
    """Write an ISO date the way the language's users type it.

    >>> write_date("2026-03-23", "pl"), write_date("2026-03-23", "en")
    ('23.03.2026', '2026-03-23')
    """
    if lang == "pl":
        y, m, d = iso.split("-")
        return f"{d}.{m}.{y}"
    return iso


def write_number(value: float, lang: Lang) -> str:
    """Write a number as text (decimal comma in Polish), exactly: it reads back equal.

    >>> write_number(3.0, "pl"), write_number(2.5, "pl"), write_number(49.482, "en")
    ('3', '2,5', '49.482')
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    return exact_number(value, lang)


_YES_NO = {"pl": ("tak", "nie"), "en": ("yes", "no")}


def write_bool(value: bool, lang: Lang) -> str:
    """``tak``/``nie`` or ``yes``/``no``."""
    return _YES_NO[lang][0 if value else 1]


# --- lists and labels -------------------------------------------------------------------------

_ITEM_SEP = re.compile(r"[;,\n]")


def read_list(value: object) -> list[str]:
    """Items of a list cell, separated by ``,`` ``;`` or line breaks; ``brak``/``none``: empty.

    >>> read_list("pl; uk,  de"), read_list("brak")
    (['pl', 'uk', 'de'], [])
    """
    text = read_text(value)
    if fold(text) in EMPTY.values():
        return []
    items = [item.strip() for item in _ITEM_SEP.split(text)]
    if any(not item for item in items):
        raise CellError(ProblemCode.CELL_EMPTY_ITEM, value=_show(value))
    return items


def read_enum(value: object, labels: Mapping[str, str], what: tuple[str, str],
              shown: tuple[Sequence[str], Sequence[str]] = ((), ())) -> str:
    """The value whose label (folded) is the cell's text; ``labels`` maps folded label to value.

    ``what`` names the kind of value and ``shown`` lists the labels to suggest, in English and
    Polish, for the message.
    """
    text = read_text(value).strip()
    found = labels.get(fold(text))
    if found is None:
        en, pl = (", ".join(x) for x in shown)
        raise CellError(ProblemCode.CELL_NOT_A_LABEL, value=_show(text),
                        what={"en": what[0], "pl": what[1]}, choices={"en": en, "pl": pl})
    return found


class NameIndex:
    """Ids of one kind (categories, places, helpers) found by id or by any of their names.

    A coordinator types ``Zakupy``, ``zakupy``, ``Shopping`` or ``shopping`` for the category
    ``shopping``, and ``Nowotaniec`` for the place ``nowotaniec``: case, diacritics and spacing
    do not matter (:func:`fold`). An exact id always wins; a name two entries share is
    ambiguous and refused with their ids; text that matches nothing is refused with the closest
    ids and names (:mod:`difflib`) as "did you mean".

    Parameters
    ----------
    entries : iterable of (str, iterable of str)
        Each id with its names (empty names are ignored).
    what : tuple of (str, str)
        The kind of value in English and Polish, for the messages (``("category",
        "kategoria")``).
    unknown : tuple of (str, str)
        "Unknown ..." in English and Polish (Polish adjectives agree with the noun).

    Examples
    --------
    >>> cats = NameIndex([("shopping", ["Zakupy", "Shopping"]),
    ...                   ("transport", ["Dowóz", "Transport"])], ("category", "kategoria"),
    ...                  ("unknown category", "nieznana kategoria"))
    >>> cats.find("ZAKUPY"), cats.find("dowoz"), cats.find("transport")
    ('shopping', 'transport', 'transport')
    >>> try:
    ...     cats.find("zakpy")
    ... except CellError as e:
    ...     print(e.text("pl"))
    nieznana kategoria 'zakpy'; czy chodzi o 'Zakupy'?
    """

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]],
                 what: tuple[str, str], unknown: tuple[str, str]) -> None:
        self.what = {"en": what[0], "pl": what[1]}
        self.unknown = {"en": unknown[0], "pl": unknown[1]}
        self.ids: dict[str, str] = {}
        by_name: dict[str, set[str]] = {}
        self._shown: dict[str, str] = {}  # folded text -> how to suggest it
        for ident, names in entries:
            self.ids[ident] = ident
            self._shown.setdefault(fold(ident), ident)
            for name in names:
                if name and name.strip():
                    by_name.setdefault(fold(name), set()).add(ident)
                    self._shown[fold(name)] = name.strip()  # suggest names people type
        for ident in self.ids:  # an id's folded form names it too (``Shopping`` for shopping)
            by_name.setdefault(fold(ident), set()).add(ident)
        self._by_name = {k: tuple(sorted(v)) for k, v in by_name.items()}

    def find(self, text: str) -> str:
        """The id ``text`` names.

        Raises
        ------
        CellError
            ``name_ambiguous`` (with the ids) or ``name_unknown`` / ``name_not_found`` (with
            the closest suggestions, when there are any).
        """
        text = text.strip()
        if text in self.ids:
            return text
        key = fold(text)
        found = self._by_name.get(key, ())
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(ProblemCode.NAME_AMBIGUOUS, value=text, what=self.what,
                            ids=list(found))
        close = difflib.get_close_matches(key, sorted(self._shown), n=3, cutoff=0.6)
        if close:
            raise CellError(ProblemCode.NAME_UNKNOWN, value=text, unknown=self.unknown,
                            choices=[self._shown[c] for c in close])
        raise CellError(ProblemCode.NAME_NOT_FOUND, value=text, unknown=self.unknown)

    def matches(self, text: str) -> tuple[str, ...]:
        """Every id ``text`` names (an exact id alone; none when nothing matches).

        >>> NameIndex([("a", ["Ewa"]), ("b", ["ewa"])], ("helper", "pomagający"),
        ...           ("unknown helper", "nieznany pomagający")).matches("EWA")
        ('a', 'b')
        """
        text = text.strip()
        if text in self.ids:
            return (text,)
        return self._by_name.get(fold(text), ())


def category_names(entries: Iterable[tuple[str, Iterable[str]]]) -> NameIndex:
    """:class:`NameIndex` of categories: ``(id, (name_pl, name_en))`` pairs."""
    return NameIndex(entries, ("category", "kategoria"), ("unknown category",
                                                          "nieznana kategoria"))


def place_names(entries: Iterable[tuple[str, Iterable[str]]]) -> NameIndex:
    """:class:`NameIndex` of places: ``(id, (name,))`` pairs."""
    return NameIndex(entries, ("place", "miejsce"), ("unknown place", "nieznane miejsce"))


_CLOCK_CELL = re.compile(r"(\d{1,2})[:.](\d{2})(?::00)?")


def read_clock(value: object) -> str:
    """A time of day as ``HH:MM``: ``9:30``, ``9.30``, ``09:30:00`` or a time cell.

    >>> read_clock("9.30"), read_clock(time(14, 5))
    ('09:30', '14:05')
    """
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        if value.second or value.microsecond:
            raise CellError(ProblemCode.CELL_NOT_A_CLOCK, value=str(value))
        return f"{value:%H:%M}"
    if isinstance(value, float) and 0 <= value < 1:  # Excel's fraction of a day
        minutes = round(value * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    text = read_text(value).strip()
    m = _CLOCK_CELL.fullmatch(text)
    if m is None or int(m[1]) > 23 or int(m[2]) > 59:
        raise CellError(ProblemCode.CELL_NOT_A_CLOCK, value=_show(value))
    return f"{int(m[1]):02d}:{m[2]}"


# --- weekdays and windows ---------------------------------------------------------------------

_DAY_WORDS: dict[Weekday, tuple[str, ...]] = {
    Weekday.MON: ("pon", "pn", "poniedzialek", "mon", "mo", "monday"),
    Weekday.TUE: ("wt", "wto", "wtorek", "tue", "tu", "tues", "tuesday"),
    Weekday.WED: ("sr", "sro", "sroda", "wed", "we", "wednesday"),
    Weekday.THU: ("czw", "cz", "czwartek", "thu", "th", "thur", "thurs", "thursday"),
    Weekday.FRI: ("pt", "pia", "piatek", "fri", "fr", "friday"),
    Weekday.SAT: ("sob", "so", "sobota", "sat", "sa", "saturday"),
    Weekday.SUN: ("nd", "ndz", "niedz", "niedziela", "sun", "su", "sunday"),
}
_DAYS_BY_WORD = {w: d for d, words in _DAY_WORDS.items() for w in words}
_DAYS = list(Weekday)
#: How a weekday is written into a cell: the Polish short name (from :mod:`cus_match.lang`), the
#: file format's own id in English (``mon``: what the JSON format and the reader take).
DAY_NAMES: dict[str, tuple[str, ...]] = {
    "pl": DAY_ABBR["pl"],
    "en": tuple(d.value for d in Weekday),
}
_DASH = r"\s*[-–—]\s*"
_DAYSPEC = re.compile(rf"([^\W\d_]+)\.?(?:{_DASH}([^\W\d_]+)\.?)?\s*")
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?"
_SPAN = re.compile(rf"{_CLOCK}{_DASH}{_CLOCK}\s*")


def _day(word: str, cell: object) -> Weekday:
    day = _DAYS_BY_WORD.get(fold(word))
    if day is None:
        raise CellError(ProblemCode.CELL_NOT_A_WEEKDAY, value=_show(word), cell=_show(cell))
    return day


def _dayspec(match: re.Match[str], cell: object) -> list[Weekday]:
    first = _day(match[1], cell)
    if match[2] is None:
        return [first]
    last = _day(match[2], cell)
    if last.number < first.number:
        raise CellError(ProblemCode.CELL_DAYS_BACKWARDS, value=match[0].strip())
    return _DAYS[first.number:last.number + 1]


def _clock(hours: str, minutes: str | None) -> str:
    # Range checks (25:00, 8:75) are the model's: it reports them with its own message.
    return f"{int(hours)}:{minutes or '00'}"


def _tokens(value: object, what: tuple[str, str]) -> list[str]:
    if isinstance(value, time | datetime):
        raise CellError(ProblemCode.CELL_SINGLE_TIME, what={"en": what[0], "pl": what[1]})
    tokens = [t.strip() for t in _ITEM_SEP.split(read_text(value))]
    return [t for t in tokens if t]


def _spans(text: str, cell: object) -> list[tuple[str, str]]:
    spans, pos = [], 0
    while pos < len(text):
        m = _SPAN.match(text, pos)
        if m is None:
            raise CellError(ProblemCode.CELL_BAD_HOURS, value=text[pos:], cell=_show(cell))
        spans.append((_clock(m[1], m[2]), _clock(m[3], m[4])))
        pos = m.end()
    return spans


def read_weekly(value: object) -> list[dict[str, str]]:
    """Weekly windows: ``pon 8:00-12:00; śr 14:00-16:00``.

    Items are separated by ``;``, ``,`` or line breaks. An item is days and hours: one day
    (``pon``), a range (``pon-pt``); hours ``8:00-12:00``, ``8.30-12``, ``8-12``. An item with
    days but no hours shares the hours of the next item (``pon, śr 8-12``); an item with hours
    but no days takes the days of the item before (``pon 8-10, 14-16``).

    >>> read_weekly("pon, śr 8-12")
    [{'day': 'mon', 'start': '8:00', 'end': '12:00'}, {'day': 'wed', 'start': '8:00', 'end': '12:00'}]
    """  # noqa: E501
    _ascii_digits(value)
    out: list[dict[str, str]] = []
    pending: list[Weekday] = []
    current: list[Weekday] = []
    for token in _tokens(value, ("weekly window", "okno tygodniowe")):
        m = _DAYSPEC.match(token)
        days = _dayspec(m, value) if m else []
        spans = _spans(token[m.end():] if m else token, value)
        if days and not spans:
            pending += days
            continue
        if days:
            current = pending + days
        elif pending:
            current = pending
        elif not current:
            raise CellError(ProblemCode.CELL_HOURS_WITHOUT_DAY, value=token,
                            cell=_show(value))
        pending = []
        out += [{"day": d.value, "start": s, "end": e} for d in current for s, e in spans]
    if pending:
        raise CellError(ProblemCode.CELL_DAYS_WITHOUT_HOURS, cell=_show(value))
    return out


def read_windows(value: object) -> list[dict[str, str]]:
    """Windows within a day: ``8:00-12:00; 14:00-16:00``.

    >>> read_windows("8-12, 14:30-16")
    [{'start': '8:00', 'end': '12:00'}, {'start': '14:30', 'end': '16:00'}]
    """
    _ascii_digits(value)
    out = []
    for token in _tokens(value, ("time window", "przedział godzin")):
        out += [{"start": s, "end": e} for s, e in _spans(token, value)]
    return out


def read_days(value: object) -> list[str]:
    """Weekdays: ``pon, śr, pt``; ``pon-pt``; ``poniedziałek``; ``mon, wed``.

    >>> read_days("pon-śr; pt")
    ['mon', 'tue', 'wed', 'fri']
    """
    out: list[str] = []
    for token in _tokens(value, ("list of weekdays", "lista dni")):
        pos = 0
        while pos < len(token):  # "pon śr" (spaces only) is two days too
            m = _DAYSPEC.match(token, pos)
            if m is None or not m[0]:
                raise CellError(ProblemCode.CELL_NOT_A_WEEKDAY, value=repr(token[pos:]),
                                cell=_show(value))
            out += [d.value for d in _dayspec(m, value) if d.value not in out]
            pos = m.end()
    return out


_RANGE = re.compile(rf"({_DATE_TEXT})(?:\s*(?:[-–—]|\.\.|do|to)\s*({_DATE_TEXT}))?")


def read_date_ranges(value: object) -> list[dict[str, str]]:
    """Date ranges: ``01.04.2026-05.04.2026; 10.04.2026`` (a single date is one day).

    >>> read_date_ranges("1.04.2026 - 5.04.2026; 2026-04-10")
    [{'start': '2026-04-01', 'end': '2026-04-05'}, {'start': '2026-04-10', 'end': '2026-04-10'}]
    """
    _ascii_digits(value)
    if isinstance(value, date):
        day = read_date(value)
        return [{"start": day, "end": day}]
    out = []
    for token in _tokens(value, ("date range", "zakres dat")):
        m = _RANGE.fullmatch(token)
        if m is None:
            raise CellError(ProblemCode.CELL_BAD_DATES, value=token)
        start = read_date(m[1])
        out.append({"start": start, "end": read_date(m[2]) if m[2] else start})
    return out


# --- writing ----------------------------------------------------------------------------------

def _day_name(day: str, lang: Lang) -> str:
    return DAY_NAMES[lang][Weekday(day).number]


def _hhmm(text: str) -> str:
    h, m = text.split(":")
    return f"{int(h):02d}:{m}"


def write_weekly(windows: Sequence[Mapping[str, str]], lang: Lang) -> str:
    """``pon 08:00-12:00; śr 14:00-16:00`` (one item per window, in order)."""
    return "; ".join(f"{_day_name(w['day'], lang)} {_hhmm(w['start'])}-{_hhmm(w['end'])}"
                     for w in windows)


def write_windows(windows: Sequence[Mapping[str, str]]) -> str:
    """``08:00-12:00; 14:00-16:00``."""
    return "; ".join(f"{_hhmm(w['start'])}-{_hhmm(w['end'])}" for w in windows)


def write_days(days: Iterable[str], lang: Lang) -> str:
    """``pon, śr, pt``."""
    return ", ".join(_day_name(d, lang) for d in days)


def write_date_ranges(ranges: Sequence[Mapping[str, str]], lang: Lang) -> str:
    """``01.04.2026 - 05.04.2026; 10.04.2026``."""
    out = []
    for r in ranges:
        start, end = write_date(r["start"], lang), write_date(r["end"], lang)
        out.append(start if start == end else f"{start} - {end}")
    return "; ".join(out)

