"""Words for diagnosis texts in English and Polish: day names, time bands, plurals, gaps.

Kept apart from the logic so a translator finds every phrase in one place.
"""

from __future__ import annotations

from cus_match.clock import Weekday
from cus_match.model import TravelMode

# Plural weekday names: a shortage recurs ("Saturday mornings", "w soboty rano").
DAYS_EN = {Weekday.MON: "Monday", Weekday.TUE: "Tuesday", Weekday.WED: "Wednesday",
           Weekday.THU: "Thursday", Weekday.FRI: "Friday", Weekday.SAT: "Saturday",
           Weekday.SUN: "Sunday"}
DAYS_PL = {Weekday.MON: "w poniedziałki", Weekday.TUE: "we wtorki", Weekday.WED: "w środy",
           Weekday.THU: "w czwartki", Weekday.FRI: "w piątki", Weekday.SAT: "w soboty",
           Weekday.SUN: "w niedziele"}
DAYS_SHORT = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
              "pl": ("pon", "wt", "śr", "czw", "pt", "sob", "nd")}
BANDS_EN = {"morning": "mornings", "afternoon": "afternoons", "evening": "evenings"}
BANDS_PL = {"morning": "rano", "afternoon": "po południu", "evening": "wieczorem"}

MODES = {
    "en": {TravelMode.WALK: "on foot", TravelMode.BIKE: "a bike", TravelMode.CAR: "a car",
           TravelMode.BUS: "the bus"},
    "pl": {TravelMode.WALK: "pieszo", TravelMode.BIKE: "rower", TravelMode.CAR: "samochód",
           TravelMode.BUS: "autobus"},
}

#: Credentials a coordinator can have helpers complete, with their names (en; pl genitive).
CREDENTIALS: dict[str, tuple[str, str]] = {
    "child_protection": (
        "the child-protection checks (RSPS register, criminal record KRK)",
        "sprawdzenia w RSPS i informacji z KRK (ochrona małoletnich)"),
    "first_aid": ("a valid first-aid certificate",
                  "ważnego zaświadczenia o kursie pierwszej pomocy"),
    "fitness_declaration": ("a declaration of fitness to care",
                            "oświadczenia o zdolności do sprawowania opieki"),
    "safety_briefing": ("the health-and-safety (BHP) briefing", "informacji o BHP"),
    "accident_insurance": ("accident insurance (NNW)", "ubezpieczenia NNW"),
}


def plural_pl(n: int, one: str, few: str, many: str) -> str:
    """Polish plural form for ``n`` (1 wizyta, 2 wizyty, 5 wizyt, 22 wizyty, 12 wizyt).

    >>> [plural_pl(n, "wizyta", "wizyty", "wizyt") for n in (1, 2, 5, 12, 22)]
    ['wizyta', 'wizyty', 'wizyt', 'wizyt', 'wizyty']
    """
    if n == 1:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def number(x: float, lang: str) -> str:
    """One decimal, with a decimal comma in Polish."""
    s = f"{x:.1f}"
    return s.replace(".", ",") if lang == "pl" else s
