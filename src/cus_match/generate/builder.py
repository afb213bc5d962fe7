"""The builder of synthetic instances: :func:`generate` and the stages it runs.

Every instance is built from :class:`random.Random` seeded with ``seed`` alone (no global random
state, no clock), iterating in a fixed order, so the same arguments always give an equal
:class:`~cus_match.model.instance.Instance` and the same JSON bytes. Each stage (places,
residents, helpers, needs, ...) draws from its own stream, so changing one stage's draws does
not reshuffle the others. The numbers come from :mod:`cus_match.generate.profiles`.

Examples
--------
>>> inst = generate("tiny", seed=2)
>>> inst.name
'Tiny example (synthetic, seed 2)'
>>> {h.id for h in inst.helpers} == {h.id for h in generate("tiny", seed=2).helpers}
True
"""

from __future__ import annotations

import itertools
import math
import random
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import cache
from typing import Any

import attrs
import networkx as nx

from cus_match.clock import Weekday, parse_date
from cus_match.errors import InvalidOptionError
from cus_match.generate.profiles import (
    BUKOWSKO,
    BUKOWSKO_CORE,
    BUS_LINE,
    CAPS,
    CAR_FACTOR,
    CATEGORY_TASTE,
    CENTRES,
    CITY_DISTRICTS,
    FIRST_NAMES,
    INITIALS,
    MAX_WALK_EDGE_KM,
    MOUNTAIN_BIKE_KMH,
    MOUNTAIN_CAR_KMH,
    NEEDS_BY_TYPE,
    OLDER,
    PROFILES,
    RURAL_CLUBS,
    TOWN_DISTRICTS,
    UK_FIRST_NAMES,
    WALK_KMH,
    Profile,
)
from cus_match.model import (
    DEFAULT_CATEGORIES,
    Agreement,
    Category,
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
    Recurrence,
    Resident,
    TimeWindow,
    TravelEdge,
    TravelMode,
    TravelSettings,
    WeeklyWindow,
)
from cus_match.model.instance import MAX_PERIOD_DAYS, Instance
from cus_match.model.travel import great_circle_km

__all__ = ["DEFAULT_START", "generate"]

#: Default first day of the period: a fixed Monday, the week before the spring DST change
#: (Sunday 2026-03-29 has 23 hours), so output never depends on today's date.
DEFAULT_START = date(2026, 3, 23)

_WEEKDAYS = tuple(Weekday)
_WORKDAYS = _WEEKDAYS[:5]

_CHILD_CATEGORIES = frozenset({"homework_help", "childrens_club"})
# Categories a required (anchored) need may have: no credential or skill beyond an agreement.
_SIMPLE = ("companionship", "shopping", "walk")


def _slug(text: str) -> str:
    """An id from a Polish name: ``"Wola Sękowa"`` -> ``"wola-sekowa"``."""
    text = text.replace("ł", "l").replace("Ł", "L")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(c if c.isalnum() else "-" for c in ascii_text.lower())
    return "-".join(p for p in out.split("-") if p)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    names = [n for n, _ in weighted]
    return rng.choices(names, weights=[w for _, w in weighted])[0]


def _scaled(n: int, scale: float, minimum: int = 1) -> int:
    if n == 0:
        return 0
    return max(minimum, round(n * scale))


def _days_ago(start: date, rng: random.Random, lo: int, hi: int) -> date:
    return start - timedelta(days=rng.randint(lo, hi))


@cache
def _tw(start: str, end: str) -> TimeWindow:
    return TimeWindow(start, end)  # immutable: one shared object per distinct window


@cache
def _ww(day: Weekday | str, start: str, end: str) -> WeeklyWindow:
    return WeeklyWindow(day, start, end)


def _weekly_windows(days: Iterable[Weekday], start: str, end: str) -> list[WeeklyWindow]:
    return [_ww(d, start, end) for d in days]


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _sorted_days(days: Iterable[Weekday]) -> list[Weekday]:
    return sorted(days, key=lambda d: d.number)


# --------------------------------------------------------------------------------------------
# Public API


def generate(profile: str = "rural", seed: int = 0, *, start: date | str | None = None,
             weeks: int | None = None, scale: float = 1.0) -> Instance:
    """Generate a synthetic, valid instance.

    Parameters
    ----------
    profile : str
        One of :data:`PROFILES`: ``"tiny"``, ``"rural"``, ``"town"``, ``"city"``.
    seed : int
        Seed of the only random generator used; same arguments, same instance and JSON bytes.
    start : date or str, optional
        First day of the planning period (ISO ``YYYY-MM-DD`` accepted); default
        :data:`DEFAULT_START`, a fixed Monday before the spring DST change.
    weeks : int, optional
        Length of the period in weeks (1-52); default the profile's ``default_weeks``.
    scale : float
        Multiplies the numbers of helpers, residents and needs (and of the special helpers);
        the geography does not change. ``"tiny"`` has fixed sizes and accepts only 1.

    Returns
    -------
    Instance
        Validated on construction, like any instance.

    Raises
    ------
    InvalidOptionError
        Unknown profile, ``scale`` not a positive number, ``weeks`` not a whole number from 1
        to 52, ``start`` not a date, ``seed`` not an integer.

    Examples
    --------
    >>> inst = generate("tiny", seed=1)
    >>> len(inst.places), len(inst.helpers), len(inst.residents), len(inst.needs)
    (2, 3, 3, 4)
    >>> inst.policy.period.start, inst.policy.period.days
    (datetime.date(2026, 3, 23), 7)
    >>> sum(n.required for n in inst.needs)
    1
    >>> generate("tiny", seed=1) == inst
    True
    """
    prof = _profile(profile)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidOptionError(f"seed must be an integer, got {seed!r}")
    if (isinstance(scale, bool) or not isinstance(scale, int | float)
            or not math.isfinite(scale) or scale <= 0):
        raise InvalidOptionError(f"scale must be a number > 0, got {scale!r}")
    if prof.name == "tiny" and scale != 1:
        raise InvalidOptionError(
            f"the 'tiny' profile has fixed sizes: scale must be 1, got {scale!r}")
    n_weeks = prof.default_weeks if weeks is None else weeks
    max_weeks = MAX_PERIOD_DAYS // 7
    if isinstance(n_weeks, bool) or not isinstance(n_weeks, int) or not 1 <= n_weeks <= max_weeks:
        raise InvalidOptionError(
            f"weeks must be a whole number from 1 to {max_weeks}, got {weeks!r}")
    return _Builder(prof, seed, _start(start), n_weeks, float(scale)).build()


def _profile(name: object) -> Profile:
    if not isinstance(name, str) or name not in PROFILES:
        valid = ", ".join(repr(p) for p in PROFILES)
        raise InvalidOptionError(f"unknown profile {name!r}; valid profiles: {valid}")
    return PROFILES[name]


def _start(value: object) -> date:
    if value is None:
        return DEFAULT_START
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError as e:
            raise InvalidOptionError(f"start: {e}") from None
    if isinstance(value, date) and type(value) is date:
        return value
    raise InvalidOptionError(f"start must be a date or an ISO 'YYYY-MM-DD' string, got {value!r}")


# --------------------------------------------------------------------------------------------
# The builder


class _Builder:
    """Builds one instance; every random draw goes through one of the stage generators."""

    def __init__(self, prof: Profile, seed: int, start: date, weeks: int, scale: float) -> None:
        self.p = prof
        self.seed = seed
        self.scale = scale
        self.weeks = weeks
        self.start = start
        self.end = start + timedelta(days=7 * weeks - 1)
        self.dates = [start + timedelta(days=i) for i in range(7 * weeks)]
        master = random.Random(seed)
        # One independent stream per stage, so e.g. the period length does not reshuffle the
        # villages or the helpers.
        stages = ("places", "residents", "helpers", "anchors", "neighbours", "needs", "groups",
                  "services", "links", "ipus", "showcase")
        self.rng = {s: random.Random(master.getrandbits(64)) for s in stages}
        self.places: list[Place] = []
        self.homes: list[str] = []  # villages / districts people live in
        self.home_weights: list[float] = []
        self.edges: dict[tuple[str, str], dict[str, float]] = {}
        self.bus_line: list[str] = []
        self.schools: list[tuple[str, str, str, str]] = []  # place, village, start, end
        self.venues: list[tuple[str, str, str]] = []  # place, village, kind
        self.residents: list[dict[str, Any]] = []
        self.helpers: list[dict[str, Any]] = []
        self.needs: list[dict[str, Any]] = []
        self.services: list[FormalService] = []
        self.reserved_residents: set[str] = set()
        self.reserved_helpers: set[str] = set()
        self.providers: set[str] = set()

    # -- orchestration -------------------------------------------------------------------------
    def build(self) -> Instance:
        self._make_places()
        self._make_residents()
        self._make_helpers()
        self._make_anchors()
        self._make_neighbours()
        self._make_needs()
        self._make_groups()
        self._make_services()
        self._make_links()
        self._make_ipus()
        if self.p.showcase:
            self._make_showcase()
        return Instance(
            policy=self._policy(),
            places=self.places,
            helpers=[Helper(**h) for h in self.helpers],
            residents=[Resident(id=r["id"], home=r["home"], languages=r["languages"],
                                vetoes=r["vetoes"], previous_helpers=r["previous"],
                                accepted_neighbours=r["accepted"]) for r in self.residents],
            needs=[Need(**n) for n in self.needs],
            services=self.services,
            travel_edges=[TravelEdge(a, b, m) for (a, b), m in sorted(self.edges.items())],
            name=self.p.title.format(seed=self.seed),
        )

    def _policy(self) -> Policy:
        cats: list[Category] = list(DEFAULT_CATEGORIES)
        if self.p.setting == "bukowsko":
            # The PUS funds a limited number of volunteer transport hours (H10).
            limit = max(2.0, round(8 * self.weeks * self.scale * 2) / 2)
            cats = [attrs.evolve(c, pus_hours_limit=limit) if c.id == "transport" else c
                    for c in cats]
        return Policy(
            period=DateRange(self.start, self.end), categories=cats,
            neighbour_max_walk_minutes=15.0, time_step_minutes=15,
            travel=TravelSettings(within_place_minutes=self.p.within_place_minutes),
        )

    # -- places --------------------------------------------------------------------------------
    def _make_places(self) -> None:
        rng = self.rng["places"]
        setting = self.p.setting
        if setting in ("tiny", "bukowsko"):
            lo, hi = self.p.places
            n = rng.randint(lo, hi)
            if setting == "tiny":
                rows = list(BUKOWSKO[:3])[:n]
            else:
                extra = [r for r in BUKOWSKO if r[0] not in BUKOWSKO_CORE]
                keep = set(BUKOWSKO_CORE) | {r[0] for r in rng.sample(
                    extra, n - len(BUKOWSKO_CORE))}
                rows = [r for r in BUKOWSKO if r[0] in keep]
            for pid, name, lat, lon, w in rows:
                self.places.append(Place(pid, name, PlaceKind.VILLAGE, lat=lat, lon=lon))
                self.homes.append(pid)
                self.home_weights.append(float(w))
            if setting == "bukowsko":
                self._rural_venues()
                self._rural_network(rng)
            return
        names = TOWN_DISTRICTS if setting == "town" else CITY_DISTRICTS
        lo, hi = self.p.places
        n = rng.randint(lo, min(hi, len(names)))
        lat0, lon0, radius = CENTRES[setting]
        for i, name in enumerate(names[:n]):
            if i == 0:
                lat, lon, weight = lat0, lon0, 1.6
            else:
                r = radius * math.sqrt(rng.uniform(0.05, 1.0))
                a = rng.uniform(0, 2 * math.pi)
                lat = lat0 + r * math.cos(a) / 111.2
                lon = lon0 + r * math.sin(a) / (111.2 * math.cos(math.radians(lat0)))
                weight = rng.uniform(0.5, 1.5)
            pid = _slug(name)
            self.places.append(Place(pid, name, PlaceKind.DISTRICT, lat=round(lat, 4),
                                     lon=round(lon, 4)))
            self.homes.append(pid)
            self.home_weights.append(round(weight, 3))
        for district in rng.sample(self.homes, min(self.p.schools, len(self.homes))):
            t0 = rng.choice(("12:30", "13:00", "13:30", "14:00"))
            self._add_venue(f"szkola-{district}", district, "school", "Szkoła Podstawowa",
                            PlaceKind.SCHOOL, t0)
        kinds = ("socio", "selfhelp")
        for i, district in enumerate(
                rng.sample(self.homes, min(self.p.group_sessions, len(self.homes)))):
            kind = kinds[i % 2]
            label = "Świetlica socjoterapeutyczna" if kind == "socio" else "Grupa wsparcia"
            self._add_venue(f"{kind}-{district}", district, kind, label, PlaceKind.VENUE)

    def _place(self, pid: str) -> Place:
        for p in self.places:
            if p.id == pid:
                return p
        raise KeyError(pid)  # pragma: no cover - internal

    def _add_venue(self, pid: str, village: str, kind: str, label: str, pkind: PlaceKind,
                   t0: str | None = None) -> None:
        home = self._place(village)
        assert home.lat is not None
        assert home.lon is not None
        self.places.append(Place(pid, f"{label} ({home.name})", pkind,
                                 lat=round(home.lat + 0.0018, 4), lon=round(home.lon + 0.0021, 4)))
        if kind == "school":
            assert t0 is not None
            h, m = map(int, t0.split(":"))
            t1 = f"{h + (m + 90) // 60:02d}:{(m + 90) % 60:02d}"
            self.schools.append((pid, village, t0, t1))
        else:
            self.venues.append((pid, village, kind))

    def _rural_venues(self) -> None:
        for village, t0, _t1 in RURAL_CLUBS:
            self._add_venue(f"szkola-{village}", village, "school", "Szkoła Podstawowa",
                            PlaceKind.SCHOOL, t0)
        self._add_venue("swietlica-nadolany", "nadolany", "socio",
                        "Świetlica socjoterapeutyczna", PlaceKind.VENUE)
        self._add_venue("cus-bukowsko", "bukowsko", "selfhelp", "Centrum Usług Społecznych",
                        PlaceKind.VENUE)

    def _rural_network(self, rng: random.Random) -> None:
        """Mountain roads (relative neighbourhood graph), walking paths, one bus line."""
        villages = [p for p in self.places if p.kind is PlaceKind.VILLAGE]

        def km(a: Place, b: Place) -> float:
            # The villages of the rural settings all come with coordinates.
            assert a.lat is not None
            assert a.lon is not None
            assert b.lat is not None
            assert b.lon is not None
            return great_circle_km(a.lat, a.lon, b.lat, b.lon)

        roads: nx.Graph[str] = nx.Graph()
        for i, a in enumerate(villages):
            for b in villages[i + 1:]:
                d = km(a, b)
                # Relative neighbourhood graph: connected, planar-looking, no long shortcuts.
                if any(max(km(a, c), km(b, c)) < d for c in villages if c.id not in (a.id, b.id)):
                    continue
                road_km = d * rng.uniform(1.3, 1.8)  # winding mountain roads
                minutes = {
                    "car": max(3.0, round(road_km / MOUNTAIN_CAR_KMH * 60 + 1)),
                    "bike": max(4.0, round(road_km / MOUNTAIN_BIKE_KMH * 60)),
                }
                if road_km <= MAX_WALK_EDGE_KM:
                    minutes["walk"] = float(round(road_km / WALK_KMH * 60))
                self.edges[_key(a.id, b.id)] = minutes
                roads.add_edge(a.id, b.id, car=minutes["car"])
        # The bus follows the roads between its main stops and stops in every village it passes.
        stops: list[str] = [BUS_LINE[0]]
        for s, t in itertools.pairwise(BUS_LINE):
            stops += nx.shortest_path(roads, s, t, weight="car")[1:]
        for s, t in itertools.pairwise(stops):
            edge = self.edges[_key(s, t)]
            edge["bus"] = float(round(edge["car"] * 1.3 + 2))  # slower, plus the stop
        self.bus_line = stops
        for pid, village, *_ in [*self.schools, *self.venues]:
            minutes = {"walk": 5.0, "bike": 3.0, "car": 3.0}
            if village in self.bus_line:
                minutes["bus"] = 5.0  # the last few hundred metres from the stop, on foot
            self.edges[_key(pid, village)] = minutes

    # -- residents -----------------------------------------------------------------------------
    def _make_residents(self) -> None:
        rng = self.rng["residents"]
        n = _scaled(rng.randint(*self.p.residents), self.scale)
        if self.p.name == "tiny":
            n = self.p.residents[0]
        homes = rng.choices(self.homes, weights=self.home_weights, k=n)
        for i in range(n):
            kind = _pick(rng, self.p.resident_mix)
            if kind == "refugee":
                langs = {"uk"} if rng.random() < 0.55 else {"uk", "pl"}
            else:
                langs = {"pl", "de"} if rng.random() < 0.02 else {"pl"}
            self.residents.append({"id": f"r-{i + 1:05d}", "home": homes[i], "type": kind,
                                   "languages": langs, "vetoes": set(), "previous": set(),
                                   "accepted": set()})

    # -- helpers -------------------------------------------------------------------------------
    def _make_helpers(self) -> None:
        rng = self.rng["helpers"]
        p = self.p
        total = _scaled(rng.randint(*p.helpers), self.scale, minimum=3)
        minors = _scaled(p.minors, self.scale)
        providers = _scaled(p.neighbour_providers, self.scale)
        regular = max(2, total - minors - providers)
        homes = rng.choices(self.homes, weights=self.home_weights, k=regular + minors)
        for i in range(regular + minors):
            persona = "minor" if i >= regular else _pick(rng, p.personas)
            self._add_helper(persona, homes[i], rng)

    def _next_helper_id(self) -> str:
        return f"h-{len(self.helpers) + 1:05d}"

    def _add_helper(self, persona: str, home: str, rng: random.Random) -> dict[str, Any]:
        hid = self._next_helper_id()
        p = self.p
        uk = persona != "minor" and rng.random() < p.uk_share
        first = rng.choice(UK_FIRST_NAMES if uk else FIRST_NAMES)
        name = f"{first} {rng.choice(INITIALS)}."
        availability = self._availability(persona, rng)
        cap = rng.choice(CAPS[persona])
        modes, max_travel = self._modes(persona, rng)
        cats = self._categories(persona, modes, rng)
        skills = self._skills(persona, cats, rng)
        languages = {"pl"}
        if uk:
            languages.add("uk")
        en_p = {"student": 0.6, "minor": 0.7, "worker": 0.35}.get(persona, 0.08)
        if rng.random() < en_p:
            languages.add("en")
        if rng.random() < 0.06:
            languages.add("de")
        quals: set[str] = set()
        if rng.random() < {"senior": 0.06, "worker": 0.03}.get(persona, 0.0):
            quals.add("nurse")
        if rng.random() < 0.015:
            quals.add("pjm")  # Polish sign language
        agreement, nnw = self._agreement(persona, cats, cap, rng)
        lived_abroad = (uk and rng.random() < 0.8) or rng.random() < 0.05
        credentials = self._credentials(persona, cats, nnw, lived_abroad, rng)
        unavailable: list[DateRange] = []
        if rng.random() < 0.1:
            off = rng.randint(-2, len(self.dates) - 1)
            length = rng.randint(2, 5)
            first_day = self.start + timedelta(days=off)
            unavailable.append(DateRange(first_day, first_day + timedelta(days=length - 1)))
        max_residents = None
        if rng.random() < (0.3 if persona == "senior" else 0.1):
            max_residents = rng.choice((1, 2) if persona == "senior" else (2, 3))
        spec: dict[str, Any] = {
            "id": hid, "home": home, "weekly_hours_cap": cap, "availability": availability,
            "agreement": agreement, "name": name, "kind": HelperKind.VOLUNTEER,
            "modes": modes, "max_travel_minutes": max_travel, "unavailable": unavailable,
            "max_residents": max_residents, "skills": skills, "languages": languages,
            "qualifications": quals, "credentials": credentials,
            "is_minor": persona == "minor",
            "guardian_consent": persona == "minor" and (p.showcase or rng.random() < 0.85),
            "family_of": set(), "vetoes_residents": set(), "vetoes_categories": set(),
        }
        if persona == "self_help":
            spec["kind"] = HelperKind.SELF_HELP
        self.helpers.append(spec)
        return spec

    def _availability(self, persona: str, rng: random.Random) -> list[WeeklyWindow]:
        wins: list[WeeklyWindow] = []
        if persona == "senior":
            slot = rng.choice((("09:00", "12:00"), ("09:00", "13:00"), ("10:00", "14:00"),
                               ("12:00", "16:00"), ("13:00", "17:00")))
            wins += _weekly_windows(rng.sample(_WORKDAYS, rng.randint(2, 5)), *slot)
            if rng.random() < 0.2:
                wins.append(_ww(rng.choice(_WEEKDAYS[5:]), "10:00", "13:00"))
        elif persona == "student":
            slot = rng.choice((("15:00", "19:00"), ("16:00", "20:00"), ("14:00", "18:00")))
            wins += _weekly_windows(rng.sample(_WORKDAYS, rng.randint(2, 4)), *slot)
            if rng.random() < 0.3:
                wins.append(_ww("sat", "10:00", "14:00"))
        elif persona == "worker":
            slot = rng.choice((("17:00", "20:00"), ("17:30", "21:00"), ("16:30", "19:30")))
            wins += _weekly_windows(rng.sample(_WORKDAYS, rng.randint(1, 3)), *slot)
            if rng.random() < 0.6:
                weekend = rng.choice(_WEEKDAYS[5:])
                wins.append(_ww(weekend, *rng.choice((("09:00", "13:00"),
                                                               ("14:00", "18:00")))))
        elif persona == "minor":
            wins += _weekly_windows(rng.sample(_WORKDAYS, 2), "15:00", "18:00")
            if rng.random() < 0.4:
                wins.append(_ww("sat", "10:00", "13:00"))
        elif persona == "self_help":
            wins.append(_ww(rng.choice(_WORKDAYS), "16:00", "20:00"))
            if rng.random() < 0.3:
                wins.append(_ww(rng.choice(_WORKDAYS), "10:00", "13:00"))
        else:  # neighbour service: paid work on weekdays
            wins += _weekly_windows(_WORKDAYS, "08:00", "16:00")
        # One window per weekday at most (keeps them disjoint), sorted mon..sun.
        by_day = {w.day: w for w in wins}
        return [by_day[d] for d in _sorted_days(by_day)]

    def _modes(self, persona: str, rng: random.Random) -> tuple[set[TravelMode], float]:
        p = self.p
        modes = {TravelMode.WALK}
        if rng.random() < p.car_share * CAR_FACTOR[persona]:
            modes.add(TravelMode.CAR)
        if rng.random() < p.bike_share * (1.5 if persona in ("student", "minor") else 1.0):
            modes.add(TravelMode.BIKE)
        if persona != "neighbour" and (TravelMode.CAR not in modes or p.setting == "city") \
                and rng.random() < p.bus_share:
            modes.add(TravelMode.BUS)
        if TravelMode.CAR in modes:
            limit = rng.choice((20.0, 30.0, 30.0, 40.0, 45.0))
        elif TravelMode.BUS in modes:
            limit = rng.choice((30.0, 40.0, 45.0, 60.0))
        elif TravelMode.BIKE in modes:
            limit = rng.choice((15.0, 20.0, 25.0, 30.0))
        else:
            limit = rng.choice((10.0, 15.0, 20.0, 25.0, 30.0))
        return modes, limit * p.travel_limit_factor

    def _categories(self, persona: str, modes: set[TravelMode],
                    rng: random.Random) -> set[str]:
        taste = CATEGORY_TASTE[persona]
        cats = {c for c, pr in taste if rng.random() < pr}
        if TravelMode.CAR not in modes:
            cats.discard("transport")
        if not cats:
            cats.add(taste[0][0])
        return cats

    def _skills(self, persona: str, cats: set[str], rng: random.Random) -> set[str]:
        skills: set[str] = set()
        if cats & _CHILD_CATEGORIES:
            if rng.random() < 0.55:
                skills.add("tutoring_math")
            if rng.random() < 0.35:
                skills.add("tutoring_english")
        smart = 0.9 if "digital_help" in cats else (0.8 if persona in ("student", "minor")
                                                    else 0.3)
        if rng.random() < smart:
            skills.add("smartphone")
        if rng.random() < (0.9 if "home_repair" in cats else 0.05):
            skills.add("diy")
        lifting = {"worker": 0.35, "student": 0.3, "neighbour": 0.5}.get(persona, 0.05)
        if rng.random() < lifting:
            skills.add("lifting")
        return skills

    def _agreement(self, persona: str, cats: set[str], cap: float,
                   rng: random.Random) -> tuple[Agreement | None, tuple[date, date] | None]:
        """An agreement and the accident insurance (NNW) that goes with it, if any."""
        start, days = self.start, len(self.dates)
        year = (date(start.year, 1, 1), date(start.year, 12, 31))
        agreement_cap = None
        if persona == "minor":
            agreement_cap = 2.0
        elif rng.random() < 0.15:
            agreement_cap = max(1.5, cap - 1.0)
        u = rng.random()
        if persona == "minor":
            u = 0.5  # minors: always a written agreement signed with the guardian
        if u < 0.03:
            return None, None
        if u < 0.15:  # a short trial agreement (30 days), not written: NNW matters (H3)
            frm = _days_ago(start, rng, 0, 20)
            to = frm + timedelta(days=29)
            v = rng.random()
            nnw = (frm, to) if v < 0.65 else None if v < 0.85 else (frm, frm + timedelta(days=10))
            return Agreement(frm, to, written=False, categories=cats,
                             weekly_hours_cap=agreement_cap), nnw
        if u < 0.18:  # long and open-ended, but the paperwork is missing (H2)
            return Agreement(_days_ago(start, rng, 30, 300), None, written=False,
                             categories=cats, weekly_hours_cap=agreement_cap), None
        nnw = year if rng.random() < 0.55 else None
        if u < 0.21 and days > 1:  # a new volunteer who starts during the period
            frm = start + timedelta(days=rng.randint(1, days - 1))
            return Agreement(frm, None, written=True, categories=cats,
                             weekly_hours_cap=agreement_cap), nnw
        frm = _days_ago(start, rng, 10, 330)
        until = None if rng.random() < 0.5 else frm + timedelta(days=364)
        return Agreement(frm, until, written=True, categories=cats,
                         weekly_hours_cap=agreement_cap), nnw

    def _credentials(self, persona: str, cats: set[str], nnw: tuple[date, date] | None,
                     lived_abroad: bool, rng: random.Random) -> Credentials:
        start, days = self.start, len(self.dates)
        rsps = krk = foreign = None
        child = bool(cats & _CHILD_CATEGORIES)
        u = rng.random()
        if (child and u < 0.82) or (not child and u < 0.25):
            rsps = _days_ago(start, rng, 10, 400)
            krk = _days_ago(start, rng, 10, 400)
        elif child and u < 0.9 and days > 1:  # the register is checked during the period
            krk = _days_ago(start, rng, 10, 200)
            rsps = start + timedelta(days=rng.randint(1, days - 1))
        if lived_abroad and krk is not None and rng.random() < 0.5:
            foreign = _days_ago(start, rng, 5, 300)
        first_aid = None
        if rng.random() < (0.85 if "respite" in cats else 0.3):
            if rng.random() < 0.8:
                first_aid = self.end + timedelta(days=rng.randint(30, 700))
            else:
                first_aid = _days_ago(start, rng, 10, 300)  # expired
        v = rng.random()
        bhp = (_days_ago(start, rng, 5, 400) if v < 0.92 else None if v < 0.96 or days == 1
               else start + timedelta(days=rng.randint(1, days - 1)))
        return Credentials(
            rsps_checked_on=rsps, krk_presented_on=krk, lived_abroad_recently=lived_abroad,
            foreign_record_on=foreign, first_aid_valid_to=first_aid, bhp_briefed_on=bhp,
            nnw_valid_from=nnw[0] if nnw else None, nnw_valid_to=nnw[1] if nnw else None,
        )

    # -- required needs, each with a helper who can meet it ------------------------------------
    def _is_clean(self, h: dict[str, Any]) -> bool:
        a: Agreement | None = h["agreement"]
        c: Credentials = h["credentials"]
        return (h["kind"] is HelperKind.VOLUNTEER and not h["is_minor"]
                and a is not None and a.written and a.valid_from <= self.start
                and (a.valid_to is None or a.valid_to >= self.end)
                and c.bhp_briefed_on is not None and c.bhp_briefed_on <= self.start
                and not h["unavailable"] and "pl" in h["languages"]
                and bool(a.categories & set(_SIMPLE)))

    def _make_anchors(self) -> None:
        rng = self.rng["anchors"]
        count = _scaled(self.p.required_needs, self.scale)
        candidates = [h for h in self.helpers if self._is_clean(h)]
        rng.shuffle(candidates)
        if len(candidates) < count:  # tidy up the paperwork of a few more helpers
            seen = {h["id"] for h in candidates}
            others = [h for h in self.helpers
                      if h["id"] not in seen and h["kind"] is HelperKind.VOLUNTEER
                      and not h["is_minor"]]
            for h in others[:count - len(candidates)]:
                cats = h["agreement"].categories if h["agreement"] else frozenset()
                h["agreement"] = Agreement(_days_ago(self.start, rng, 30, 300), None,
                                           written=True, categories=cats | {"companionship"})
                h["credentials"] = attrs.evolve(
                    h["credentials"], bhp_briefed_on=_days_ago(self.start, rng, 5, 200))
                h["unavailable"] = []
                h["languages"] = h["languages"] | {"pl"}
                candidates.append(h)
        for h in candidates[:count]:
            pool = [r for r in self.residents
                    if r["home"] == h["home"] and r["id"] not in self.reserved_residents
                    and r["type"] in OLDER and "pl" in r["languages"]]
            if not pool:  # no one suitable lives there: someone moves in (synthetic data)
                pool = [r for r in self.residents if r["id"] not in self.reserved_residents
                        and r["type"] != "refugee"]
                if not pool:
                    continue
                pool = [rng.choice(pool)]
                pool[0]["home"] = h["home"]
                pool[0]["languages"] = {"pl"}
            res = rng.choice(pool)
            cat = rng.choice(sorted(h["agreement"].categories & set(_SIMPLE)))
            win: WeeklyWindow = rng.choice(h["availability"])
            duration = 60 if win.minutes >= 60 else 30
            self.needs.append({
                "id": self._next_need_id(), "category": cat, "duration_minutes": duration,
                "windows": [TimeWindow(win.start, win.end)],
                "recurrence": Recurrence.weekly(win.day),
                "applied_on": _days_ago(self.start, rng, 30, 200), "resident": res["id"],
                "priority": 3, "required": True,
            })
            res["previous"].add(h["id"])
            self.reserved_residents.add(res["id"])
            self.reserved_helpers.add(h["id"])

    def _next_need_id(self) -> str:
        return f"n-{len(self.needs) + 1:05d}"

    # -- neighbour-service providers -----------------------------------------------------------
    def _make_neighbours(self) -> None:
        rng = self.rng["neighbours"]
        count = _scaled(self.p.neighbour_providers, self.scale)
        pool = [r for r in self.residents
                if r["type"] in OLDER and r["id"] not in self.reserved_residents
                and "pl" in r["languages"]]
        rng.shuffle(pool)
        for k in range(min(count, len(pool))):
            res = pool[k]
            h = self._add_helper("senior", res["home"], rng)  # then made a provider below
            h["kind"] = HelperKind.NEIGHBOUR_SERVICE
            h["availability"] = self._availability("neighbour", rng)
            h["weekly_hours_cap"] = rng.choice(CAPS["neighbour"])
            h["modes"] = {TravelMode.WALK} | ({TravelMode.CAR} if rng.random() < 0.5 else set())
            h["max_travel_minutes"] = 20.0
            h["max_residents"] = None
            h["unavailable"] = []
            h["languages"] = h["languages"] | {"pl"}
            h["agreement"] = Agreement(_days_ago(self.start, rng, 20, 200), None, written=True,
                                       categories={"neighbour_care", "shopping", "companionship"})
            first_aid = self.end + timedelta(days=rng.randint(60, 600))
            if k >= 1 and rng.random() < 0.35:  # the training lapsed: H7 excludes them
                first_aid = _days_ago(self.start, rng, 5, 60)
            h["credentials"] = Credentials(
                first_aid_valid_to=first_aid,
                fitness_declared_on=_days_ago(self.start, rng, 20, 200),
                organiser_accepted_on=_days_ago(self.start, rng, 10, 150),
                bhp_briefed_on=_days_ago(self.start, rng, 10, 150),
            )
            self.providers.add(h["id"])
            accepting = [res]
            if k == 0:  # the first provider is accepted by a second resident next door
                more = [r for r in pool[count:] if r["home"] == res["home"]]
                accepting += more[:1]
            for r in accepting:
                r["accepted"].add(h["id"])
                self._add_need(r, "neighbour_care", rng)

    # -- individual needs ----------------------------------------------------------------------
    def _make_needs(self) -> None:
        rng = self.rng["needs"]
        target = _scaled(rng.randint(*self.p.needs), self.scale)
        if self.p.name == "tiny":
            target = rng.randint(*self.p.needs)
        have: dict[str, set[str]] = {r["id"]: set() for r in self.residents}
        for n in self.needs:
            have[n["resident"]].add(n["category"])
        for r in self.residents:
            if not have[r["id"]] and len(self.needs) < target:
                cat = _pick(rng, NEEDS_BY_TYPE[r["type"]])
                self._add_need(r, cat, rng)
                have[r["id"]].add(cat)
        attempts = 0
        while len(self.needs) < target and attempts < 100 * target:
            attempts += 1
            r = rng.choice(self.residents)
            cat = _pick(rng, NEEDS_BY_TYPE[r["type"]])
            if cat in have[r["id"]]:
                continue
            self._add_need(r, cat, rng)
            have[r["id"]].add(cat)

    def _weekly(self, rng: random.Random, k: int, pool: Sequence[Weekday]) -> Recurrence:
        if self.p.visit_factor != 1.0:
            x = k * self.p.visit_factor
            k = min(len(pool), int(x) + (rng.random() < x - int(x)))
        days = _sorted_days(rng.sample(list(pool), k))
        start = end = None
        if self.weeks >= 2:
            u, span = rng.random(), len(self.dates) - 7
            if u < 0.08:  # applied recently: visits start during the period
                start = self.start + timedelta(days=rng.randint(1, span))
            elif u < 0.12:  # ends during the period (a stay in hospital is planned)
                end = self.end - timedelta(days=rng.randint(1, span))
        return Recurrence.weekly(*days, start=start, end=end)

    def _once(self, rng: random.Random, pool: Sequence[Weekday]) -> Recurrence:
        return Recurrence.once(rng.choice([d for d in self.dates if Weekday.of(d) in pool]))

    def _add_need(self, r: dict[str, Any], cat: str, rng: random.Random) -> None:
        spec = self._need_shape(cat, rng)
        spec.update(id=self._next_need_id(), category=cat, resident=r["id"],
                    applied_on=_days_ago(self.start, rng, 3, 240))
        self.needs.append(spec)

    def _need_shape(self, cat: str, rng: random.Random) -> dict[str, Any]:
        """Duration, windows, recurrence and requirements typical of a category."""
        s: dict[str, Any] = {"helpers_needed": 1, "priority": 1}
        all_days, work = _WEEKDAYS, _WORKDAYS
        mon_sat = _WEEKDAYS[:6]

        def windows(*pairs: tuple[str, str]) -> list[TimeWindow]:
            return [_tw(a, b) for a, b in pairs]

        if cat == "shopping":
            s["duration_minutes"] = rng.choice((45, 60, 60, 90))
            s["windows"] = rng.choice((windows(("09:00", "13:00")), windows(("14:00", "18:00")),
                                       windows(("09:00", "12:00"), ("15:00", "19:00"))))
            s["recurrence"] = (self._once(rng, mon_sat) if rng.random() < 0.1
                               else self._weekly(rng, rng.choice((1, 2, 2, 3)), mon_sat))
            s["priority"] = rng.choice((0, 1, 1, 2))
            if rng.random() < 0.15:
                s["required_skills"] = {"lifting"}
        elif cat == "escort":
            s["duration_minutes"] = rng.choice((90, 120))
            s["windows"] = rng.choice((windows(("08:00", "14:00")), windows(("07:30", "12:00"))))
            s["recurrence"] = (self._once(rng, work) if rng.random() < 0.6
                               else self._weekly(rng, 1, work))
            s["priority"] = rng.choice((2, 2, 3))
        elif cat == "transport":
            s["duration_minutes"] = rng.choice((60, 90, 120))
            s["windows"] = windows(("07:30", "15:00"))
            s["recurrence"] = (self._once(rng, work) if rng.random() < 0.5
                               else self._weekly(rng, 1, work))
            s["required_mode"] = TravelMode.CAR
            s["priority"] = rng.choice((2, 3))
            if rng.random() < 0.08:  # a wheelchair transfer
                s["helpers_needed"] = 2
                s["required_skills"] = {"lifting"}
        elif cat == "companionship":
            s["duration_minutes"] = rng.choice((60, 60, 90))
            s["windows"] = rng.choice((windows(("10:00", "13:00")), windows(("15:00", "19:00")),
                                       windows(("10:00", "12:30"), ("16:00", "19:30"))))
            s["recurrence"] = self._weekly(rng, rng.choice((1, 2, 3, 3, 4)), all_days)
            s["priority"] = rng.choice((0, 1, 1, 2))
            if rng.random() < 0.03:  # a deaf resident: sign language (a qualification, H9)
                s["required_qualifications"] = {"pjm"}
        elif cat == "walk":
            s["duration_minutes"] = rng.choice((30, 45, 60))
            s["windows"] = rng.choice((windows(("10:00", "12:30")), windows(("14:00", "18:00"))))
            s["recurrence"] = self._weekly(rng, rng.choice((2, 3, 4, 5)), all_days)
            s["priority"] = rng.choice((0, 1))
            if rng.random() < 0.1:  # a wheelchair on hilly paths
                s["helpers_needed"] = 2
                s["required_skills"] = {"lifting"}
        elif cat == "homework_help":
            s["duration_minutes"] = rng.choice((60, 90))
            s["windows"] = rng.choice((windows(("14:30", "18:30")), windows(("15:00", "19:00"))))
            s["recurrence"] = self._weekly(rng, rng.choice((2, 2, 3, 4)), work)
            s["priority"] = rng.choice((1, 2))
            u = rng.random()
            if u < 0.4:
                s["required_skills"] = {"tutoring_math"}
            elif u < 0.6:
                s["required_skills"] = {"tutoring_english"}
        elif cat == "home_repair":
            s["duration_minutes"] = rng.choice((60, 90, 120))
            saturday = rng.random() < 0.5
            s["windows"] = windows(("09:00", "15:00") if saturday else ("10:00", "16:00"))
            pool = (Weekday.SAT,) if saturday else work
            s["recurrence"] = (self._once(rng, pool) if rng.random() < 0.8
                               else self._weekly(rng, 1, pool))
            s["required_skills"] = {"diy"}
            s["priority"] = rng.choice((0, 1, 2))
            if rng.random() < 0.3:  # heavy work
                s["helpers_needed"] = 2
        elif cat == "digital_help":
            s["duration_minutes"] = rng.choice((30, 45, 60))
            s["windows"] = rng.choice((windows(("10:00", "13:00")), windows(("15:00", "19:00")),
                                       windows(("16:00", "20:00"))))
            s["recurrence"] = (self._once(rng, mon_sat) if rng.random() < 0.4
                               else self._weekly(rng, rng.choice((1, 2)), mon_sat))
            s["required_skills"] = {"smartphone"}
            s["priority"] = rng.choice((0, 1))
            if rng.random() < 0.05:  # a pension portal abroad
                s["required_languages"] = {"en"}
        elif cat == "respite":
            s["duration_minutes"] = 120
            s["windows"] = rng.choice((windows(("09:00", "13:00")), windows(("15:00", "19:00"))))
            s["recurrence"] = self._weekly(rng, rng.choice((1, 2, 2, 3)), mon_sat)
            s["priority"] = rng.choice((2, 3))
            if rng.random() < 0.1:
                s["required_qualifications"] = {"nurse"}
        elif cat == "neighbour_care":
            s["duration_minutes"] = rng.choice((60, 90))
            s["windows"] = rng.choice((windows(("08:00", "12:00")), windows(("12:00", "16:00"))))
            s["recurrence"] = self._weekly(rng, rng.choice((3, 5)), work)
            s["priority"] = rng.choice((2, 3))
        elif cat == "personal_care":
            s["duration_minutes"] = 60
            s["windows"] = windows(("07:30", "10:30"))
            s["recurrence"] = self._weekly(rng, 5, work)
            s["priority"] = 3
        elif cat == "psychotherapy":
            s["duration_minutes"] = 60
            s["windows"] = windows(("10:00", "15:00"))
            s["recurrence"] = self._weekly(rng, 1, work)
            s["priority"] = 2
        elif cat == "addiction_therapy":
            s["duration_minutes"] = 90
            s["windows"] = windows(("16:00", "19:00"))
            s["recurrence"] = self._weekly(rng, 1, work)
            s["priority"] = 2
        else:  # pragma: no cover - internal
            raise AssertionError(cat)
        return s

    # -- group sessions ------------------------------------------------------------------------
    def _make_groups(self) -> None:
        rng = self.rng["groups"]
        school_year = date(self.start.year if self.start.month >= 9 else self.start.year - 1,
                           9, 1)
        for pid, village, t0, t1 in self.schools:
            self.needs.append({
                "id": f"g-club-{village}", "category": "childrens_club", "place": pid,
                "duration_minutes": 90, "windows": [TimeWindow(t0, t1)],
                "recurrence": Recurrence.weekly(*_WORKDAYS), "applied_on": school_year,
                "helpers_needed": 2, "priority": 2, "involves_minors": True,
            })
        selfhelp: list[tuple[str, Weekday]] = []
        for pid, village, kind in self.venues:
            if kind == "socio":  # socio-therapy club for children and teenagers
                day = rng.choice(_WORKDAYS)
                self.needs.append({
                    "id": f"g-socio-{village}", "category": "group_session", "place": pid,
                    "duration_minutes": 120, "windows": [TimeWindow("15:30", "18:00")],
                    "recurrence": Recurrence.weekly(day), "applied_on": school_year,
                    "priority": 2, "involves_minors": True,
                })
            else:  # support group for adults living with addiction or co-addiction
                day = rng.choice(_WORKDAYS[1:4])
                selfhelp.append((village, day))
                self.needs.append({
                    "id": f"g-selfhelp-{village}", "category": "group_session", "place": pid,
                    "duration_minutes": 90, "windows": [TimeWindow("17:00", "19:00")],
                    "recurrence": Recurrence.weekly(day),
                    "applied_on": _days_ago(self.start, rng, 60, 200), "priority": 1,
                })

        # Members of a self-help group are free on the evening their group meets.
        for h in self.helpers:
            if h["kind"] is not HelperKind.SELF_HELP or not selfhelp:
                continue
            own = [g for g in selfhelp if g[0] == h["home"]]
            _village, day = own[0] if own else rng.choice(selfhelp)
            by_day = {w.day: w for w in h["availability"]}
            by_day[day] = _ww(day, "16:00", "20:00")
            h["availability"] = [by_day[d] for d in _sorted_days(by_day)]

    # -- formal services -----------------------------------------------------------------------
    def _make_services(self) -> None:
        rng = self.rng["services"]
        free = [r for r in self.residents if r["id"] not in self.reserved_residents]
        slots = (("07:30", "09:30"), ("08:00", "10:00"), ("09:00", "11:00"))
        groups: dict[int, list[str]] = {i: [] for i in range(len(slots))}
        for r in free:
            if r["type"] in OLDER and rng.random() < self.p.care_share:
                groups[rng.randrange(len(slots))].append(r["id"])
        for i, slot in enumerate(slots):
            if not groups[i]:
                continue
            valid = None
            if i == len(slots) - 1 and self.weeks >= 2 and self.p.showcase:
                # This care contract ends half-way through the period.
                valid = DateRange(_days_ago(self.start, rng, 60, 200),
                                  self.start + timedelta(days=len(self.dates) // 2))
            self.services.append(FormalService(
                f"care-{i + 1}", provider="CUS: usługi opiekuńcze (care team)",
                category="personal_care", recipients=groups[i],
                schedule=_weekly_windows(_WORKDAYS, *slot), valid=valid,
                covers={"shopping"}))
        psych = [n["resident"] for n in self.needs
                 if n["category"] == "psychotherapy" and n["resident"] not in
                 self.reserved_residents]
        if psych:
            self.services.append(FormalService(
                "psychologist-tue", provider="CUS: psycholog (consultation point)",
                category="psychotherapy", recipients=psych,
                schedule=[_ww("tue", "10:00", "12:00")]))
        kids = sorted({n["resident"] for n in self.needs if n["category"] == "homework_help"
                       and n["resident"] not in self.reserved_residents})
        club = [k for k in kids if rng.random() < 0.25]
        if club:
            self.services.append(FormalService(
                "school-day-room", provider="Szkoła: świetlica szkolna (school day room)",
                category="childrens_club", recipients=club,
                schedule=_weekly_windows(_WORKDAYS, "12:00", "15:00"),
                covers={"homework_help"}))

    # -- vetoes, family, continuity ------------------------------------------------------------
    def _make_links(self) -> None:
        rng = self.rng["links"]
        fixed_h = self.reserved_helpers | self.providers
        by_home_h: dict[str, list[dict[str, Any]]] = {}
        for h in self.helpers:
            if h["id"] not in fixed_h:
                by_home_h.setdefault(h["home"], []).append(h)
        by_home_r: dict[str, list[dict[str, Any]]] = {}
        for r in self.residents:
            if r["id"] not in self.reserved_residents:
                by_home_r.setdefault(r["home"], []).append(r)
        cats_of: dict[str, set[str]] = {}
        for n in self.needs:
            if n.get("resident"):
                cats_of.setdefault(n["resident"], set()).add(n["category"])
        for r in self.residents:
            near = by_home_h.get(r["home"], [])
            if r["id"] in self.reserved_residents or not near:
                continue
            if rng.random() < 0.05:  # the resident refuses a neighbour as helper
                r["vetoes"].add(rng.choice(near)["id"])
            if rng.random() < 0.3:  # someone from the village helped before (continuity)
                mine = cats_of.get(r["id"], set())
                asked = rng.sample(near, min(25, len(near)))  # keeps big cities linear
                fits = [h for h in asked if h["agreement"] is not None
                        and h["id"] not in r["vetoes"] and h["agreement"].categories & mine]
                if fits:
                    r["previous"].add(rng.choice(fits)["id"])
        for h in self.helpers:
            near_r = by_home_r.get(h["home"], [])
            if h["id"] in fixed_h:
                continue
            if near_r and rng.random() < 0.04:
                h["vetoes_residents"].add(rng.choice(near_r)["id"])
            cats = sorted(h["agreement"].categories) if h["agreement"] else []
            if len(cats) >= 2 and rng.random() < 0.05:  # "not transport any more, my back"
                h["vetoes_categories"].add(rng.choice(cats))
            if near_r and rng.random() < 0.08:  # an aunt who helps with homework (H1 exemption)
                kids = [r for r in near_r if r["type"] == "family_children"]
                if kids:
                    h["family_of"].add(rng.choice(kids)["id"])

    def _make_ipus(self) -> None:
        rng = self.rng["ipus"]
        plans: dict[str, Ipus] = {}
        for r in self.residents:
            if r["id"] in self.reserved_residents or rng.random() >= self.p.ipus_share:
                continue
            # The plan covers most of the period: it often ends at its end, sometimes earlier.
            days = len(self.dates)
            cut = 0 if rng.random() < 0.7 else rng.randint(1, min(3, days - 1)) if days > 1 else 0
            to = self.end - timedelta(days=cut)
            frm = max(to - timedelta(days=364), min(_days_ago(self.start, rng, 20, 250),
                                                    to - timedelta(days=90)))
            plans[r["id"]] = Ipus(f"ipus-{r['id']}", frm, to)
        for n in self.needs:
            if n.get("resident") in plans:
                n["ipus"] = plans[n["resident"]]

    # -- make sure the rural instance shows each exclusion -------------------------------------
    def _make_showcase(self) -> None:
        rng = self.rng["showcase"]
        fixed = self.reserved_helpers | self.providers
        pool = [h for h in self.helpers if h["id"] not in fixed and not h["is_minor"]]
        rng.shuffle(pool)
        used: set[str] = set()

        def take(pred: Any) -> dict[str, Any] | None:
            for h in pool:
                if h["id"] not in used and pred(h):
                    used.add(h["id"])
                    return h
            return None

        def has_child(h: dict[str, Any]) -> bool:
            return h["agreement"] is not None and bool(h["agreement"].categories
                                                       & _CHILD_CATEGORIES)

        def child_agreement(h: dict[str, Any]) -> None:
            if not has_child(h):
                a = h["agreement"] or Agreement(_days_ago(self.start, rng, 30, 300), None,
                                                written=True)
                h["agreement"] = attrs.evolve(a, categories=a.categories | {"homework_help"})

        # Lived abroad, register and criminal record checked, no foreign record (H1).
        h = take(has_child) or take(lambda h: True)
        if h is not None:
            child_agreement(h)
            h["credentials"] = attrs.evolve(
                h["credentials"], lived_abroad_recently=True, foreign_record_on=None,
                rsps_checked_on=_days_ago(self.start, rng, 10, 200),
                krk_presented_on=_days_ago(self.start, rng, 10, 200))
        # Wants to help children, but the sex-offender register was never checked (H1).
        h = take(has_child) or take(lambda h: True)
        if h is not None:
            child_agreement(h)
            h["credentials"] = attrs.evolve(h["credentials"], rsps_checked_on=None)
        # An aunt who helps with her niece's homework: family, so H1 does not apply.
        if not any(h["family_of"] for h in self.helpers):
            kids = [r for r in self.residents if r["type"] == "family_children"
                    and r["id"] not in self.reserved_residents]
            homes = {r["home"] for r in kids}
            h = take(lambda h: h["home"] in homes)
            if h is not None:
                h["family_of"].add(rng.choice([r for r in kids if r["home"] == h["home"]])["id"])
        # A resident who refuses a helper from the same village (H8).
        if not any(r["vetoes"] for r in self.residents):
            homes = {h["home"] for h in pool}
            free = [r for r in self.residents
                    if r["id"] not in self.reserved_residents and r["home"] in homes]
            if free:
                r = rng.choice(free)
                r["vetoes"].add(rng.choice([h for h in pool if h["home"] == r["home"]])["id"])
        # A short trial agreement, not written, and no accident insurance (H3).
        h = take(lambda h: True)
        if h is not None:
            a = h["agreement"]
            frm = _days_ago(self.start, rng, 0, 5)
            cats = a.categories if a is not None else frozenset({"shopping", "companionship"})
            h["agreement"] = Agreement(frm, frm + timedelta(days=29), written=False,
                                       categories=cats)
            h["credentials"] = attrs.evolve(h["credentials"], nnw_valid_from=None,
                                            nnw_valid_to=None)
