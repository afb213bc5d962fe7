"""The plan a solver proposes: assignments, unmet needs with reasons, referrals, status.

A :class:`Result` is frozen and never stored on the instance. It round-trips through JSON
(:mod:`cus_match.io.json_format`) and can be re-verified by :func:`cus_match.plan.check.check`.
"""

from __future__ import annotations

import enum
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from attrs import field, frozen

from cus_match.errors import FieldValueError
from cus_match.lang import number, pick, plural
from cus_match.model import TravelMode
from cus_match.model.validators import (
    check_id,
    check_non_negative,
    to_date,
    to_float,
    to_opt_float,
    to_tuple,
)
from cus_match.problem_texts import ProblemCode
from cus_match.reasons import Reason

__all__ = ["Assignment", "Covered", "DroppedPin", "MethodCount", "NearMiss", "PhaseTime",
           "ReasonCount", "Referral", "Result", "RuleStage", "Status", "Unmet"]


def _to_datetime(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise FieldValueError(ProblemCode.NOT_A_DATETIME, value=repr(value)) from None
    if dt.tzinfo is None:
        raise FieldValueError(ProblemCode.NO_UTC_OFFSET, value=repr(value))
    return dt


class Status(enum.StrEnum):
    """How good the plan is known to be."""

    OPTIMAL = "optimal"  # proven best for the rule
    FEASIBLE = "feasible"  # meets every hard constraint; not proven best
    PARTIAL = "partial"  # a heuristic left a required need unmet (infeasibility not proven)
    INFEASIBLE = "infeasible"  # proven: the required needs cannot all be met
    NO_SOLUTION = "no_solution"  # time ran out before any plan
    STOPPED = "stopped"  # the caller stopped the search: the best plan found by then


@frozen
class Assignment:
    """One helper at one visit (occurrence) of a need.

    Parameters
    ----------
    need, helper : str
        Ids.
    date : date
        The occurrence's local date.
    start, end : datetime
        Local, with UTC offset.
    travel_minutes : float
        One-way travel from the helper's home.
    mode : TravelMode
        How the helper travels there.
    continuity : bool
        The helper helped this resident before (or serves this need's other visits).
    locality : bool
        The helper lives in the place where the help happens.
    """

    need: str = field(validator=check_id)
    date: date = field(converter=to_date)
    helper: str = field(validator=check_id)
    start: datetime = field(converter=_to_datetime)
    end: datetime = field(converter=_to_datetime)
    travel_minutes: float = field(converter=to_float, validator=check_non_negative)
    mode: TravelMode = field(converter=TravelMode)
    continuity: bool = False
    locality: bool = False

    @property
    def minutes(self) -> int:
        """Length of the visit in real minutes."""
        # Aware datetimes sharing one tzinfo subtract as wall clock; UTC gives real minutes.
        return int((self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() // 60)


@frozen
class ReasonCount:
    """How many helpers were excluded for one reason."""

    reason: Reason = field(converter=Reason)
    helpers: int = field(validator=check_non_negative)


@frozen
class NearMiss:
    """A helper who would fit an unmet occurrence but for exactly one reason."""

    helper: str = field(validator=check_id)
    reason: Reason = field(converter=Reason)


@frozen
class Unmet:
    """An occurrence of a need left unmet, with the reasons.

    ``reasons`` counts, for each reason, the helpers it excluded (a helper counts under every
    constraint it fails; ``docs/constraints.md`` defines the counts); the most common reason
    comes first. ``near_misses`` names up to three helpers failing exactly one constraint, the
    rest of the plan included, easiest fix first: whom a coordinator could unblock.
    """

    need: str = field(validator=check_id)
    date: date = field(converter=to_date)
    reasons: tuple[ReasonCount, ...] = field(converter=to_tuple)
    near_misses: tuple[NearMiss, ...] = field(factory=tuple, converter=to_tuple)

    @property
    def main_reason(self) -> Reason | None:
        """The most actionable reason: the first near miss's, else the most common one.

        A near miss is one fix away from a met visit, so its reason is what a coordinator can
        act on; without one, the reason that excluded the most helpers.

        >>> u = Unmet("n1", "2026-03-24", [ReasonCount("too_far", 9)],
        ...           [NearMiss("h1", "accident_insurance")])
        >>> u.main_reason
        <Reason.ACCIDENT_INSURANCE: 'accident_insurance'>
        """
        if self.near_misses:
            return self.near_misses[0].reason
        return self.reasons[0].reason if self.reasons else None


@frozen
class Referral:
    """A need referred to formal services instead of volunteers (subsidiarity, H9)."""

    need: str = field(validator=check_id)
    reason: Reason = field(converter=Reason)
    detail: str = ""


@frozen
class Covered:
    """An occurrence already met by a formal service: not matched, not unmet."""

    need: str = field(validator=check_id)
    date: date = field(converter=to_date)
    service: str = field(validator=check_id)


@frozen
class DroppedPin:
    """A pinned (confirmed) helper visit the plan could not keep, and why."""

    need: str = field(validator=check_id)
    date: date = field(converter=to_date)
    helper: str = field(validator=check_id)
    reason: Reason = field(converter=Reason)
    detail: str = ""


@frozen
class MethodCount:
    """How many components one method planned (what ran, e.g. ``flow``, ``cpsat-lns``)."""

    method: str
    components: int = field(validator=check_non_negative)


@frozen
class PhaseTime:
    """Wall time of one phase of a solve: ``build``, ``solve``, ``assemble`` or ``explain``."""

    phase: str
    seconds: float = field(converter=to_float, validator=check_non_negative)


def _check_kind(_inst: object, _attr: object, value: str) -> None:
    if value not in ("linear", "equity"):
        raise FieldValueError(ProblemCode.NOT_ONE_OF, value=value, allowed=["linear", "equity"])


def _check_weights(_inst: object, _attr: object, value: dict[str, float]) -> None:
    for name, w in value.items():
        if w < 0:
            raise FieldValueError(ProblemCode.NEGATIVE, value=f"{name}={w!r}")


@frozen
class RuleStage:
    """One stage of the rule as optimised: ``linear`` (weights by term) or ``equity``.

    Kept in the result so that explanations and metrics score the plan by the weights it was
    actually optimised for, not by what a rule of that name means today.
    """

    kind: str = field(validator=_check_kind)
    # A mapping is not hashable: equality compares it, the hash leaves it out.
    weights: dict[str, float] = field(factory=dict, validator=_check_weights, hash=False)


@frozen
class Result:
    """A proposed plan.

    Parameters
    ----------
    status : Status
        How good the plan is known to be.
    method, rule : str
        How it was found and what it optimised.
    assignments : sequence of Assignment
        The proposals, sorted by (date, start, need, helper).
    unmet : sequence of Unmet
        Occurrences left unmet, with reasons.
    referrals : sequence of Referral
        Needs referred to formal services.
    covered : sequence of Covered
        Occurrences already met by formal services.
    objective : float, optional
        The rule's objective value of the plan.
    bound : float, optional
        The best proven bound on the objective (equal to it when optimal).
    runtime_seconds : float
        Wall-clock time of the solve.
    seed : int
        Random seed used.
    instance_name : str
        The instance's ``name``.
    dropped_pins : sequence of DroppedPin
        Pinned visits that could not be kept, with reasons (re-planning).
    changes : int, optional
        Helper visits of the baseline plan not kept (same need, date and helper), when the
        plan was made against a baseline.
    methods : sequence of MethodCount
        What ran, and on how many components (``method`` stays the name asked for).
    rule_stages : sequence of RuleStage
        The rule as optimised, stage by stage (empty for the algorithmic rules).
    phases : sequence of PhaseTime
        Wall time of each phase of the solve.
    unexplained : int
        Unmet visits whose reasons were not worked out within the time limit (their
        ``reasons`` are empty); 0 when every unmet visit is explained.
    unexamined : int
        Visits wanting helpers whose candidates the time limit left no time to work out
        (building the compatibility graph ran out of it): listed in ``unmet`` with no
        reasons. 0 when the whole instance was examined.
    cut_by_clock : bool
        A deterministic solve that its time limit (a hard wall-clock cap there) ended before
        its work limit: the plan is the best found by then and may differ between runs.
        ``False`` outside deterministic mode, where the clock always decides.
    instance_digest : str, optional
        The SHA-256 of the instance's canonical JSON
        (:func:`cus_match.io.json_format.instance_digest`), so that a plan given with another
        instance is refused at once; ``None`` in results written before it was recorded.
    """

    status: Status = field(converter=Status)
    method: str
    rule: str
    assignments: tuple[Assignment, ...] = field(factory=tuple, converter=to_tuple)
    unmet: tuple[Unmet, ...] = field(factory=tuple, converter=to_tuple)
    referrals: tuple[Referral, ...] = field(factory=tuple, converter=to_tuple)
    covered: tuple[Covered, ...] = field(factory=tuple, converter=to_tuple)
    objective: float | None = field(default=None, converter=to_opt_float)
    bound: float | None = field(default=None, converter=to_opt_float)
    runtime_seconds: float = field(converter=to_float, default=0.0, validator=check_non_negative)
    seed: int = 0
    instance_name: str = ""
    dropped_pins: tuple[DroppedPin, ...] = field(factory=tuple, converter=to_tuple)
    changes: int | None = None
    # What ran and how long each phase took (timings take no part in equality, as two runs
    # of one plan differ in them), and the rule as optimised.
    methods: tuple[MethodCount, ...] = field(factory=tuple, converter=to_tuple)
    rule_stages: tuple[RuleStage, ...] = field(factory=tuple, converter=to_tuple)
    phases: tuple[PhaseTime, ...] = field(factory=tuple, converter=to_tuple, eq=False)
    unexplained: int = field(default=0, validator=check_non_negative)
    instance_digest: str | None = None
    unexamined: int = field(default=0, validator=check_non_negative)
    cut_by_clock: bool = False

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound (0 when proven optimal)."""
        if self.objective is None or self.bound is None:
            return None
        denom = max(abs(self.bound), 1e-9)
        return abs(self.bound - self.objective) / denom

    def summary(self, lang: str = "en") -> str:
        """A short plain-text summary.

        Parameters
        ----------
        lang : {"en", "pl"}
            Language of the text.

        Raises
        ------
        InvalidOptionError
            For a language other than ``en`` or ``pl``.

        Examples
        --------
        >>> r = Result(assignments=[Assignment("n1", "2026-03-24", "h1",
        ...     "2026-03-24T09:00:00+01:00", "2026-03-24T10:30:00+01:00", 5.0, "walk")],
        ...     status="feasible", method="greedy", rule="fifo")
        >>> print(r.summary("pl").splitlines()[1])
          zaplanowane wizyty: 1, pomagający: 1, godziny: 1,5
        """
        visits = {(a.need, a.date) for a in self.assignments}
        helpers = {a.helper for a in self.assignments}
        hours = sum(a.minutes for a in self.assignments) / 60
        reasons: Counter[Reason] = Counter(
            u.main_reason for u in self.unmet if u.main_reason is not None
        )
        t = pick(_SUMMARY, lang)
        lines = [
            t["head"].format(status=t["status"][self.status.value], method=self.method,
                             rule=self.rule,
                             seconds=number(self.runtime_seconds, lang, 2, fixed=True)),
            plural(len(helpers), lang, *t["met"]).format(
                visits=len(visits), helpers=len(helpers), hours=number(hours, lang, fixed=True)),
            t["unmet"].format(n=len(self.unmet)),
        ]
        for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0].value)):
            lines.append(f"    {n:4d}  {reason.text(lang)}")
        lines.append(t["covered"].format(n=len(self.covered)))
        lines.append(t["referred"].format(n=len(self.referrals)))
        if self.unexplained:
            lines.append(t["unexplained"].format(n=self.unexplained))
        if self.unexamined:
            lines.append(t["unexamined"].format(n=self.unexamined))
        if self.cut_by_clock:
            lines.append(t["cut_by_clock"])
        if self.objective is not None:
            bound = ("" if self.bound is None
                     else t["bound"].format(bound=number(self.bound, lang, 2, fixed=True)))
            gap = self.gap
            if gap is not None:
                bound += t["gap"].format(gap=number(100 * gap, lang, 1, fixed=True))
            lines.append(t["objective"].format(obj=number(self.objective, lang, 2, fixed=True))
                         + bound)
        return "\n".join(lines)

    def to_records(self) -> list[dict[str, Any]]:
        """The assignments as flat records (one dict per helper visit), for tables."""
        return [
            {
                "need": a.need, "date": a.date.isoformat(), "helper": a.helper,
                "start": a.start.isoformat(), "end": a.end.isoformat(),
                "minutes": a.minutes, "travel_minutes": round(a.travel_minutes, 1),
                "mode": a.mode.value, "continuity": a.continuity, "locality": a.locality,
            }
            for a in self.assignments
        ]


# The summary's lines; "met" holds the plural forms by the number of helpers.
_SUMMARY: dict[str, dict[str, Any]] = {
    "en": {
        "head": "Plan: {status} ({method}, rule {rule}, {seconds} s)",
        "met": ("  visits met: {visits} by {helpers} helper, {hours} helper-hours",
                "  visits met: {visits} by {helpers} helpers, {hours} helper-hours"),
        "unmet": "  visits unmet: {n}; main reasons:",
        "covered": "  visits already met by formal services: {n}",
        "referred": "  needs referred to formal services: {n}",
        "objective": "  objective: {obj}",
        "bound": ", bound: {bound}",
        "gap": ", gap: {gap} %",
        "unexplained": "  unmet visits not explained within the time limit: {n}",
        "unexamined": "  visits not examined: the time limit ran out while building the "
                      "compatibility graph (give a longer one): {n}",
        "cut_by_clock": "  the time limit ended the deterministic search before its work "
                        "limit: this plan is not reproducible",
        "status": {s.value: s.value.replace("_", " ") for s in Status},
    },
    "pl": {
        "head": "Plan: {status} ({method}, reguła {rule}, {seconds} s)",
        "met": ("  zaplanowane wizyty: {visits}, pomagający: {helpers}, godziny: {hours}",) * 3,
        "unmet": "  wizyty bez pomocy: {n}; główne przyczyny:",
        "covered": "  wizyty objęte usługami formalnymi: {n}",
        "referred": "  potrzeby skierowane do usług formalnych: {n}",
        "objective": "  wartość celu: {obj}",
        "bound": ", ograniczenie: {bound}",
        "gap": ", luka: {gap} %",
        "unexplained": "  wizyty bez pomocy niewyjaśnione w limicie czasu: {n}",
        "unexamined": "  wizyty niezbadane: limit czasu skończył się podczas budowy grafu "
                      "zgodności (podaj dłuższy): {n}",
        "cut_by_clock": "  limit czasu przerwał wyszukiwanie deterministyczne przed limitem "
                        "pracy: tego planu nie da się odtworzyć",
        "status": {"optimal": "optymalny", "feasible": "dopuszczalny", "partial": "częściowy",
                   "infeasible": "niewykonalny", "no_solution": "brak planu w zadanym czasie",
                   "stopped": "przerwany"},
    },
}
