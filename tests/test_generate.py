"""The synthetic instance generator: determinism, validity, sizes, features, the bundled demo."""

from __future__ import annotations

import math
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as dtime
from importlib import resources

import attrs
import pytest

from cus_match.clock import Weekday, minutes_of_day
from cus_match.errors import InvalidOptionError
from cus_match.generate import (
    DEFAULT_START,
    DEMO_NAME,
    DEMO_OPTIONS,
    PROFILES,
    Profile,
    build_demo,
    demo_instance,
    generate,
)
from cus_match.io.json_format import dumps_instance, loads_instance
from cus_match.model import HelperKind, Need, PlaceKind, RecurrenceKind, TravelMode
from cus_match.model.instance import Instance
from cus_match.model.travel import great_circle_km, travel_graph

# --------------------------------------------------------------------------------------------
# Small independent helpers: occurrences and a one-visit eligibility check (constraints 1-15)


def occurrences(inst: Instance, need: Need) -> list[date]:
    period = inst.policy.period
    rec = need.recurrence
    if rec.kind is RecurrenceKind.ONCE:
        assert rec.date is not None
        return [rec.date] if rec.date in period else []
    first = max(period.start, rec.start or period.start)
    last = min(period.end, rec.end or period.end)
    days = {d.number for d in rec.days}
    out, d = [], first
    while d <= last:
        if d.weekday() in days:
            out.append(d)
        d += timedelta(days=1)
    return out


def per_week(inst: Instance) -> float:
    total = sum(len(occurrences(inst, n)) for n in inst.needs)
    return total / (inst.policy.period.days / 7)


def _on(day: date | None, d: date) -> bool:
    return day is not None and day <= d


def exclusion(inst: Instance, h, n: Need, d: date) -> str | None:
    """Why helper ``h`` cannot take the visit of ``n`` on ``d`` alone; ``None`` if it can."""
    pol = inst.policy
    cat = pol.category(n.category)
    res = inst.resident(n.resident) if n.resident else None
    place = inst.need_place(n)
    cr = h.credentials
    family = res is not None and res.id in h.family_of
    if cat.professional_only:
        return "professional_only"
    if (n.involves_minors or cat.involves_minors
            or "child_protection" in cat.requires_credentials) and not family:
        ok = _on(cr.rsps_checked_on, d) and _on(cr.krk_presented_on, d)
        if cr.lived_abroad_recently:
            ok = ok and _on(cr.foreign_record_on, d)
        if not ok:
            return "child_protection"
    a = h.agreement
    if a is None:
        return "no_agreement"
    if n.category not in a.categories:
        return "agreement_category"
    if not a.covers(d):
        return "agreement_dates"
    if (a.days is None or a.days > 30) and not a.written:
        return "agreement_not_written"
    if h.kind is not HelperKind.NEIGHBOUR_SERVICE and a.days is not None and a.days <= 30:
        nnw_ok = cr.nnw_valid_to is not None and cr.nnw_valid_to >= d and (
            cr.nnw_valid_from is None or cr.nnw_valid_from <= d)
        if not nnw_ok:
            return "accident_insurance"
    if not _on(cr.bhp_briefed_on, d):
        return "safety_briefing"
    if h.is_minor and not h.guardian_consent:
        return "minor_consent"
    if h.is_minor and cat.personal_care and n.helpers_needed == 1 \
            and not pol.minors_solo_personal_care:
        return "minor_personal_care"
    if h.kind is HelperKind.NEIGHBOUR_SERVICE:
        walk = inst.travel.minutes(h.home, place, TravelMode.WALK)
        ok = (res is not None and not h.is_minor and not family and walk is not None
              and walk <= pol.neighbour_max_walk_minutes
              and cr.first_aid_valid_to is not None and cr.first_aid_valid_to >= d
              and _on(cr.fitness_declared_on, d) and _on(cr.organiser_accepted_on, d)
              and h.id in res.accepted_neighbours)
        if not ok:
            return "neighbour_rules"
    if res is not None and h.id in res.vetoes:
        return "resident_veto"
    if (res is not None and res.id in h.vetoes_residents) or n.category in h.vetoes_categories:
        return "helper_veto"
    if not (n.required_qualifications | cat.required_qualifications) <= h.qualifications:
        return "qualification"
    if "first_aid" in cat.requires_credentials and not (
            cr.first_aid_valid_to is not None and cr.first_aid_valid_to >= d):
        return "credential"
    if "fitness_declaration" in cat.requires_credentials and not _on(cr.fitness_declared_on, d):
        return "credential"
    if not n.required_skills <= h.skills:
        return "skill"
    if not n.required_languages <= h.languages or (
            res is not None and res.languages and not res.languages & h.languages):
        return "language"
    modes = h.modes if n.required_mode is None else h.modes & {n.required_mode}
    if not modes:
        return "travel_mode"
    best = inst.travel.best(h.home, place, modes)
    if best is None or best[0] > h.max_travel_minutes:
        return "too_far"
    if h.is_absent(d):
        return "absent"
    if n.ipus is not None and not n.ipus.valid_from <= d <= n.ipus.valid_to:
        return "outside_ipus"
    day = Weekday.of(d)
    for w in n.windows:
        for av in h.availability:
            if av.day is day:
                lo = max(minutes_of_day(w.start), minutes_of_day(av.start))
                hi = min(minutes_of_day(w.end), minutes_of_day(av.end))
                if hi - lo >= n.duration_minutes:
                    return None
    return "no_common_time"


def covered(inst: Instance, n: Need, d: date) -> bool:
    """Constraint 22: a formal service the resident receives meets this visit."""
    for s in inst.services:
        if n.resident not in s.recipients or n.category not in s.covered_categories:
            continue
        if s.valid is not None and d not in s.valid:
            continue
        for sw in s.schedule:
            if sw.day is not Weekday.of(d):
                continue
            for w in n.windows:
                lo = max(minutes_of_day(w.start), minutes_of_day(sw.start))
                hi = min(minutes_of_day(w.end), minutes_of_day(sw.end))
                if hi > lo:
                    return True
    return False


# --------------------------------------------------------------------------------------------
# Fixtures: each profile built once per module


@pytest.fixture(scope="module")
def rural() -> Instance:
    return generate("rural", seed=0)


@pytest.fixture(scope="module")
def town() -> Instance:
    return generate("town", seed=0)


@pytest.fixture(scope="module")
def city() -> tuple[Instance, float]:
    t0 = time.perf_counter()
    inst = generate("city", seed=0)
    return inst, time.perf_counter() - t0


# --------------------------------------------------------------------------------------------
# Determinism


@pytest.mark.parametrize(("profile", "seed"), [("tiny", 1), ("rural", 7), ("town", 3)])
def test_same_arguments_give_equal_instances_and_identical_json(profile: str, seed: int) -> None:
    a = generate(profile, seed=seed)
    b = generate(profile, seed=seed)
    assert a == b
    assert dumps_instance(a) == dumps_instance(b)


@pytest.mark.slow
def test_city_is_deterministic_too(city: tuple[Instance, float]) -> None:
    again = generate("city", seed=0)
    assert again == city[0]
    assert dumps_instance(again) == dumps_instance(city[0])


@pytest.mark.parametrize("profile", ["tiny", "rural", "town"])
def test_different_seeds_give_different_instances(profile: str) -> None:
    a, b = generate(profile, seed=1), generate(profile, seed=2)
    # Not just the name: the people and their needs differ.
    assert a.helpers != b.helpers
    assert a.needs != b.needs


@pytest.mark.slow
def test_output_does_not_depend_on_the_hash_seed() -> None:
    # Sets of strings iterate in a per-process order; the generator must never rely on it.
    code = ("import sys; from cus_match.generate import generate; "
            "from cus_match.io.json_format import dumps_instance; "
            "sys.stdout.write(dumps_instance(generate('rural', seed=11, weeks=1, scale=0.3)))")
    outs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": hs}).stdout.decode("utf-8")
        for hs in ("1", "2")
    }
    assert outs == {dumps_instance(generate("rural", seed=11, weeks=1, scale=0.3))}


def test_generation_leaves_the_global_random_state_alone() -> None:
    random.seed(12345)
    before = random.getstate()
    generate("rural", seed=5, weeks=1, scale=0.3)
    assert random.getstate() == before


def test_other_arguments_change_the_instance_but_not_the_geography() -> None:
    base = generate("rural", seed=4, weeks=1)
    longer = generate("rural", seed=4, weeks=3)
    moved = generate("rural", seed=4, weeks=1, start="2026-10-19")
    assert longer.policy.period.days == 21
    assert moved.policy.period.start == date(2026, 10, 19)
    assert base.places == longer.places == moved.places
    assert base.travel_edges == longer.travel_edges
    assert base != longer
    assert base != moved


# --------------------------------------------------------------------------------------------
# Validity and JSON


@pytest.mark.parametrize(("profile", "seed"), [("tiny", 0), ("tiny", 5), ("rural", 1),
                                               ("rural", 2), ("town", 1)])
def test_profiles_build_valid_instances_that_round_trip(profile: str, seed: int) -> None:
    inst = generate(profile, seed=seed)
    assert isinstance(inst, Instance)  # construction validated it
    text = dumps_instance(inst)
    back = loads_instance(text)
    assert back == inst
    assert dumps_instance(back) == text


@pytest.mark.slow
def test_city_round_trips(city: tuple[Instance, float]) -> None:
    inst = city[0]
    text = dumps_instance(inst, indent=None)
    assert loads_instance(text) == inst


def test_default_period_is_a_fixed_monday_with_the_spring_dst_change(rural: Instance) -> None:
    period = rural.policy.period
    assert period.start == DEFAULT_START == date(2026, 3, 23)
    assert DEFAULT_START.weekday() == 0
    assert date(2026, 3, 29) in period  # clocks go forward that Sunday
    assert period.days == 7 * PROFILES["rural"].default_weeks


def test_residents_are_pseudonymous_ids(rural: Instance, town: Instance) -> None:
    for inst in (rural, town):
        for r in inst.residents:
            assert re.fullmatch(r"r-\d{5}", r.id)


# --------------------------------------------------------------------------------------------
# Sizes


def test_profiles_are_documented_frozen_attrs() -> None:
    assert list(PROFILES) == ["tiny", "rural", "town", "city"]
    for name, prof in PROFILES.items():
        assert isinstance(prof, Profile)
        assert prof.name == name
        assert prof.description
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        PROFILES["tiny"].default_weeks = 3  # type: ignore[misc]


@pytest.mark.parametrize("seed", range(6))
def test_tiny_sizes_and_at_least_one_need_can_be_met(seed: int) -> None:
    inst = generate("tiny", seed=seed)
    assert 2 <= len(inst.places) <= 3
    assert 3 <= len(inst.helpers) <= 4
    assert len(inst.residents) == 3
    assert 4 <= len(inst.needs) <= 5
    assert inst.policy.period.days == 7
    meetable = [(h.id, n.id) for n in inst.needs for h in inst.helpers
                if all(exclusion(inst, h, n, d) is None for d in occurrences(inst, n))]
    assert meetable


def test_rural_sizes(rural: Instance) -> None:
    villages = [p for p in rural.places if p.kind is PlaceKind.VILLAGE]
    assert 15 <= len(villages) <= 20
    assert 25 <= len(rural.helpers) <= 40
    assert 50 <= len(rural.residents) <= 80
    assert 90 <= len(rural.needs) <= 130
    for p in villages:  # around Bukowsko, 49.48N 22.06E
        assert great_circle_km(49.48, 22.06, p.lat, p.lon) < 15


def test_town_sizes(town: Instance) -> None:
    districts = [p for p in town.places if p.kind is PlaceKind.DISTRICT]
    assert 7 <= len(districts) <= 9
    assert 100 <= len(town.helpers) <= 140
    assert 270 <= len(town.needs) <= 330
    assert not town.travel_edges  # great-circle travel


def test_city_sizes_and_speed(city: tuple[Instance, float]) -> None:
    inst, seconds = city
    districts = [p for p in inst.places if p.kind is PlaceKind.DISTRICT]
    assert 28 <= len(districts) <= 32
    assert 2700 <= len(inst.helpers) <= 3300
    assert 2700 <= len(inst.needs) <= 3300
    assert 8000 * 0.85 <= per_week(inst) <= 8000 * 1.15
    assert inst.policy.period.days == 7
    assert seconds < 10


def test_scale_multiplies_people_and_needs() -> None:
    small = generate("rural", seed=3, scale=0.5)
    big = generate("rural", seed=3, scale=2.0)
    assert 3.0 <= len(big.helpers) / len(small.helpers) <= 5.0
    assert 3.0 <= len(big.needs) / len(small.needs) <= 5.0
    assert small.places == big.places


# --------------------------------------------------------------------------------------------
# The rural profile's features


def test_rural_travel_network_roads_walks_and_one_bus_line(rural: Instance) -> None:
    assert rural.travel_edges
    places = {p.id: p for p in rural.places}
    g = travel_graph(rural.places, rural.travel_edges)
    for mode in ("car", "bus", "walk"):
        assert any(mode in d for *_, d in g.edges(data=True)), mode
    for e in rural.travel_edges:
        a, b = places[e.a], places[e.b]
        km = great_circle_km(a.lat, a.lon, b.lat, b.lon)
        if TravelMode.CAR in e.minutes and km > 1:
            # Winding roads: slower than 45 km/h as the crow flies.
            assert e.minutes[TravelMode.CAR] > km / 45 * 60
        if TravelMode.WALK in e.minutes:
            assert e.minutes[TravelMode.WALK] <= 70  # neighbouring villages only
    # Every place is reachable by car.
    car = g.edge_subgraph([(u, v) for u, v, d in g.edges(data=True) if "car" in d])
    assert set(car.nodes) == set(places)
    import networkx as nx

    assert nx.is_connected(car)
    # One bus line: the bus edges between villages form one tree (a line, perhaps with a
    # turn into a village centre and back) through the gmina's seat and several villages.
    bus = [(u, v) for u, v, d in g.edges(data=True)
           if "bus" in d and places[u].kind is PlaceKind.VILLAGE
           and places[v].kind is PlaceKind.VILLAGE]
    line = nx.Graph(bus)
    villages = [p for p in places.values() if p.kind is PlaceKind.VILLAGE]
    assert nx.is_tree(line)
    assert "bukowsko" in line
    assert 4 <= line.number_of_nodes() < len(villages)
    assert sum(deg == 1 for _, deg in line.degree) <= 3  # two ends, at most one turn-back


def test_rural_group_sessions(rural: Instance) -> None:
    places = {p.id: p for p in rural.places}
    clubs = [n for n in rural.needs if n.category == "childrens_club"]
    assert len(clubs) == 3
    for n in clubs:
        assert n.resident is None
        assert places[n.place].kind is PlaceKind.SCHOOL
        assert n.involves_minors
        assert n.helpers_needed == 2
        assert n.duration_minutes == 90
        assert {d.value for d in n.recurrence.days} == {"mon", "tue", "wed", "thu", "fri"}
        assert minutes_of_day(n.windows[0].start) >= 12 * 60  # after lessons
    groups = [n for n in rural.needs if n.category == "group_session"]
    assert len(groups) >= 1
    assert all(n.resident is None and n.place for n in groups)


def test_rural_needs_mix(rural: Instance) -> None:
    cats = Counter(n.category for n in rural.needs)
    for c in ("shopping", "escort", "transport", "companionship", "walk", "digital_help",
              "home_repair", "homework_help"):
        assert cats[c] >= 1, c
    professional = [n for n in rural.needs if rural.category(n.category).professional_only]
    assert professional
    assert all(n.required_mode is TravelMode.CAR
               for n in rural.needs if n.category == "transport")
    kinds = Counter(n.recurrence.kind for n in rural.needs)
    assert kinds[RecurrenceKind.WEEKLY] > 2 * kinds[RecurrenceKind.ONCE] > 0
    assert any(n.helpers_needed == 2 and n.resident for n in rural.needs)
    assert all(0 <= n.priority <= 3 for n in rural.needs)
    assert all(30 <= n.duration_minutes <= 120 for n in rural.needs)
    assert all(n.applied_on < rural.policy.period.start for n in rural.needs)
    with_ipus = [n for n in rural.needs if n.ipus is not None]
    assert with_ipus
    for n in with_ipus:  # covers most of the period
        assert n.ipus.valid_from <= rural.policy.period.start
        assert (rural.policy.period.end - n.ipus.valid_to).days <= 3


def test_rural_required_needs_can_each_be_met_by_some_helper(rural: Instance) -> None:
    required = [n for n in rural.needs if n.required]
    assert len(required) >= 1
    for n in required:
        dates = occurrences(rural, n)
        assert dates
        assert not any(covered(rural, n, d) for d in dates)
        assert any(all(exclusion(rural, h, n, d) is None for d in dates)
                   for h in rural.helpers), n.id


def test_rural_helpers_make_unmet_reasons_interesting(rural: Instance) -> None:
    helpers = rural.helpers
    assert any(h.kind is HelperKind.NEIGHBOUR_SERVICE for h in helpers)
    for h in helpers:
        assert 2 <= h.weekly_hours_cap <= 8
        assert "pl" in h.languages
    neighbours = [h for h in helpers if h.kind is HelperKind.NEIGHBOUR_SERVICE]
    accepted = {hid for r in rural.residents for hid in r.accepted_neighbours}
    assert {h.id for h in neighbours} <= accepted
    first = neighbours[0].credentials
    assert first.first_aid_valid_to is not None
    assert first.fitness_declared_on is not None
    assert first.organiser_accepted_on is not None
    assert any(h.is_minor and h.guardian_consent for h in helpers)
    assert any(h.credentials.lived_abroad_recently and h.credentials.foreign_record_on is None
               and h.agreement and h.agreement.categories & {"homework_help", "childrens_club"}
               for h in helpers)
    assert any(h.agreement and h.agreement.categories & {"homework_help", "childrens_club"}
               and h.credentials.rsps_checked_on is None for h in helpers)
    assert any(h.agreement and h.agreement.days is not None and h.agreement.days <= 30
               and not h.agreement.written and h.credentials.nnw_valid_to is None
               for h in helpers)
    modes = Counter(m for h in helpers for m in h.modes)
    assert modes[TravelMode.WALK] == len(helpers)  # everyone can walk
    assert modes[TravelMode.CAR] >= 0.3 * len(helpers)  # and many drive: it is the mountains
    assert modes[TravelMode.BUS] >= 1
    assert any(r.vetoes for r in rural.residents)
    assert any(h.family_of for h in helpers)
    assert any(r.previous_helpers for r in rural.residents)
    # Credentials are dated before the period when present (a few are checked during it).
    start = rural.policy.period.start
    krk = [h.credentials.krk_presented_on for h in helpers if h.credentials.krk_presented_on]
    assert sum(d < start for d in krk) >= 0.8 * len(krk)


def test_rural_reasons_are_varied_and_many_needs_have_a_helper(rural: Instance) -> None:
    reasons: Counter[str] = Counter()
    helpable = 0
    for n in rural.needs:
        dates = occurrences(rural, n)
        found = False
        for h in rural.helpers:
            why = exclusion(rural, h, n, dates[0])
            reasons[why or "ok"] += 1
            found = found or why is None
        helpable += found
    assert helpable >= 0.3 * len(rural.needs)
    assert helpable < len(rural.needs)  # and some are not: unmet reasons to explain
    expected = {"professional_only", "child_protection", "agreement_category", "too_far",
                "no_common_time", "skill"}
    assert expected <= set(reasons)
    assert len(reasons) >= 12


def test_rural_formal_services_on_weekday_mornings(rural: Instance) -> None:
    care = [s for s in rural.services if s.category == "personal_care"]
    assert care
    for s in care:
        assert {w.day.value for w in s.schedule} == {"mon", "tue", "wed", "thu", "fri"}
        assert all(minutes_of_day(w.end) <= 12 * 60 for w in s.schedule)
        assert s.recipients <= {r.id for r in rural.residents}


def test_town_care_covers_weekdays_and_leaves_weekend_gaps(town: Instance) -> None:
    weekday_cover = weekend_gap = 0
    for s in town.services:
        for n in town.needs:
            if n.resident not in s.recipients or n.category not in s.covered_categories:
                continue
            for d in occurrences(town, n):
                if d.weekday() < 5 and covered(town, n, d):
                    weekday_cover += 1
                elif d.weekday() >= 5 and not covered(town, n, d):
                    weekend_gap += 1
    assert weekday_cover > 0
    assert weekend_gap > 0


# --------------------------------------------------------------------------------------------
# Bad options


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"profile": "village"}, r"unknown profile 'village'; valid profiles: 'tiny', 'rural', "
                             r"'town', 'city'"),
    ({"profile": None}, "valid profiles"),
    ({"scale": 0}, "scale must be a number > 0"),
    ({"scale": -1.5}, "scale must be a number > 0"),
    ({"scale": math.nan}, "scale must be a number > 0"),
    ({"scale": "2"}, "scale must be a number > 0"),
    ({"weeks": 0}, "weeks must be a whole number from 1 to 52"),
    ({"weeks": 53}, "weeks must be a whole number"),
    ({"weeks": 1.5}, "weeks must be a whole number"),
    ({"start": "2026-13-01"}, "start: '2026-13-01' is not a date"),
    ({"start": datetime(2026, 3, 23, 8, 0)}, "start must be a date"),
    ({"start": dtime(8, 0)}, "start must be a date"),
    ({"seed": "0"}, "seed must be an integer"),
    ({"profile": "tiny", "scale": 2}, "fixed sizes"),
])
def test_bad_options_raise_invalid_option_error(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidOptionError, match=match):
        generate(**kwargs)


def test_invalid_option_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        generate("metropolis")


# --------------------------------------------------------------------------------------------
# The bundled demo


def test_demo_loads_and_has_the_advertised_size() -> None:
    demo = demo_instance()
    assert demo.name == DEMO_NAME
    assert 12 <= len(demo.helpers) <= 20
    assert 30 <= len(demo.needs) <= 50
    assert demo.travel_edges
    assert demo.policy.period.days == 7
    assert any(n.required for n in demo.needs)


def test_bundled_demo_is_exactly_what_the_generator_makes() -> None:
    """If this fails, regenerate the file: see docs/generator.md."""
    fresh = attrs.evolve(generate(**DEMO_OPTIONS), name=DEMO_NAME)
    data = resources.files("cus_match.generate.data")
    bundled = data.joinpath("demo_rural.json").read_text("utf-8")
    assert bundled == dumps_instance(fresh) + "\n"
    assert demo_instance() == fresh
    # What `cus-match generate --demo` writes over the file.
    assert dumps_instance(build_demo()) == dumps_instance(fresh)


def test_the_package_reexports_its_modules_names() -> None:
    import cus_match.generate as package
    from cus_match.generate import builder, demo, profiles

    homes = {name: mod for mod in (builder, demo, profiles) for name in mod.__all__}
    for name in package.__all__:
        assert getattr(package, name) is getattr(homes[name], name), name
