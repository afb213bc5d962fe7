"""Why the plan is what it is, for one need or one helper, in plain English or Polish.

:func:`explain` answers a coordinator's questions about a proposed plan:

* for a **need**, visit by visit: who was proposed and why (the soft terms: continuity,
  locality, travel minutes, the need's priority, and the score on the rule the plan was made
  for), and what became of the other eligible helpers (busy then, outside their hours, weekly
  hours used up, or a worse score, naming the terms that decided); for an unmet visit,
  how many helpers each rule excluded and who would fit but for one thing (near misses); for a
  visit met by a formal service, which one; for a referred need, why it goes to formal services;
* for a **helper**: their visits, hours against their weekly cap per week, and why they were not
  used more (for each unmet visit, what keeps this helper from it).

**Scores follow the rule as optimised.** Helpers at a visit are compared on the stages
recorded in ``result.rule_stages`` (:func:`scoring_of`): of each stage, only the terms counted
per helper visit (:data:`PAIR_TERMS`: continuity, locality, travel, kept) tell two helpers at
one visit apart, and stages compare in the rule's order. For ``fifo`` that is one value, ``30``
for continuity (the resident had the helper before) ``+ 10`` for locality ``-`` the travel
minutes; for a travel-heavy rule of one's own, mostly travel; a rule with no such term (pure
coverage or equity) scores no one, and any free helper is as good. A result recording no
stages (a file from before they were recorded) is judged by the built-in rule of its name, an
algorithmic rule (``stable``, ``nearest``) by the order it prefers helpers in, anything else by
``fifo``: the text says which.

The answer is a frozen :class:`Explanation` with structured fields, and ``.text``: plain
sentences in the chosen language (Polish with its plural forms: 1 wizyta, 2 wizyty, 5 wizyt).
Residents appear by their pseudonymous id only.

Examples
--------
>>> from cus_match.generate import generate
>>> from cus_match.optimise.solve import solve
>>> inst = generate("tiny", seed=1)
>>> result = solve(inst, method="greedy")
>>> e = explain(inst, result, result.assignments[0].need)
>>> e.kind, e.visits[0].outcome
('need', <Outcome.PLANNED: 'planned'>)
>>> from cus_match.lang import plural  # the plural forms of every text
>>> plural(22, "pl", "wizyta", "wizyty", "wizyt")
'wizyty'
"""

from __future__ import annotations

import difflib
import enum
import math
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from typing import Literal

import attrs
from attrs import field, frozen

from cus_match.clock import iso_week
from cus_match.compat import Candidate, Compat, build_compat
from cus_match.compat.unmet import plan_failures
from cus_match.errors import InvalidInputError, InvalidOptionError, Problem
from cus_match.lang import (
    MODE_WORDS,
    check_lang,
    count,
    day_date,
    local_name,
    number,
    pick,
)
from cus_match.model import TravelMode
from cus_match.model.eligibility import required_qualifications
from cus_match.model.instance import Instance
from cus_match.model.occurrences import need_dates
from cus_match.model.validators import to_tuple
from cus_match.optimise.rules import RULES, TERMS, Linear
from cus_match.optimise.solvers.state import PlanState, primary_value
from cus_match.plan.references import check_result
from cus_match.plan.result import Assignment, NearMiss, ReasonCount, Referral, Result
from cus_match.problem_texts import ProblemCode
from cus_match.reasons import Reason

__all__ = [
    "PAIR_TERMS",
    "Alternative",
    "Explanation",
    "HelperMiss",
    "NotChosen",
    "Outcome",
    "ScoreTerms",
    "Scoring",
    "VisitExplanation",
    "WeekLoad",
    "explain",
    "scoring_of",
]


# The order in which the algorithmic rules prefer helpers at a visit (they optimise no stages):
# ``stable`` ranks as the compatibility graph lists candidates (continuity, locality, travel,
# optimise/solvers/stable.py), ``nearest`` by travel alone (optimise/solvers/nearest.py).
_ALGORITHM_STAGES: dict[str, tuple[tuple[tuple[str, float], ...], ...]] = {
    "stable": ((("continuity", 1.0),), (("locality", 1.0),), (("travel", -1.0),)),
    "stable-helpers": ((("continuity", 1.0),), (("locality", 1.0),), (("travel", -1.0),)),
    "nearest": ((("travel", -1.0),),),
}

#: Terms counted once per helper on a visit: the only ones that tell two helpers at one visit
#: apart (the others count met visits, or their spread across places, whoever helps).
PAIR_TERMS: tuple[str, ...] = tuple(sorted(n for n, t in TERMS.items() if t.level == "pair"))


# Words for counts: the forms lang.plural wants (English two, Polish three).
_NOUNS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"helper": ("helper", "helpers"), "visit": ("visit", "visits"),
           "hour": ("hour", "hours"), "minute": ("minute", "minutes")},
    "pl": {"helper": ("osoba pomagająca", "osoby pomagające", "osób pomagających"),
           "visit": ("wizyta", "wizyty", "wizyt"), "hour": ("godzina", "godziny", "godzin"),
           "minute": ("minuta", "minuty", "minut")},
}


def _count(n: float, noun: str, lang: str) -> str:
    """``n`` and the noun in the right form: "1 helper", "5 osób pomagających"."""
    return count(n, lang, *pick(_NOUNS, lang)[noun])


# Structured answer ---------------------------------------------------------------------------

class Outcome(enum.StrEnum):
    """What became of one visit (occurrence) of a need."""

    PLANNED = "planned"  # helpers proposed
    UNMET = "unmet"  # left unmet, with reasons
    COVERED = "covered"  # met by a formal service
    REFERRED = "referred"  # the whole need goes to formal services
    NOT_IN_PLAN = "not_in_plan"  # the result says nothing of it (e.g. time ran out)


class NotChosen(enum.StrEnum):
    """Why an eligible helper was not the one proposed for a planned visit."""

    BUSY = "busy"  # another visit (or the travel to it) at that time
    UNAVAILABLE = "unavailable"  # the visit's time is outside their availability
    HOURS_CAP = "hours_cap"  # the visit would exceed their weekly hours
    MAX_RESIDENTS = "max_residents"  # they already help the most residents agreed
    WORSE_SCORE = "worse_score"  # free, but a lower score on the rule's terms
    NOT_PREFERRED = "not_preferred"  # free and as good on these terms: the plan kept the other
    # Free and better on the rule's terms: a method that stopped short, or a pinned visit.
    BETTER_SCORE = "better_score"


@frozen
class ScoreTerms:
    """The soft terms of one helper at one visit, and its score on the rule's terms.

    ``score`` holds one value per stage of :class:`Scoring` (the per-assignment part of each
    stage of the rule as optimised that counts a term per helper visit), compared
    lexicographically, higher is better. For the ``fifo`` rule that is one value: ``30`` for
    continuity, ``10`` for locality, less the travel minutes rounded up. Empty when the rule
    has no such stage: then every free helper is as good.
    """

    helper: str
    continuity: bool
    locality: bool
    travel_minutes: float
    mode: TravelMode
    #: Whether the resident had this helper before: the rule's continuity term (``None``: as
    #: ``continuity``, which also holds for a helper kept for this need's other visits).
    known: bool | None = None
    #: Whether the baseline plan had this helper on this visit (``None``: no baseline given).
    kept: bool | None = None
    score: tuple[float, ...] = field(factory=tuple, converter=to_tuple)

    def value(self, term: str) -> float:
        """The unit count of one per-assignment term, as the rules count it.

        Travel minutes are rounded up, as in the optimiser's objective; a ``kept`` unknown
        (no baseline) counts 0.

        Examples
        --------
        >>> ScoreTerms("h1", True, False, 12.2, TravelMode.WALK).value("travel")
        13.0
        """
        if term == "travel":
            return float(math.ceil(self.travel_minutes - 1e-9))
        if term == "continuity":
            return float(self.continuity if self.known is None else self.known)
        if term == "locality":
            return float(self.locality)
        if term == "kept":
            return float(bool(self.kept))
        raise InvalidOptionError(f"{term!r} is not a per-assignment term; those are: "
                                 f"{', '.join(PAIR_TERMS)}")


@frozen
class Scoring:
    """How :func:`explain` compares helpers at one visit: the rule the plan was made for.

    Only the terms counted per helper on a visit (:data:`PAIR_TERMS`: continuity, locality,
    travel, kept) tell two helpers at one visit apart; coverage terms count the visit whoever
    meets it, and equity counts places. So each stage of the rule with such a term gives one
    value of a helper's score, in the rule's order, and scores compare stage by stage
    (lexicographically), as the optimiser kept each stage's optimum before the next.

    Attributes
    ----------
    rule : str
        The rule's name, as the result records it.
    source : {"recorded", "named", "algorithm", "fallback"}
        Where the stages come from: the result's ``rule_stages`` (the rule as optimised);
        the built-in rule of that name (a result written before stages were recorded); the
        order an algorithmic rule (``stable``, ``stable-helpers``, ``nearest``) prefers
        helpers in; or, for a result with neither (an old file of a custom rule), the
        ``fifo`` rule.
    stages : tuple of tuple of (str, float)
        Per stage compared, its per-assignment terms with signed weights (costs negative).
    unjudged : str, optional
        A term the comparison stopped before: ``"kept"`` when the rule counts visits kept
        from a baseline plan and none was given (the stages from it on are not compared).
    """

    rule: str
    source: str
    stages: tuple[tuple[tuple[str, float], ...], ...] = field(converter=to_tuple)
    unjudged: str | None = None

    def score(self, terms: ScoreTerms) -> tuple[float, ...]:
        """The helper's value on each stage (higher is better).

        Examples
        --------
        >>> s = Scoring("fifo", "recorded", [(("continuity", 30.0), ("travel", -1.0))])
        >>> s.score(ScoreTerms("h1", True, False, 12.2, TravelMode.WALK))
        (17.0,)
        """
        return tuple(round(sum(w * terms.value(n) for n, w in stage), 9)
                     for stage in self.stages)

    def decided_by(self, better: ScoreTerms, worse: ScoreTerms) -> tuple[str, ...]:
        """The terms of the first stage on which ``worse`` scores below ``better``.

        Those of its terms on which ``worse`` counts less (empty when it does not score
        below).

        Examples
        --------
        >>> s = Scoring("x", "recorded", [(("locality", 10.0), ("travel", -1.0))])
        >>> a = ScoreTerms("a", False, True, 5, TravelMode.WALK)
        >>> b = ScoreTerms("b", False, False, 9, TravelMode.WALK)
        >>> s.decided_by(a, b)
        ('locality', 'travel')
        """
        for stage, x, y in zip(self.stages, self.score(better), self.score(worse),
                               strict=True):
            if x != y:
                if y > x:
                    return ()
                return tuple(n for n, w in stage if w * worse.value(n) < w * better.value(n))
        return ()


def scoring_of(result: Result, *, baseline: bool = False) -> Scoring:
    """The stages :func:`explain` compares helpers at a visit by, for ``result``.

    Parameters
    ----------
    result : Result
        The plan. Its ``rule_stages`` (the rule as optimised) are used; a result without them
        falls back to the built-in rule of its name, the order of an algorithmic rule, or
        else the ``fifo`` rule (:attr:`Scoring.source` says which).
    baseline : bool
        Whether a baseline plan is known (for the ``kept`` term of re-planning rules).

    Raises
    ------
    InvalidInputError
        When a recorded stage names a term that is not one of :data:`TERMS
        <cus_match.optimise.rules.TERMS>` (a result edited by hand).

    Examples
    --------
    >>> from cus_match.optimise.rules import RULES, rule_stages
    >>> from cus_match.plan.result import Result, RuleStage
    >>> trips = Result("feasible", "cpsat", "trips",
    ...                rule_stages=[RuleStage("linear", {"coverage": 1, "travel": 2})])
    >>> scoring_of(trips).stages
    ((('travel', -2.0),),)
    >>> scoring_of(Result("optimal", "cpsat", "priority")).source  # an old file
    'named'
    >>> old = scoring_of(Result("optimal", "cpsat", "mine"))  # a custom rule, no stages
    >>> old.source, old.stages
    ('fallback', ((('continuity', 30.0), ('locality', 10.0), ('travel', -1.0)),))
    >>> only = Result("optimal", "cpsat", "cover", rule_stages=[RuleStage("equity")])
    >>> scoring_of(only).stages
    ()
    >>> repair = Result("optimal", "cpsat", "repair", rule_stages=rule_stages(RULES["repair"]))
    >>> s = scoring_of(repair)
    >>> s.stages, s.unjudged
    ((), 'kept')
    >>> len(scoring_of(repair, baseline=True).stages)
    2
    """
    weights: list[dict[str, float]]
    if result.rule_stages:
        source = "recorded"
        problems = [Problem(f"rule_stages[{k}].weights", ProblemCode.NOT_ONE_OF,
                            {"value": n, "allowed": sorted(TERMS)})
                    for k, s in enumerate(result.rule_stages) for n in sorted(s.weights)
                    if n not in TERMS]
        if problems:
            raise InvalidInputError(problems, source="result")
        weights = [dict(s.weights) for s in result.rule_stages if s.kind == "linear"]
    elif result.rule in _ALGORITHM_STAGES:
        return Scoring(result.rule, "algorithm", _ALGORITHM_STAGES[result.rule])
    elif result.rule in RULES and RULES[result.rule].stages:
        source = "named"
        weights = [dict(s.weights) for s in RULES[result.rule].stages
                   if isinstance(s, Linear)]
    else:
        source = "fallback"
        weights = [dict(s.weights) for s in RULES["fifo"].stages if isinstance(s, Linear)]
    stages: list[tuple[tuple[str, float], ...]] = []
    for w in weights:
        pairs = tuple((n, TERMS[n].sense * float(w[n])) for n in sorted(w)
                      if TERMS[n].level == "pair" and w[n])
        if not pairs:
            continue
        if not baseline and any(n == "kept" for n, _w in pairs):
            return Scoring(result.rule, source, stages, unjudged="kept")
        stages.append(pairs)
    return Scoring(result.rule, source, stages)


@frozen
class Alternative:
    """Another eligible helper for a planned visit, and why they were not proposed."""

    terms: ScoreTerms
    why: NotChosen


@frozen
class VisitExplanation:
    """One visit of the need: its outcome and the reasons.

    Parameters
    ----------
    need : str
        Need id.
    date : date, optional
        The visit's date (``None`` for a referral, which concerns the whole need).
    outcome : Outcome
        What became of it.
    priority : int
        The need's priority.
    value : float
        Priority-weighted hours the visit is worth when met: ``(1 + priority) * hours``.
    start, end : datetime, optional
        The proposed time (planned visits).
    chosen : tuple of ScoreTerms
        The proposed helpers and their terms.
    alternatives : tuple of Alternative
        Other eligible helpers, best score first.
    reasons : tuple of ReasonCount
        Unmet: helpers excluded per reason.
    near_misses : tuple of NearMiss
        Unmet: helpers blocked by a single reason, nearest first.
    service : str, optional
        Covered: the formal service's id.
    referral : Referral, optional
        Referred: the referral.
    """

    need: str
    date: date | None
    outcome: Outcome
    priority: int
    value: float
    start: datetime | None = None
    end: datetime | None = None
    chosen: tuple[ScoreTerms, ...] = field(factory=tuple, converter=to_tuple)
    alternatives: tuple[Alternative, ...] = field(factory=tuple, converter=to_tuple)
    reasons: tuple[ReasonCount, ...] = field(factory=tuple, converter=to_tuple)
    near_misses: tuple[NearMiss, ...] = field(factory=tuple, converter=to_tuple)
    service: str | None = None
    referral: Referral | None = None


@frozen
class WeekLoad:
    """A helper's planned minutes in one ISO week against their weekly cap."""

    year: int
    week: int
    minutes: int
    cap_minutes: int


@frozen
class HelperMiss:
    """An unmet visit and what keeps the helper from it (empty ``reasons``: nothing does)."""

    need: str
    date: date
    reasons: tuple[Reason, ...] = field(converter=to_tuple)


@frozen
class Explanation:
    """The answer of :func:`explain`.

    Parameters
    ----------
    subject : str
        The need or helper id explained.
    kind : {"need", "helper"}
        Which it is.
    lang : {"en", "pl"}
        Language of :attr:`text`.
    text : str
        Plain sentences, one point per line.
    visits : tuple of VisitExplanation
        Need: each visit (the referral, if any, as one entry without a date).
    assignments : tuple of Assignment
        Helper: their planned visits.
    weeks : tuple of WeekLoad
        Helper: minutes per ISO week of the period against the cap.
    missed : tuple of HelperMiss
        Helper: each unmet visit and what keeps them from it.
    scoring : Scoring, optional
        Need: how helpers at a visit were compared (the rule as optimised).
    """

    subject: str
    kind: Literal["need", "helper"]
    lang: str = field(converter=check_lang)
    text: str
    visits: tuple[VisitExplanation, ...] = field(factory=tuple, converter=to_tuple)
    assignments: tuple[Assignment, ...] = field(factory=tuple, converter=to_tuple)
    weeks: tuple[WeekLoad, ...] = field(factory=tuple, converter=to_tuple)
    missed: tuple[HelperMiss, ...] = field(factory=tuple, converter=to_tuple)
    scoring: Scoring | None = None

    def __str__(self) -> str:
        return self.text


# Words ---------------------------------------------------------------------------------------

_T = {
    "en": {
        "need_head": "Need {need} ({cat}, {who}, {place}), priority {prio}:",
        "group": "group session", "resident": "resident {r}",
        "planned": "{day} {start}-{end}: {helpers}.",
        "why": "  Why: {terms}; score {score}.",
        "why_plain": "  Why: {terms}.",
        "scored": "  Helpers at a visit are compared by the rule “{rule}” the plan was made "
                  "for: {stages}.",
        "scored_named": "  Helpers at a visit are compared by the rule “{rule}” as it is "
                        "defined today (the plan does not record its stages): {stages}.",
        "scored_algorithm": "  The rule “{rule}” is a procedure, not a sum of terms; helpers at "
                            "a visit are compared in the order it prefers them: {stages}.",
        "scored_fallback": "  The plan does not record the stages of its rule “{rule}”: helpers "
                           "at a visit are compared by those of the fifo rule: {stages}.",
        "no_terms": "  The rule “{rule}” has no term that tells helpers at one visit apart (it "
                    "counts met visits, or how they spread across places, whoever helps): any "
                    "free helper is as good.",
        "unjudged": "  The rule then counts visits kept from the baseline plan, which was not "
                    "given: helpers are compared only up to that stage (pass the baseline plan "
                    "to compare them on it too).",
        "unjudged_first": "  The rule “{rule}” first tells helpers at a visit apart by the "
                          "visits kept from the baseline plan, which was not given: they are "
                          "not compared (pass the baseline plan to compare them).",
        "undecided": "free then and as good up to the stage of visits kept from the baseline "
                     "plan, which needs that plan",
        "then": "; then ", "on": " on {terms}", "kept": "visit kept from the baseline plan",
        "not_kept": "not in the baseline plan",
        "cont": "continuity (knows the resident)",
        "serving": "keeps this need's other visits (the rule's continuity counts only a "
                   "helper the resident had before)",
        "no_cont": "no continuity", "loc": "lives in the same place",
        "no_loc": "lives elsewhere", "travel": "travel {min} min ({mode})",
        "alts": "  Other eligible helpers:", "no_alts": "  No other helper was eligible.",
        "alt": "    {who} — {why} (score {score}).", "alt_plain": "    {who} — {why}.",
        NotChosen.BUSY: "busy with another visit or the travel to it at that time",
        NotChosen.UNAVAILABLE: "not available at that time",
        NotChosen.HOURS_CAP: "the visit would exceed their weekly hours",
        NotChosen.MAX_RESIDENTS: "already helps the most residents agreed",
        NotChosen.WORSE_SCORE: "free then, but a worse score",
        NotChosen.NOT_PREFERRED: "free then and as good; the plan as a whole kept the other",
        NotChosen.BETTER_SCORE: "free then and better on the rule's terms, yet not chosen: the "
                                "method may have stopped short of the best plan, or the visit "
                                "was pinned",
        "greedy": "  The greedy method does not optimise the rule: it takes helpers in its own "
                  "order (one already serving the need, one the resident knows, one from the "
                  "same place, the nearest); the scores show how each fares on the rule.",
        "unmet": "{day}: unmet. Helpers excluded, by reason:",
        "reason": "    {n}: {text}",
        "main": "  Main reason (the most actionable): {text}.",
        "near_head": "  Closest, each failing exactly one constraint (easiest fix first: a date "
                     "to renew before a rule nobody can change):",
        "near": "    {who} would fit, but for one thing: {text}.",
        "no_near": "  No helper is blocked by a single reason only.",
        "covered": "{day}: met by the formal service {svc}.",
        "missing": "{day}: not in the plan (the method stopped before reaching it).",
        "referred": "Referred to formal services: {text}.",
        "prof": "  The kind of help “{cat}” is for professionals only.",
        "quals": "  Required qualifications: {quals}; no helper who could be matched (an "
                 "agreement for this kind of help, present on one of its dates) holds them all.",
        "helper_head": "{who}: {visits}, {hours}.",
        "week": "  Week {year}-W{week:02d}: {used} h of the {cap} h weekly cap{full}.",
        "full": ", cap reached",
        "visits_head": "  Visits:",
        "visit": "    {day} {start}-{end} {need} ({cat}, {who}), travel {min} min ({mode})",
        "miss_head": "Why not more: {n} left unmet; what keeps this helper from them:",
        "miss": "  {text}: {visits}",
        "no_miss": "Why not more: no visit was left unmet.",
        "single": "  Blocked by one thing only (the closest to unblock):",
        "single_row": "    {need} {day}: {text}",
        "free": "  Could still take (free then and eligible): {list}",
        "more": "    ... and {n} more",
    },
    "pl": {
        "need_head": "Potrzeba {need} ({cat}, {who}, {place}), priorytet {prio}:",
        "group": "zajęcia grupowe", "resident": "mieszkaniec {r}",
        "planned": "{day} {start}-{end}: {helpers}.",
        "why": "  Dlaczego: {terms}; ocena {score}.",
        "why_plain": "  Dlaczego: {terms}.",
        "scored": "  Osoby pomagające przy wizycie porównano według reguły „{rule}”, dla "
                  "której powstał plan: {stages}.",
        "scored_named": "  Osoby pomagające przy wizycie porównano według reguły „{rule}” w jej "
                        "dzisiejszym brzmieniu (plan nie zapisuje jej etapów): {stages}.",
        "scored_algorithm": "  Reguła „{rule}” jest procedurą, a nie sumą składników; osoby "
                            "pomagające przy wizycie porównano w kolejności, w jakiej je "
                            "wybiera: {stages}.",
        "scored_fallback": "  Plan nie zapisuje etapów swojej reguły „{rule}”: osoby pomagające "
                           "przy wizycie porównano według etapów reguły fifo: {stages}.",
        "no_terms": "  Reguła „{rule}” nie ma składnika, który odróżnia osoby pomagające przy "
                    "jednej wizycie (liczy zaplanowane wizyty albo ich rozkład między "
                    "miejscowościami, bez względu na to, kto pomaga): każda wolna osoba jest "
                    "równie dobra.",
        "unjudged": "  Dalej reguła liczy wizyty zachowane z planu bazowego, którego nie "
                    "podano: osoby porównano tylko do tego etapu (podaj plan bazowy, by "
                    "porównać je i pod tym względem).",
        "unjudged_first": "  Reguła „{rule}” najpierw odróżnia osoby pomagające przy wizycie "
                          "według wizyt zachowanych z planu bazowego, którego nie podano: osób "
                          "nie porównano (podaj plan bazowy, by je porównać).",
        "undecided": "ma wtedy czas i równie dobrą ocenę do etapu wizyt zachowanych z planu "
                     "bazowego, do którego ten plan jest potrzebny",
        "then": "; potem ", "on": ", ze względu na: {terms}",
        "kept": "wizyta zachowana z planu bazowego", "not_kept": "spoza planu bazowego",
        "cont": "ciągłość (zna osobę)",
        "serving": "prowadzi inne wizyty tej potrzeby (ciągłość w regule liczy tylko osobę, "
                   "która pomagała już mieszkańcowi)",
        "no_cont": "bez ciągłości", "loc": "mieszka w tej samej miejscowości",
        "no_loc": "mieszka gdzie indziej", "travel": "dojazd {min} min ({mode})",
        "alts": "  Pozostałe osoby spełniające warunki:",
        "no_alts": "  Nikt inny nie spełniał warunków.",
        "alt": "    {who} — {why} (ocena {score}).", "alt_plain": "    {who} — {why}.",
        NotChosen.BUSY: "w tym czasie ma inną wizytę lub dojazd",
        NotChosen.UNAVAILABLE: "ten termin jest poza godzinami dostępności",
        NotChosen.HOURS_CAP: "wizyta przekroczyłaby tygodniowy limit godzin",
        NotChosen.MAX_RESIDENTS: "pomaga już maksymalnej liczbie osób",
        NotChosen.WORSE_SCORE: "ma wtedy czas, ale niższą ocenę",
        NotChosen.BETTER_SCORE: "ma wtedy czas i wyższą ocenę według reguły, a jednak nie "
                                "została wybrana: metoda mogła nie dojść do najlepszego planu "
                                "albo wizyta była przypięta",
        "greedy": "  Metoda zachłanna (greedy) nie optymalizuje reguły: wybiera osoby we "
                  "własnej kolejności (prowadząca już tę potrzebę, znana mieszkańcowi, z tej "
                  "samej miejscowości, najbliższa); oceny pokazują, jak każda wypada według "
                  "reguły.",
        NotChosen.NOT_PREFERRED: "ma wtedy czas i równie dobrą ocenę; plan jako całość "
                               "zachował inną osobę",
        "unmet": "{day}: bez pomocy. Wykluczeni według przyczyn:",
        "reason": "    {n}: {text}",
        "main": "  Główna przyczyna (na którą można najłatwiej wpłynąć): {text}.",
        "near_head": "  Prawie pasujący, każdy nie spełnia dokładnie jednego warunku (najpierw "
                     "najłatwiejsze do zmiany: od daty do odnowienia po regułę, której nikt nie "
                     "zmieni):",
        "near": "    {who} spełnia wszystkie warunki poza jednym: {text}.",
        "no_near": "  Nikogo nie wyklucza tylko jedna przyczyna.",
        "covered": "{day}: objęta usługą formalną {svc}.",
        "missing": "{day}: brak w planie (metoda zatrzymała się wcześniej).",
        "referred": "Skierowana do usług formalnych: {text}.",
        "prof": "  Rodzaj pomocy „{cat}” mogą świadczyć tylko profesjonaliści.",
        "quals": "  Wymagane kwalifikacje: {quals}; nie ma ich wszystkich nikt, kogo można "
                 "przydzielić (porozumienie na ten rodzaj pomocy, obecność w jednym z terminów).",
        "helper_head": "{who}: {visits}, {hours}.",
        "week": "  Tydzień {year}-W{week:02d}: {used} h z tygodniowego limitu {cap} h{full}.",
        "full": ", limit wyczerpany",
        "visits_head": "  Wizyty:",
        "visit": "    {day} {start}-{end} {need} ({cat}, {who}), dojazd {min} min ({mode})",
        "miss_head": "Dlaczego nie więcej: {n} bez pomocy; co wyklucza tę osobę:",
        "miss": "  {text}: {visits}",
        "no_miss": "Dlaczego nie więcej: żadna wizyta nie została bez pomocy.",
        "single": "  Wyklucza tylko jedna rzecz (najłatwiej to zmienić):",
        "single_row": "    {need} {day}: {text}",
        "free": "  Do przejęcia (ta osoba jest wtedy wolna i spełnia warunki): {list}",
        "more": "    ... i {n} więcej",
    },
}

# The per-assignment terms in the words of a score ("30 × continuity + 10 × locality - ...").
_TERM_NOUNS: dict[str, dict[str, str]] = {
    "en": {"continuity": "continuity", "locality": "locality", "travel": "travel minutes",
           "kept": "keeping the baseline plan"},
    "pl": {"continuity": "ciągłość", "locality": "lokalność", "travel": "minuty dojazdu",
           "kept": "zgodność z planem bazowym"},
}

_MAX_LINES = 10  # alternatives, near misses and visits listed per section before "and N more"


# Entry point ---------------------------------------------------------------------------------

def explain(instance: Instance, result: Result, subject: str, lang: str = "en", *,
            kind: Literal["need", "helper"] | None = None,
            compat: Compat | None = None, baseline: Result | None = None) -> Explanation:
    """Explain the plan for one need or one helper.

    Helpers at a planned visit are compared by the rule the plan was made for: the stages in
    ``result.rule_stages`` (:func:`scoring_of`), on the terms they count per helper visit
    (continuity, locality, travel, kept). A result that records no stages (a file written
    before they were recorded) is judged by the built-in rule of its name, an algorithmic
    rule by the order it prefers helpers in, and anything else by the ``fifo`` rule; the text
    says which.

    Parameters
    ----------
    instance : Instance
        The instance the result belongs to.
    result : Result
        The plan.
    subject : str
        A need id or a helper id.
    lang : {"en", "pl"}
        Language of the text.
    kind : {"need", "helper"}, optional
        Which ``subject`` is; needed only when an id names both a need and a helper.
    compat : Compat, optional
        The compatibility graph of ``instance``, when already built: explaining many subjects
        of a large instance then builds it once (:func:`cus_match.compat.build_compat`).
    baseline : Result, optional
        The plan ``result`` re-planned (``solve(..., baseline=...)``), for rules that count
        visits kept from it (``repair``); without it those stages are not compared.

    Returns
    -------
    Explanation
        Structured fields and ``.text``.

    Raises
    ------
    InvalidOptionError
        When ``subject`` is neither a need nor a helper id (listing close ids), is both and
        ``kind`` is not given, or ``lang`` is unknown.
    InvalidInputError
        When the result does not belong to the instance.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> result = solve(inst, method="greedy")
    >>> h = result.assignments[0].helper
    >>> e = explain(inst, result, h, lang="pl")
    >>> e.kind, e.assignments[0].helper == h
    ('helper', True)
    >>> explain(inst, result, h + "x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidOptionError: ... is neither a need nor a helper ...; close ids: ...
    """
    check_lang(lang)
    check_result(instance, result)
    needs = {n.id for n in instance.needs}
    helpers = {h.id for h in instance.helpers}
    if kind is None:
        if subject in needs and subject in helpers:
            raise InvalidOptionError(f"{subject!r} is both a need and a helper id: pass "
                                     "kind='need' or kind='helper'")
        if subject in needs:
            kind = "need"
        elif subject in helpers:
            kind = "helper"
        else:
            raise InvalidOptionError(_unknown(subject, needs, helpers))
    elif kind not in ("need", "helper"):
        raise InvalidOptionError(f"kind must be 'need' or 'helper', got {kind!r}")
    elif subject not in (needs if kind == "need" else helpers):
        raise InvalidOptionError(_unknown(subject, needs if kind == "need" else set(),
                                          helpers if kind == "helper" else set()))
    ctx = _Ctx(instance, result, lang, compat, baseline)
    if kind == "need":
        return ctx.explain_need(subject)
    return ctx.explain_helper(subject)


def _unknown(subject: str, needs: set[str], helpers: set[str]) -> str:
    labelled = {**{n: "need" for n in needs}, **{h: "helper" for h in helpers}}
    close = difflib.get_close_matches(subject, sorted(labelled), n=5, cutoff=0.5)
    # Closest first, ties by id (difflib leaves ties in reverse order).
    close.sort(key=lambda c: (-difflib.SequenceMatcher(None, subject, c).ratio(), c))
    hint = (", ".join(f"{c} ({labelled[c]})" for c in close) if close else "none")
    return f"{subject!r} is neither a need nor a helper id of this instance; close ids: {hint}"


def _abs_minutes(dt: datetime) -> int:
    return int(dt.astimezone(UTC).timestamp()) // 60


class _Ctx:
    """The plan rebuilt as a :class:`PlanState` over the compatibility graph, and the words."""

    def __init__(self, inst: Instance, result: Result, lang: str,
                 compat: Compat | None, baseline: Result | None) -> None:
        self.inst, self.result, self.lang = inst, result, lang
        self._compat = compat
        self.scoring = scoring_of(result, baseline=baseline is not None)
        self.baseline = (None if baseline is None else
                         frozenset((a.need, a.date, a.helper) for a in baseline.assignments))
        self.t = pick(_T, lang)
        self.tz = inst.policy.timezone
        self._state: PlanState | None = None

    # The plan as a state (built on first use: referrals and covered visits need none) -------
    @property
    def state(self) -> PlanState:
        if self._state is None:
            self._state = self._build_state()
        return self._state

    def _build_state(self) -> PlanState:
        compat = self._compat if self._compat is not None else build_compat(self.inst)
        self.compat: Compat = compat
        self.index = {o.key: i for i, o in enumerate(compat.occurrences)}
        state = PlanState(compat)
        teams: dict[tuple[str, date], list[tuple[int, Assignment]]] = defaultdict(list)
        for k, a in enumerate(self.result.assignments):
            teams[(a.need, a.date)].append((k, a))
        problems = []
        for key, team in sorted(teams.items()):
            i = self.index.get(key)
            if i is None:
                k = team[0][0]
                problems.append(Problem(f"assignments[{k}]", ProblemCode.VISIT_NOT_OPEN,
                                        {"need": key[0], "date": key[1].isoformat()}))
                continue
            by_helper = {c.helper: c for c in compat.candidates[i]}
            # A helper the graph does not list (a plan edited by hand) still takes the time.
            cands = [by_helper.get(a.helper) or Candidate(i, a.helper, a.travel_minutes, a.mode,
                                                          a.continuity, a.locality, ())
                     for _, a in team]
            state.add(i, _abs_minutes(team[0][1].start), cands)
        if problems:
            raise InvalidInputError(problems, source="result")
        return state

    # Words ---------------------------------------------------------------------------------
    def day(self, d: date) -> str:
        return day_date(d, self.lang)

    def hm(self, dt: datetime) -> str:
        from zoneinfo import ZoneInfo

        return f"{dt.astimezone(ZoneInfo(self.tz)):%H:%M}"

    def who(self, helper_id: str) -> str:
        name = self.inst.helper(helper_id).name
        return f"{name} ({helper_id})" if name else helper_id

    def category(self, cat_id: str) -> str:
        return local_name(self.inst.category(cat_id), self.lang)

    def terms_text(self, s: ScoreTerms) -> str:
        t = self.t
        parts = [
            t["cont"] if s.value("continuity") else t["serving"] if s.continuity
            else t["no_cont"], t["loc"] if s.locality else t["no_loc"],
            t["travel"].format(min=number(round(s.travel_minutes), self.lang),
                               mode=pick(MODE_WORDS, self.lang)[s.mode])]
        if s.kept is not None and any(n == "kept" for st in self.scoring.stages for n, _ in st):
            parts.append(t["kept"] if s.kept else t["not_kept"])
        return ", ".join(parts)

    def score_text(self, s: ScoreTerms) -> str:
        return " / ".join(number(round(v, 2), self.lang, 2, trim=True) for v in s.score)

    def stage_text(self, stage: tuple[tuple[str, float], ...]) -> str:
        nouns, out = pick(_TERM_NOUNS, self.lang), ""
        for k, (n, w) in enumerate(stage):
            size = "" if abs(w) == 1 else f"{number(abs(w), self.lang, 2, trim=True)} × "
            sign = ("−" if w < 0 else "") if k == 0 else (" − " if w < 0 else " + ")
            out += f"{sign}{size}{nouns[n]}"
        return out

    def scoring_line(self) -> str:
        sc, t = self.scoring, self.t
        if not sc.stages:
            return t["no_terms" if sc.unjudged is None else "unjudged_first"].format(
                rule=sc.rule)
        stages = t["then"].join(self.stage_text(st) for st in sc.stages)
        line = t[f"scored_{sc.source}" if sc.source != "recorded" else "scored"].format(
            rule=sc.rule, stages=stages)
        return line + ("\n" + t["unjudged"] if sc.unjudged is not None else "")

    def terms_of(self, helper: str, d: date, need: str, continuity: bool, known: bool,
                 locality: bool, travel: float, mode: TravelMode) -> ScoreTerms:
        kept = None if self.baseline is None else (need, d, helper) in self.baseline
        terms = ScoreTerms(helper, continuity, locality, travel, mode, known=known, kept=kept)
        return attrs.evolve(terms, score=self.scoring.score(terms))

    # Needs ---------------------------------------------------------------------------------
    def explain_need(self, need_id: str) -> Explanation:
        inst, t, r = self.inst, self.t, self.result
        need = inst.need(need_id)
        place = inst.place(inst.need_place(need))
        who = t["group"] if need.resident is None else t["resident"].format(r=need.resident)
        lines = [t["need_head"].format(need=need_id, cat=self.category(need.category), who=who,
                                       place=place.name or place.id, prio=need.priority)]
        visits: list[VisitExplanation] = []
        referral = next((x for x in r.referrals if x.need == need_id), None)
        value = primary_value(need, need.duration_minutes)
        if referral is not None:
            visits.append(VisitExplanation(need_id, None, Outcome.REFERRED, need.priority,
                                           value, referral=referral))
            lines += self._referral_lines(referral)
        planned: dict[date, list[Assignment]] = defaultdict(list)
        for a in r.assignments:
            if a.need == need_id:
                planned[a.date].append(a)
        unmet = {u.date: u for u in r.unmet if u.need == need_id}
        covered = {c.date: c for c in r.covered if c.need == need_id}
        dates = sorted(set(need_dates(inst, need)) | set(planned) | set(unmet) | set(covered))
        if planned:
            lines.append(self.scoring_line())
            if r.method == "greedy" and self.scoring.stages:
                lines.append(t["greedy"])
        for d in dates:
            if d in planned:
                v = self._planned(need_id, d, planned[d], value)
                lines += self._planned_lines(v)
            elif d in unmet:
                u = unmet[d]
                v = VisitExplanation(need_id, d, Outcome.UNMET, need.priority, value,
                                     reasons=u.reasons, near_misses=u.near_misses)
                lines += self._unmet_lines(v)
            elif d in covered:
                svc = inst.service(covered[d].service)
                v = VisitExplanation(need_id, d, Outcome.COVERED, need.priority, value,
                                     service=svc.id)
                label = f"{svc.provider} ({svc.id})" if svc.provider else svc.id
                lines.append(t["covered"].format(day=self.day(d), svc=label))
            elif referral is not None:
                continue  # the referral above speaks for every date
            else:
                v = VisitExplanation(need_id, d, Outcome.NOT_IN_PLAN, need.priority, value)
                lines.append(t["missing"].format(day=self.day(d)))
            visits.append(v)
        return Explanation(need_id, "need", self.lang, "\n".join(lines), visits=visits,
                           scoring=self.scoring)

    def _referral_lines(self, ref: Referral) -> list[str]:
        t, need = self.t, self.inst.need(ref.need)
        lines = [t["referred"].format(text=ref.reason.text(self.lang))]
        if ref.reason is Reason.PROFESSIONAL_ONLY:
            lines.append(t["prof"].format(cat=self.category(need.category)))
        elif ref.reason is Reason.NO_QUALIFIED_HELPER:
            quals = ", ".join(sorted(required_qualifications(self.inst, need)))
            lines.append(t["quals"].format(quals=quals))
        return lines

    def _planned(self, need_id: str, d: date, team: list[Assignment],
                 value: float) -> VisitExplanation:
        state, need = self.state, self.inst.need(need_id)
        i = self.index[(need_id, d)]
        team = sorted(team, key=lambda a: a.helper)
        listed = {c.helper: c for c in self.compat.candidates[i]}
        # The rule's continuity is the graph's (the resident had the helper before); a helper
        # the graph does not list (a plan edited by hand) keeps the plan's own flag.
        chosen = tuple(self.terms_of(
            a.helper, d, need_id, a.continuity,
            listed[a.helper].continuity if a.helper in listed else a.continuity, a.locality,
            a.travel_minutes, a.mode) for a in team)
        s = _abs_minutes(team[0].start)
        taken = {a.helper for a in team}
        # Helpers serving this need's other visits count as continuity, as in the result.
        serving = {a.helper for a in self.result.assignments
                   if a.need == need_id and a.date != d}
        worst = min(c.score for c in chosen)
        alts: list[Alternative] = []
        state.remove(i)  # judge the others against the rest of the plan, this visit left out
        try:
            for c in self.compat.candidates[i]:
                if c.helper in taken:
                    continue
                terms = self.terms_of(c.helper, d, need_id, c.continuity or c.helper in serving,
                                      c.continuity, c.locality, c.travel, c.mode)
                if not state.hours_ok(c.helper, i):
                    why = NotChosen.HOURS_CAP
                elif not state.residents_ok(c.helper, i):
                    why = NotChosen.MAX_RESIDENTS
                elif s not in c.starts:
                    why = NotChosen.UNAVAILABLE
                elif not state.helper_free(c.helper, i, s):
                    why = NotChosen.BUSY
                elif terms.score < worst:
                    why = NotChosen.WORSE_SCORE
                elif terms.score > worst:
                    why = NotChosen.BETTER_SCORE
                else:
                    why = NotChosen.NOT_PREFERRED
                alts.append(Alternative(terms, why))
        finally:
            by_helper = {c.helper: c for c in self.compat.candidates[i]}
            state.add(i, s, [by_helper.get(a.helper) or Candidate(
                i, a.helper, a.travel_minutes, a.mode, a.continuity, a.locality, ())
                for a in team])
        alts.sort(key=lambda x: (tuple(-v for v in x.terms.score), x.terms.helper))
        return VisitExplanation(need_id, d, Outcome.PLANNED, need.priority, value,
                                start=team[0].start, end=team[0].end, chosen=chosen,
                                alternatives=alts)

    def _planned_lines(self, v: VisitExplanation) -> list[str]:
        t = self.t
        assert v.date is not None
        assert v.start is not None
        assert v.end is not None
        lines = [t["planned"].format(day=self.day(v.date), start=self.hm(v.start),
                                     end=self.hm(v.end),
                                     helpers=", ".join(self.who(c.helper) for c in v.chosen))]
        for c in v.chosen:
            prefix = "" if len(v.chosen) == 1 else f"{self.who(c.helper)}: "
            lines.append(t["why" if c.score else "why_plain"].format(
                terms=prefix + self.terms_text(c), score=self.score_text(c)))
        worst = min(v.chosen, key=lambda c: c.score)
        if not v.alternatives:
            lines.append(t["no_alts"])
            return lines
        lines.append(t["alts"])
        nouns = pick(_TERM_NOUNS, self.lang)
        for alt in v.alternatives[:_MAX_LINES]:
            why = t[alt.why]
            if alt.why is NotChosen.WORSE_SCORE:
                decided = self.scoring.decided_by(worst, alt.terms)
                why += t["on"].format(terms=", ".join(nouns[n] for n in decided))
            elif alt.why is NotChosen.NOT_PREFERRED and self.scoring.unjudged is not None:
                why = t["undecided"]
            line = t["alt" if alt.terms.score else "alt_plain"].format(
                who=self.who(alt.terms.helper), why=why, score=self.score_text(alt.terms))
            lines.append(line)
        if len(v.alternatives) > _MAX_LINES:
            lines.append(t["more"].format(n=len(v.alternatives) - _MAX_LINES))
        return lines

    def _unmet_lines(self, v: VisitExplanation) -> list[str]:
        t, lang = self.t, self.lang
        assert v.date is not None
        lines = [t["unmet"].format(day=self.day(v.date))]
        main = (v.near_misses[0].reason if v.near_misses
                else v.reasons[0].reason if v.reasons else None)
        if main is not None:
            lines.append(t["main"].format(text=main.text(lang)))
        for rc in v.reasons:
            lines.append(t["reason"].format(n=_count(rc.helpers, "helper", lang),
                                            text=rc.reason.text(lang)))
        if v.near_misses:
            lines.append(t["near_head"])
            for nm in v.near_misses:
                lines.append(t["near"].format(who=self.who(nm.helper),
                                              text=nm.reason.text(lang)))
        else:
            lines.append(t["no_near"])
        return lines

    # Helpers -------------------------------------------------------------------------------
    def explain_helper(self, helper_id: str) -> Explanation:
        inst, t, lang = self.inst, self.t, self.lang
        h = inst.helper(helper_id)
        mine = sorted((a for a in self.result.assignments if a.helper == helper_id),
                      key=lambda a: (a.start, a.need))
        total = sum(a.minutes for a in mine)
        lines = [t["helper_head"].format(who=self.who(helper_id),
                                         visits=_count(len(mine), "visit", lang),
                                         hours=_count(round(total / 60, 1), "hour", lang))]
        used: Counter[tuple[int, int]] = Counter()
        for a in mine:
            used[iso_week(a.date)] += a.minutes
        cap = h.effective_weekly_minutes
        weeks = []
        for wk in sorted({iso_week(d) for d in inst.period_dates}):
            weeks.append(WeekLoad(wk[0], wk[1], used[wk], cap))
            cap_h = round(cap / 60, 1)
            lines.append(t["week"].format(
                year=wk[0], week=wk[1], used=number(round(used[wk] / 60, 1), lang),
                cap=number(cap_h, lang),
                full=t["full"] if used[wk] >= cap else ""))
        if mine:
            lines.append(t["visits_head"])
            for a in mine[:_MAX_LINES * 3]:
                n = inst.need(a.need)
                who = n.resident if n.resident is not None else t["group"]
                lines.append(t["visit"].format(
                    day=self.day(a.date), start=self.hm(a.start), end=self.hm(a.end),
                    need=a.need, cat=self.category(n.category), who=who,
                    min=number(round(a.travel_minutes), lang),
                    mode=pick(MODE_WORDS, lang)[a.mode]))
            if len(mine) > _MAX_LINES * 3:
                lines.append(t["more"].format(n=len(mine) - _MAX_LINES * 3))
        missed = [self._miss(helper_id, u.need, u.date, u.reasons)
                  for u in sorted(self.result.unmet, key=lambda u: (u.date, u.need))]
        if not missed:
            lines.append(t["no_miss"])
        else:
            lines.append(t["miss_head"].format(n=_count(len(missed), "visit", lang)))
            per_reason: Counter[Reason] = Counter(r for m in missed for r in m.reasons)
            for reason, k in sorted(per_reason.items(), key=lambda kv: (-kv[1], kv[0].value)):
                lines.append(t["miss"].format(text=reason.text(lang),
                                              visits=_count(k, "visit", lang)))
            single = [m for m in missed if len(m.reasons) == 1]
            if single:
                lines.append(t["single"])
                for m in single[:_MAX_LINES]:
                    lines.append(t["single_row"].format(need=m.need, day=self.day(m.date),
                                                        text=m.reasons[0].text(lang)))
                if len(single) > _MAX_LINES:
                    lines.append(t["more"].format(n=len(single) - _MAX_LINES))
            free = [m for m in missed if not m.reasons]
            if free:
                shown = ", ".join(f"{m.need} {self.day(m.date)}" for m in free[:_MAX_LINES])
                more = f" (+{len(free) - _MAX_LINES})" if len(free) > _MAX_LINES else ""
                lines.append(t["free"].format(list=shown + more))
        return Explanation(helper_id, "helper", lang, "\n".join(lines), assignments=mine,
                           weeks=weeks, missed=missed)

    def _miss(self, helper_id: str, need_id: str, d: date,
              unmet_reasons: tuple[ReasonCount, ...]) -> HelperMiss:
        # Every constraint the helper fails, as for the near misses of the unmet entry
        # (compat.unmet): those of one assignment, then the rest of the plan.
        need = self.inst.need(need_id)
        state = self.state
        i = self.index.get((need_id, d))
        if i is None:  # outside its IPUS: no helper may take it
            return HelperMiss(need_id, d, [rc.reason for rc in unmet_reasons][:1])
        ex = self.compat.need_exclusions(i)
        own = ex.reasons_of(d, helper_id)
        timeless = {Reason.NO_COMMON_TIME, Reason.FORMAL_CLASH}
        fix = next((r for r in own if r in timeless), None)
        reasons = own + [r for r in plan_failures(
            self.compat, state, i, helper_id, ex.starts_for(d, helper_id, fix),
            formal_aside=fix is Reason.FORMAL_CLASH) if r not in own]
        if not reasons and need.helpers_needed > 1:
            reasons = [Reason.NOT_ENOUGH_HELPERS]
        return HelperMiss(need_id, d, reasons)
