"""Metrics of a plan: what researchers compare across rules and methods.

:func:`compute_metrics` measures one :class:`~cus_match.plan.result.Result` against its instance:
coverage (overall, per place, per category), travel, helpers' load and its fairness,
continuity, locality, stability (blocking pairs), why visits stay unmet, referrals, formal
cover, runtime, and the plan's value on each stage of the rule it was optimised for.
:func:`metrics_table` turns labelled metrics into tidy records (one value a
row) and :func:`metrics_markdown` into a side-by-side Markdown table.

Terms used in the definitions:

* a **visit** is one occurrence of a need that needs helpers: it is in the result's
  ``assignments`` (met) or ``unmet``. Occurrences met by formal services (``covered``) and needs
  referred to them are not visits here; they are counted apart.
* a **helper-visit** is one assignment: a team visit of ``k`` helpers makes ``k``.
* a visit's **hours** are its need's ``duration_minutes / 60``, once per visit whatever its
  team size; a helper's hours are the real minutes of its assignments / 60.
* the **place** of a need is its own ``place``, else its resident's home (the village or district
  where the help happens, :meth:`cus_match.model.instance.Instance.need_place`).
* **helpers who could serve** are those eligible for at least one visit (a candidate in
  :func:`cus_match.compat.build_compat`), and any helper the plan uses.
* a share is ``None`` when its denominator is zero (nothing to share), never a made-up 0 or 1.

Examples
--------
>>> from cus_match.generate import generate
>>> from cus_match.optimise.solve import solve
>>> inst = generate("tiny", seed=1)
>>> m = compute_metrics(inst, solve(inst, method="greedy"))
>>> m.visits_met + sum(m.unmet_by_reason.values()) == m.visits
True
>>> sorted(m.to_dict())[:3]
['blocking_pairs', 'by_category', 'by_place']
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from attrs import field, frozen

from cus_match.compat import Candidate, Compat, build_compat
from cus_match.model.instance import Instance
from cus_match.plan.references import check_result
from cus_match.plan.result import Result

__all__ = ["SCALARS", "Coverage", "Metrics", "compute_metrics", "gini", "metrics_markdown",
           "metrics_table", "rule_values"]

_DIGITS = 6  # floats in dicts and tables are rounded, so reports do not show float noise


def _share(part: float, whole: float) -> float | None:
    return None if whole == 0 else part / whole


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, _DIGITS)


def gini(values: Sequence[float]) -> float | None:
    """Gini coefficient of non-negative ``values``.

    ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)``: 0 when all are equal, ``(n - 1) / n`` when
    one value holds everything. ``0.0`` when all are zero (no inequality), ``None`` for no
    values.

    Examples
    --------
    >>> gini([2.0, 2.0, 2.0])
    0.0
    >>> gini([0.0, 0.0, 0.0, 4.0])
    0.75
    >>> gini([]) is None
    True
    """
    n = len(values)
    if n == 0:
        return None
    total = float(sum(values))
    if total == 0:
        return 0.0
    # The sorted form of the pairwise definition: O(n log n) instead of O(n^2).
    xs = sorted(values)
    weighted = sum((k + 1) * x for k, x in enumerate(xs))
    return max(0.0, 2.0 * weighted / (n * total) - (n + 1) / n)


@frozen
class Coverage:
    """Coverage of one group of visits (a place, a category): how many are met, of how many.

    The plan-wide totals met, without a denominator, that the what-if diagnosis subtracts are
    :class:`cus_match.analysis.diagnosis.MetTotals`.

    Attributes
    ----------
    visits : int
        Visits of the group (met or unmet).
    met : int
        Of them, met.
    hours : float
        Their hours (need durations).
    hours_met : float
        Hours of the met ones.

    Examples
    --------
    >>> c = Coverage(visits=4, met=3, hours=4.0, hours_met=2.0)
    >>> c.share, c.hours_share
    (0.75, 0.5)
    >>> Coverage(0, 0, 0.0, 0.0).share is None
    True
    """

    visits: int
    met: int
    hours: float
    hours_met: float

    @property
    def share(self) -> float | None:
        """``met / visits`` (``None`` with no visits)."""
        return _share(self.met, self.visits)

    @property
    def hours_share(self) -> float | None:
        """``hours_met / hours`` (``None`` with no visits)."""
        return _share(self.hours_met, self.hours)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, the shares included."""
        return {"visits": self.visits, "met": self.met, "hours": _round(self.hours),
                "hours_met": _round(self.hours_met), "share": _round(self.share),
                "hours_share": _round(self.hours_share)}


def _dict(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(sorted(value.items()))


@frozen
class Metrics:
    """The metrics of one plan. Definitions use the module's terms (visit, hours, place...).

    Attributes
    ----------
    method, rule, status : str
        As recorded in the result.
    visits : int
        Visits (met or unmet).
    visits_met : int
        Visits with their full team assigned.
    visits_share : float or None
        ``visits_met / visits``.
    hours, hours_met : float
        Hours of all visits; of the met ones.
    hours_share : float or None
        ``hours_met / hours``.
    weighted_hours_met : float
        Priority-weighted hours met, ``sum over met visits of (1 + priority) * hours`` (the
        primary objective of the ``fifo`` rule).
    weighted_hours_share : float or None
        ``weighted_hours_met`` over the same sum taken over all visits.
    helper_hours : float
        Hours of all helper-visits (a team of ``k`` counts ``k`` times).
    by_place, by_category : dict of str to Coverage
        Coverage per place of the need (its own place, else its resident's home) and per
        category, over the places and categories that have visits.
    min_place_share : float or None
        The smallest ``by_place[p].share``: the worst-served place (max-min equity).
    travel_minutes : float
        Sum of the assignments' ``travel_minutes`` (one way, from the helper's home, as
        recorded in the plan).
    travel_by_helper : dict of str to float
        The same per helper who could serve (0 for those without visits).
    travel_per_visit : float or None
        ``travel_minutes / helper-visits``.
    load_hours : dict of str to float
        Hours per helper who could serve (0 for those without visits).
    load_gini : float or None
        :func:`gini` of ``load_hours`` values: 0 when every helper who could serve works the
        same hours, towards 1 when a few carry everything; ``None`` with no such helper.
    load_max : float
        The largest ``load_hours`` value (0 with none).
    load_mean : float or None
        Mean of ``load_hours`` values.
    helpers_could_serve, helpers_used : int
        Helpers who could serve; helpers with at least one visit.
    recurring_needs : int
        Needs with at least two met visits.
    continuity_share : float or None
        Of ``recurring_needs``, the share whose met visits all have the same helper (the same
        team, for teams).
    previous_pairs, previous_pairs_kept : int or None
        With a ``previous`` result: its distinct (need, helper) pairs whose need is still in
        the instance, and how many of them this plan keeps (``None`` without ``previous``).
    previous_pairs_share : float or None
        ``previous_pairs_kept / previous_pairs``.
    locality_share : float or None
        Share of helper-visits whose helper's home is the need's place.
    blocking_pairs : int or None
        Number of :func:`cus_match.optimise.solvers.stable.blocking_pairs` (``None`` when not
        computed): (visit, helper) pairs that would both rather be matched to each other.
    rule_values : dict of str to float or None
        The plan's value on each stage of the rule as optimised (``result.rule_stages``; for a
        result without them, the built-in rule of its name), keyed by stage number from
        ``"1"``, recomputed from the assignments: a linear stage as its weighted sum (the
        terms in their units: minutes, visits, helper visits; costs such as travel
        subtracted), an equity stage as the worst place's share of meetable minutes met
        (0-1, in thousandths). ``None`` for a stage counting visits kept from a baseline
        (``kept``) when no ``previous`` plan is given; empty for the algorithmic rules and for
        a result of an unknown rule that records no stages.
    unmet_by_reason : dict of str to int
        Unmet visits per main reason (the first, most common, of each ``Unmet``; ``"none"``
        when an unmet entry gives no reason).
    referrals : int
        Needs referred to formal services.
    covered : int
        Occurrences already met by formal services.
    runtime_seconds : float
        The result's solve time.
    """

    method: str
    rule: str
    status: str
    visits: int
    visits_met: int
    visits_share: float | None
    hours: float
    hours_met: float
    hours_share: float | None
    weighted_hours_met: float
    weighted_hours_share: float | None
    helper_hours: float
    by_place: dict[str, Coverage] = field(converter=_dict, hash=False)
    by_category: dict[str, Coverage] = field(converter=_dict, hash=False)
    min_place_share: float | None
    travel_minutes: float
    travel_by_helper: dict[str, float] = field(converter=_dict, hash=False)
    travel_per_visit: float | None
    load_hours: dict[str, float] = field(converter=_dict, hash=False)
    load_gini: float | None
    load_max: float
    load_mean: float | None
    helpers_could_serve: int
    helpers_used: int
    recurring_needs: int
    continuity_share: float | None
    previous_pairs: int | None
    previous_pairs_kept: int | None
    previous_pairs_share: float | None
    locality_share: float | None
    blocking_pairs: int | None
    rule_values: dict[str, float | None] = field(converter=_dict, hash=False)
    unmet_by_reason: dict[str, int] = field(converter=_dict, hash=False)
    referrals: int
    covered: int
    runtime_seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values (floats rounded to 6 decimals, keys sorted).

        Examples
        --------
        >>> import json
        >>> from cus_match.generate import generate
        >>> from cus_match.optimise.solve import solve
        >>> inst = generate("tiny", seed=1)
        >>> d = compute_metrics(inst, solve(inst, method="greedy")).to_dict()
        >>> json.loads(json.dumps(d)) == d
        True
        """
        out: dict[str, Any] = {}
        for name in _FIELDS:
            v = getattr(self, name)
            if name in ("by_place", "by_category"):
                v = {k: c.to_dict() for k, c in v.items()}
            elif name in ("travel_by_helper", "load_hours", "rule_values"):
                v = {k: _round(x) for k, x in v.items()}
            elif isinstance(v, float):
                v = _round(v)
            out[name] = v
        return dict(sorted(out.items()))


_FIELDS = [a.name for a in Metrics.__attrs_attrs__]
#: Metrics with one value per plan, in report order (the rows of :func:`metrics_markdown`).
SCALARS: tuple[str, ...] = (
    "visits", "visits_met", "visits_share", "hours", "hours_met", "hours_share",
    "weighted_hours_met", "weighted_hours_share", "helper_hours", "min_place_share",
    "travel_minutes", "travel_per_visit", "helpers_could_serve", "helpers_used", "load_gini",
    "load_max", "load_mean", "recurring_needs", "continuity_share", "previous_pairs",
    "previous_pairs_kept", "previous_pairs_share", "locality_share", "blocking_pairs",
    "referrals", "covered", "runtime_seconds",
)
_GROUPED = ("by_place", "by_category", "travel_by_helper", "load_hours", "rule_values",
            "unmet_by_reason")


def compute_metrics(instance: Instance, result: Result, previous: Result | None = None, *,
                    compat: Compat | None = None, blocking: bool = True) -> Metrics:
    """Measure ``result`` (a plan for ``instance``); see :class:`Metrics` for definitions.

    Parameters
    ----------
    instance : Instance
        The instance planned.
    result : Result
        The plan (from any method; check it with :func:`cus_match.plan.check.check` first, metrics
        do not re-verify constraints).
    previous : Result, optional
        The plan of the previous planning round, for continuity across rounds (and the
        baseline of a re-planning rule's ``kept`` term in ``rule_values``).
    compat : Compat, optional
        A compatibility structure already built for ``instance`` (built when needed).
    blocking : bool
        Count blocking pairs (the costliest metric; ``blocking_pairs`` is ``None`` without).

    Returns
    -------
    Metrics

    Raises
    ------
    InvalidInputError
        Naming every entry of ``result`` with an unknown need or helper.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=2)
    >>> m = compute_metrics(inst, solve(inst, method="greedy"), blocking=False)
    >>> m.blocking_pairs is None, 0.0 <= m.load_gini <= 1.0
    (True, True)
    """
    # ``previous`` may name needs cancelled or helpers gone since: they count as not kept.
    check_result(instance, result)
    if compat is None:
        compat = build_compat(instance)

    # Visits: each (need, date) of the assignments or unmet, with its team.
    teams: dict[tuple[str, date], set[str]] = defaultdict(set)
    for a in result.assignments:
        teams[(a.need, a.date)].add(a.helper)
    keys = set(teams) | {(u.need, u.date) for u in result.unmet}
    totals = {"visits": 0, "met": 0, "hours": 0.0, "hours_met": 0.0, "weighted": 0.0,
              "weighted_met": 0.0}
    place_cov: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    cat_cov: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    for key in keys:
        need = instance.need(key[0])
        met = key in teams
        hours = need.duration_minutes / 60
        weighted = (1 + need.priority) * hours
        totals["visits"] += 1
        totals["hours"] += hours
        totals["weighted"] += weighted
        if met:
            totals["met"] += 1
            totals["hours_met"] += hours
            totals["weighted_met"] += weighted
        for cov in (place_cov[instance.need_place(need)], cat_cov[need.category]):
            cov[0] += 1
            cov[2] += hours
            if met:
                cov[1] += 1
                cov[3] += hours
    by_place = {k: Coverage(int(v[0]), int(v[1]), v[2], v[3]) for k, v in place_cov.items()}
    by_category = {k: Coverage(int(v[0]), int(v[1]), v[2], v[3]) for k, v in cat_cov.items()}
    place_shares = [c.share for c in by_place.values() if c.share is not None]

    # Helpers: load and travel over those who could serve.
    could = {c.helper for cs in compat.candidates for c in cs}
    could |= {a.helper for a in result.assignments}
    load = dict.fromkeys(could, 0.0)
    travel = dict.fromkeys(could, 0.0)
    for a in result.assignments:
        load[a.helper] += a.minutes / 60
        travel[a.helper] += a.travel_minutes
    loads = [load[h] for h in sorted(load)]
    n_assign = len(result.assignments)
    travel_total = sum(a.travel_minutes for a in result.assignments)

    # Continuity within the plan, and with the previous round.
    need_teams: dict[str, set[frozenset[str]]] = defaultdict(set)
    met_count: Counter[str] = Counter()
    for (nid, _d), team in teams.items():
        need_teams[nid].add(frozenset(team))
        met_count[nid] += 1
    recurring = [nid for nid, k in met_count.items() if k >= 2]
    same = sum(1 for nid in recurring if len(need_teams[nid]) == 1)
    pairs = {(a.need, a.helper) for a in result.assignments}
    prev_pairs = prev_kept = None
    if previous is not None:
        known = {n.id for n in instance.needs}
        before = {(a.need, a.helper) for a in previous.assignments if a.need in known}
        prev_pairs, prev_kept = len(before), len(before & pairs)

    local = sum(1 for a in result.assignments
                if instance.helper(a.helper).home == instance.need_place(instance.need(a.need)))
    blocking_count = None
    if blocking:
        from cus_match.optimise.solvers.stable import (
            blocking_pairs,  # solvers sit upstream of metrics
        )

        blocking_count = len(blocking_pairs(instance, result, compat=compat))
    reasons = Counter(u.main_reason.value if u.main_reason is not None else "none"
                      for u in result.unmet)
    return Metrics(
        method=result.method, rule=result.rule, status=result.status.value,
        visits=int(totals["visits"]), visits_met=int(totals["met"]),
        visits_share=_share(totals["met"], totals["visits"]),
        hours=totals["hours"], hours_met=totals["hours_met"],
        hours_share=_share(totals["hours_met"], totals["hours"]),
        weighted_hours_met=totals["weighted_met"],
        weighted_hours_share=_share(totals["weighted_met"], totals["weighted"]),
        helper_hours=sum(a.minutes for a in result.assignments) / 60,
        by_place=by_place, by_category=by_category,
        min_place_share=min(place_shares) if place_shares else None,
        travel_minutes=travel_total, travel_by_helper=travel,
        travel_per_visit=_share(travel_total, n_assign),
        load_hours=load, load_gini=gini(loads), load_max=max(loads, default=0.0),
        load_mean=_share(sum(loads), len(loads)),
        helpers_could_serve=len(could), helpers_used=len({a.helper for a in result.assignments}),
        recurring_needs=len(recurring), continuity_share=_share(same, len(recurring)),
        previous_pairs=prev_pairs, previous_pairs_kept=prev_kept,
        previous_pairs_share=None if prev_pairs is None else _share(prev_kept or 0, prev_pairs),
        locality_share=_share(local, n_assign),
        blocking_pairs=blocking_count,
        rule_values=rule_values(compat, result, previous),
        unmet_by_reason=dict(reasons),
        referrals=len(result.referrals), covered=len(result.covered),
        runtime_seconds=result.runtime_seconds,
    )


def rule_values(compat: Compat, result: Result,
                previous: Result | None = None) -> dict[str, float | None]:
    """The plan's value on each stage of the rule it was optimised for (see :class:`Metrics`).

    Parameters
    ----------
    compat : Compat
        The compatibility structure of the plan's instance.
    result : Result
        The plan; its ``rule_stages`` say what is counted.
    previous : Result, optional
        The baseline plan, for a ``kept`` term (``None`` for such a stage without it).

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> plan = solve(inst, method="greedy")
    >>> values = rule_values(build_compat(inst), plan)
    >>> sorted(values), round(values["1"] / 60, 6) == round(plan.objective, 6)
    (['1', '2'], True)
    """
    from cus_match.errors import InvalidOptionError
    from cus_match.optimise.rules import (
        EQUITY_RESOLUTION,
        SCALE,
        TERMS,
        Linear,
        rule_as_optimised,
    )

    try:
        rule = rule_as_optimised(result)
    except InvalidOptionError:  # a custom rule's name, and no stages recorded: nothing known
        return {}
    if previous is not None:
        rule = rule.with_baseline((a.need, a.date, a.helper) for a in previous.assignments)
    index = {o.key: i for i, o in enumerate(compat.occurrences)}
    teams: dict[int, list[Candidate]] = defaultdict(list)
    for a in result.assignments:
        i = index.get((a.need, a.date))
        if i is None:  # outside the visits the graph knows: no stage counts it
            continue
        # A helper the graph does not list (a plan edited by hand) counts by its own terms.
        c = next((c for c in compat.candidates[i] if c.helper == a.helper), None)
        teams[i].append(c or Candidate(i, a.helper, a.travel_minutes, a.mode, a.continuity,
                                       a.locality, ()))
    chosen = {i: (0, tuple(team)) for i, team in sorted(teams.items())}
    out: dict[str, float | None] = {}
    for k, stage in enumerate(rule.stages, start=1):
        if isinstance(stage, Linear):
            unknown = previous is None and any(
                n == "kept" and w for n, w in stage.weights if TERMS[n].level == "pair")
            out[str(k)] = None if unknown else stage.value(compat, chosen) / SCALE
        else:
            out[str(k)] = stage.value(compat, chosen) / EQUITY_RESOLUTION
    return out


def metrics_table(rows: Sequence[tuple[str, Metrics]]) -> list[dict[str, Any]]:
    """Labelled metrics as tidy records: one value a row.

    Each record is ``{"label", "metric", "group", "value"}``. Scalar metrics (:data:`SCALARS`)
    have ``group`` ``None``; grouped ones name the group: ``by_place.share`` with the place id,
    ``by_category.hours_met`` with the category, ``load_hours`` with the helper,
    ``unmet_by_reason`` with the reason. Ready for ``pandas.DataFrame`` and a pivot.

    Parameters
    ----------
    rows : sequence of (str, Metrics)
        A label (rule, method, instance...) and its metrics.

    Returns
    -------
    list of dict
        In row order, then :data:`SCALARS` order, then grouped metrics by name and group.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> m = compute_metrics(inst, solve(inst, method="greedy"), blocking=False)
    >>> recs = metrics_table([("fifo", m)])
    >>> recs[0]["label"], recs[0]["metric"], recs[0]["group"], recs[0]["value"] == m.visits
    ('fifo', 'visits', None, True)
    """
    out: list[dict[str, Any]] = []
    for label, m in rows:
        d = m.to_dict()
        for name in SCALARS:
            out.append({"label": label, "metric": name, "group": None, "value": d[name]})
        for name in _GROUPED:
            for group, v in d[name].items():
                if isinstance(v, dict):
                    for sub, x in v.items():
                        out.append({"label": label, "metric": f"{name}.{sub}", "group": group,
                                    "value": x})
                else:
                    out.append({"label": label, "metric": name, "group": group, "value": v})
    return out


def _cell(v: object) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v) and abs(v) < 1e12:
            return str(int(v))
        return f"{v:.3f}"
    return str(v)


def metrics_markdown(rows: Sequence[tuple[str, Metrics]],
                     metrics: Sequence[str] = SCALARS) -> str:
    """A Markdown table comparing plans: one row per metric, one column per label.

    Parameters
    ----------
    rows : sequence of (str, Metrics)
        A label and its metrics.
    metrics : sequence of str
        Which scalar metrics, in order (default :data:`SCALARS`).

    Returns
    -------
    str
        The table; ``–`` marks a share with nothing to share (``None``).

    Raises
    ------
    ValueError
        For a name that is not a scalar metric.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> m = compute_metrics(inst, solve(inst, method="greedy"), blocking=False)
    >>> print(metrics_markdown([("fifo", m)], metrics=["visits", "blocking_pairs"]))
    | metric | fifo |
    |---|---|
    | visits | 7 |
    | blocking_pairs | – |
    """
    bad = [m for m in metrics if m not in SCALARS]
    if bad:
        raise ValueError(f"not scalar metrics: {', '.join(bad)}; choose from: "
                         f"{', '.join(SCALARS)}")
    dicts = [(label, m.to_dict()) for label, m in rows]
    lines = ["| metric | " + " | ".join(label for label, _ in dicts) + " |",
             "|---|" + "---|" * len(dicts)]
    for name in metrics:
        lines.append(f"| {name} | " + " | ".join(_cell(d[name]) for _, d in dicts) + " |")
    return "\n".join(lines)
