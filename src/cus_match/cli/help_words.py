"""The help texts of ``cus-match`` and of every command, in English and Polish: their one home.

:data:`HELP` is keyed by the command (its words after ``cus-match``, ``""`` for the top level,
``"history save"`` for a sub-command) and then by the option (its longest name, or the
positional argument's name), ``"help"`` (the command's line in its parent's list),
``"description"``, ``"epilog"`` or ``"group:KEY"`` (the title of an argument group made with
``add_argument_group(KEY)``). The command modules build their parsers without texts;
:func:`localise_help` fills them in, in the language known before parsing, with argparse's own
headings (``usage:``, ``options``...) in that language too.

A ``{name}`` in a text is the parser's default of that name (``set_defaults``), so a number that
depends on the code is written once.

Examples
--------
>>> HELP["solve"]["--quiet"]["pl"]
'wypisz tylko podsumowanie'
>>> import argparse
>>> p = argparse.ArgumentParser(prog="cus-match")
>>> _ = p.add_argument("--version", action="version", version="1")
>>> localise_help(p, "pl")
>>> print(p.format_help())  # doctest: +NORMALIZE_WHITESPACE
użycie: cus-match [-h] [--version]
<BLANKLINE>
Dobór wolontariuszy i sąsiadów do potrzeb mieszkańców w Centrum Usług Społecznych (CUS).
Propozycje wspierają decyzję: zatwierdzają je ludzie.
<BLANKLINE>
opcje:
  -h, --help  pokaż tę pomoc i zakończ
  --version   wypisz wersję i zakończ
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from typing import Any

from cus_match.lang import check_lang

__all__ = ["HEADINGS", "HELP", "METAVARS", "localise_help"]

_Text = Mapping[str, str]


def _t(en: str, pl: str) -> _Text:
    return {"en": en, "pl": pl}


#: argparse's own words, which it has in English only.
HEADINGS: Mapping[str, _Text] = {
    "usage": _t("usage: ", "użycie: "),
    "positionals": _t("positional arguments", "argumenty"),
    "options": _t("options", "opcje"),
    "-h": _t("show this help message and exit", "pokaż tę pomoc i zakończ"),
}

#: The names standing for a command and a sub-command in usage lines.
METAVARS: Mapping[str, _Text] = {
    "COMMAND": _t("COMMAND", "POLECENIE"),
    "ACTION": _t("ACTION", "CZYNNOŚĆ"),
}

# Texts several commands share.
_LANG = _t("language of printed text", "język wypisywanego tekstu")
_INSTANCE = _t("instance JSON", "plik danych (JSON)")
_RESULT = _t("result JSON", "plik planu (JSON)")
_STDOUT = _t("file to write (default: standard output)",
             "plik do zapisania (domyślnie: standardowe wyjście)")
_NAMES_IDS = _t("residents' names, one 'id;name' per line (default: ids only)",
                "imiona i nazwiska mieszkańców, jeden wiersz 'id;nazwa' na osobę "
                "(domyślnie: same identyfikatory)")
_NAMES_BESIDE = _t("names to show beside the ids, one 'id;name' per line",
                   "imiona i nazwiska do pokazania obok identyfikatorów, jeden wiersz "
                   "'id;nazwa' na osobę")
_SEEDS = _t("comma-separated solver seeds", "ziarna solwera, rozdzielone przecinkami")
_TIME_PER_SOLVE = _t("seconds per solve; wall-clock, so results may vary between runs",
                     "sekundy na jedno rozwiązanie; to czas zegarowy, więc wyniki mogą się "
                     "różnić między uruchomieniami")
_WORK_LIMIT = _t("deterministic work units per solve (the default mode, {work_default}): the "
                 "same results on any machine or executor",
                 "deterministyczne jednostki pracy na jedno rozwiązanie (tryb domyślny, "
                 "{work_default}): te same wyniki na każdym komputerze, lokalnie i w Dask")
_JOBS = _t("local worker processes (default: 1, in this process)",
           "lokalne procesy robocze (domyślnie: 1, w tym procesie)")
_SCHEDULER = _t("a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (needs the 'dask' extra); "
                "instance files are sent as JSON text",
                "działający planista zadań Dask (scheduler), np. tcp://10.0.0.5:8786 (wymaga "
                "dodatku 'dask'); pliki danych są wysyłane jako tekst JSON")
_LOG = _t("JSON-lines log of finished solves (default: OUTPUT/runs.jsonl); a rerun skips what "
          "it holds",
          "dziennik ukończonych rozwiązań, wiersz JSON na rozwiązanie (domyślnie: "
          "OUTPUT/runs.jsonl); ponowne uruchomienie pomija to, co już w nim jest")
_FROM = _t("first date (01.01.2026 or 2026-01-01)", "pierwszy dzień (01.01.2026 lub 2026-01-01)")
_TO = _t("last date (30.06.2026 or 2026-06-30)", "ostatni dzień (30.06.2026 lub 2026-06-30)")
_LAST = _t("only the last N rounds", "tylko ostatnie N rund")
_BEFORE = _t("only rounds that ended before this date",
             "tylko rundy zakończone przed tym dniem")
_PROPOSALS = _t("count rounds not yet approved too", "licz też rundy jeszcze niezatwierdzone")
_WHEN = _t("when (ISO date-time with offset; default now)",
           "kiedy (data i godzina ISO ze strefą czasową; domyślnie teraz)")
_ROUND = _t("round id or label, e.g. 2026-w13", "identyfikator lub etykieta rundy, np. 2026-w13")
_PERSON = _t("helper or resident id", "identyfikator pomagającego lub mieszkańca")
_KIND = _t("look only at helpers or only at residents (needed when the id names both)",
           "szukaj tylko wśród pomagających ('helper') albo tylko wśród mieszkańców ('resident'); "
           "potrzebne, gdy ten sam identyfikator ma pomagający i mieszkaniec")

#: Every help text: command, then option (or ``help``, ``description``, ``epilog``,
#: ``group:KEY``), then language.
HELP: Mapping[str, Mapping[str, _Text]] = {
    "": {
        "description": _t(
            "Match volunteers and neighbours to residents' needs for a Social Services Centre "
            "(CUS). Proposals are decision support: people approve them.",
            "Dobór wolontariuszy i sąsiadów do potrzeb mieszkańców w Centrum Usług "
            "Społecznych (CUS). Propozycje wspierają decyzję: zatwierdzają je ludzie."),
        "--lang": _t("language of printed text, before or after the command (default: Polish "
                     "when the system locale is Polish, else English)",
                     "język wypisywanego tekstu, przed poleceniem lub po nim (domyślnie: "
                     "polski, gdy system ma polskie ustawienia regionalne, a poza tym "
                     "angielski)"),
        "--version": _t("print the version and exit", "wypisz wersję i zakończ"),
        "command": _t("the command to run (cus-match COMMAND --help tells more of each)",
                      "polecenie do wykonania (cus-match POLECENIE --help opisuje każde "
                      "dokładniej)"),
    },
    "demo": {
        "help": _t("solve the bundled rural demo instance and print the plan",
                   "rozwiąż dołączony przykład gminy wiejskiej i wypisz plan"),
        "--output": _t("also write the result JSON here", "zapisz też tu plik planu (JSON)"),
        "--lang": _LANG,
    },
    "generate": {
        "help": _t("write a synthetic instance", "zapisz wygenerowane dane przykładowe"),
        "--profile": _t("tiny, rural (default), town or city",
                        "tiny (maleńka), rural (wiejska, domyślnie), town (miasto) lub city "
                        "(duże miasto)"),
        "--seed": _t("seed of the generator (default: 0)", "ziarno generatora (domyślnie: 0)"),
        "--weeks": _t("weeks of the planning period (default: the profile's)",
                      "liczba tygodni okresu planowania (domyślnie: według profilu)"),
        "--scale": _t("size multiplier (default: 1)", "mnożnik wielkości (domyślnie: 1)"),
        "--demo": _t("the bundled demo instance, generated afresh (to rewrite "
                     "src/cus_match/generate/data/demo_rural.json after a change to the "
                     "generator)",
                     "dołączony przykład, wygenerowany od nowa (aby odświeżyć "
                     "src/cus_match/generate/data/demo_rural.json po zmianie generatora)"),
        "--library": _t("a named benchmark instance (cus-rural-1, cus-town-1, ...), checked "
                        "against its published digest",
                        "nazwany przykład do porównań (cus-rural-1, cus-town-1, ...), sprawdzony "
                        "z opublikowanym skrótem"),
        "--output": _STDOUT,
        "--lang": _LANG,
    },
    "validate": {
        "help": _t("check an instance file and report every problem",
                   "sprawdź plik danych i zgłoś wszystkie błędy"),
        "file": _INSTANCE,
        "--lang": _LANG,
    },
    "schema": {
        "help": _t("print the JSON Schema of instance or result files",
                   "wypisz schemat JSON (JSON Schema) plików danych lub planów"),
        "--kind": _t("instance (default) or result", "'instance' (dane, domyślnie) lub 'result' "
                     "(plan)"),
        "--lang": _LANG,
    },
    "template": {
        "help": _t("write a spreadsheet template to fill in (.xlsx or CSV)",
                   "zapisz arkusz do wypełnienia (.xlsx lub CSV)"),
        "output": _t("workbook (.xlsx) or folder (CSV) to write",
                     "skoroszyt (.xlsx) lub folder (CSV) do zapisania"),
        "--format": _t("default: xlsx when OUTPUT ends in .xlsx, else csv",
                       "domyślnie: xlsx, gdy OUTPUT kończy się na .xlsx, a poza tym csv"),
        "--lang": _t("language of sheets, headers and instructions",
                     "język arkuszy, nagłówków i instrukcji"),
        "--demo": _t("fill it with the bundled demo instance instead of one example row",
                     "wypełnij go dołączonym przykładem zamiast jednym wierszem wzoru"),
    },
    "import": {
        "help": _t("read an instance from a spreadsheet (.xlsx or a CSV folder), report every "
                   "problem, write instance JSON",
                   "wczytaj dane z arkusza (.xlsx lub folderu CSV), zgłoś wszystkie błędy, "
                   "zapisz plik danych (JSON)"),
        "source": _t("workbook (.xlsx) or folder of CSV files",
                     "skoroszyt (.xlsx) lub folder z plikami CSV"),
        "--output": _STDOUT,
        "--lang": _t("language of the problem messages", "język komunikatów o błędach"),
    },
    "solve": {
        "help": _t("solve an instance file", "ułóż plan dla pliku danych"),
        "file": _INSTANCE,
        "--output": _t("result JSON to write", "plik planu (JSON) do zapisania"),
        "--rule": _t("matching rule: fifo (default), priority, utilitarian, equity, repair, "
                     "stable, stable-helpers or nearest",
                     "reguła doboru: fifo (kolejność zgłoszeń, domyślnie), priority "
                     "(pierwszeństwo), utilitarian (najwięcej godzin), equity (równość między "
                     "miejscowościami), repair (jak najmniej zmian), stable, stable-helpers "
                     "(trwałe pary) lub nearest (najbliżsi)"),
        "--weights": _t("a custom one-stage rule instead of --rule, e.g. "
                        "'weighted_coverage=1,travel=2,continuity=30'",
                        "własna reguła jednoetapowa zamiast --rule, np. "
                        "'weighted_coverage=1,travel=2,continuity=30'"),
        "--pin": _t("keep every visit of this result JSON (confirmed visits); those the "
                    "instance no longer allows are dropped and listed with reasons",
                    "zachowaj wszystkie wizyty z tego pliku planu (wizyty potwierdzone); te, "
                    "na które dane już nie pozwalają, zostaną usunięte i wypisane z "
                    "powodami"),
        "--baseline": _t("the plan being re-planned: report how many visits changed (use "
                         "--rule repair to change as few as possible)",
                         "plan, który jest układany na nowo: podaj, ile wizyt się zmieniło "
                         "(z --rule repair zmienia się ich jak najmniej)"),
        "--method": _t("greedy (FIFO by hand), flow, cpsat, timeindexed or auto (default: auto)",
                       "greedy (kolejność zgłoszeń, jak ręcznie), flow (przepływ), cpsat, "
                       "timeindexed (model z podziałem czasu) lub auto (domyślnie: auto)"),
        "--time-limit": _t("time limit in seconds of the whole command (default 30)",
                           "limit czasu w sekundach dla całego polecenia (domyślnie 30)"),
        "--seed": _t("seed of the solver's search (default: 0)",
                     "ziarno przeszukiwania solwera (domyślnie: 0)"),
        "--workers": _t("CP-SAT workers per model", "liczba wątków CP-SAT na jeden model"),
        "--deterministic": _t("reproducible search (same input and seed, same plan): work "
                              "units from the time limit, which still caps the wall time",
                              "powtarzalne przeszukiwanie (te same dane i ziarno dają ten sam "
                              "plan): jednostki pracy z limitu czasu, który nadal ogranicza "
                              "czas działania"),
        "--work-limit": _t("deterministic work units of the search instead of those from the "
                           "time limit (implies --deterministic; the time limit still caps the "
                           "wall time)",
                           "deterministyczne jednostki pracy przeszukiwania zamiast "
                           "wyliczonych z limitu czasu (włącza --deterministic; limit czasu "
                           "nadal ogranicza czas działania)"),
        "--history": _t("history store: approved earlier visits count in the span of service "
                        "(written agreement over 30 days, accident insurance up to 30 days)",
                        "magazyn historii: zatwierdzone wcześniejsze wizyty liczą się do okresu "
                        "wykonywania świadczeń (porozumienie na piśmie powyżej 30 dni, "
                        "ubezpieczenie NNW do 30 dni)"),
        "--quiet": _t("print only the summary", "wypisz tylko podsumowanie"),
        "--no-progress": _t("show the phase, elapsed time, best plan and gap while solving "
                            "(default: when stderr is a terminal)",
                            "pokazuj w trakcie etap, czas, najlepszy dotąd plan i odstęp od "
                            "optimum (domyślnie: gdy stderr to terminal)"),
        "--lang": _LANG,
    },
    "check": {
        "help": _t("verify a result against its instance (every constraint)",
                   "sprawdź plan względem jego danych (wszystkie ograniczenia)"),
        "file": _INSTANCE,
        "result": _t("result JSON, or a plan sheet edited in Excel (.xlsx, from export-plan or "
                     "export --xlsx)",
                     "plik planu (JSON) albo arkusz planu poprawiony w Excelu (.xlsx, z "
                     "export-plan lub export --xlsx)"),
        "--history": _t("history store the plan was made with (solve --history)",
                        "magazyn historii, z którym powstał plan (solve --history)"),
        "--lang": _LANG,
    },
    "explain": {
        "help": _t("explain the plan for one need or helper",
                   "wyjaśnij plan dla jednej potrzeby lub jednego pomagającego"),
        "file": _INSTANCE,
        "result": _RESULT,
        "subject": _t("a need id, a helper id or name, a resident id, or a resident's name "
                      "(with --names)",
                      "identyfikator potrzeby, identyfikator lub nazwisko pomagającego, "
                      "identyfikator mieszkańca albo jego nazwisko (z --names)"),
        "--names": _t("residents' names, one 'id;name' per line: explain by a resident's name",
                      "imiona i nazwiska mieszkańców, jeden wiersz 'id;nazwa' na osobę: "
                      "wyjaśnienie według nazwiska mieszkańca"),
        "--baseline": _t("the plan this one re-planned (solve --baseline): compare helpers "
                         "on visits kept from it too, as --rule repair does",
                         "plan, który ten plan zmieniał (solve --baseline): porównaj osoby "
                         "pomagające także pod względem wizyt z niego zachowanych, jak "
                         "--rule repair"),
        "--lang": _t("language of the explanation", "język wyjaśnienia"),
    },
    "diagnose": {
        "help": _t("where help is short and what is missing; optionally whom to recruit or "
                   "train (what-if re-solves)",
                   "gdzie brakuje pomocy i czego brakuje; na życzenie także, kogo pozyskać "
                   "lub przeszkolić (symulacje „co, jeśli”)"),
        "file": _INSTANCE,
        "result": _t("result JSON (the plan to diagnose)",
                     "plik planu (JSON) do zbadania"),
        "--lang": _t("language of printed text (default: en)",
                     "język wypisywanego tekstu (domyślnie: en)"),
        "--what-if": _t("propose recruits, training and extra hours, and re-solve with each",
                        "zaproponuj nowych pomagających, szkolenia i dodatkowe godziny, i "
                        "ułóż plan na nowo z każdą z tych zmian"),
        "--top": _t("suggestions to show (default: 5)",
                    "liczba propozycji do pokazania (domyślnie: 5)"),
        "--max-cells": _t("shortage cells to print (default: 20)",
                          "liczba pól niedoboru do wypisania (domyślnie: 20)"),
        "--method": _t("method for the what-if re-solves (default: the result's own)",
                       "metoda symulacji (domyślnie: ta, którą ułożono plan)"),
        "--time-limit": _t("seconds per re-solve", "sekundy na jedną symulację"),
        "--output": _t("also write the shortage cells, gaps and suggestions as JSON here",
                       "zapisz też tu pola niedoboru, luki i propozycje w formacie JSON"),
    },
    "recommend": {
        "help": _t("the k best helpers and times for one new need, fitted into the current "
                   "plan without moving others",
                   "k najlepszych pomagających i terminów dla jednej nowej potrzeby, "
                   "wpasowanych w obecny plan bez przesuwania innych wizyt"),
        "description": _t(
            "The new request comes from flags (--resident, --category, --date or --days, "
            "--hours, --minutes: Polish or English, e.g. --category zakupy --days pon,śr "
            "--hours 8-12), from one row of the needs sheet (--from-sheet gmina.xlsx --row 5), "
            "or from a JSON file of one need.",
            "Nowe zgłoszenie można podać opcjami (--resident, --category, --date lub --days, "
            "--hours, --minutes, po polsku lub po angielsku, np. --category zakupy --days "
            "pon,śr --hours 8-12), jednym wierszem arkusza potrzeb (--from-sheet gmina.xlsx "
            "--row 5) albo plikiem JSON z jedną potrzebą."),
        "group:request": _t("the new request (instead of a JSON file)",
                            "nowe zgłoszenie (zamiast pliku JSON)"),
        "file": _INSTANCE,
        "result": _t("the current plan (result JSON)", "obecny plan (plik JSON)"),
        "need": _t("the new need as a JSON object (or use the flags or --from-sheet)",
                   "nowa potrzeba jako obiekt JSON (albo podaj ją opcjami lub --from-sheet)"),
        "--resident": _t("the resident's id, or name with --names (none: a group session at "
                         "--place)",
                         "identyfikator mieszkańca albo, z --names, jego nazwisko (bez niego: "
                         "zajęcia grupowe w --place)"),
        "--names": _t("residents' names, one 'id;name' per line: --resident by name",
                      "imiona i nazwiska mieszkańców, jeden wiersz 'id;nazwa' na osobę: "
                      "--resident według nazwiska"),
        "--category": _t("category id or name: zakupy, shopping, ...",
                         "identyfikator lub nazwa rodzaju pomocy: zakupy, shopping, ..."),
        "--date": _t("a one-off visit's date: 01.04.2026 or 2026-04-01",
                     "dzień jednorazowej wizyty: 01.04.2026 lub 2026-04-01"),
        "--days": _t("weekdays of a weekly need: pon,śr or mon,wed; pon-pt",
                     "dni tygodnia potrzeby cotygodniowej: pon,śr lub mon,wed; pon-pt"),
        "--hours": _t("when the visit may be: 8-12 or 8:00-12:00; 14-16",
                      "w jakich godzinach może być wizyta: 8-12 lub 8:00-12:00; 14-16"),
        "--minutes": _t("minutes of one visit", "czas jednej wizyty w minutach"),
        "--place": _t("place id or name, when not the resident's home",
                      "identyfikator lub nazwa miejsca, gdy nie jest to dom mieszkańca"),
        "--helpers": _t("helpers per visit (default 1)",
                        "liczba pomagających na wizytę (domyślnie 1)"),
        "--priority": _t("priority (default 1)", "pierwszeństwo (domyślnie 1)"),
        "--applied-on": _t("date of the request (default today)",
                           "dzień zgłoszenia (domyślnie dzisiaj)"),
        "--id": _t("the new need's id (default: <resident>-new-<n>)",
                   "identyfikator nowej potrzeby (domyślnie: <id mieszkańca>-new-<n>)"),
        "--from-sheet": _t("read the request from one row of the needs sheet (potrzeby) of "
                           "this workbook or CSV folder",
                           "wczytaj zgłoszenie z jednego wiersza arkusza potrzeb (potrzeby) "
                           "tego skoroszytu lub folderu CSV"),
        "--row": _t("with --from-sheet: the row number as Excel shows it",
                    "z --from-sheet: numer wiersza taki, jak pokazuje go Excel"),
        "--k": _t("options per visit (default: 5)",
                  "liczba propozycji na wizytę (domyślnie: 5)"),
        "--accept": _t("add the option of this rank to the plan (of the first visit that has "
                       "one, or of --visit)",
                       "dodaj do planu propozycję o tym numerze (dla pierwszej wizyty, która "
                       "ją ma, albo dla --visit)"),
        "--visit": _t("with --accept: the visit date (01.04.2026 or 2026-04-01)",
                      "z --accept: dzień wizyty (01.04.2026 lub 2026-04-01)"),
        "--series": _t("with --accept: the same team for every visit it fits (a weekly need "
                       "gets its helper every week), each at its earliest start",
                       "z --accept: ten sam zespół na każdą wizytę, na którą pasuje (potrzeba "
                       "cotygodniowa ma tego samego pomagającego co tydzień), każdą o "
                       "najwcześniejszej godzinie"),
        "--at": _t("with --accept: another start the option lists (default its earliest)",
                   "z --accept: inna godzina rozpoczęcia spośród podanych w propozycji "
                   "(domyślnie najwcześniejsza)"),
        "--output": _t("with --accept: where to write the updated plan",
                       "z --accept: gdzie zapisać zmieniony plan"),
        "--instance-out": _t("with --accept: where to write the instance with the new need "
                             "(default: next to the plan, <plan>-instance.json)",
                             "z --accept: gdzie zapisać dane z nową potrzebą (domyślnie: obok "
                             "planu, <plan>-instance.json)"),
        "--lang": _LANG,
    },
    "compare": {
        "help": _t("research harness: rules x methods x seeds over generated profiles, "
                   "instance files, library instances or a national sample; tidy CSV/JSON, "
                   "table with confidence intervals, plots",
                   "badanie porównawcze: reguły × metody × ziarna na wygenerowanych "
                   "profilach, plikach danych, przykładach z biblioteki lub próbie krajowej; "
                   "uporządkowane CSV/JSON, tabela z przedziałami ufności, wykresy"),
        "--profiles": _t("comma-separated generator profiles (default: rural, when no "
                         "--instances, --library or --national is given)",
                         "profile generatora, rozdzielone przecinkami (domyślnie: rural, gdy "
                         "nie podano --instances, --library ani --national)"),
        "--instances": _t("instance JSON files", "pliki danych (JSON)"),
        "--library": _t("named library instances (cus_match.generate.library.LIBRARY: "
                        "cus-tiny-1, cus-rural-1, cus-rural-2x-1, cus-town-1, cus-city-1)",
                        "nazwane przykłady z biblioteki (cus_match.generate.library.LIBRARY: "
                        "cus-tiny-1, cus-rural-1, cus-rural-2x-1, cus-town-1, cus-city-1)"),
        "--national": _t("N gminas drawn in the national proportions of rural, urban-rural and "
                         "urban gminas (docs/generator.md)",
                         "N gmin wylosowanych w krajowych proporcjach gmin wiejskich, "
                         "miejsko-wiejskich i miejskich (docs/generator.md)"),
        "--national-seed": _t("seed of that draw", "ziarno tego losowania"),
        "--scale": _t("generator scale of --profiles and --national (default: 1)",
                      "mnożnik wielkości dla --profiles i --national (domyślnie: 1)"),
        "--rules": _t("comma-separated matching rules (default: "
                      "fifo,priority,utilitarian,equity,stable,nearest)",
                      "reguły doboru, rozdzielone przecinkami (domyślnie: "
                      "fifo,priority,utilitarian,equity,stable,nearest)"),
        "--methods": _t("comma-separated methods (default: greedy,auto)",
                        "metody, rozdzielone przecinkami (domyślnie: greedy,auto)"),
        "--spread": _t("table cells: mean ± 95%% confidence interval, or min / median / max",
                       "pola tabeli: średnia ± 95-procentowy przedział ufności albo minimum "
                       "/ mediana / maksimum"),
        "--seeds": _SEEDS,
        "--time-limit": _TIME_PER_SOLVE,
        "--work-limit": _WORK_LIMIT,
        "--jobs": _JOBS,
        "--scheduler": _SCHEDULER,
        "--log": _LOG,
        "--no-plots": _t("write the tables only, no plots",
                         "zapisz tylko tabele, bez wykresów"),
        "--output": _t("folder to write", "folder do zapisania"),
        "--lang": _LANG,
    },
    "batch": {
        "help": _t("plan every instance file of a folder (many gminas), checked, resumable, on "
                   "local processes or Dask",
                   "ułóż plany dla wszystkich plików danych w folderze (wiele gmin), "
                   "sprawdzone, z możliwością wznowienia, na lokalnych procesach lub w Dask"),
        "folder": _t("folder of instance JSON files (*.json)",
                     "folder z plikami danych JSON (*.json)"),
        "--rules": _t("comma-separated (default: fifo)",
                      "rozdzielone przecinkami (domyślnie: fifo)"),
        "--methods": _t("comma-separated (default: auto)",
                        "rozdzielone przecinkami (domyślnie: auto)"),
        "--seeds": _SEEDS,
        "--time-limit": _TIME_PER_SOLVE,
        "--work-limit": _WORK_LIMIT,
        "--jobs": _JOBS,
        "--scheduler": _SCHEDULER,
        "--log": _LOG,
        "--output": _t("folder to write plans/, summary.csv and runs.jsonl into",
                       "folder, do którego trafią plans/, summary.csv i runs.jsonl"),
        "--lang": _LANG,
    },
    "report": {
        "help": _t("write a plan as one self-contained HTML page (charts, map, unmet needs "
                   "explained)",
                   "zapisz plan jako jedną samodzielną stronę HTML (wykresy, mapa, "
                   "wyjaśnienie niezaspokojonych potrzeb)"),
        "file": _INSTANCE,
        "result": _RESULT,
        "--output": _t("HTML file to write", "plik HTML do zapisania"),
        "--names": _NAMES_IDS,
        "--previous": _t("the previous round's plan (result JSON): pairs kept from it",
                         "plan poprzedniej rundy (plik JSON): raport pokaże pary z niego "
                         "zachowane"),
        "--title": _t("page title", "tytuł strony"),
        "--basemap": _t("roads or boundaries (GeoJSON, longitude/latitude) drawn under the "
                        "map's places",
                        "drogi lub granice (GeoJSON, długość i szerokość geograficzna) "
                        "rysowane pod miejscami na mapie"),
        "--lang": _t("language of the report", "język raportu"),
    },
    "export": {
        "help": _t("write a plan as XLSX, CSV files and/or calendars (.ics)",
                   "zapisz plan jako XLSX, pliki CSV lub kalendarze (.ics)"),
        "file": _INSTANCE,
        "result": _RESULT,
        "--xlsx": _t("workbook to write", "skoroszyt do zapisania"),
        "--csv": _t("folder for the CSV files", "folder na pliki CSV"),
        "--ics": _t("folder for one calendar per helper",
                    "folder na kalendarze, po jednym na pomagającego"),
        "--names": _NAMES_IDS,
        "--sheet-per-helper": _t("in the workbook, also one printable sheet per helper",
                                 "w skoroszycie także osobny arkusz do wydruku dla każdego "
                                 "pomagającego"),
        "--delimiter": _t("CSV field separator (default ';', for Polish Excel)",
                          "separator pól CSV (domyślnie ';', dla polskiego Excela)"),
        "--lang": _t("language of headers and words", "język nagłówków i opisów"),
    },
    "export-plan": {
        "help": _t("write the plan as an editable spreadsheet (one row per visit) to change "
                   "and import back",
                   "zapisz plan jako arkusz do poprawiania (wiersz na wizytę), by go zmienić "
                   "i wczytać z powrotem"),
        "file": _INSTANCE,
        "result": _RESULT,
        "--output": _t("workbook to write", "skoroszyt do zapisania"),
        "--names": _NAMES_IDS,
        "--lang": _t("language of headers and dates", "język nagłówków i dat"),
    },
    "import-plan": {
        "help": _t("read an edited plan sheet back, check it, and say what changed and what "
                   "breaks, cell by cell",
                   "wczytaj poprawiony arkusz planu, sprawdź go i pokaż, pole po polu, co się "
                   "zmieniło i co narusza zasady"),
        "file": _INSTANCE,
        "sheet": _t("the edited workbook (its 'plan' sheet) or CSV",
                    "poprawiony skoroszyt (jego arkusz 'plan') lub plik CSV"),
        "--baseline": _t("the original plan (result JSON): list the moved, added and removed "
                         "visits",
                         "pierwotny plan (plik JSON): wypisz przesunięte, dodane i usunięte "
                         "wizyty"),
        "--output": _t("result JSON to write (only when every constraint holds)",
                       "plik planu (JSON) do zapisania (tylko gdy wszystkie ograniczenia są "
                       "spełnione)"),
        "--lang": _LANG,
    },
    "history": {
        "help": _t("the history of planning rounds (an SQLite file)",
                   "historia rund planowania (plik SQLite)"),
        "store": _t("the history store file (created if missing)",
                    "plik historii (utworzony, jeśli go nie ma)"),
        "action": _t("what to do with the history", "co zrobić z historią"),
        "--lang": _LANG,
    },
    "certificate": {
        "help": _t("a volunteer's certificate of services (art. 44 volunteering act)",
                   "zaświadczenie o wykonaniu świadczeń przez wolontariusza (art. 44 ustawy "
                   "o działalności pożytku publicznego i o wolontariacie)"),
        "store": _t("the history store file", "plik historii"),
        "helper": _t("the volunteer's id", "identyfikator wolontariusza"),
        "--organisation": _t("the issuing organisation", "organizacja wystawiająca"),
        "--from": _FROM,
        "--to": _TO,
        "--name": _t("the volunteer's name as it should appear",
                     "imię i nazwisko wolontariusza w brzmieniu do zaświadczenia"),
        "--place": _t("place of issue", "miejsce wystawienia"),
        "--issued-on": _t("date of issue (default today)",
                          "data wystawienia (domyślnie dzisiaj)"),
        "--no-hours": _t("state the scope only", "podaj tylko zakres świadczeń, bez godzin"),
        "--format": _t("text (default) or html", "text (tekst, domyślnie) lub html"),
        "--output": _STDOUT,
        "--lang": _LANG,
    },
    "history list": {
        "help": _t("list stored rounds", "wypisz zapisane rundy"),
        "--approved": _t("only approved rounds", "tylko rundy zatwierdzone"),
        "--lang": _LANG,
    },
    "history save": {
        "help": _t("save a round's instance and result", "zapisz dane i plan rundy"),
        "round": _ROUND,
        "instance": _INSTANCE,
        "result": _RESULT,
        "--approved-by": _t("save it approved by this person",
                            "zapisz ją jako zatwierdzoną przez tę osobę"),
        "--approved-at": _WHEN,
        "--replace": _t("replace an unapproved round", "zastąp niezatwierdzoną rundę"),
        "--lang": _LANG,
    },
    "history approve": {
        "help": _t("record who approved a round's plan", "zapisz, kto zatwierdził plan rundy"),
        "round": _ROUND,
        "--by": _t("who approved it", "kto go zatwierdził"),
        "--at": _WHEN,
        "--lang": _LANG,
    },
    "history show": {
        "help": _t("print a round's summary; optionally write its files",
                   "wypisz podsumowanie rundy; na życzenie zapisz też jej pliki"),
        "round": _ROUND,
        "--instance-out": _t("write the round's instance JSON here",
                             "zapisz tu plik danych rundy (JSON)"),
        "--result-out": _t("write the round's result JSON here",
                           "zapisz tu plik planu rundy (JSON)"),
        "--lang": _LANG,
    },
    "history pairs": {
        "help": _t("(resident, helper, need) pairs served: continuity",
                   "obsłużone trójki (mieszkaniec, pomagający, potrzeba): ciągłość opieki"),
        "--last": _LAST,
        "--before": _BEFORE,
        "--from": _FROM,
        "--to": _TO,
        "--include-proposals": _PROPOSALS,
        "--lang": _LANG,
    },
    "history load": {
        "help": _t("hours per helper per round: fair load",
                   "godziny każdego pomagającego w każdej rundzie: sprawiedliwe obciążenie"),
        "--last": _LAST,
        "--before": _BEFORE,
        "--from": _FROM,
        "--to": _TO,
        "--include-proposals": _PROPOSALS,
        "--names": _NAMES_BESIDE,
        "--lang": _LANG,
    },
    "history hours": {
        "help": _t("approved hours per helper over a period",
                   "zatwierdzone godziny każdego pomagającego w danym okresie"),
        "--from": _FROM,
        "--to": _TO,
        "--helper": _t("only this helper", "tylko ten pomagający"),
        "--names": _NAMES_BESIDE,
        "--lang": _LANG,
    },
    "history export": {
        "help": _t("everything held on one person, as JSON (RODO art. 15)",
                   "wszystkie dane przechowywane o jednej osobie, w formacie JSON (art. 15 "
                   "RODO)"),
        "person": _PERSON,
        "--kind": _KIND,
        "--output": _STDOUT,
        "--lang": _LANG,
    },
    "history erase": {
        "help": _t("pseudonymise or erase one person everywhere (RODO art. 17)",
                   "pseudonimizuj lub usuń dane jednej osoby we wszystkich rundach (art. 17 "
                   "RODO)"),
        "person": _PERSON,
        "--mode": _t("pseudonymise (default: the same new pseudonym in every round, so rounds "
                     "stay linked) or erase (also empty the personal fields, and a different "
                     "placeholder in each round)",
                     "pseudonymise (domyślnie: ten sam nowy pseudonim we wszystkich rundach, "
                     "więc rundy pozostają powiązane) lub erase (także wyczyść dane osobowe "
                     "i nadaj w każdej rundzie inny identyfikator zastępczy)"),
        "--kind": _KIND,
        "--yes": _t("confirm: this cannot be undone", "potwierdź: tego nie da się cofnąć"),
        "--lang": _LANG,
    },
    "history purge": {
        "help": _t("delete old rounds", "usuń stare rundy"),
        "--before": _t("rounds that ended before this date", "rundy zakończone przed tym dniem"),
        "--retention": _t("rounds older than the store's retention period",
                          "rundy starsze niż okres przechowywania ustawiony w historii"),
        "--today": _t("reference date for --retention", "dzień odniesienia dla --retention"),
        "--lang": _LANG,
    },
    "history retention": {
        "help": _t("show or set the retention period (days)",
                   "pokaż lub ustaw okres przechowywania (w dniach)"),
        "days": _t("days to keep a round after its period, or 'off'",
                   "liczba dni przechowywania rundy po jej okresie albo 'off' (bez limitu)"),
        "--lang": _LANG,
    },
}


class _Formatter(argparse.HelpFormatter):
    # argparse words "usage: " inside the formatter; a class per language carries the word.
    usage_prefix = HEADINGS["usage"]["en"]

    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups,
                          self.usage_prefix if prefix is None else prefix)


_FORMATTERS: dict[str, type[_Formatter]] = {lang: type(f"Formatter_{lang}", (_Formatter,),
                          {"usage_prefix": HEADINGS["usage"][lang]}) for lang in ("en", "pl")}
_DEFAULT = re.compile(r"\{(\w+)\}")


def _key(action: argparse.Action) -> str:
    return max(action.option_strings, key=len) if action.option_strings else action.dest


def _text(entry: Mapping[str, _Text], key: str, lang: str,
          parser: argparse.ArgumentParser) -> str | None:
    if key not in entry:
        return None

    def default(m: re.Match[str]) -> str:
        value = parser.get_default(m.group(1))
        return f"{value:g}" if isinstance(value, float) else str(value)

    return _DEFAULT.sub(default, entry[key][lang])


def localise_help(parser: argparse.ArgumentParser, lang: str, command: str = "") -> None:
    """Give ``parser`` and every command under it their help texts in ``lang``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A parser built without help texts (or with English ones: they are replaced).
    lang : {"en", "pl"}
        The language of the texts and of argparse's headings.
    command : str
        The command ``parser`` parses (its key in :data:`HELP`); ``""`` for the top level.

    Raises
    ------
    InvalidOptionError
        ``lang`` is not a language of the texts.

    Notes
    -----
    An option with no entry in :data:`HELP` keeps the text it was given (none, usually):
    ``tests/test_cli_help.py`` fails on it, so none reaches a coordinator.
    """
    check_lang(lang)
    entry = HELP.get(command, {})
    parser.formatter_class = _FORMATTERS[lang]
    parser._positionals.title = HEADINGS["positionals"][lang]
    parser._optionals.title = HEADINGS["options"][lang]
    for key in ("description", "epilog"):
        text = _text(entry, key, lang, parser)
        if text is not None:
            setattr(parser, key, text)
    for group in parser._action_groups[2:]:
        text = _text(entry, f"group:{group.title}", lang, parser)
        if text is not None:
            group.title = text
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        if isinstance(action, argparse._HelpAction):
            action.help = HEADINGS["-h"][lang]
            continue
        text = _text(entry, _key(action), lang, parser)
        if text is not None:
            action.help = text
        if isinstance(action, argparse._SubParsersAction):
            _localise_commands(action, lang, command)


def _localise_commands(action: argparse._SubParsersAction[Any], lang: str, command: str
                       ) -> None:
    if isinstance(action.metavar, str):
        action.metavar = METAVARS.get(action.metavar, {}).get(lang, action.metavar)
    # The modules add their commands without texts, so argparse lists none of them: each one
    # with a line here is listed (in the order added), with that line.
    action._choices_actions.clear()
    done: set[int] = set()
    for name, sub in action.choices.items():
        if id(sub) in done:  # an alias: the same parser as its command, listed before it
            continue
        done.add(id(sub))
        key = f"{command} {name}".strip()
        line = HELP.get(key, {}).get("help")
        if line is not None:
            action._choices_actions.append(
                action._ChoicesPseudoAction(name, (), line[lang]))
        localise_help(sub, lang, key)
        if sub.description is None and line is not None:
            sub.description = line[lang]
