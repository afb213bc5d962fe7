"""The example scripts in examples/: each runs in both languages and tells its story truly."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest

from cus_match.model import TravelMode
from cus_match.plan.check import check
from cus_match.reasons import Reason

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = ["rural_week", "town_weekends", "support_group", "day_clubs", "compare_rules",
           "replanning"]
LANGS = ["pl", "en"]
# Words that would reveal special-category data (health, addiction) in a printed plan.
HEALTH_WORDS = ["uzależn", "addict", "alkohol", "alcohol", "terap", "therap", "psych",
                "leczen", "treatment", "chorob", "choruj", "disease", "illness", " ill ",
                "sick"]
# What each script prints first in each language: proof the language switch works.
HEADS = {"pl": ["Plan:", "reguła", "Niezależna kontrola"],
         "en": ["Plan:", "rule", "Independent check"]}

_loaded: dict[str, ModuleType] = {}
_runs: dict[tuple[str, str], tuple[object, str]] = {}


def load(name: str) -> ModuleType:
    """Import examples/<name>.py by path (examples/ is not a package)."""
    if name not in _loaded:
        spec = importlib.util.spec_from_file_location(f"cus_match_example_{name}",
                                                      EXAMPLES / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded[name] = module
    return _loaded[name]


def run(name: str, lang: str, capsys: pytest.CaptureFixture[str]) -> tuple[object, str]:
    """``main(lang)`` of a script and what it printed (each run once per session)."""
    if (name, lang) not in _runs:
        capsys.readouterr()
        story = load(name).main(lang)
        _runs[(name, lang)] = (story, capsys.readouterr().out)
    return _runs[(name, lang)]


def test_every_script_has_a_test_and_a_readme_entry():
    scripts = sorted(p.stem for p in EXAMPLES.glob("*.py"))
    assert scripts == sorted(SCRIPTS)
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for name in SCRIPTS:
        assert f"{name}.py" in readme


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", [pytest.param(s, marks=pytest.mark.slow) if s == "compare_rules"
                                  else s for s in SCRIPTS])
def test_script_runs_in_the_language_and_reveals_no_health_data(name, lang, capsys):
    _story, out = run(name, lang, capsys)
    assert out.strip()
    lowered = out.lower()
    for word in HEALTH_WORDS:
        assert word not in lowered, f"{name} ({lang}) prints {word!r}"
    if name != "compare_rules":  # the study prints a table, not a plan
        for phrase in HEADS[lang]:
            assert phrase in out
        other = "en" if lang == "pl" else "pl"
        assert HEADS[other][2] not in out


@pytest.mark.parametrize("name", [s for s in SCRIPTS if s != "compare_rules"])
def test_residents_appear_only_by_their_pseudonymous_ids(name, capsys):
    story, out = run(name, "pl", capsys)
    inst = getattr(story, "instance", None) or story.after  # type: ignore[attr-defined]
    printed = set(re.findall(r"\br-\d+\b", out))
    assert printed <= {r.id for r in inst.residents}
    if inst.residents:
        assert printed  # the plan does name whom it helps, by id


def test_rural_week_bus_line_unmet_reasons_and_shortage(capsys):
    story, out = run("rural_week", "en", capsys)
    inst, plan = story.instance, story.plan
    assert check(inst, plan) == []
    by_bus = [a for a in plan.assignments if a.mode is TravelMode.BUS]
    assert by_bus
    assert all(TravelMode.CAR not in inst.helper(a.helper).modes for a in by_bus)
    assert "WHO TRAVELS BY BUS" in out
    assert "min by bus" in out
    # Homework help: Ola is free then but lacks the child-protection checks (H1).
    lessons = [u for u in plan.unmet if u.need == "lessons-08"]
    assert len(lessons) == 4
    for u in lessons:
        assert ("ola", Reason.CHILD_PROTECTION) in {(m.helper, m.reason) for m in u.near_misses}
    # Łupków, beyond the bus line: out of reach for everyone but Piotr.
    [remote] = [u for u in plan.unmet if u.need == "comp-09"]
    assert remote.reasons[0].reason is Reason.TOO_FAR
    # The main reason is the most actionable one (issue 12): Piotr's agreement, easy to extend.
    assert remote.main_reason is Reason.AGREEMENT_CATEGORY
    assert story.diagnosis.visits == len(plan.unmet)
    assert "Shortage:" in out
    assert "Łupków" in out


def test_rural_week_polish_texts(capsys):
    _story, out = run("rural_week", "pl", capsys)
    assert "KTO DOJEŻDŻA AUTOBUSEM" in out
    assert "Niedobór pomocy" in out
    assert "Prawie pasujący" in out  # explain() in Polish


def test_town_weekends_formal_cover_weekdays_volunteers_fill_gaps(capsys):
    story, out = run("town_weekends", "en", capsys)
    inst, plan = story.instance, story.plan
    assert check(inst, plan) == []
    covered = defaultdict(set)
    for c in plan.covered:
        covered[c.need].add(c.date.weekday())
        assert c.service == "ops-care"
    assert covered["shop-01"] == {0, 1, 2, 3, 4}  # weekdays: the carer shops
    met = defaultdict(set)
    for a in plan.assignments:
        met[a.need].add(a.date.weekday())
    assert met["shop-01"] == {5, 6}  # weekends: volunteers, never a duplicate on weekdays
    assert met["evening-02"] == set(range(7))  # evenings are a gap every day
    care = inst.service("ops-care")
    for a in plan.assignments:
        if inst.need(a.need).resident in care.recipients and a.date.weekday() < 5:
            assert a.start.hour >= 16  # after the carer leaves at 16:00
    assert story.clashes == 0
    walks = [a for a in plan.assignments if a.need == "walk-04" and a.date.weekday() < 5]
    assert walks
    assert all(a.start.hour == 16 for a in walks)
    assert "delivered by the OPS on Mon, Tue, Wed, Thu, Fri" in out


def test_support_group_two_trained_facilitators_and_referrals(capsys):
    story, out = run("support_group", "en", capsys)
    inst, plan = story.instance, story.plan
    assert check(inst, plan) == []
    group = inst.need("group-thu")
    assert group.resident is None
    assert inst.place(group.place).kind.value == "venue"
    teams = defaultdict(set)
    for a in plan.assignments:
        if a.need == "group-thu":
            teams[a.date.isoformat()].add(a.helper)
    assert sorted(teams) == ["2026-04-16", "2026-04-23"]
    for team in teams.values():
        assert len(team) == 2
        assert all("support_group_training" in inst.helper(h).qualifications for h in team)
    assert "barbara" not in teams["2026-04-23"]  # on leave in the second week
    assert {r.need: r.reason for r in plan.referrals} == {
        "ref-102": Reason.PROFESSIONAL_ONLY, "escort-103": Reason.NO_QUALIFIED_HELPER}
    assert "Dorota S.: may not — lacks a required qualification" in out


def test_day_clubs_near_misses_and_what_if(capsys):
    story, out = run("day_clubs", "en", capsys)
    inst, plan = story.instance, story.plan
    unchecked = set(load("day_clubs").UNCHECKED)
    assert check(inst, plan) == []
    assert plan.unmet
    assert not {a.helper for a in plan.assignments} & unchecked
    blocked = {m.helper for u in plan.unmet for m in u.near_misses
               if m.reason is Reason.CHILD_PROTECTION}
    assert blocked
    assert blocked <= unchecked
    assert "would fit, but for one thing: lacks the child-protection checks" in out
    best = story.what_ifs[0]
    assert set(best.change.helpers) == unchecked
    assert best.gain > 0
    assert best.gain_visits == len(plan.unmet)
    assert best.after.visits == 15  # every session of the week
    assert all(w.gain <= best.gain for w in story.what_ifs)


@pytest.mark.slow
def test_compare_rules_study_with_a_custom_rule(capsys):
    story, out = run("compare_rules", "en", capsys)
    records = story.study.records
    runs = defaultdict(int)
    for r in records:
        runs[(r["rule"], r["method"])] += 1
        assert r["violations"] == 0
    assert runs == {("fifo", "greedy"): 2, ("fifo", "auto"): 2, ("equity", "auto"): 2,
                    ("nearest", "nearest"): 2, ("stable", "stable"): 2,
                    ("short-trips", "auto"): 2}
    assert "| rural | short-trips | auto | 2 |" in story.table
    assert story.table in out
    stable = [r for r in records if r["rule"] == "stable"]
    assert all(r["blocking_pairs"] == 0 for r in stable)  # deferred acceptance is stable


def test_replanning_keeps_healthy_pins_and_changes_less_than_from_scratch(capsys):
    story, out = run("replanning", "en", capsys)
    first, repaired, scratch = story.first, story.repaired, story.scratch
    for inst, plan in ((story.before, first), (story.after, repaired), (story.after, scratch)):
        assert check(inst, plan) == []
    ewa = story.after.helper("ewa")
    kept = {(a.need, a.date, a.helper, a.start) for a in repaired.assignments}
    for a in first.assignments:
        if not ewa.is_absent(a.date) or a.helper != "ewa":
            assert (a.need, a.date, a.helper, a.start) in kept
    assert sorted((d.need, d.date.isoformat(), d.helper, d.reason)
                  for d in repaired.dropped_pins) == [
        ("comp-01", "2026-04-15", "ewa", Reason.ABSENT),
        ("comp-01", "2026-04-17", "ewa", Reason.ABSENT)]
    assert any(a.need == "escort-urgent" for a in repaired.assignments)
    assert repaired.changes == 2
    assert scratch.changes is not None
    assert repaired.changes < scratch.changes
    assert "Confirmed visits changed: repair 2, fresh plan 3." in out


def test_output_is_deterministic_but_for_the_solve_time(capsys):
    module = load("day_clubs")
    outs = []
    for _ in range(2):
        capsys.readouterr()
        module.main("pl")
        outs.append(re.sub(r"\d+[.,]\d\d s\)", "N s)", capsys.readouterr().out))
    assert outs[0] == outs[1]


@pytest.mark.slow
def test_command_line_language_switch():
    done = subprocess.run([sys.executable, str(EXAMPLES / "support_group.py"), "--lang", "en"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "WHO MAY CO-FACILITATE THE GROUP" in done.stdout
    bad = subprocess.run([sys.executable, str(EXAMPLES / "support_group.py"), "--lang", "de"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr
