"""Labels of the HTML report in English and Polish, kept apart so a translator finds them all.

Reason texts come from :mod:`cus_match.reasons`; day names, plural forms and numbers from
:mod:`cus_match.lang`; table headers of the schedule, referrals and covered visits from
:mod:`cus_match.report.tables`. Every table is keyed by the languages of
:data:`cus_match.lang.LANGS`.
"""

from __future__ import annotations

from cus_match.lang import number, pick
from cus_match.optimise.rules import RULES, Rule

__all__ = ["CONSTRAINT_LABELS", "NOUNS", "RULE_DESCRIPTIONS", "STAGE_WORDS", "TERM_WORDS", "WORDS",
           "rule_in_words"]

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Proposed help plan",
        "subtitle": "Matching of volunteers and neighbours to residents' needs",
        "contents": "Contents",
        "proposal": "This plan is a proposal. The coordinator and the people concerned "
                    "approve it; nothing here is decided automatically.",
        "privacy": "Residents appear by their pseudonymous id only; no health or other "
                   "special-category data is shown.",
        "privacy_names": "This report shows residents' names, taken from a names file kept "
                         "outside the plan: do not share it with anyone who may not know them. "
                         "No health or other special-category data is shown.",
        "period": "Planning period",
        "instance": "Instance",
        # Sections
        "sec_summary": "Summary",
        "sec_coverage": "Coverage by place and kind of help",
        "sec_load": "Helpers' load",
        "sec_map": "Map of places",
        "sec_unmet": "Unmet visits and why",
        "sec_shortage": "Shortage diagnosis",
        "sec_referrals": "Referred to formal services",
        "sec_covered": "Visits met by formal services",
        "sec_schedule": "Helpers' schedule",
        "sec_rule": "Matching rule and approval",
        # Summary
        "status": "Status",
        "method": "Method",
        "rule": "Rule",
        "objective": "Objective value",
        "bound": "Best proven bound",
        "gap": "Gap to the bound",
        "runtime": "Computing time",
        "seconds": "s",
        "assignments": "Assignments (helper visits)",
        "visits_met": "Visits met",
        "helpers_used": "Helpers in the plan",
        "helper_hours": "Helper-hours",
        "visits_unmet": "Visits unmet",
        "visits_share": "Share of visits met",
        "worst_place": "Worst-served place",
        "covered_n": "Visits met by formal services",
        "referred_n": "Needs referred to formal services",
        "previous": "Helper–need pairs kept from the previous plan",
        "of": "of",
        "changes": "Visits changed from the baseline plan",
        "dropped": "Confirmed visits that could not be kept",
        "main_reasons": "Main reasons for unmet visits",
        "reason": "Reason",
        "constraint": "Constraint",
        "visits": "Visits",
        "none": "None.",
        "more_rows": "… and {n} more {rows} (the full lists: cus-match export --xlsx).",
        # Coverage
        "place": "Place",
        "category": "Kind of help",
        "met": "Met",
        "share": "Share met",
        "hours": "Hours",
        "hours_met": "Hours met",
        "chart_share": "share of visits met",
        "chart_place": "Coverage by place",
        "chart_category": "Coverage by kind of help",
        "no_visits": "No visits to plan in this period.",
        # Load
        "helper": "Helper",
        "helper_id": "Id",
        "period_hours": "Hours in the period",
        "week_hours": "Busiest week (h)",
        "cap": "Weekly cap (h)",
        "travel": "Travel (min)",
        "gini": "Gini coefficient of the load: {g} (0: everyone works the same hours; towards "
                "1: a few carry everything).",
        "load_note": "Helpers who could take at least one visit.",
        "chart_load": "Hours in the busiest week against the weekly cap",
        "chart_load_x": "hours",
        "chart_cap": "weekly cap",
        "no_helpers": "No helper could take any visit.",
        "top_shown": "The chart shows the {n} most loaded.",
        # Map
        "map_note": "Marker size: unmet hours; colour: share of visits met (grey: no visits).",
        "no_coords": "No place has coordinates: no map.",
        "missing_coords": "Places without coordinates, not shown: {n}.",
        "chart_map": "Places",
        "unmet_hours": "unmet hours",
        # Unmet
        "date": "Date",
        "day": "Day",
        "need": "Need (id)",
        "resident": "Resident (id)",
        "resident_name": "Resident",
        "group": "group",
        "main_reason": "Main reason",
        "excluded": "Helpers excluded by it",
        "near": "Would fit but for one thing",
        # Shortage
        "weekday": "Day",
        "band": "Time of day",
        "missing": "What is missing",
        "morning": "morning", "afternoon": "afternoon", "evening": "evening",
        # Rule
        "rule_is": "Matching rule",
        "rule_unknown": "a custom rule (its stages are not recorded in the result)",
        "approve": "Before visits are agreed, check with the resident and the helper; the "
                   "independent checker (cus-match check) re-verifies every constraint.",
        # Status
        "optimal": "optimal (proven best for the rule)",
        "feasible": "feasible (meets every constraint; not proven best)",
        "partial": "partial (a required need is left unmet)",
        "infeasible": "infeasible (the required needs cannot all be met)",
        "no_solution": "no plan found in the time given",
        # Quality in words, and the solver's values for specialists
        "quality": "Quality of the plan",
        "quality_optimal": "this is the best plan possible under the matching rule (proven).",
        "quality_gap": "this plan is at most {pct} below the best possible under the matching "
                       "rule.",
        "quality_unknown": "not known how close this plan is to the best possible: the method "
                           "used gives no bound.",
        "specialists": "For specialists: how the plan was computed",
        "status_code": "Status (code)",
        "rule_formula": "Rule, stage by stage",
        "seed": "Random seed",
        "numbers": "Numbers",
        # Map
        "km": "{n} km",
        "map_no_base": "Positions from the places' coordinates, without a base map (add roads "
                       "or boundaries: cus-match report --basemap FILE.geojson).",
        "map_base": "Base layer: {source} ({lines} lines, {areas} areas).",
        "map_points": "Points in the base layer are not drawn: {n}.",
        # Unmet, need by need
        "unmet_lead": "Without help: {visits} ({needs}). One line per need, required and higher "
                      "priority first; open a line for its dates, reasons and who nearly fits.",
        "unmet_more": "… and another {visits} without help ({needs}): the full list is in "
                      "the workbook (cus-match export --xlsx, sheet “Unmet visits”).",
        "unmet_dates": "Dates without help",
        "dates_more": "and {n} more",
        "place_is": "place",
        "required_need": "required",
        "priority_n": "priority {p}",
        "excluded_n": "excluded",
        "other_reasons": "Other reasons (helpers excluded)",
        "nobody": "nobody",
        "explain_cmd": "Full explanation: cus-match explain INSTANCE.json PLAN.json {need}",
        # Shortage
        "shortage_lead": "Where and when help is missing, most unmet hours first, and what is "
                         "missing there. Whom to recruit or train, and what it would change: "
                         "cus-match diagnose --what-if.",
        "shortage_more": "… and another {visits} without help in {cells} other combinations "
                         "of place, kind of help, day and time of day (cus-match diagnose lists "
                         "them all).",
        # Week grid and helper pages
        "sec_week": "Week by week",
        "week_of": "Week {days}",
        "grid_note": "One row per helper with visits that week; each visit as its hours (point "
                     "at it for the kind of help and the place). Below, each helper's schedule "
                     "in full: one printed page each.",
        "total_h": "Hours",
        "no_visits_week": "No visits this week.",
        "schedule_note": "Open a helper to see their visits. Printing the report prints every "
                         "helper's schedule on a page of its own.",
        "page_note": "A proposed plan: confirm each visit with the coordinator and the resident "
                     "before it takes place.",
        "pages_more": "… and {n} more (one sheet per helper: cus-match export --xlsx FILE "
                      "--sheet-per-helper).",
        "from": "From",
        "to": "To",
        "mode": "Travel by",
        "covered_open": "{visits} met by formal services (open for the list)",
        "stopped": "stopped early (the best plan found by then)",
    },
    "pl": {
        "title": "Proponowany plan pomocy",
        "subtitle": "Dobór wolontariuszy i sąsiadów do potrzeb mieszkańców",
        "contents": "Spis treści",
        "proposal": "Plan jest propozycją. Zatwierdzają go koordynator i zainteresowane "
                    "osoby; nic nie zostało tu rozstrzygnięte automatycznie.",
        "privacy": "Mieszkańcy występują wyłącznie pod identyfikatorami (pseudonimizacja); "
                   "raport nie zawiera danych o zdrowiu ani innych danych szczególnych "
                   "kategorii.",
        "privacy_names": "Raport pokazuje imiona i nazwiska mieszkańców z pliku przechowywanego "
                         "poza planem: nie udostępniaj go osobom, które nie mogą ich znać. "
                         "Raport nie zawiera danych o zdrowiu ani innych danych szczególnych "
                         "kategorii.",
        "period": "Okres planowania",
        "instance": "Dane",
        "sec_summary": "Podsumowanie",
        "sec_coverage": "Pokrycie potrzeb według miejsc i rodzajów pomocy",
        "sec_load": "Obciążenie pomagających",
        "sec_map": "Mapa miejscowości",
        "sec_unmet": "Wizyty bez pomocy i dlaczego",
        "sec_shortage": "Diagnoza niedoborów",
        "sec_referrals": "Skierowania do usług formalnych",
        "sec_covered": "Wizyty objęte usługami formalnymi",
        "sec_schedule": "Harmonogram pomagających",
        "sec_rule": "Zasada doboru i zatwierdzenie planu",
        "status": "Stan planu",
        "method": "Metoda",
        "rule": "Reguła",
        "objective": "Wartość celu",
        "bound": "Najlepsze udowodnione ograniczenie",
        "gap": "Luka względem ograniczenia",
        "runtime": "Czas obliczeń",
        "seconds": "s",
        "assignments": "Przydziały (wizyty pomagających)",
        "visits_met": "Zaplanowane wizyty",
        "helpers_used": "Pomagający w planie",
        "helper_hours": "Godziny pomocy",
        "visits_unmet": "Wizyty bez pomocy",
        "visits_share": "Odsetek zaplanowanych wizyt",
        "worst_place": "Najsłabiej obsłużone miejsce",
        "covered_n": "Wizyty objęte usługami formalnymi",
        "referred_n": "Potrzeby skierowane do usług formalnych",
        "previous": "Pary pomagający–potrzeba zachowane z poprzedniego planu",
        "of": "z",
        "changes": "Wizyty zmienione względem planu bazowego",
        "dropped": "Potwierdzone wizyty, których nie dało się utrzymać",
        "main_reasons": "Główne przyczyny braku pomocy",
        "reason": "Przyczyna",
        "constraint": "Wymóg",
        "visits": "Wizyty",
        "none": "Brak.",
        "more_rows": "… i jeszcze {n} {rows} (pełne zestawienia: cus-match export --xlsx).",
        "place": "Miejsce",
        "category": "Rodzaj pomocy",
        "met": "Zaplanowane",
        "share": "Odsetek",
        "hours": "Godziny",
        "hours_met": "Godziny zaplanowane",
        "chart_share": "odsetek zaplanowanych wizyt",
        "chart_place": "Pokrycie według miejsc",
        "chart_category": "Pokrycie według rodzajów pomocy",
        "no_visits": "W tym okresie nie ma wizyt do zaplanowania.",
        "helper": "Pomagający",
        "helper_id": "Id",
        "period_hours": "Godziny w okresie",
        "week_hours": "Najbardziej obciążony tydzień (h)",
        "cap": "Limit tygodniowy (h)",
        "travel": "Dojazd (min)",
        "gini": "Współczynnik Giniego obciążenia: {g} (0 — wszyscy pracują tyle samo godzin; "
                "im bliżej 1, tym bardziej ciężar spoczywa na nielicznych).",
        "load_note": "Pomagający, którzy mogli podjąć co najmniej jedną wizytę.",
        "chart_load": "Godziny w najbardziej obciążonym tygodniu a limit tygodniowy",
        "chart_load_x": "godziny",
        "chart_cap": "limit tygodniowy",
        "no_helpers": "Żaden pomagający nie mógł podjąć żadnej wizyty.",
        "top_shown": "Wykres pokazuje {n} najbardziej obciążonych.",
        "map_note": "Wielkość znacznika — godziny bez pomocy; kolor — odsetek zaplanowanych "
                    "wizyt (szary: brak wizyt).",
        "no_coords": "Żadne miejsce nie ma współrzędnych: mapa niedostępna.",
        "missing_coords": "Pominięto miejsca bez współrzędnych: {n}.",
        "chart_map": "Miejsca",
        "unmet_hours": "godziny bez pomocy",
        "date": "Data",
        "day": "Dzień",
        "need": "Potrzeba (id)",
        "resident": "Mieszkaniec (id)",
        "resident_name": "Mieszkaniec",
        "group": "grupa",
        "main_reason": "Główna przyczyna",
        "excluded": "Wykluczeni z tej przyczyny",
        "near": "Osoby, którym brakuje tylko jednego warunku",
        "weekday": "Dzień",
        "band": "Pora dnia",
        "missing": "Czego brakuje",
        "morning": "rano", "afternoon": "po południu", "evening": "wieczorem",
        "rule_is": "Zasada doboru",
        "rule_unknown": "reguła własna (jej etapy nie są zapisane w wyniku)",
        "approve": "Zanim wizyty zostaną uzgodnione, potwierdź je z mieszkańcem i pomagającym; "
                   "niezależny sprawdzian (cus-match check) weryfikuje każdy wymóg.",
        "optimal": "optymalny (najlepszy możliwy według reguły)",
        "feasible": "dopuszczalny (spełnia wszystkie wymogi; nie wykazano, że najlepszy)",
        "partial": "częściowy (obowiązkowa potrzeba została bez pomocy)",
        "infeasible": "niewykonalny (nie da się zaspokoić wszystkich obowiązkowych potrzeb)",
        "no_solution": "nie znaleziono planu w zadanym czasie",
        "quality": "Jakość planu",
        "quality_optimal": "to najlepszy możliwy plan według przyjętej zasady doboru "
                           "(udowodnione).",
        "quality_gap": "ten plan jest najwyżej o {pct} słabszy od najlepszego możliwego według "
                       "przyjętej zasady doboru.",
        "quality_unknown": "nie wiadomo, jak blisko najlepszego możliwego jest ten plan: użyta "
                           "metoda nie daje takiego oszacowania.",
        "specialists": "Dla specjalistów: jak obliczono plan",
        "status_code": "Stan (kod)",
        "rule_formula": "Reguła, etap po etapie",
        "seed": "Ziarno losowania",
        "numbers": "Liczby",
        "km": "{n} km",
        "map_no_base": "Położenie według współrzędnych miejsc, bez podkładu (drogi lub granice "
                       "można dodać: cus-match report --basemap PLIK.geojson).",
        "map_base": "Podkład: {source} (linie: {lines}, obszary: {areas}).",
        "map_points": "Pominięto punkty z podkładu (rysowane są tylko linie i obszary): {n}.",
        "unmet_lead": "Bez pomocy: {visits} ({needs}). Jeden wiersz na potrzebę — najpierw "
                      "obowiązkowe i o wyższym priorytecie; rozwiń wiersz, by zobaczyć daty, "
                      "przyczyny i osoby, które prawie pasują.",
        "unmet_more": "… i jeszcze {visits} bez pomocy ({needs}): pełna lista jest "
                      "w skoroszycie (cus-match export --xlsx, arkusz „Wizyty bez pomocy”).",
        "unmet_dates": "Daty bez pomocy",
        "dates_more": "i jeszcze {n}",
        "place_is": "miejsce",
        "required_need": "obowiązkowa",
        "priority_n": "priorytet {p}",
        "excluded_n": "wykluczone z tej przyczyny",
        "other_reasons": "Inne przyczyny (liczba wykluczonych)",
        "nobody": "nikt",
        "explain_cmd": "Pełne wyjaśnienie: cus-match --lang pl explain DANE.json PLAN.json "
                       "{need}",
        "shortage_lead": "Gdzie i kiedy brakuje pomocy (najpierw najwięcej godzin) i czego tam "
                         "brakuje. Kogo zwerbować lub przeszkolić i co by to zmieniło: "
                         "cus-match diagnose --what-if.",
        "shortage_more": "… i jeszcze {visits} bez pomocy w innych zestawieniach miejsca, "
                         "rodzaju pomocy, dnia i pory dnia (ich liczba: {cells}; wszystkie "
                         "pokazuje cus-match diagnose).",
        "sec_week": "Tydzień po tygodniu",
        "week_of": "Tydzień {days}",
        "grid_note": "Jeden wiersz dla każdej osoby, która ma w tym tygodniu wizyty; każda "
                     "wizyta to jej godziny (wskaż ją, by zobaczyć rodzaj pomocy i miejsce). "
                     "Niżej pełny harmonogram każdej osoby — na wydruku każda na osobnej "
                     "stronie.",
        "total_h": "Godziny",
        "no_visits_week": "Brak wizyt w tym tygodniu.",
        "schedule_note": "Rozwiń, by zobaczyć wizyty. Wydruk raportu drukuje harmonogram każdej "
                         "osoby na osobnej stronie.",
        "page_note": "Plan jest propozycją: przed każdą wizytą potwierdź ją z koordynatorem "
                     "i mieszkańcem.",
        "pages_more": "… i jeszcze {n} (arkusz dla każdej osoby: cus-match export --xlsx PLIK "
                      "--sheet-per-helper).",
        "from": "Od",
        "to": "Do",
        "mode": "Środek transportu",
        "covered_open": "Objęte usługami formalnymi: {visits} (rozwiń, by zobaczyć listę)",
        "stopped": "przerwany (najlepszy plan znaleziony do tej chwili)",
    },
}

#: Counted nouns: the plural forms after a number (:func:`cus_match.lang.plural`).
NOUNS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"row": ("row", "rows"), "visit": ("visit", "visits"), "need": ("need", "needs"),
           "helper": ("helper", "helpers")},
    "pl": {"row": ("wiersz", "wiersze", "wierszy"), "visit": ("wizyta", "wizyty", "wizyt"),
           "need": ("potrzeba", "potrzeby", "potrzeb"),
           "helper": ("osoba pomagająca", "osoby pomagające", "osób pomagających")},
}

_PRACTICAL_CONSTRAINTS = ("subsidiarity", "quality", "travel", "formal", "supply",
                          "re-planning")

#: The practical labels of :attr:`cus_match.reasons.Reason.constraint` (``H1``... stay as they
#: are).
CONSTRAINT_LABELS: dict[str, dict[str, str]] = {
    "en": {r: r for r in _PRACTICAL_CONSTRAINTS},
    "pl": {"subsidiarity": "pomocniczość", "quality": "jakość", "travel": "dojazd",
           "formal": "usługi formalne", "supply": "brak pomagających",
           "re-planning": "zmiana planu"},
}

#: One-line descriptions of the named rules (:data:`cus_match.optimise.rules.RULES`): the
#: rules' own in English, translated here.
RULE_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "en": {name: rule.description for name, rule in RULES.items()},
    "pl": {
        "fifo": "pokrycie potrzeb ważone priorytetem, następnie ciągłość, lokalność i czas "
                "dojazdu",
        "priority": "pokrycie potrzeb ważone priorytetem, następnie najkrótszy dojazd, następnie "
                    "ciągłość i lokalność",
        "utilitarian": "jedna ważona suma pokrycia, dojazdu, ciągłości i lokalności",
        "equity": "najpierw najsłabiej obsłużone miejsce, następnie pokrycie potrzeb ważone "
                  "priorytetem",
        "repair": "pokrycie potrzeb ważone priorytetem, następnie jak najmniej zmian względem "
                  "planu bazowego, następnie ciągłość, lokalność i dojazd",
        "stable": "odroczona akceptacja (deferred acceptance); propozycje składają wizyty "
                  "mieszkańców",
        "stable-helpers": "odroczona akceptacja (deferred acceptance); propozycje składają "
                          "pomagający",
        "nearest": "każda potrzeba po kolei trafia do najbliższego wolnego pomagającego, który "
                   "spełnia warunki",
    },
}

#: The terms of a rule (:data:`cus_match.optimise.rules.TERMS`) in words, as they follow "the
#: most" / "jak najwięcej" (so Polish in the genitive).
TERM_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "weighted_coverage": "minutes of help weighted by priority",
        "coverage": "minutes of help", "visits": "visits met", "travel": "travel minutes",
        "continuity": "visits by a helper the resident knows",
        "locality": "visits by a helper from the same place",
        "kept": "visits kept from the baseline plan",
    },
    "pl": {
        "weighted_coverage": "minut pomocy ważonych priorytetem",
        "coverage": "minut pomocy", "visits": "zaplanowanych wizyt", "travel": "minut dojazdu",
        "continuity": "wizyt pomagającego znanego mieszkańcowi",
        "locality": "wizyt pomagającego z tej samej miejscowości",
        "kept": "wizyt zachowanych z planu bazowego",
    },
}

#: How a rule's stages are strung together in words.
STAGE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "first": "first: {stage}", "then": "then: {stage}", "join": "; ",
        "most": "the most {terms}", "fewest": "the fewest {terms}",
        "sum": "the most in total of {terms}",
        "equity": "the highest share of visits met in the worst-served place",
    },
    "pl": {
        "first": "najpierw: {stage}", "then": "potem: {stage}", "join": "; ",
        "most": "jak najwięcej {terms}", "fewest": "jak najmniej {terms}",
        "sum": "jak najwięcej łącznie: {terms}",
        "equity": "jak największy odsetek zaplanowanych wizyt w najsłabiej obsłużonym miejscu",
    },
}


def rule_in_words(rule: Rule, lang: str) -> str:
    r"""What ``rule`` optimises, stage by stage, in words a coordinator reads (no term ids).

    Replaces the formula of :meth:`Rule.describe <cus_match.optimise.rules.Rule.describe>`
    (``fifo: maximise weighted_coverage; then ...``) wherever people read it.

    Parameters
    ----------
    rule : Rule
        A rule (a named one or one of the user's own).
    lang : {"en", "pl"}
        Language of the text.

    Examples
    --------
    >>> print(rule_in_words(RULES["fifo"], "pl").replace("; ", "\n"))
    najpierw: jak najwięcej minut pomocy ważonych priorytetem
    potem: jak najwięcej łącznie: 30 × wizyt pomagającego znanego mieszkańcowi + 10 × wizyt
    pomagającego z tej samej miejscowości − minut dojazdu
    >>> print(rule_in_words(RULES["priority"], "en").replace("; ", "\n"))
    first: the most minutes of help weighted by priority
    then: the fewest travel minutes
    then: the most in total of 3 × visits by a helper the resident knows + visits by a helper
    from the same place
    >>> rule_in_words(RULES["nearest"], "en") == RULE_DESCRIPTIONS["en"]["nearest"]
    True
    """
    from cus_match.optimise.rules import TERMS, Equity

    words, terms = pick(STAGE_WORDS, lang), pick(TERM_WORDS, lang)
    if rule.algorithm is not None:
        return pick(RULE_DESCRIPTIONS, lang).get(rule.name, rule.description)
    stages = []
    for stage in rule.stages:
        if isinstance(stage, Equity):
            stages.append(words["equity"])
            continue
        used = [(n, w) for n, w in stage.weights if w]
        if len(used) == 1:
            n = used[0][0]
            key = "most" if TERMS[n].sense > 0 else "fewest"
            stages.append(words[key].format(terms=terms[n]))
            continue
        parts: list[str] = []
        for n, w in used:
            sign = ("+ " if TERMS[n].sense > 0 else "− ") if parts else (
                "" if TERMS[n].sense > 0 else "− ")
            weight = "" if w == 1 else f"{number(w, lang, 2, trim=True)} × "
            parts.append(f"{sign}{weight}{terms[n]}")
        stages.append(words["sum"].format(terms=" ".join(parts)))
    return words["join"].join(
        words["first" if i == 0 else "then"].format(stage=s) for i, s in enumerate(stages))
