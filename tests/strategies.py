"""Hypothesis strategies for valid :class:`~cus_match.model.instance.Instance` objects.

``instances()`` draws small planning rounds (by default at most 6 helpers, 7 needs and a period
of 7-14 days) that are *valid* (they build without :class:`InvalidInputError`) and usually
*solvable*: helpers have agreements covering the needs' categories and the period, checks dated
before the period, wide availability and a travel mode that reaches every place. With a small
probability per helper or need (``flaw_rate``) one "flaw" is injected that triggers one of the
exclusion reasons (no agreement, missing child-protection checks, veto, too far, ...), so solver
property tests see every reason now and then.

Shrinking goes towards the clean case: the minimal failing example has no flaws, default ids,
one place and the earliest dates.

Examples
--------
>>> from hypothesis import given, settings
>>> @settings(max_examples=5, deadline=None)
... @given(instances(max_helpers=2, max_needs=2))
... def test_small(inst):
...     assert 1 <= len(inst.helpers) <= 2
...     assert 7 <= inst.policy.period.days <= 14
>>> test_small()
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from cus_match.clock import Weekday
from cus_match.model import (
    DEFAULT_CATEGORIES,
    Agreement,
    Category,
    CredentialKind,
    Credentials,
    DateRange,
    FormalService,
    Helper,
    HelperKind,
    Ipus,
    Need,
    Place,
    PlaceKind,
    Policy,
    PriorService,
    Recurrence,
    Resident,
    TimeWindow,
    TravelEdge,
    TravelMode,
    TravelSettings,
    WeeklyWindow,
)
from cus_match.model.instance import Instance

__all__ = [
    "FLAWS_HELPER",
    "FLAWS_NEED",
    "VOLUNTEER_CATEGORIES",
    "dates",
    "ids",
    "instances",
    "time_windows",
    "weekly_windows",
]

WEEKDAYS = list(Weekday)
VOLUNTEER_CATEGORIES = [c.id for c in DEFAULT_CATEGORIES if not c.professional_only]
PROFESSIONAL_CATEGORIES = [c.id for c in DEFAULT_CATEGORIES if c.professional_only]
SKILLS = ["lifting", "driving", "cooking", "computers", "sign_language"]
LANGUAGES = ["uk", "en", "de", "rue"]  # "pl" is every helper's default
QUALIFICATIONS = ["nurse", "psychologist", "electrician"]
NAMES = ["", "Anna Kowalska", "Zbigniew Łęcki", "Grażyna Żółć", "Jan"]
VILLAGES = ["Bukowsko", "Nowotaniec", "Nadolany", "Wola Sękowa", "Pobiedno", "Zboiska"]

# Injected flaws: each one triggers (at least) the exclusion reason it is named after.
FLAWS_HELPER = [
    "no_agreement", "agreement_category", "agreement_dates", "agreement_not_written",
    "child_protection", "accident_insurance", "safety_briefing", "minor_consent",
    "minor_personal_care", "neighbour_rules", "helper_veto", "language", "travel_mode",
    "too_far", "absent", "no_common_time", "hours_cap", "max_residents", "credential",
]
FLAWS_NEED = [
    "professional_only", "qualification", "skill", "resident_veto", "outside_ipus",
    "pus_limit", "helpers_needed",
]

# A valid id: what model/validators.py accepts (fullmatch, so no trailing newline).
_ID_REGEX = r"[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,15}"

# An area of about 1.3 x 0.9 km: walking 4.5 km/h with detour 1.3 stays under 30 minutes.
_LAT0, _LON0 = 49.48, 22.07


def _chance(draw: st.DrawFn, percent: int) -> bool:
    """True with about ``percent`` % probability; shrinks to False."""
    return draw(st.integers(0, 99)) >= 100 - percent


def dates(lo: date = date(2025, 1, 1), hi: date = date(2027, 12, 31)) -> st.SearchStrategy[date]:
    """Dates between ``lo`` and ``hi``."""
    return st.dates(min_value=lo, max_value=hi)


def ids(prefix: str, n: int, *, fancy: bool = False) -> st.SearchStrategy[list[str]]:
    """``n`` distinct valid ids: ``prefix1..prefixN`` or (``fancy``) random ones."""
    if not fancy:
        return st.just([f"{prefix}{i + 1}" for i in range(n)])
    return st.lists(st.from_regex(_ID_REGEX, fullmatch=True), min_size=n, max_size=n,
                    unique=True)


@st.composite
def time_windows(draw: st.DrawFn, min_minutes: int = 15, *,
                 daytime: bool = False) -> TimeWindow:
    """A window of at least ``min_minutes`` (whole quarter hours), possibly ending at 24:00.

    ``daytime`` windows start between 8:00 and 14:00, when most helpers are available.
    """
    min_q = -(-min_minutes // 15)
    lo, hi = (8 * 4, 14 * 4) if daytime else (6 * 4, 96 - min_q)
    start_q = draw(st.integers(lo, hi))
    end_q = draw(st.integers(start_q + min_q, min(96, start_q + min_q + 10 * 4)))
    return TimeWindow(format_time_q(start_q), format_time_q(end_q))


@st.composite
def weekly_windows(draw: st.DrawFn, day: Weekday | None = None) -> WeeklyWindow:
    """A weekly window of at least 30 minutes."""
    w = draw(time_windows(min_minutes=30))
    d = day if day is not None else draw(st.sampled_from(WEEKDAYS))
    return WeeklyWindow(d, w.start, w.end)


def format_time_q(quarters: int) -> str:
    """``H:MM`` of a count of quarter hours since midnight (96 is ``24:00``).

    Hours before 10 are written ``H:MM``, as coordinators do; the model normalises them.
    """
    if quarters == 96:
        return "24:00"
    h, q = divmod(quarters, 4)
    return f"{h}:{q * 15:02d}"


@st.composite
def _policy(draw: st.DrawFn, needs_categories: list[str]) -> tuple[Policy, date, date]:
    # A period of 1-2 weeks (at least 7 days, so every weekday occurs), sometimes over a DST
    # change (late March / late October).
    start = draw(st.one_of(
        dates(date(2026, 1, 1), date(2026, 12, 20)),
        st.sampled_from([date(2026, 3, 23), date(2026, 10, 19), date(2027, 3, 22)]),
    ))
    days = draw(st.integers(7, 14))
    end = start + timedelta(days=days - 1)
    categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    if _chance(draw, 30):
        # A local variation: a PUS hours limit or a required qualification on some category.
        cat_id = draw(st.sampled_from(needs_categories))
        limit = draw(st.sampled_from([0.5, 2.0, 40.0]))
        quals = {draw(st.sampled_from(QUALIFICATIONS))} if _chance(draw, 30) else set()
        categories = tuple(
            Category(c.id, c.name_pl, c.name_en, c.professional_only, c.involves_minors,
                     c.personal_care, c.requires_credentials, quals if c.id == cat_id
                     else c.required_qualifications,
                     limit if c.id == cat_id else c.pus_hours_limit)
            for c in DEFAULT_CATEGORIES
        )
        if _chance(draw, 50):
            categories += (Category("gardening", "Ogród", "Gardening",
                                    requires_credentials=frozenset({CredentialKind.FIRST_AID})),)
    travel = TravelSettings()
    if _chance(draw, 20):
        travel = TravelSettings(
            speeds_kmh={"walk": 4.0, "bike": 12.5, "car": 40.0, "bus": 20.0},
            detour_factor=draw(st.sampled_from([1.0, 1.3, 1.6])),
            within_place_minutes=draw(st.sampled_from([0.0, 5.0, 10.0])),
        )
    policy = Policy(
        period=DateRange(start, end),
        categories=categories,
        timezone="Europe/Warsaw",
        neighbour_max_walk_minutes=draw(st.sampled_from([15.0, 20.0, 30.0])),
        minors_solo_personal_care=draw(st.booleans()),
        time_step_minutes=draw(st.sampled_from([15, 15, 30, 5])),
        travel=travel,
    )
    return policy, start, end


@st.composite
def _places(draw: st.DrawFn, place_ids: list[str],
            network: bool) -> tuple[list[Place], list[TravelEdge], str | None]:
    """Places near each other; sometimes one far away; with or without a travel network."""
    far = place_ids[-1] if len(place_ids) > 1 and _chance(draw, 15) else None
    places = []
    for i, pid in enumerate(place_ids):
        with_coords = not network or _chance(draw, 50)
        lat = lon = None
        if with_coords:
            lat = round(_LAT0 + draw(st.integers(-6, 6)) / 1000, 4)
            lon = round(_LON0 + draw(st.integers(-6, 6)) / 1000, 4)
            if pid == far:
                lat, lon = lat + 0.5, lon + 0.5
        places.append(Place(pid, VILLAGES[i % len(VILLAGES)] if draw(st.booleans()) else "",
                            kind=draw(st.sampled_from(list(PlaceKind))), lat=lat, lon=lon))
    edges: list[TravelEdge] = []
    if network:
        # A spanning tree (every place reachable by walk and car), plus maybe a bus shortcut.
        for i in range(1, len(place_ids)):
            j = draw(st.integers(0, i - 1))
            slow = place_ids[i] == far
            minutes = {"walk": float(draw(st.integers(3, 12))) * (20 if slow else 1),
                       "car": float(draw(st.integers(1, 5))) * (20 if slow else 1)}
            if _chance(draw, 30):
                minutes["bike"] = float(draw(st.integers(2, 8)))
            edges.append(TravelEdge(place_ids[j], place_ids[i], minutes))
        if len(place_ids) > 2 and _chance(draw, 30):
            a, b = draw(st.lists(st.sampled_from(place_ids), min_size=2, max_size=2,
                                 unique=True))
            edges.append(TravelEdge(a, b, {"bus": float(draw(st.integers(2, 20)))}))
    return places, edges, far


def _good_credentials(before: date) -> Credentials:
    """Every check done well before ``before``; insurance and first aid valid for a year."""
    on = before - timedelta(days=30)
    return Credentials(
        rsps_checked_on=on, krk_presented_on=on, bhp_briefed_on=on, fitness_declared_on=on,
        first_aid_valid_to=before + timedelta(days=400), nnw_valid_from=on,
        nnw_valid_to=before + timedelta(days=400), organiser_accepted_on=on,
    )


@st.composite
def _helper(draw: st.DrawFn, hid: str, ctx: dict[str, Any]) -> Helper:
    start, end = ctx["start"], ctx["end"]
    flaw = draw(st.sampled_from(FLAWS_HELPER)) if _chance(draw, ctx["flaw_rate"]) else None
    home_choices = [p for p in ctx["place_ids"] if p != ctx["far"]] or ctx["place_ids"]
    home = ctx["far"] if flaw == "too_far" and ctx["far"] else draw(st.sampled_from(home_choices))

    # Availability: most days, a wide band; or a few random windows.
    if flaw == "no_common_time":
        availability = [WeeklyWindow(draw(st.sampled_from(WEEKDAYS)), "23:00", "24:00")]
    elif not _chance(draw, 25):
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=4, max_size=7, unique=True))
        s = draw(st.integers(6, 10))
        e = draw(st.integers(18, 24))
        availability = [WeeklyWindow(d, f"{s}:00", f"{e}:00") for d in days]
    else:
        availability = draw(st.lists(weekly_windows(), min_size=1, max_size=4))

    cats = set(ctx["menu"]) | draw(st.sets(st.sampled_from(VOLUNTEER_CATEGORIES), max_size=3))
    if flaw == "agreement_category":
        cats -= {draw(st.sampled_from(sorted(ctx["menu"])))}
    valid_from = start - timedelta(days=draw(st.integers(1, 400)))
    valid_to = None if draw(st.booleans()) else end + timedelta(days=draw(st.integers(0, 400)))
    if flaw == "agreement_dates":
        valid_from, valid_to = start + timedelta(days=2), None
    if flaw == "agreement_not_written":
        # Oral, and serving since 40 days before the period (the history's approved rounds):
        # the span of service exceeds 30 days.
        valid_from = min(valid_from, start - timedelta(days=60))
        ctx["prior"].append(PriorService(hid, [start - timedelta(days=40)]))
    agreement: Agreement | None = Agreement(
        valid_from, valid_to,
        written=flaw != "agreement_not_written",
        categories=cats,
        weekly_hours_cap=(0.5 if flaw == "hours_cap" else
                          draw(st.sampled_from([None, None, 2.0, 8.0]))),
    )
    if flaw == "no_agreement":
        agreement = None

    creds = _good_credentials(start)
    if flaw == "child_protection":
        creds = Credentials(bhp_briefed_on=creds.bhp_briefed_on,
                            nnw_valid_from=creds.nnw_valid_from, nnw_valid_to=creds.nnw_valid_to,
                            first_aid_valid_to=creds.first_aid_valid_to,
                            krk_presented_on=start + timedelta(days=1),
                            lived_abroad_recently=draw(st.booleans()))
    elif flaw == "accident_insurance":
        creds = Credentials(**{**_fields(creds), "nnw_valid_from": None, "nnw_valid_to": None})
    elif flaw == "safety_briefing":
        creds = Credentials(**{**_fields(creds), "bhp_briefed_on": None})
    elif flaw == "credential":
        creds = Credentials(**{**_fields(creds), "first_aid_valid_to": start - timedelta(days=1)})
    elif _chance(draw, 15):
        creds = Credentials(**{**_fields(creds), "lived_abroad_recently": True,
                               "foreign_record_on": start - timedelta(days=10)})

    kind = HelperKind.VOLUNTEER
    if flaw == "neighbour_rules":  # a neighbour nobody accepted
        kind = HelperKind.NEIGHBOUR_SERVICE
        ctx["unaccepted"].add(hid)
    elif _chance(draw, 10):
        kind = HelperKind.NEIGHBOUR_SERVICE
    elif _chance(draw, 15):
        kind = HelperKind.SELF_HELP

    modes = {TravelMode.WALK} | draw(st.sets(st.sampled_from(list(TravelMode)), max_size=2))
    if flaw == "travel_mode":
        modes = {TravelMode.BIKE}
    is_minor = flaw in ("minor_consent", "minor_personal_care") or _chance(draw, 5)
    unavailable: list[DateRange] = []
    if flaw == "absent":
        unavailable = [DateRange(start - timedelta(days=3), end + timedelta(days=3))]
    elif _chance(draw, 20):
        a = start + timedelta(days=draw(st.integers(-3, 10)))
        unavailable = [DateRange(a, a + timedelta(days=draw(st.integers(0, 4))))]

    residents = ctx["resident_ids"]
    # Sometimes living with a resident (their household id is "hh-<resident>").
    household = f"hh-{draw(st.sampled_from(residents))}" if _chance(draw, 10) else None
    if household is not None:
        ctx["households"].add(household)
    family = draw(st.sets(st.sampled_from(residents), max_size=1)) if _chance(draw, 15) else set()
    vetoes_res: set[str] = set()
    vetoes_cat: set[str] = set()
    if flaw == "helper_veto":
        if draw(st.booleans()):
            vetoes_res = {draw(st.sampled_from(residents))}
        else:
            vetoes_cat = {draw(st.sampled_from(sorted(ctx["menu"])))}
    return Helper(
        hid, home=home,
        weekly_hours_cap=draw(st.sampled_from([2.0, 4.0, 6.5, 10.0, 20.0])),
        availability=availability,
        agreement=agreement,
        name=draw(st.sampled_from(NAMES)),
        kind=kind,
        modes=modes,
        max_travel_minutes=draw(st.sampled_from([20.0, 30.0, 45.0, 90.0])),
        unavailable=unavailable,
        max_residents=1 if flaw == "max_residents" else draw(st.sampled_from([None, None, 3])),
        skills=draw(st.sets(st.sampled_from(SKILLS), max_size=3)),
        languages={"pl"} if flaw == "language"
        else {"pl"} | draw(st.sets(st.sampled_from(LANGUAGES), max_size=2)),
        qualifications=draw(st.sets(st.sampled_from(QUALIFICATIONS), max_size=1)),
        credentials=creds,
        is_minor=is_minor,
        guardian_consent=is_minor and flaw != "minor_consent",
        family_of=family,
        vetoes_residents=vetoes_res,
        vetoes_categories=vetoes_cat,
        household=household,
    )


def _fields(obj: Any) -> dict[str, Any]:
    return attrs.asdict(obj, recurse=False)


@st.composite
def _need(draw: st.DrawFn, nid: str, ctx: dict[str, Any]) -> Need:
    start, end = ctx["start"], ctx["end"]
    flaw = draw(st.sampled_from(FLAWS_NEED)) if _chance(draw, ctx["flaw_rate"]) else None
    category = draw(st.sampled_from(sorted(ctx["menu"])))
    if flaw == "professional_only":
        category = draw(st.sampled_from(PROFESSIONAL_CATEGORIES))
    elif flaw == "pus_limit" and "gardening" in ctx["category_ids"]:
        category = "gardening"
    duration = 15 * draw(st.integers(1, 8))
    first = draw(time_windows(min_minutes=duration, daytime=not _chance(draw, 20)))
    others = draw(st.lists(time_windows(), max_size=1))
    windows = [first, *others]
    if draw(st.booleans()):
        recurrence = Recurrence.once(start + timedelta(days=draw(st.integers(0, ctx["days"] - 1))))
    else:
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True))
        if _chance(draw, 20):  # explicit dates: still at least 7 days inside the period
            lo = start - timedelta(days=draw(st.integers(0, 30)))
            recurrence = Recurrence.weekly(*days, start=lo, end=lo + timedelta(days=60))
        elif _chance(draw, 10):
            recurrence = Recurrence.weekly(*days, start=start, end=start + timedelta(days=6))
        else:
            recurrence = Recurrence.weekly(*days)
    group = _chance(draw, 10)
    resident = None if group else draw(st.sampled_from(ctx["resident_ids"]))
    place = draw(st.sampled_from(ctx["place_ids"])) if group or _chance(draw, 10) else None
    ipus = None
    if flaw == "outside_ipus":
        ipus = Ipus(f"ipus-{nid}", start - timedelta(days=100), start - timedelta(days=1))
    elif _chance(draw, 30):
        ipus = Ipus(f"ipus-{nid}", start - timedelta(days=10), end + timedelta(days=200))
    if flaw == "resident_veto" and resident is not None:
        ctx["resident_vetoes"].setdefault(resident, set()).add(
            draw(st.sampled_from(ctx["helper_ids"])))
    return Need(
        nid, category=category, duration_minutes=duration, windows=windows,
        recurrence=recurrence,
        applied_on=start - timedelta(days=draw(st.integers(0, 90))),
        resident=resident, place=place,
        helpers_needed=2 if flaw == "helpers_needed" else 1,
        priority=draw(st.integers(0, 3)),
        involves_minors=_chance(draw, 10),
        required_skills={draw(st.sampled_from(["sign_language", "nonexistent_skill"]))}
        if flaw == "skill" else draw(st.sets(st.sampled_from(SKILLS), max_size=1))
        if _chance(draw, 15) else set(),
        required_languages=draw(st.sets(st.sampled_from(LANGUAGES), max_size=1))
        if _chance(draw, 10) else set(),
        required_qualifications={"surgeon"} if flaw == "qualification" else set(),
        required_mode=TravelMode.CAR if category == "transport" and _chance(draw, 50) else None,
        ipus=ipus,
        required=ctx["allow_required"] and _chance(draw, 10),
    )


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    min_helpers: int = 1,
    max_helpers: int = 6,
    min_needs: int = 1,
    max_needs: int = 7,
    max_residents: int = 4,
    max_places: int = 4,
    max_services: int = 2,
    flaw_rate: int = 15,
    network: bool | None = None,
    allow_required: bool = False,
    fancy_ids: bool | None = None,
) -> Instance:
    """A valid, usually solvable instance.

    Parameters
    ----------
    min_helpers, max_helpers, min_needs, max_needs, max_residents, max_places, max_services
        Sizes (``min_helpers`` may be 0: no helpers at all).
    flaw_rate : int
        Percent chance that each helper and each need gets one injected flaw triggering an
        exclusion reason (0: none).
    network : bool, optional
        Force a travel network (True) or coordinates (False); default either.
    allow_required : bool
        Let some needs be ``required`` (plans may then be infeasible).
    fancy_ids : bool, optional
        Random valid ids instead of ``h1``, ``n1``...; default either.
    """
    if fancy_ids is None:
        fancy_ids = _chance(draw, 20)
    n_places = draw(st.integers(1, max_places))
    if network is None:
        network = n_places > 1 and _chance(draw, 30)
    network = network and n_places > 1
    menu = set(draw(st.lists(st.sampled_from(VOLUNTEER_CATEGORIES), min_size=1, max_size=3)))
    policy, start, end = draw(_policy(sorted(menu)))
    place_ids = draw(ids("p", n_places, fancy=fancy_ids))
    places, edges, far = draw(_places(place_ids, network))

    n_helpers = draw(st.integers(min_helpers, max_helpers))
    n_residents = draw(st.integers(1, max_residents))
    n_needs = draw(st.integers(min_needs, max_needs))
    helper_ids = draw(ids("h", n_helpers, fancy=fancy_ids))
    resident_ids = draw(ids("r", n_residents, fancy=fancy_ids))
    need_ids = draw(ids("n", n_needs, fancy=fancy_ids))
    ctx: dict[str, Any] = {
        "start": start, "end": end, "days": policy.period.days, "menu": menu,
        "category_ids": {c.id for c in policy.categories}, "place_ids": place_ids, "far": far,
        "helper_ids": helper_ids, "resident_ids": resident_ids, "flaw_rate": flaw_rate,
        "allow_required": allow_required, "resident_vetoes": {}, "unaccepted": set(),
        "prior": [], "households": set(),
    }
    if not helper_ids:  # resident vetoes need someone to veto
        ctx["helper_ids"] = []
        ctx["flaw_rate"] = 0
    helpers = [draw(_helper(hid, ctx)) for hid in helper_ids]
    needs = [draw(_need(nid, ctx)) for nid in need_ids]

    neighbours = {h.id for h in helpers if h.kind is HelperKind.NEIGHBOUR_SERVICE}
    neighbours -= ctx["unaccepted"]
    residents = []
    for rid in resident_ids:
        accepted = set(neighbours) if neighbours and _chance(draw, 70) else set()
        residents.append(Resident(
            rid, home=draw(st.sampled_from(place_ids)),
            languages=({"pl"} if draw(st.booleans()) else set())
            | {draw(st.sampled_from(LANGUAGES))} if _chance(draw, 15) else set(),
            vetoes=ctx["resident_vetoes"].get(rid, set()),
            previous_helpers=draw(st.sets(st.sampled_from(helper_ids), max_size=2))
            if helper_ids and _chance(draw, 30) else set(),
            accepted_neighbours=accepted,
            household=f"hh-{rid}" if f"hh-{rid}" in ctx["households"] else None,
        ))

    services = []
    for sid in draw(ids("s", draw(st.integers(0, max_services)), fancy=fancy_ids)):
        category = draw(st.sampled_from([*PROFESSIONAL_CATEGORIES, *sorted(menu)]))
        services.append(FormalService(
            sid, provider=draw(st.sampled_from(["GOPS Bukowsko", "Caritas", "PCPR Sanok"])),
            category=category,
            recipients=draw(st.sets(st.sampled_from(resident_ids), min_size=1, max_size=2)),
            schedule=draw(st.lists(weekly_windows(), min_size=1, max_size=2)),
            valid=None if draw(st.booleans()) else DateRange(start, end),
            covers=draw(st.sets(st.sampled_from(sorted(menu)), max_size=1)),
        ))

    if ctx["prior"]:
        policy = attrs.evolve(policy, prior_service=ctx["prior"])
    return Instance(
        policy=policy, places=places, helpers=helpers, residents=residents, needs=needs,
        services=services, travel_edges=edges,
        name=draw(st.sampled_from(["", "Gmina Bukowsko — marzec", "test/round 2"])),
    )

