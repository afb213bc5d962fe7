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
