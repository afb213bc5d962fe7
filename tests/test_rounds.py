"""The four-week re-planning scenario of benchmarks/rounds.py, on a smaller gmina."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Every test shares one four-week scenario that takes ~4 s to run.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("rounds", ROOT / "benchmarks" / "rounds.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    store = tmp_path_factory.mktemp("store") / "history.sqlite"
    return mod.run("rural", seed=2, time_limit=1.0, store_path=store, scale=0.5)


def test_every_pin_is_kept_or_explained_and_plans_are_valid(outcome):
    rounds = outcome["rounds"]
    assert len(rounds) == 4
    for r in rounds:
        assert r["pins_kept_or_explained"], r["round"]
        assert r["violations"] == 0, r["round"]
    assert all(r["pinned"] > 0 for r in rounds[1:])
    assert sum(r["pins_dropped"] for r in rounds[1:]) > 0  # the events do remove some visits


def test_repair_changes_fewer_visits_than_solving_from_scratch(outcome):
    later = outcome["rounds"][1:]
    assert all(r["changes_repair"] <= r["changes_scratch"] for r in later)
    assert sum(r["changes_repair"] for r in later) < sum(r["changes_scratch"] for r in later)


def test_continuity_is_reported_and_the_store_round_trips(outcome):
    assert all(r["continuity_share"] is not None for r in outcome["rounds"])
    assert all(r["previous_pairs_share"] is not None for r in outcome["rounds"][1:])
    assert outcome["store_roundtrip"]
    assert outcome["rodo_export_rounds"] == 4
    assert outcome["rodo_aggregates_kept"]
