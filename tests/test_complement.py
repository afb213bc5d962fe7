"""Gaps formal services leave, on the town example (formal care Mon-Fri 8-16)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cus_match.analysis.complement import formal_gaps
from cus_match.optimise.solve import solve

ROOT = Path(__file__).resolve().parents[1]


def _town():
    spec = importlib.util.spec_from_file_location("town", ROOT / "examples" / "town_weekends.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.build_instance()


def test_gap_visits_are_weekends_and_evenings_and_covered_ones_are_counted():
    inst = _town()
    result = solve(inst, method="auto", time_limit=5, deterministic=True)
    gaps = formal_gaps(inst, result)
    assert gaps.covered == sum(1 for c in result.covered
                               if inst.need(c.need).resident in gaps.residents) > 0
    assert gaps.visits
    for v in gaps.visits:
        assert v.kind in {"weekend", "evening"} or v.date.weekday() < 5
        if v.kind == "weekend":
            assert v.date.weekday() >= 5
        assert (v.helpers == ()) == (v.reason is not None)
    met = {(a.need, a.date) for a in result.assignments}
    assert {(v.need, v.date) for v in gaps.visits if v.helpers} <= met
    counts = gaps.counts()
    assert counts["weekend"][0] > 0  # volunteers cover weekends
    assert "weekend" in gaps.text("en")
    assert "weekendy" in gaps.text("pl")
