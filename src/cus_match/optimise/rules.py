"""Matching rules: what a plan is optimised for, as named, documented objects.

A rule is a sequence of *stages*, optimised lexicographically: each stage's optimum is kept
while the next one is optimised. A stage is either a weighted sum of *terms* (see
:data:`TERMS`) or :class:`Equity`, the worst coverage ratio across places (max-min). Two rules
are algorithms rather than objectives: ``stable`` (deferred acceptance) and ``nearest``
(each need in turn to the nearest free helper).

Built-in rules (:data:`RULES`):

``fifo``
    The legal default: priority-weighted coverage, then continuity, locality and travel
    together (the greedy baseline takes needs by priority, then order of application).
``priority``
    Lexicographic: priority-weighted coverage, then travel (minimised), then continuity and
    locality.
``utilitarian``
    One weighted sum of all soft terms (:func:`utilitarian` sets the weights): it may leave a
    visit unmet when reaching it costs more travel than it is worth.
``equity``
    Max-min: the worst coverage ratio across places first, then priority-weighted coverage,
    then the fifo secondary terms.
``repair``
    Re-planning: priority-weighted coverage, then as many of the baseline plan's visits kept
    (same need, date and helper) as possible, then the fifo secondary terms. Pass the baseline
    with ``solve(..., baseline=previous_result)``.
``stable``, ``stable-helpers``
    Deferred acceptance, residents' visits (or helpers) proposing, on preferences derived from
    the soft terms (:mod:`cus_match.optimise.solvers.stable`).
``nearest``
    Each need in order of application, each visit to the nearest free eligible helper.

Users define their own rules from weights or by composing stages, without touching solver code:

>>> rule = from_weights("short-trips", {"weighted_coverage": 1, "travel": 2})
>>> rule.stages[0].coefficients()
(('travel', -2.0), ('weighted_coverage', 1.0))
>>> lexicographic("mine", [{"visits": 1}, {"travel": 1}]).describe()
'mine: maximise visits; then minimise travel'
>>> from_weights("bad", {"travle": 1})
Traceback (most recent call last):
...
cus_match.errors.InvalidOptionError: unknown term 'travle' in rule 'bad'; known terms: ...
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import attrs
from attrs import field, frozen

from cus_match.errors import InvalidOptionError
from cus_match.limits import OPTION_BOUNDS

if TYPE_CHECKING:
    from cus_match.compat import Candidate, Compat
    from cus_match.plan.result import Result, RuleStage

__all__ = [
    "RULES",
    "SECONDARY_WEIGHTS",
    "TERMS",
    "Equity",
    "Linear",
    "Rule",
    "Term",
    "from_weights",
    "get_rule",
    "lexicographic",
    "rule_as_optimised",
    "rule_stages",
    "utilitarian",
]

# Objective coefficients are integers for CP-SAT and the flow: weights are scaled by this, so
# weights with two decimals are represented exactly.
SCALE = 100
# Equity ratios are in 1/EQUITY_RESOLUTION of full coverage.
EQUITY_RESOLUTION = 1000


@frozen
class Term:
    """One soft term: what it counts, on visits or on helper visits, and its sense.

    Attributes
    ----------
    name : str
        The term's name in rules.
    level : str
        ``"visit"`` (counted once per met visit) or ``"pair"`` (once per helper on a visit).
    sense : int
        ``+1`` when more is better, ``-1`` for costs (a positive weight minimises them).
    unit : str
        What one unit is, for reports.
    doc : str
        The definition.
    """

    name: str
    level: str
    sense: int
    unit: str
    doc: str


TERMS: dict[str, Term] = {t.name: t for t in (
    Term("weighted_coverage", "visit", +1, "weighted minute",
         "minutes of met visits times (1 + the need's priority)"),
    Term("coverage", "visit", +1, "minute", "minutes of met visits"),
    Term("visits", "visit", +1, "visit", "number of met visits"),
    Term("travel", "pair", -1, "minute",
         "travel minutes of each helper to each visit (from home)"),
    Term("continuity", "pair", +1, "helper visit",
         "helper visits by a helper the resident had before"),
    Term("locality", "pair", +1, "helper visit",
         "helper visits by a helper living in the visit's place"),
    Term("kept", "pair", +1, "helper visit",
         "helper visits kept from the baseline plan (same need, date and helper): "
         "re-planning with few changes"),
)}


def _unit_value(compat: Compat, i: int, term: str) -> float:
    o = compat.occurrences[i]
    if term == "coverage":
        return float(o.duration)
    if term == "weighted_coverage":
        return float((1 + compat.inst.need(o.need).priority) * o.duration)
    return 1.0  # visits


def _pair_value(compat: Compat, c: Candidate, term: str,
                baseline: frozenset[tuple[str, date, str]]) -> float:
    if term == "travel":
        return float(math.ceil(c.travel))
    if term == "continuity":
        return float(c.continuity)
    if term == "kept":
        o = compat.occurrences[c.occ]
        return float((o.need, o.date, c.helper) in baseline)
    return float(c.locality)


def _check_weights(rule: str, weights: Mapping[str, object]) -> tuple[tuple[str, float], ...]:
    if not isinstance(weights, Mapping) or not weights:
        raise InvalidOptionError(f"rule {rule!r}: a stage needs a non-empty mapping of "
                                 f"term names to weights, got {weights!r}")
    out = []
    for name in sorted(weights, key=str):
        w = weights[name]
        if name not in TERMS:
            raise InvalidOptionError(f"unknown term {name!r} in rule {rule!r}; known terms: "
                                     f"{', '.join(sorted(TERMS))}")
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not math.isfinite(w):
            raise InvalidOptionError(f"rule {rule!r}: the weight of term {name!r} must be a "
                                     f"finite number, got {w!r}")
        if w < 0:
            raise InvalidOptionError(
                f"rule {rule!r}: the weight of term {name!r} must not be negative, got {w!r} "
                f"(costs such as travel are minimised by a positive weight)")
        if not OPTION_BOUNDS["weights"].holds(float(w)):  # 1e308 would overflow the solvers' sums
            raise InvalidOptionError(f"rule {rule!r}: the weight of term {name!r} must be at "
                                     f"most {OPTION_BOUNDS['weights'].high}, got {w!r}")
        out.append((name, float(w)))
    if all(w == 0 for _n, w in out):
        raise InvalidOptionError(f"rule {rule!r}: a stage needs at least one positive weight")
    return tuple(out)


@frozen
class Linear:
    """A stage that maximises ``sum(weight * sense * term)``.

    Parameters
    ----------
    weights : tuple of (str, float)
        Non-negative weights by term name (see :data:`TERMS`).
    """

    weights: tuple[tuple[str, float], ...]
    #: (need, date, helper) visits of the plan being re-planned, for the ``kept`` term.
    baseline: frozenset[tuple[str, date, str]] = frozenset()

    def coefficients(self) -> tuple[tuple[str, float], ...]:
        """Signed weights: costs negative."""
        return tuple((n, TERMS[n].sense * w) for n, w in self.weights)

    def visit_coef(self, compat: Compat, i: int) -> int:
        """Integer objective coefficient of meeting visit ``i`` (scaled by ``SCALE``)."""
        return round(SCALE * sum(w * _unit_value(compat, i, n) for n, w in self.weights
                                 if TERMS[n].level == "visit"))

    def pair_coef(self, compat: Compat, c: Candidate) -> int:
        """Integer objective coefficient of helper ``c.helper`` on visit ``c.occ``."""
        return round(SCALE * sum(TERMS[n].sense * w * _pair_value(compat, c, n, self.baseline)
                                 for n, w in self.weights if TERMS[n].level == "pair"))

    @property
    def has_pairs(self) -> bool:
        """Whether any term is counted per helper visit."""
        return any(TERMS[n].level == "pair" and w for n, w in self.weights)

    def value(self, compat: Compat, chosen: Mapping[int, tuple[int, Sequence[Candidate]]]
              ) -> int:
        """The stage's (scaled, integer) value of a plan."""
        return sum(self.visit_coef(compat, i) + sum(self.pair_coef(compat, c) for c in team)
                   for i, (_s, team) in chosen.items())

    def describe(self) -> str:
        """Plain words, e.g. ``maximise coverage + 0.5 x locality``."""
        parts = []
        for n, w in self.weights:
            if w:
                parts.append(n if w == 1 else f"{w:g} x {n}")
        verb = "minimise" if all(TERMS[n].sense < 0 for n, w in self.weights if w) \
            else "maximise"
        if verb == "minimise":
            return "minimise " + " + ".join(parts)
        signed = [(("- " if TERMS[n].sense < 0 else "+ ") + p)
                  for (n, w), p in zip([x for x in self.weights if x[1]], parts, strict=True)]
        return "maximise " + " ".join(signed).removeprefix("+ ")


@frozen
class Equity:
    """A stage that maximises the worst coverage ratio across places.

    A place's ratio is the minutes met of its visits over the minutes of its visits that could
    be met at all (enough eligible helpers and a start time): places nobody can serve are the
    shortage map's business, not a reason to stop optimising the others. Ratios are counted in
    thousandths; the value of a plan is the minimum over places with such visits.
    """

    def groups(self, compat: Compat) -> dict[str, list[int]]:
        """Meetable visits by the id of the place they happen at."""
        inst = compat.inst
        out: dict[str, list[int]] = {}
        for i, o in enumerate(compat.occurrences):
            need = inst.need(o.need)
            if compat.starts[i] and len(compat.candidates[i]) >= need.helpers_needed:
                out.setdefault(inst.need_place(need), []).append(i)
        return dict(sorted(out.items()))

    def value(self, compat: Compat, chosen: Mapping[int, object]) -> int:
        """Worst place ratio of a plan, in thousandths (``EQUITY_RESOLUTION`` if no place)."""
        worst = EQUITY_RESOLUTION
        for occs in self.groups(compat).values():
            demand = sum(compat.occurrences[i].duration for i in occs)
            met = sum(compat.occurrences[i].duration for i in occs if i in chosen)
            worst = min(worst, EQUITY_RESOLUTION * met // demand)
        return worst

    def describe(self) -> str:
        """Plain words."""
        return "maximise the worst coverage ratio across places"


Stage = Linear | Equity


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidOptionError(f"a rule needs a non-empty name, got {name!r}")
    return name


@frozen
class Rule:
    """What is optimised (or, for ``stable`` and ``nearest``, which algorithm decides).

    Attributes
    ----------
    name : str
        Recorded in results.
    stages : tuple of Linear or Equity
        Optimised in turn, each keeping the previous ones' optimum. Empty for algorithms.
    algorithm : str, optional
        ``"stable"``, ``"stable-helpers"`` or ``"nearest"``: the rule is that procedure.
    description : str
        One line for reports.
    """

    name: str = field(converter=_check_name)
    stages: tuple[Stage, ...] = ()
    algorithm: str | None = None
    description: str = ""

    def score(self, compat: Compat, chosen: Mapping[int, tuple[int, Sequence[Candidate]]]
              ) -> tuple[int, ...]:
        """The plan's stage values, compared lexicographically (larger is better)."""
        return tuple(s.value(compat, chosen) for s in self.stages)

    @property
    def coupled(self) -> bool:
        """Whether a stage links components (then the instance is solved as one)."""
        return any(isinstance(s, Equity) for s in self.stages)

    def primary_display(self, value: float) -> float:
        """The first stage's value in report units (hours, visits or a ratio in 0-1)."""
        first = self.stages[0]
        if isinstance(first, Equity):
            return value / EQUITY_RESOLUTION
        if len(first.weights) == 1 and first.weights[0][0] == "visits":
            return value / SCALE / first.weights[0][1]
        return value / SCALE / 60  # minutes to hours

    def with_baseline(self, visits: Iterable[tuple[str, date, str]]) -> Rule:
        """The same rule, with the ``kept`` term counting these (need, date, helper) visits."""
        base = frozenset(visits)
        return attrs.evolve(self, stages=tuple(
            attrs.evolve(s, baseline=base) if isinstance(s, Linear) else s
            for s in self.stages))

    def describe(self) -> str:
        """Plain words: the stages in order."""
        if self.algorithm is not None:
            return f"{self.name}: {self.description}"
        return f"{self.name}: " + "; then ".join(s.describe() for s in self.stages)


def from_weights(name: str, weights: Mapping[str, object], description: str = "") -> Rule:
    """A one-stage rule: maximise a weighted sum of terms (costs are subtracted).

    Parameters
    ----------
    name : str
        The rule's name.
    weights : mapping of str to float
        Non-negative weights by term (see :data:`TERMS`).
    description : str, optional
        For reports.

    Returns
    -------
    Rule

    Raises
    ------
    InvalidOptionError
        For an unknown term or a negative or non-numeric weight, naming the term.

    Examples
    --------
    >>> from_weights("x", {"coverage": 1, "travel": 0.5}).describe()
    'x: maximise coverage - 0.5 x travel'
    """
    name = _check_name(name)
    return Rule(name, (Linear(_check_weights(name, weights)),), description=description)


def lexicographic(name: str, stages: Sequence[Mapping[str, object] | str],
                  description: str = "") -> Rule:
    """A rule of several stages, each a weight mapping or ``"equity"``.

    Examples
    --------
    >>> lexicographic("fair", ["equity", {"coverage": 1}]).describe()
    'fair: maximise the worst coverage ratio across places; then maximise coverage'
    """
    name = _check_name(name)
    if isinstance(stages, (str, Mapping)) or not stages:
        raise InvalidOptionError(f"rule {name!r}: stages must be a non-empty list of weight "
                                 f"mappings or 'equity'")
    out: list[Stage] = []
    for s in stages:
        if s == "equity":
            out.append(Equity())
        elif isinstance(s, str):
            raise InvalidOptionError(f"rule {name!r}: unknown stage {s!r}; a stage is a weight "
                                     f"mapping or 'equity'")
        else:
            out.append(Linear(_check_weights(name, s)))
    return Rule(name, tuple(out), description=description)


#: Default weights of :func:`utilitarian`: a minute of priority-weighted coverage is worth
#: half a minute of travel; a known or local helper is worth 30 or 10 minutes.
UTILITARIAN_WEIGHTS: dict[str, float] = {
    "weighted_coverage": 1.0, "travel": 2.0, "continuity": 30.0, "locality": 10.0}


def utilitarian(weights: Mapping[str, object] | None = None) -> Rule:
    """The ``utilitarian`` rule, with user-set weights (default :data:`UTILITARIAN_WEIGHTS`).

    Examples
    --------
    >>> utilitarian({"coverage": 1, "travel": 1}).name
    'utilitarian'
    """
    return from_weights("utilitarian", dict(weights or UTILITARIAN_WEIGHTS),
                        "one weighted sum of coverage, travel, continuity and locality")


#: The fifo rule's second stage per helper visit (a known helper is worth 30 travel minutes, a
#: local one 10); explanations score helpers with it too.
SECONDARY_WEIGHTS: dict[str, float] = {"continuity": 30.0, "locality": 10.0, "travel": 1.0}
_SECONDARY = SECONDARY_WEIGHTS

RULES: dict[str, Rule] = {r.name: r for r in (
    lexicographic("fifo", [{"weighted_coverage": 1}, _SECONDARY],
                  "priority-weighted coverage, then continuity, locality and travel"),
    lexicographic("priority", [{"weighted_coverage": 1}, {"travel": 1},
                               {"continuity": 3, "locality": 1}],
                  "priority-weighted coverage, then least travel, then continuity and "
                  "locality"),
    utilitarian(),
    lexicographic("equity", ["equity", {"weighted_coverage": 1}, _SECONDARY],
                  "the worst-served place first, then priority-weighted coverage"),
    lexicographic("repair", [{"weighted_coverage": 1}, {"kept": 1}, _SECONDARY],
                  "priority-weighted coverage, then as few changes to the baseline plan as "
                  "possible, then continuity, locality and travel"),
    Rule("stable", algorithm="stable",
         description="deferred acceptance, residents' visits proposing"),
    Rule("stable-helpers", algorithm="stable-helpers",
         description="deferred acceptance, helpers proposing"),
    Rule("nearest", algorithm="nearest",
         description="each need in turn to the nearest free eligible helper"),
)}


def get_rule(rule: str | Rule) -> Rule:
    """The :class:`Rule` named ``rule`` (or ``rule`` itself).

    Raises
    ------
    InvalidOptionError
        For an unknown name.

    Examples
    --------
    >>> print(get_rule("priority").describe())  # doctest: +NORMALIZE_WHITESPACE
    priority: maximise weighted_coverage; then minimise travel;
    then maximise 3 x continuity + locality
    """
    if isinstance(rule, Rule):
        return rule
    if isinstance(rule, str) and rule in RULES:
        return RULES[rule]
    raise InvalidOptionError(f"unknown rule {rule!r}; choose one of: {', '.join(RULES)}, or "
                             f"pass a cus_match.optimise.rules.Rule")


def rule_stages(rule: Rule) -> tuple[RuleStage, ...]:
    """The rule's stages as a :class:`~cus_match.plan.result.Result` records them.

    Examples
    --------
    >>> rule_stages(RULES["equity"])[0]
    RuleStage(kind='equity', weights={})
    """
    from cus_match.plan.result import RuleStage

    return tuple(RuleStage("linear", dict(s.weights)) if isinstance(s, Linear)
                 else RuleStage("equity") for s in rule.stages)


def rule_as_optimised(result: Result) -> Rule:
    """The rule ``result`` was optimised for: its recorded stages, else the rule of its name.

    A custom rule (``from_weights``, ``lexicographic``, ``--weights``) is not known by name
    elsewhere; its recorded stages are what the plan was made for.

    Raises
    ------
    InvalidOptionError
        For a result without stages whose rule name is not a known rule.

    Examples
    --------
    >>> from cus_match.plan.result import Result, RuleStage
    >>> r = Result("feasible", "cpsat", "mine",
    ...            rule_stages=[RuleStage("linear", {"coverage": 3, "travel": 1})])
    >>> rule_as_optimised(r).describe()
    'mine: maximise 3 x coverage - travel'
    """
    if not result.rule_stages:
        return get_rule(result.rule)
    stages: list[Mapping[str, object] | str] = [
        "equity" if s.kind == "equity" else dict(s.weights) for s in result.rule_stages]
    known = RULES.get(result.rule)
    return lexicographic(result.rule, stages,
                         known.description if known is not None else "")
