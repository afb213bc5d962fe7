"""Languages: the one home for the supported languages and the words every layer shares.

Every function of the library that takes ``lang=`` checks it with :func:`check_lang`, so an
unknown language raises :class:`~cus_match.errors.InvalidOptionError` everywhere instead of
quietly falling back to English. Polish plural forms, weekday and month names, travel modes and
numbers with a decimal comma are written here once; the word tables of each rendering (the
report, the plan tables, the calendar, explanations) build on them. Every table is keyed by the
languages of :data:`LANGS`, and :func:`pick` is how a rendering reads one, so a word missing in
one language is a test failure rather than English inside a Polish text.

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
>>> pick({"en": "yes", "pl": "tak"}, "pl")
'tak'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Final, Literal, TypeVar

from cus_match.errors import InvalidOptionError

__all__ = [
    "DAY_ABBR",
    "DAY_NAMES",
    "DAY_RECURRING",
    "DEFAULT_LANG",
    "LANGS",
    "MODE_BY",
    "MODE_NOUNS",
    "MODE_WORDS",
    "MONTHS_EN",
    "MONTHS_GENITIVE_PL",
    "MONTHS_IN_DATE",
    "Lang",
    "check_lang",
    "count",
    "day_abbr",
    "day_date",
    "day_name",
    "exact_number",
    "local_name",
    "long_date",
    "number",
    "pick",
    "plural",
    "plural_en",
    "plural_pl",
    "short_date",
]

Lang = Literal["en", "pl"]
#: The languages every rendering speaks, in the order the command line lists them.
LANGS: Final[tuple[str, ...]] = ("en", "pl")
DEFAULT_LANG: Final = "en"

_Entry = TypeVar("_Entry")


def check_lang(lang: object) -> str:
    """Return ``lang`` if it is a supported language, else raise ``InvalidOptionError``.

    >>> check_lang("en")
    'en'
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise InvalidOptionError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def pick(table: Mapping[str, _Entry], lang: str) -> _Entry:
    """The entry of a table keyed by language: ``table[lang]``, the language checked first.

    An unknown language raises :class:`~cus_match.errors.InvalidOptionError` (not a
    ``KeyError``), whichever table is read.

    Examples
    --------
    >>> pick({"en": "on foot", "pl": "pieszo"}, "en")
    'on foot'
    >>> pick({"en": 1, "pl": 2}, "fr")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidOptionError: lang must be one of en, pl, got 'fr'
    """
    return table[check_lang(lang)]


def local_name(thing: Any, lang: str, default: str | None = None) -> str:
    """The display name of ``thing`` in ``lang``: its ``name_pl`` or ``name_en``.

    Categories (and the lines of a certificate) carry a name per language; an empty name falls
    back to ``default``, else to the thing's ``id``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> walk = SimpleNamespace(id="walk", name_en="Walk", name_pl="Spacer")
    >>> local_name(walk, "pl"), local_name(SimpleNamespace(id="x", name_en="", name_pl=""), "en")
    ('Spacer', 'x')
    """
    name: str = getattr(thing, f"name_{check_lang(lang)}")
    return name or (thing.id if default is None else default)


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


# The forms each language wants, and its rule.
_PLURALS: Final[dict[str, tuple[tuple[str, ...], Callable[..., str]]]] = {
    "en": (("one", "many"), plural_en),
    "pl": (("one", "few", "many"), plural_pl),
}


def plural(n: float, lang: str, *forms: str) -> str:
    """The form of a noun after ``n`` in ``lang``.

    ``forms`` are the Polish three (one, few, many) for ``"pl"`` and the English two (one,
    many) for ``"en"``.

    >>> plural(3, "en", "visit", "visits"), plural(3, "pl", "wizyta", "wizyty", "wizyt")
    ('visits', 'wizyty')
    """
    names, rule = pick(_PLURALS, lang)
    if len(forms) != len(names):
        raise ValueError(f"{lang!r} needs the forms ({', '.join(names)}), got {forms!r}")
    return rule(n, *forms)


def count(n: float, lang: str, *forms: str, digits: int = 1) -> str:
    """``n`` and the noun after it in the right form: ``5 wizyt``, ``1,5 godziny``, ``1 visit``.

    ``forms`` as for :func:`plural`; the number as :func:`number` writes it.

    >>> count(5, "pl", "wizyta", "wizyty", "wizyt"), count(1.5, "en", "hour", "hours")
    ('5 wizyt', '1.5 hours')
    """
    return f"{number(n, lang, digits)} {plural(n, lang, *forms)}"


# Numbers -------------------------------------------------------------------------------------

_DECIMAL: Final[dict[str, str]] = {"en": ".", "pl": ","}


def number(x: float, lang: str, digits: int = 1, *, fixed: bool = False,
           trim: bool = False) -> str:
    """A number for a person: whole numbers plain, others to ``digits`` decimals.

    Polish takes a decimal comma. Trailing zeros of a fraction are kept to ``digits`` so that a
    column of numbers lines up (``1,50`` with ``digits=2``); ``trim`` drops them (``1,5``), and
    ``fixed`` writes every number, whole ones too, with ``digits`` decimals (``3,0``), as the
    one-line summaries do.

    >>> number(3, "en"), number(3.25, "pl", digits=2), number(-0.5, "pl")
    ('3', '3,25', '-0,5')
    >>> number(3, "pl", fixed=True), number(4.5, "pl", digits=2, trim=True)
    ('3,0', '4,5')
    """
    sep = pick(_DECIMAL, lang)
    if fixed and trim:
        raise ValueError("a number is either fixed or trimmed, not both")
    if fixed or not float(x).is_integer():
        text = f"{x:.{digits}f}"
        if trim and "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = str(round(x))
    return text.replace(".", sep)


def exact_number(x: float, lang: str) -> str:
    """Every digit of ``x`` (its shortest round-trip form), with the language's decimal mark.

    For values that must read back equal (a spreadsheet cell, an offending value quoted in an
    error): ``-0.25`` stays ``-0,25``, never rounded.

    >>> exact_number(-0.25, "pl"), exact_number(49.482, "en"), exact_number(1e-07, "pl")
    ('-0,25', '49.482', '1e-07')
    """
    return repr(x).replace(".", pick(_DECIMAL, lang))


# Days, months, dates -------------------------------------------------------------------------

DAY_ABBR: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "pl": ("pon", "wt", "śr", "czw", "pt", "sob", "nd"),
}
DAY_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
}
#: A weekday that recurs, as a shortage does: "Saturday (mornings)", "w soboty (rano)".
DAY_RECURRING: Final[dict[str, tuple[str, ...]]] = {
    "en": DAY_NAMES["en"],
    "pl": ("w poniedziałki", "we wtorki", "w środy", "w czwartki", "w piątki", "w soboty",
           "w niedziele"),
}
MONTHS_EN: Final[tuple[str, ...]] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December")
#: Polish month names in the genitive, as a date is written ("3 grudnia 2026").
MONTHS_GENITIVE_PL: Final[tuple[str, ...]] = (
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
    "września", "października", "listopada", "grudnia")
#: The month in a written-out date, by language.
MONTHS_IN_DATE: Final[dict[str, tuple[str, ...]]] = {"en": MONTHS_EN, "pl": MONTHS_GENITIVE_PL}
# Dates in a table: the Polish custom, ISO in English (strftime's %d %m %Y ignore the locale).
_SHORT_DATE: Final[dict[str, str]] = {"en": "%Y-%m-%d", "pl": "%d.%m.%Y"}


def day_abbr(weekday: int, lang: str) -> str:
    """Short weekday name, Monday = 0: ``Mon`` / ``pon``."""
    return pick(DAY_ABBR, lang)[weekday]


def day_name(weekday: int, lang: str) -> str:
    """Full weekday name, Monday = 0: ``Monday`` / ``poniedziałek``."""
    return pick(DAY_NAMES, lang)[weekday]


def day_date(d: date, lang: str) -> str:
    """A visit's day in a sentence: ``wt 24.03`` / ``Tue 24.03``.

    Day names come from here, not from ``strftime``'s ``%a``, which follows the process locale.

    >>> day_date(date(2026, 3, 24), "pl"), day_date(date(2026, 3, 24), "en")
    ('wt 24.03', 'Tue 24.03')
    """
    return f"{day_abbr(d.weekday(), lang)} {d:%d.%m}"


def short_date(d: date, lang: str) -> str:
    """A date in a table: ``24.03.2026`` in Polish, ISO ``2026-03-24`` in English.

    >>> short_date(date(2026, 3, 24), "pl"), short_date(date(2026, 3, 24), "en")
    ('24.03.2026', '2026-03-24')
    """
    return d.strftime(pick(_SHORT_DATE, lang))


def long_date(d: date, lang: str) -> str:
    """A date in a sentence: ``24 marca 2026`` / ``24 March 2026``.

    >>> long_date(date(2026, 12, 3), "pl"), long_date(date(2026, 12, 3), "en")
    ('3 grudnia 2026', '3 December 2026')
    """
    return f"{d.day} {pick(MONTHS_IN_DATE, lang)[d.month - 1]} {d.year}"


# Travel modes --------------------------------------------------------------------------------

#: How a helper travels, by :class:`~cus_match.model.TravelMode` value: a table's word.
MODE_WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {"walk": "on foot", "bike": "bike", "car": "car", "bus": "bus"},
    "pl": {"walk": "pieszo", "bike": "rower", "car": "samochód", "bus": "autobus"},
}
#: How a helper gets there, in a sentence: "12 min by bike", "12 min rowerem".
MODE_BY: Final[dict[str, dict[str, str]]] = {
    "en": {"walk": "on foot", "bike": "by bike", "car": "by car", "bus": "by bus"},
    "pl": {"walk": "pieszo", "bike": "rowerem", "car": "samochodem", "bus": "autobusem"},
}
#: A means of travel one has or lacks: "gain a bike", "środek transportu: rower".
MODE_NOUNS: Final[dict[str, dict[str, str]]] = {
    "en": {"walk": "on foot", "bike": "a bike", "car": "a car", "bus": "the bus"},
    "pl": MODE_WORDS["pl"],
}
