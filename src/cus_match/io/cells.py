"""Reading and writing single spreadsheet cells the way a Polish coordinator types them.

Every reader takes what a cell holds (text from a CSV file, or a typed value from an ``.xlsx``
workbook: number, date, time, boolean) and returns the value of the JSON instance format
(:mod:`cus_match.io.json_format`), so the project's structurer does all the checking of values.
Readers only check *syntax* and raise :class:`CellError` with the message in English and Polish.

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

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from functools import lru_cache
from typing import Literal

from cus_match.clock import Weekday

__all__ = [
    "EMPTY",
    "CellError",
    "Lang",
    "fold",
    "read_bool",
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


class CellError(ValueError):
    """A cell whose text cannot be read; carries the message in English and Polish."""

    def __init__(self, en: str, pl: str) -> None:
        self.en, self.pl = en, pl
        super().__init__(en)

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``"pl"`` or ``"en"``)."""
        return self.pl if lang == "pl" else self.en


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
        raise CellError(f"expected text, got {_show(value)}",
                        f"oczekiwano tekstu, jest {_show(value)}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def read_number(value: object) -> int | float:
    """A number: ``2,5`` (decimal comma), ``2.5``, ``1 200`` or a number cell."""
    if isinstance(value, bool):
        raise CellError(f"expected a number, got {value}", f"oczekiwano liczby, jest {value}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(f"expected a finite number, got {value}",
                            f"oczekiwano skończonej liczby, jest {value}")
        return value
    text = read_text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise CellError(f"{_show(value)} is not a number (write e.g. 2,5 or 2.5)",
                        f"{_show(value)} nie jest liczbą (wpisz np. 2,5)")
    number = float(text)
    if not math.isfinite(number):
        raise CellError(f"{_show(value)} is too large", f"{_show(value)} to za duża liczba")
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
    raise CellError(f"{_show(value)} is not yes or no (write yes, no, 1 or 0)",
                    f"{_show(value)} to nie tak/nie (wpisz tak, nie, 1 lub 0)")


_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_TEXT = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2}"


def read_date(value: object) -> str:
    """A date as ISO text: ``23.03.2026``, ``2026-03-23`` or a date cell."""
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            raise CellError(f"expected a date, got a date and time {value:%Y-%m-%d %H:%M}",
                            f"oczekiwano daty, jest data z godziną {value:%d.%m.%Y %H:%M}")
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
        raise CellError(f"{_show(value)} is not a date in the calendar",
                        f"{_show(value)}: nie ma takiego dnia w kalendarzu") from None
    raise CellError(f"{_show(value)} is not a date (write DD.MM.YYYY or YYYY-MM-DD)",
                    f"{_show(value)} nie jest datą (wpisz DD.MM.RRRR, np. 23.03.2026)")


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
    text = repr(value)
    return text.replace(".", ",") if lang == "pl" else text


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
        raise CellError(f"{_show(value)} has an empty item (two separators in a row?)",
                        f"{_show(value)} ma pusty element (dwa separatory obok siebie?)")
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
        raise CellError(f"{_show(text)} is not a {what[0]} (write one of: {en})",
                        f"{_show(text)} to nie {what[1]} (wpisz jedno z: {pl})")
    return found


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
DAY_NAMES: dict[str, tuple[str, ...]] = {
    "pl": ("pon", "wt", "śr", "czw", "pt", "sob", "nd"),
    "en": ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
}
_DASH = r"\s*[-–—]\s*"
_DAYSPEC = re.compile(rf"([^\W\d_]+)\.?(?:{_DASH}([^\W\d_]+)\.?)?\s*")
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?"
_SPAN = re.compile(rf"{_CLOCK}{_DASH}{_CLOCK}\s*")
_BAD_DAY = ("{v} is not a weekday (write pon, wt, śr, czw, pt, sob, nd or mon ... sun)",
            "{v} to nie dzień tygodnia (wpisz pon, wt, śr, czw, pt, sob, nd)")


def _day(word: str, cell: object) -> Weekday:
    day = _DAYS_BY_WORD.get(fold(word))
    if day is None:
        raise CellError(_BAD_DAY[0].format(v=_show(word)) + f" in {_show(cell)}",
                        _BAD_DAY[1].format(v=_show(word)) + f" w {_show(cell)}")
    return day


def _dayspec(match: re.Match[str], cell: object) -> list[Weekday]:
    first = _day(match[1], cell)
    if match[2] is None:
        return [first]
    last = _day(match[2], cell)
    if last.number < first.number:
        raise CellError(
            f"the day range {match[0].strip()!r} runs backwards (write e.g. pon-pt)",
            f"zakres dni {match[0].strip()!r} jest odwrócony (wpisz np. pon-pt)")
    return _DAYS[first.number:last.number + 1]


def _clock(hours: str, minutes: str | None) -> str:
    # Range checks (25:00, 8:75) are the model's: it reports them with its own message.
    return f"{int(hours)}:{minutes or '00'}"


def _tokens(value: object, what: tuple[str, str]) -> list[str]:
    if isinstance(value, time | datetime):
        raise CellError(
            f"a single time is not a {what[0]}: write start and end, e.g. 8:00-12:00 "
            "(format the cell as text)",
            f"sama godzina to nie {what[1]}: wpisz początek i koniec, np. 8:00-12:00 "
            "(ustaw format komórki: tekst)")
    tokens = [t.strip() for t in _ITEM_SEP.split(read_text(value))]
    return [t for t in tokens if t]


def _spans(text: str, cell: object) -> list[tuple[str, str]]:
    spans, pos = [], 0
    while pos < len(text):
        m = _SPAN.match(text, pos)
        if m is None:
            raise CellError(
                f"cannot read {text[pos:]!r} in {_show(cell)}: write hours as 8:00-12:00",
                f"nie rozumiem {text[pos:]!r} w {_show(cell)}: wpisz godziny jak 8:00-12:00")
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
            raise CellError(
                f"{token!r} in {_show(value)} has hours but no day (write e.g. pon 8:00-12:00)",
                f"{token!r} w {_show(value)} ma godziny bez dnia (wpisz np. pon 8:00-12:00)")
        pending = []
        out += [{"day": d.value, "start": s, "end": e} for d in current for s, e in spans]
    if pending:
        raise CellError(f"{_show(value)} ends with days but no hours (write e.g. pon 8:00-12:00)",
                        f"{_show(value)} kończy się dniem bez godzin (wpisz np. pon 8:00-12:00)")
    return out


def read_windows(value: object) -> list[dict[str, str]]:
    """Windows within a day: ``8:00-12:00; 14:00-16:00``.

    >>> read_windows("8-12, 14:30-16")
    [{'start': '8:00', 'end': '12:00'}, {'start': '14:30', 'end': '16:00'}]
    """
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
                raise CellError(_BAD_DAY[0].format(v=repr(token[pos:])) + f" in {_show(value)}",
                                _BAD_DAY[1].format(v=repr(token[pos:])) + f" w {_show(value)}")
            out += [d.value for d in _dayspec(m, value) if d.value not in out]
            pos = m.end()
    return out


_RANGE = re.compile(rf"({_DATE_TEXT})(?:\s*(?:[-–—]|\.\.|do|to)\s*({_DATE_TEXT}))?")


def read_date_ranges(value: object) -> list[dict[str, str]]:
    """Date ranges: ``01.04.2026-05.04.2026; 10.04.2026`` (a single date is one day).

    >>> read_date_ranges("1.04.2026 - 5.04.2026; 2026-04-10")
    [{'start': '2026-04-01', 'end': '2026-04-05'}, {'start': '2026-04-10', 'end': '2026-04-10'}]
    """
    if isinstance(value, date):
        day = read_date(value)
        return [{"start": day, "end": day}]
    out = []
    for token in _tokens(value, ("date range", "zakres dat")):
        m = _RANGE.fullmatch(token)
        if m is None:
            raise CellError(
                f"cannot read {token!r} as dates: write 01.04.2026-05.04.2026 or 10.04.2026",
                f"nie rozumiem {token!r} jako dat: wpisz 01.04.2026-05.04.2026 lub 10.04.2026")
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

