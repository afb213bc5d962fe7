"""Polish versions of the structurer's and the instance checks' messages.

The model and :mod:`cus_match.io.structure` report problems in English; a coordinator reading a
workbook in Polish gets them in Polish. Each message is matched by a pattern that keeps its
values (ids, numbers, dates); dates are shown as ``DD.MM.YYYY``. A message without a Polish
version is shown in English rather than dropped (``tests/test_sheets.py`` checks that the
messages a spreadsheet can cause all have one).

Examples
--------
>>> to_polish("unknown place 'nowotaniec'")
"nieznane miejsce 'nowotaniec'"
>>> to_polish("end 2026-03-01 is before start 2026-03-05")
'koniec 01.03.2026 jest przed początkiem 05.03.2026'
"""

from __future__ import annotations

import re

__all__ = ["has_polish", "to_polish"]

_WHAT_GEN = {"place": "nieznane miejsce", "resident": "nieznany mieszkaniec",
             "helper": "nieznany pomagający", "category": "nieznana kategoria"}

_RULES: tuple[tuple[str, str], ...] = (
    (r"missing required field", "brak wymaganej wartości"),
    (r"must not be null", "nie może być puste"),
    (r"must not be empty", "nie może być puste"),
    (r"unknown (place|resident|helper|category) (.+)", "{unknown}"),
    (r"duplicate id (.+) \(first used at (.+)\)",
     r"powtórzony identyfikator \1 (pierwszy raz: \2)"),
    (r"must be > 0, got (.+)", r"musi być większe od 0, jest \1"),
    (r"must be >= 0, got (.+)", r"nie może być ujemne, jest \1"),
    (r"(\w+): speed must be > 0 km/h, got (.+)", r"prędkość musi być większa od 0 km/h, jest \2"),
    (r"(\w+): minutes must be >= 0, got (.+)", r"minuty nie mogą być ujemne, jest \2"),
    (r"give travel minutes for at least one mode",
     "podaj minuty dojazdu dla co najmniej jednego sposobu"),
    (r"expected a whole number, got \w+ (.+)", r"oczekiwano liczby całkowitej, jest \1"),
    (r"expected a (?:finite )?number, got (?:\w+ )?(.+)", r"oczekiwano liczby, jest \1"),
    (r"must be a finite number, got (.+)", r"oczekiwano skończonej liczby, jest \1"),
    (r"number too large: (.+)", r"za duża liczba: \1"),
    (r"expected .+, got .+", "niewłaściwa wartość w tej kolumnie"),
    (r"(.+) is not a valid id .*",
     r"\1 to niepoprawny identyfikator (1-128 liter, cyfr lub _ . : - /, "
     "na początku litera lub cyfra)"),
    (r"(.+) is not a time of day HH:MM \(00:00-24:00\)",
     r"\1 to niepoprawna godzina (00:00-24:00)"),
    (r"(.+) is not a date YYYY-MM-DD", r"\1 nie jest datą"),
    (r"(.+) is not a known IANA time zone .*",
     r"\1 to nieznana strefa czasowa (np. Europe/Warsaw)"),
    (r"(.+) is not one of (.+)", r"\1 to nie jedna z wartości \2"),
    (r"end (\S+) is not after start (\S+) \(windows cannot cross midnight: split into two\)",
     r"koniec \1 nie jest po początku \2 (przedział nie może przechodzić przez północ: "
     "podziel go na dwa)"),
    (r"end (\S+) is before start (\S+)", r"koniec \1 jest przed początkiem \2"),
    (r"(?:valid_to|nnw_valid_to) (\S+) is before (?:valid_from|nnw_valid_from) (\S+)",
     r"data końcowa \1 jest przed początkową \2"),
    (r"latitude must be within -90\.\.90, got (.+)",
     r"szerokość geograficzna musi być w zakresie -90..90, jest \1"),
    (r"longitude must be within -180\.\.180, got (.+)",
     r"długość geograficzna musi być w zakresie -180..180, jest \1"),
    (r"give both lat and lon, or neither",
     "podaj obie współrzędne (szerokość i długość) albo żadnej"),
    (r"place (.+) has no coordinates and the instance has no travel network .*",
     r"miejsce \1 nie ma współrzędnych, a nie ma arkusza dojazdów: "
     "nie da się policzyć dojazdu"),
    (r"an edge must join two different places, got (.+) twice",
     r"dojazd musi łączyć dwa różne miejsca, a \1 podano dwa razy"),
    (r"a helper needs at least one availability window",
     "pomagający musi mieć co najmniej jeden termin dostępności"),
    (r"a need needs at least one time window", "potrzeba musi mieć co najmniej jeden przedział "
     "godzin"),
    (r"a need without a resident \(group session\) needs a place",
     "potrzeba bez mieszkańca (zajęcia grupowe) musi mieć miejsce"),
    (r"(\d+) minutes do not fit in any window \(the longest is (\d+) minutes\)",
     r"\1 min nie mieści się w żadnym przedziale godzin (najdłuższy ma \2 min)"),
    (r"a one-off need needs a date", "potrzeba jednorazowa musi mieć datę"),
    (r"a one-off need takes only a date, no days/start/end",
     "potrzeba jednorazowa ma tylko datę: usuń dni tygodnia i daty od/do"),
    (r"a weekly need needs at least one weekday",
     "podaj datę (jednorazowo) albo dni tygodnia (co tydzień)"),
    (r"a weekly need takes days, not a date",
     "potrzeba cotygodniowa ma dni tygodnia, nie datę"),
    (r"(\S+) is outside the planning period (\S+)\.\.(\S+)",
     r"\1 jest poza okresem planowania \2-\3"),
    (r"the need has no visit in the planning period (\S+)\.\.(\S+)",
     r"potrzeba nie ma żadnej wizyty w okresie planowania \1-\2"),
    (r"the planning period has (\d+) days; at most (\d+) are supported",
     r"okres planowania ma \1 dni; obsługiwane jest najwyżej \2"),
    (r"expected a list of strings, got the string (.+)", r"oczekiwano listy, jest tekst \1"),
    (r"unknown field (.+)", r"nieznane pole \1"),
)
_COMPILED = tuple((re.compile(p), t) for p, t in _RULES)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _match(message: str) -> tuple[re.Match[str], str] | None:
    for pattern, template in _COMPILED:
        m = pattern.fullmatch(message)
        if m:
            return m, template
    return None


def has_polish(message: str) -> bool:
    """Whether ``message`` has a Polish version."""
    return _match(message) is not None


def to_polish(message: str) -> str:
    """The Polish version of an English problem message (the English one if there is none)."""
    found = _match(message)
    if found is None:
        return message
    m, template = found
    out = f"{_WHAT_GEN[m[1]]} {m[2]}" if template == "{unknown}" else m.expand(template)
    return _ISO.sub(r"\3.\2.\1", out)
