"""Languages: the one home for the supported languages and the words every layer shares.

Every function of the library that takes ``lang=`` checks it with :func:`check_lang`, so an
unknown language raises :class:`~cus_match.errors.InvalidOptionError` everywhere instead of
quietly falling back to English. Polish plural forms, weekday and month names, travel modes and
numbers with a decimal comma are written here once; the word tables of each rendering (the
report, the plan tables, the calendar, explanations) build on them.

Examples
--------
>>> check_lang("pl")
'pl'
>>> check_lang("de")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cus_match.errors.InvalidOptionError: lang must be one of en, pl, got 'de'
>>> [f"{n} {plural(n, 'pl', 'wizyta', 'wizyty', 'wizyt')}" for n in (1, 2, 5, 12, 22)]
['1 wizyta', '2 wizyty', '5 wizyt', '12 wizyt', '22 wizyty']
>>> number(1.5, "pl"), number(2.0, "pl"), number(1.25, "en", digits=2)
('1,5', '2', '1.25')
>>> day_abbr(2, "pl"), day_name(6, "en")
('śr', 'Sunday')
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from cus_match.errors import InvalidOptionError

__all__ = [
    "DAY_ABBR",
    "DAY_NAMES",
    "DEFAULT_LANG",
    "LANGS",
    "MODE_WORDS",
    "MONTHS_EN",
    "MONTHS_GENITIVE_PL",
    "Lang",
    "check_lang",
    "day_abbr",
    "day_name",
    "long_date",
    "number",
    "plural",
    "plural_en",
    "plural_pl",
    "short_date",
]

Lang = Literal["en", "pl"]
#: The languages every rendering speaks, in the order the command line lists them.
LANGS: Final[tuple[str, ...]] = ("en", "pl")
DEFAULT_LANG: Final = "en"


def check_lang(lang: object) -> str:
    """Return ``lang`` if it is a supported language, else raise ``InvalidOptionError``.

    >>> check_lang("en")
    'en'
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise InvalidOptionError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


# Plural forms --------------------------------------------------------------------------------

def plural_pl(n: float, one: str, few: str, many: str) -> str:
    """The Polish form of a noun after the number ``n``.

    Polish has three forms: ``one`` for 1, ``few`` for numbers ending in 2-4 except 12-14,
    ``many`` for the rest (0, 5-21, 25-31, ...). A fraction takes the genitive singular, which
    for the feminine nouns used here (wizyta, godzina, minuta, osoba) is the ``few`` form:
    "1,5 godziny".

    Examples
    --------
    >>> [f"{n} " + plural_pl(n, "wizyta", "wizyty", "wizyt") for n in (1, 2, 4, 5, 12, 22, 25)]
    ['1 wizyta', '2 wizyty', '4 wizyty', '5 wizyt', '12 wizyt', '22 wizyty', '25 wizyt']
    >>> plural_pl(0, "osoba", "osoby", "osób"), plural_pl(1.5, "godzina", "godziny", "godzin")
    ('osób', 'godziny')
    """
    if not float(n).is_integer():
        return few
    k = abs(int(n))
    if k == 1:
        return one
    if k % 10 in (2, 3, 4) and k % 100 not in (12, 13, 14):
        return few
    return many


def plural_en(n: float, one: str, many: str) -> str:
    """The English form of a noun after ``n``: ``one`` for exactly 1, else ``many``.

    >>> plural_en(1, "helper", "helpers"), plural_en(0, "helper", "helpers")
    ('helper', 'helpers')
    """
    return one if n == 1 else many


def plural(n: float, lang: str, *forms: str) -> str:
    """The form of a noun after ``n`` in ``lang``.

    ``forms`` are the Polish three (one, few, many) for ``"pl"`` and the English two (one,
    many) for ``"en"``.

    >>> plural(3, "en", "visit", "visits"), plural(3, "pl", "wizyta", "wizyty", "wizyt")
    ('visits', 'wizyty')
    """
    if check_lang(lang) == "pl":
        if len(forms) != 3:
            raise ValueError(f"Polish needs three forms (one, few, many), got {forms!r}")
        return plural_pl(n, *forms)
    if len(forms) != 2:
        raise ValueError(f"English needs two forms (one, many), got {forms!r}")
    return plural_en(n, *forms)


# Numbers -------------------------------------------------------------------------------------

def number(x: float, lang: str, digits: int = 1) -> str:
    """A number for a person: whole numbers plain, others to ``digits`` decimals.

    Polish takes a decimal comma. Trailing zeros of a fraction are kept to ``digits`` so that a
    column of numbers lines up (``1,50`` with ``digits=2``).

    >>> number(3, "en"), number(3.25, "pl", digits=2), number(-0.5, "pl")
    ('3', '3,25', '-0,5')
    """
    check_lang(lang)
    text = str(round(x)) if float(x).is_integer() else f"{x:.{digits}f}"
    return text.replace(".", ",") if lang == "pl" else text


# Days, months, dates -------------------------------------------------------------------------

DAY_ABBR: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "pl": ("pon", "wt", "śr", "czw", "pt", "sob", "nd"),
}
DAY_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
}
MONTHS_EN: Final[tuple[str, ...]] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December")
#: Polish month names in the genitive, as a date is written ("3 grudnia 2026").
MONTHS_GENITIVE_PL: Final[tuple[str, ...]] = (
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
    "września", "października", "listopada", "grudnia")


def day_abbr(weekday: int, lang: str) -> str:
    """Short weekday name, Monday = 0: ``Mon`` / ``pon``."""
    return DAY_ABBR[check_lang(lang)][weekday]


def day_name(weekday: int, lang: str) -> str:
    """Full weekday name, Monday = 0: ``Monday`` / ``poniedziałek``."""
    return DAY_NAMES[check_lang(lang)][weekday]


def short_date(d: date, lang: str) -> str:
    """A date in a table: ``24.03.2026`` in Polish, ISO ``2026-03-24`` in English.

    >>> short_date(date(2026, 3, 24), "pl"), short_date(date(2026, 3, 24), "en")
    ('24.03.2026', '2026-03-24')
    """
    return f"{d:%d.%m.%Y}" if check_lang(lang) == "pl" else d.isoformat()


def long_date(d: date, lang: str) -> str:
    """A date in a sentence: ``24 marca 2026`` / ``24 March 2026``.

    >>> long_date(date(2026, 12, 3), "pl"), long_date(date(2026, 12, 3), "en")
    ('3 grudnia 2026', '3 December 2026')
    """
    months = MONTHS_GENITIVE_PL if check_lang(lang) == "pl" else MONTHS_EN
    return f"{d.day} {months[d.month - 1]} {d.year}"


# Travel modes --------------------------------------------------------------------------------

#: How a helper travels, by :class:`~cus_match.model.TravelMode` value.
MODE_WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {"walk": "on foot", "bike": "bike", "car": "car", "bus": "bus"},
    "pl": {"walk": "pieszo", "bike": "rower", "car": "samochód", "bus": "autobus"},
}
