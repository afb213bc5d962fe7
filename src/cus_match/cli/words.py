"""The command line's words: every sentence a command prints, in English and Polish.

The library words its errors for Python callers (``time_limit must be ...``, ``pass
replace=True``); the command line tells the same in its own option names (``--time-limit``,
``--replace``) and in the coordinator's language. :data:`LIBRARY_ERRORS` maps the library's
English messages to coded texts of :mod:`cus_match.problem_texts` by pattern, and
:func:`error_text` applies it: a message no pattern knows is shown as it is, with the Python
names it contains turned into option names.

Counted nouns agree with their number (:func:`cus_match.lang.count`); where a sentence would need
a person's grammatical gender, which the files do not record, the wording avoids it
(``zatwierdzenie: J. Kowalska`` rather than ``zatwierdził(a)``).

Examples
--------
>>> say("check_ok", "pl", result="plan.json", n=count(1, "pl", *noun("assignment", "pl")))
'plan.json: wszystkie wymogi spełnione (1 przydział)'
>>> error_text("time_limit must be a positive number of seconds, got -1.0", "pl")
'--time-limit musi być dodatnią liczbą sekund, podano -1'
>>> error_text("round 'w13' is already stored (pass replace=True to replace a proposal)", "en")
"round 'w13' is already stored (add --replace to replace a proposal)"
>>> error_text("workers: something new, pass workers=2", "en")
'--workers: something new, give --workers 2'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from cus_match.lang import check_lang, count, pick, short_date
from cus_match.problem_texts import ProblemCode

__all__ = [
    "CHECK_CODES",
    "CONSTRAINTS",
    "LIBRARY_ERRORS",
    "MESSAGES",
    "NOUNS",
    "OPTION_NAMES",
    "count",
    "error_text",
    "noun",
    "say",
    "warsaw_time",
]

#: What the commands print, by key, in every language.
MESSAGES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "error": "error: {text}",
        "valid": "{file}: valid — {places}, {helpers}, {residents}, {needs} ({visits}), "
                 "{services}",
        "imported": "{file}: valid — {places}, {helpers}, {residents}, {needs}",
        "template_written": "{file}: template written",
        "check_ok": "{result}: all constraints hold ({n})",
        "violation": "VIOLATION [{constraint} {code}] {text}",
        "violations_more": "... and {n} more; all violations by kind:",
        "problems_more": "  ... and {n} more; all problems by kind:",
        "by_kind": "  {n:>6}  {kind}",
        "demo_compare": "By hand (FIFO greedy): {b} met, objective {bo}; optimised: {r}, "
                        "objective {ro}",
        "demo_checked": "Checked independently: {verdict}",
        "demo_ok": "all constraints hold",
        "demo_bad": "{n} violated",
        "dropped_pin": "dropped pin: {need} {date} {helper}: {reason}",
        "changes": "visits changed from the baseline: {n}",
        # history
        "no_rounds": "no rounds stored",
        "round_line": "{id}\t{start} to {end}\t{visits}\t{hours}\t{state}",
        "approved_state": "approved by {by}, {at}",
        "proposal": "proposal",
        "saved": "saved round {id}: {visits}, {hours} ({state})",
        "approved_word": "approved",
        "round_approved": "round {id} approved: {by}",
        "pair_line": "{resident}\t{helper}\t{need}",
        "load_line": "{round}\t{helper}\t{visits}\t{hours}",
        "hours_line": "{helper}\t{visits}\t{hours}\t{first} to {last}",
        "erased": "{mode}: rewritten {rounds}",
        "pseudonym": "; pseudonym {id}",
        "mode_pseudonymise": "pseudonymised", "mode_erase": "erased",
        "purged": "deleted {rounds}",
        "kept_for_ever": "rounds are kept for ever",
        "kept_days": "rounds are kept {days} after their period",
        "overlap": "warning: approved rounds {a} and {b} both cover {start} to {end}; hours "
                   "there are counted once, from the later approval ({b})",
        # batch (the summary's columns are summary.csv's stable ids in English)
        "batch_header": "| instance | rule | method | seed | status | visits_met | visits | "
                        "violations |",
        "batch_done": "{label} {rule}/{method} seed {seed}: {met}/{visits} visits",
        "batch_run_failed": "{label} {rule}/{method} seed {seed}: failed: {error}",
        "batch_failed": "failed: {label} {rule}/{method} seed {seed}: {error}",
        "status_optimal": "optimal", "status_feasible": "feasible",
        "status_partial": "partial", "status_infeasible": "infeasible",
        "status_no_solution": "no_solution", "status_stopped": "stopped",
    },
    "pl": {
        "error": "błąd: {text}",
        "valid": "{file}: poprawne — miejsca: {places}, pomagający: {helpers}, mieszkańcy: "
                 "{residents}, potrzeby: {needs} (wizyty: {visits}), usługi formalne: "
                 "{services}",
        "imported": "{file}: poprawne — miejsca: {places}, pomagający: {helpers}, mieszkańcy: "
                    "{residents}, potrzeby: {needs}",
        "template_written": "{file}: szablon zapisany",
        "check_ok": "{result}: wszystkie wymogi spełnione ({n})",
        "violation": "NARUSZENIE [{constraint} {code}] {text}",
        "violations_more": "... i jeszcze {n}; wszystkie naruszenia według rodzaju:",
        "problems_more": "  ... i jeszcze {n}; wszystkie problemy według rodzaju:",
        "by_kind": "  {n:>6}  {kind}",
        "demo_compare": "Ręcznie (kolejność zgłoszeń): zaplanowane {b}, wartość {bo}; po "
                        "optymalizacji: {r}, wartość {ro}",
        "demo_checked": "Sprawdzono niezależnie: {verdict}",
        "demo_ok": "wszystkie wymogi spełnione",
        "demo_bad": "naruszenia wymogów: {n}",
        "dropped_pin": "potwierdzona wizyta nie do utrzymania: {need} {date} {helper}: "
                       "{reason}",
        "changes": "zmienione wizyty względem planu bazowego: {n}",
        "no_rounds": "brak zapisanych rund",
        "round_line": "{id}\t{start}–{end}\t{visits}\t{hours}\t{state}",
        "approved_state": "zatwierdzenie: {by}, {at}",
        "proposal": "propozycja",
        "saved": "zapisano rundę {id}: {visits}, {hours} ({state})",
        "approved_word": "zatwierdzona",
        "round_approved": "runda {id} zatwierdzona; zatwierdzenie: {by}",
        "pair_line": "{resident}\t{helper}\t{need}",
        "load_line": "{round}\t{helper}\t{visits}\t{hours}",
        "hours_line": "{helper}\t{visits}\t{hours}\t{first}–{last}",
        "erased": "{mode}: przepisano {rounds}",
        "pseudonym": "; pseudonim {id}",
        "mode_pseudonymise": "pseudonimizacja", "mode_erase": "usunięcie",
        "purged": "usunięto {rounds}",
        "kept_for_ever": "rundy są przechowywane bez ograniczenia czasu",
        "kept_days": "rundy są przechowywane przez {days} po zakończeniu ich okresu",
        "overlap": "uwaga: zatwierdzone rundy {a} i {b} obejmują te same dni ({start}–{end}); "
                   "godziny z tych dni liczą się raz, według późniejszego zatwierdzenia ({b})",
        "batch_header": "| dane | reguła | metoda | ziarno | stan | wizyty z pomocą | wizyty "
                        "łącznie | naruszenia wymogów |",
        "batch_done": "{label} {rule}/{method} ziarno {seed}: wizyty z pomocą {met}/{visits}",
        "batch_run_failed": "{label} {rule}/{method} ziarno {seed}: nieudane: {error}",
        "batch_failed": "nieudane: {label} {rule}/{method} ziarno {seed}: {error}",
        "status_optimal": "optymalny", "status_feasible": "dopuszczalny",
        "status_partial": "częściowy", "status_infeasible": "niewykonalny",
        "status_no_solution": "brak planu", "status_stopped": "przerwany",
    },
}

#: Counted nouns: English (one, many), Polish (one, few, many) in the case the sentence needs.
NOUNS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "en": {
        "place": ("place", "places"), "helper": ("helper", "helpers"),
        "resident": ("resident", "residents"), "need": ("need", "needs"),
        "visit": ("visit", "visits"), "service": ("formal service", "formal services"),
        "assignment": ("assignment", "assignments"), "round": ("round", "rounds"),
        "round_acc": ("round", "rounds"),
        "hour": ("h", "h"), "day": ("day", "days"),
    },
    "pl": {
        "place": ("miejsce", "miejsca", "miejsc"),
        "helper": ("pomagający", "pomagający", "pomagających"),
        "resident": ("mieszkaniec", "mieszkańcy", "mieszkańców"),
        "need": ("potrzeba", "potrzeby", "potrzeb"),
        "visit": ("wizyta", "wizyty", "wizyt"),
        "service": ("usługa formalna", "usługi formalne", "usług formalnych"),
        "assignment": ("przydział", "przydziały", "przydziałów"),
        "round": ("runda", "rundy", "rund"), "round_acc": ("rundę", "rundy", "rund"),
        "hour": ("h", "h", "h"), "day": ("dzień", "dni", "dni"),
    },
}

#: The checker's groups of practical constraints (``H1`` ... ``H10`` stay as they are).
_CONSTRAINTS_PL: Final = {
    "time": "czas", "travel": "dojazd", "quality": "jakość", "subsidiarity": "pomocniczość",
    "completeness": "kompletność", "formal": "usługi formalne", "referral": "skierowanie"}
CONSTRAINTS: Final[dict[str, dict[str, str]]] = {
    "en": {k: k for k in _CONSTRAINTS_PL},
    "pl": _CONSTRAINTS_PL,
}

#: What the checker's own codes mean (:mod:`cus_match.plan.check`). The English line printed
#: is the checker's own message, which names the values; the other languages say this.
CHECK_CODES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "wrong_duration": "the visit's length is not the need's duration",
        "wrong_travel_minutes": "the travel time differs from the travel table",
        "not_fastest_mode": "a faster allowed way of travel exists",
        "unknown_need": "an entry names a need the instance lacks",
        "unknown_helper": "an entry names a helper the instance lacks",
        "unknown_service": "an entry names a formal service the instance lacks",
        "unknown_occurrence": "the need has no visit on that date",
        "missing_occurrence": "a visit is neither planned, unmet nor covered",
        "duplicate_occurrence": "a visit is listed more than once",
        "referred_need_listed": "a need to be referred has plan entries",
        "required_unmet": "a required visit is unmet or referred",
        "duplicates_formal_service": "a visit a formal service covers is assigned",
        "should_be_covered": "a visit a formal service covers is listed as unmet",
        "bad_covered": "the formal service does not cover this visit",
        "bad_referral": "a wrong referral, or a wrong reason for it",
        "missing_referral": "a need that must be referred is not",
        "duplicate_referral": "a need referred twice",
    },
    "pl": {
        "wrong_duration": "czas wizyty nie zgadza się z czasem trwania potrzeby",
        "wrong_travel_minutes": "czas dojazdu nie zgadza się z tabelą dojazdów",
        "not_fastest_mode": "istnieje szybszy dozwolony sposób dojazdu",
        "unknown_need": "wpis dotyczy potrzeby, której nie ma w danych",
        "unknown_helper": "wpis dotyczy pomagającego, którego nie ma w danych",
        "unknown_service": "wpis dotyczy usługi formalnej, której nie ma w danych",
        "unknown_occurrence": "potrzeba nie przypada na ten dzień",
        "missing_occurrence": "wizyty nie ma w planie ani wśród niezaspokojonych, ani objętych "
                              "usługami",
        "duplicate_occurrence": "wizyta występuje w planie więcej niż raz",
        "referred_need_listed": "potrzeba do skierowania ma wpisy w planie",
        "required_unmet": "obowiązkowa wizyta została bez pomocy albo skierowana",
        "duplicates_formal_service": "wizyta objęta usługą formalną ma przydział",
        "should_be_covered": "wizyta objęta usługą formalną jest wśród niezaspokojonych",
        "bad_covered": "usługa formalna nie obejmuje tej wizyty",
        "bad_referral": "błędne skierowanie albo błędna przyczyna skierowania",
        "missing_referral": "brak wymaganego skierowania",
        "duplicate_referral": "potrzeba skierowana dwukrotnie",
    },
}

#: The library's Python parameter names and the command line's options that set them.
OPTION_NAMES: Final[dict[str, str]] = {
    "time_limit": "--time-limit", "workers": "--workers", "seed": "--seed",
    "method": "--method", "rule": "--rule", "pinned": "--pin", "baseline": "--baseline",
    "approved_by": "--approved-by", "approved_at": "--approved-at", "replace": "--replace",
    "retention_days": "retention", "last": "--last", "kind": "--kind", "mode": "--mode",
    "top": "--top", "max_cells": "--max-cells", "include_hours": "--no-hours",
}

_Q = r"'(?P<{}>[^']*)'"
#: The library's messages (``InvalidOptionError``, the store's errors), as patterns, and the
#: coded texts that tell them in the command line's words. Named groups become arguments.
LIBRARY_ERRORS: Final[tuple[tuple[re.Pattern[str], ProblemCode], ...]] = tuple(
    (re.compile(pattern), code) for pattern, code in (
        (r"time_limit must be a positive number of seconds, got (?P<value>.+)",
         ProblemCode.OPTION_TIME_LIMIT),
        # cus_match.limits.check_option, for every bounded number of the command line
        (r"--(?P<option>[a-z][a-z-]*): (?P<value>.+) is outside (?P<bound>.+)",
         ProblemCode.OPTION_OUT_OF_RANGE),
        (r"seed must be an integer, got (?P<value>.+)", ProblemCode.OPTION_SEED),
        (r"workers must be an integer >= 1, got (?P<value>.+)", ProblemCode.OPTION_WORKERS),
        # cus_match.analysis.research.run_study; the run's own error is told in turn
        (r"(?P<failed>\d+) of (?P<total>\d+) runs failed, the first (?P<label>\S+) seed "
         r"(?P<seed>\d+) (?P<rule>[^/\s]+)/(?P<method>\S+): (?P<error>.+); the finished "
         r"runs are kept in (?P<log>.+)", ProblemCode.STUDY_RUNS_FAILED),
        # cus_match.generate, for --scale of the tiny profile (generate, compare)
        (r"the " + _Q.format("profile") + r" profile has fixed sizes: scale must be 1, got "
         r"(?P<value>.+)", ProblemCode.OPTION_FIXED_SCALE),
        (r"k must be a positive integer or None, got (?P<value>.+)", ProblemCode.OPTION_K),
        (r"unknown rule (?P<value>'[^']*'); choose one of: (?P<known>.+), or pass a "
         r"cus_match\.optimise\.rules\.Rule", ProblemCode.OPTION_UNKNOWN_RULE),
        (r"unknown method (?P<value>'[^']*'); choose one of: (?P<known>.+)",
         ProblemCode.OPTION_UNKNOWN_METHOD),
        (r"method 'flow' cannot optimise rule '(?P<rule>[^']*)'.*", ProblemCode.OPTION_FLOW_RULE),
        (r"method 'timeindexed' cannot optimise rule '(?P<rule>[^']*)'.*",
         ProblemCode.OPTION_TIMEINDEXED_RULE),
        (r"rule '(?P<rule>[^']*)' is a matching procedure and cannot keep pinned visits.*",
         ProblemCode.OPTION_PROCEDURE_PINS),
        (r"unknown term (?P<term>'[^']*') in rule '[^']*'; known terms: (?P<known>.+)",
         ProblemCode.OPTION_UNKNOWN_TERM),
        (r"rule '[^']*': the weight of term (?P<term>'[^']*') must be a finite number, got "
         r"(?P<value>.+)", ProblemCode.OPTION_WEIGHT_NOT_NUMBER),
        (r"rule '[^']*': the weight of term (?P<term>'[^']*') must not be negative, got "
         r"(?P<value>\S+) .*", ProblemCode.OPTION_WEIGHT_NEGATIVE),
        (r"rule '[^']*': a stage needs at least one positive weight",
         ProblemCode.OPTION_NO_POSITIVE_WEIGHT),
        (r"(?P<option>approved_at|at): (?P<value>.+) is not an ISO date-time",
         ProblemCode.OPTION_NOT_A_DATETIME),
        (r"(?P<option>approved_at|at): (?P<value>.+) must be a date-time with a UTC offset",
         ProblemCode.OPTION_NO_UTC_OFFSET),
        (r"(?P<option>approved_by|by) must be 1-(?P<max>\d+) printable characters, got "
         r"(?P<value>.+)", ProblemCode.OPTION_LABEL),
        (r"approved_at is given without approved_by", ProblemCode.OPTION_AT_WITHOUT_BY),
        (r"last must be a whole number in \S+, got (?P<value>.+)", ProblemCode.OPTION_LAST),
        (r"retention_days must be a whole number of days in \S+, got (?P<value>.+)",
         ProblemCode.OPTION_RETENTION),
        (r"helper " + _Q.format("helper") + r" provides neighbour services.*",
         ProblemCode.OPTION_NEIGHBOUR_CERTIFICATE),
        (_Q.format("person") + r" is a helper id in some records and a resident id.*",
         ProblemCode.OPTION_PERSON_BOTH_KINDS),
        (r"round " + _Q.format("round") + r" is already stored.*",
         ProblemCode.STORE_ROUND_EXISTS),
        (r"round " + _Q.format("round") + r" is approved and is not replaced.*",
         ProblemCode.STORE_ROUND_APPROVED),
        (r"round " + _Q.format("round") + r" was already approved by (?P<by>.+) at (?P<at>.+)",
         ProblemCode.STORE_ALREADY_APPROVED),
        (r"no round " + _Q.format("round"), ProblemCode.STORE_NO_ROUND),
        (r"helper " + _Q.format("helper") + r" has no approved visit from (?P<start>\S+) to "
         r"(?P<end>\S+)", ProblemCode.STORE_NO_VISITS),
        (r"no stored round mentions " + _Q.format("person"), ProblemCode.STORE_NO_PERSON),
        (r"no such history store", ProblemCode.STORE_MISSING),
        (r"is a directory, not a history store file", ProblemCode.STORE_DIRECTORY),
        (r"is not an SQLite database.*", ProblemCode.STORE_NOT_SQLITE),
        (r"is an SQLite database but not a cus_match history store.*",
         ProblemCode.STORE_FOREIGN),
        (r"was written by a newer cus_match.*", ProblemCode.STORE_NEWER),
        (r"is damaged.*", ProblemCode.STORE_DAMAGED),
        (r"is busy.*", ProblemCode.STORE_BUSY),
    ))

_PYTHON_NAME = re.compile(r"\b(" + "|".join(OPTION_NAMES) + r")\b(=(\S+))?")
_WARSAW: Final = ZoneInfo("Europe/Warsaw")


def say(key: str, lang: str, **args: Any) -> str:
    """The sentence ``key`` of :data:`MESSAGES` in ``lang`` with ``args`` filled in.

    Examples
    --------
    >>> say("no_rounds", "pl")
    'brak zapisanych rund'
    >>> say("no_rounds", "de")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidOptionError: lang must be one of en, pl, got 'de'
    """
    return pick(MESSAGES, lang)[key].format(**args)


def noun(key: str, lang: str) -> tuple[str, ...]:
    """The forms of a counted noun of :data:`NOUNS`, for :func:`cus_match.lang.count`.

    >>> count(5, "pl", *noun("visit", "pl")), count(1, "en", *noun("visit", "en"))
    ('5 wizyt', '1 visit')
    """
    return pick(NOUNS, lang)[key]


def _value(text: str) -> Any:
    # A number the library quoted (-1.0) is shown with the language's decimal mark.
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def error_text(message: str, lang: str) -> str:
    """The library's English ``message`` in the command line's words and in ``lang``.

    Parameters
    ----------
    message : str
        An error message of the library (:class:`~cus_match.errors.InvalidOptionError` or a
        history store error without its file name).
    lang : {"en", "pl"}
        Language of the text.

    Returns
    -------
    str
        The coded text of the first pattern of :data:`LIBRARY_ERRORS` that matches the whole
        message; else the message with Python parameter names turned into option names.

    Examples
    --------
    >>> error_text("workers must be an integer >= 1, got 0", "pl")
    '--workers musi być liczbą całkowitą co najmniej 1, podano 0'
    """
    check_lang(lang)
    for pattern, code in LIBRARY_ERRORS:
        m = pattern.fullmatch(message)
        if m:
            args: Mapping[str, Any] = {
                # A list the library wrote out ("fifo, priority") is quoted item by item.
                k: tuple(v.split(", ")) if k == "known" else _value(v)
                for k, v in m.groupdict().items()}
            if "option" in args:
                name = str(args["option"])
                args = {**args, "option": OPTION_NAMES.get(name, f"--{name}")}
            if "error" in args:  # a message within the message (a failed run's)
                args = {**args, "error": error_text(str(args["error"]), lang)}
            return code.text(lang, args)
    return _PYTHON_NAME.sub(_option, message.replace("pass ", "give "))


def _option(m: re.Match[str]) -> str:
    # replace=True is the flag alone; workers=2 is the option and its value.
    value = m[3]
    return OPTION_NAMES[m[1]] + (f" {value}" if value and value != "True" else "")


def warsaw_time(at: datetime, lang: str) -> str:
    """A stored instant as the coordinator's clock shows it: Europe/Warsaw, no offset.

    >>> from datetime import UTC
    >>> warsaw_time(datetime(2026, 3, 22, 17, 0, tzinfo=UTC), "pl")
    '22.03.2026 18:00'
    >>> warsaw_time(datetime(2026, 7, 1, 10, 30, tzinfo=UTC), "en")
    '2026-07-01 12:30'
    """
    local = at.astimezone(_WARSAW)
    return f"{short_date(local.date(), lang)} {local:%H:%M}"
