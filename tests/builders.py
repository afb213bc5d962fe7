"""Small hand-made instances for solver tests: a valid base and easy variations."""

from __future__ import annotations

from typing import Any

import attrs

from cus_match.model import (
    Agreement,
    Credentials,
    DateRange,
    Helper,
    Need,
    Place,
    Policy,
    Recurrence,
    Resident,
    TimeWindow,
    WeeklyWindow,
)
from cus_match.model.instance import Instance

PERIOD = DateRange("2026-03-23", "2026-03-29")  # Mon-Sun; clocks go forward on Sun 29th
CATS = ["shopping", "companionship", "homework_help", "respite", "transport", "walk",
        "childrens_club", "neighbour_care", "digital_help"]
CREDS = Credentials(rsps_checked_on="2026-01-10", krk_presented_on="2026-01-10",
                    bhp_briefed_on="2026-01-10", first_aid_valid_to="2027-01-01",
                    fitness_declared_on="2026-01-10", nnw_valid_from="2026-01-01",
                    nnw_valid_to="2026-12-31")


def helper(hid: str, home: str = "a", **kw: Any) -> Helper:
    base: dict[str, Any] = dict(
        weekly_hours_cap=10,
        availability=[WeeklyWindow(d, "08:00", "20:00") for d in
                      ("mon", "tue", "wed", "thu", "fri", "sat", "sun")],
        agreement=Agreement("2026-01-01", written=True, categories=CATS),
        credentials=CREDS, modes=["walk", "car"], max_travel_minutes=60,
    )
    base.update(kw)
    return Helper(hid, home=home, **base)


def need(nid: str, resident: str | None = "r1", **kw: Any) -> Need:
    base: dict[str, Any] = dict(
        category="shopping", duration_minutes=60, windows=[TimeWindow("09:00", "12:00")],
        recurrence=Recurrence.once("2026-03-24"), applied_on="2026-03-01",
    )
    base.update(kw)
    return Need(nid, resident=resident, **base)


def instance(helpers: list[Helper], needs: list[Need], **kw: Any) -> Instance:
    base: dict[str, Any] = dict(
        policy=Policy(period=PERIOD),
        places=[Place("a", "Bukowsko", lat=49.483, lon=22.066),
                Place("b", "Nowotaniec", lat=49.442, lon=22.118)],
        residents=[Resident("r1", home="a"), Resident("r2", home="b")],
    )
    base.update(kw)
    return Instance(helpers=helpers, needs=needs, **base)


def evolve(obj: Any, **kw: Any) -> Any:
    return attrs.evolve(obj, **kw)


def pair_term_plan(inst: Instance) -> tuple[Any, Any, dict[int, Any]]:
    """A checked CP-SAT plan for a rule with pair terms, as that rule's stage scores it.

    Travel is priced per helper visit (pair coefficients below zero), continuity above. Returns
    the compatibility tables, the stage and the plan (start times do not enter a stage's value,
    so each visit is at start 0 with the helpers who serve it).
    """
    from cus_match.compat import build_compat
    from cus_match.optimise.rules import from_weights
    from cus_match.optimise.solve import solve

    rule = from_weights("pairs", {"weighted_coverage": 1.0, "travel": 0.5, "continuity": 0.2})
    r = solve(inst, rule=rule, method="cpsat", time_limit=60, work_limit=0.4,
              deterministic=True)
    compat = build_compat(inst)
    served: dict[tuple[str, Any], set[str]] = {}
    for a in r.assignments:
        served.setdefault((a.need, a.date), set()).add(a.helper)
    chosen = {i: (0, [c for c in compat.candidates[i] if c.helper in served[(o.need, o.date)]])
              for i, o in enumerate(compat.occurrences) if (o.need, o.date) in served}
    return compat, rule.stages[0], chosen
